// RUN: tessera-opt %s --tgraph-simplify | FileCheck %s

// x.H.H, the adjoint of the adjoint (conj(transpose(conj(transpose(x))))),
// is x under any policy, strict included: both only flip signs and move
// elements.
// CHECK-LABEL: func.func @adjoint_adjoint
// CHECK-SAME: (%[[X:.*]]: tensor<?x3xcomplex<f32>>)
// CHECK-NOT: tgraph.conj
// CHECK-NOT: tgraph.transpose
// CHECK: return %[[X]]
func.func @adjoint_adjoint(%x: tensor<?x3xcomplex<f32>>) -> tensor<?x3xcomplex<f32>>
    attributes {tgraph.policy = "numeric(dtype: f32, strict: true)"} {
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<?x3xcomplex<f32>> -> tensor<3x?xcomplex<f32>>
  %1 = tgraph.conj %0 : tensor<3x?xcomplex<f32>>
  %2 = tgraph.transpose %1 permutation = [1, 0] : tensor<3x?xcomplex<f32>> -> tensor<?x3xcomplex<f32>>
  %3 = tgraph.conj %2 : tensor<?x3xcomplex<f32>>
  return %3 : tensor<?x3xcomplex<f32>>
}

// conj(conj(x)) is x.
// CHECK-LABEL: func.func @conj_conj
// CHECK-SAME: (%[[X:.*]]: tensor<4xcomplex<f32>>)
// CHECK-NEXT: return %[[X]]
func.func @conj_conj(%x: tensor<4xcomplex<f32>>) -> tensor<4xcomplex<f32>> {
  %0 = tgraph.conj %x : tensor<4xcomplex<f32>>
  %1 = tgraph.conj %0 : tensor<4xcomplex<f32>>
  return %1 : tensor<4xcomplex<f32>>
}

// A transpose of a conj becomes the conj of the transpose (x.H with its
// conj outside); a conj that something else also reads stays where it is.
// CHECK-LABEL: func.func @moved
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xcomplex<f32>>)
// CHECK-NEXT: %[[T:.*]] = tgraph.transpose %[[X]] permutation = [1, 0] : tensor<2x3xcomplex<f32>> -> tensor<3x2xcomplex<f32>>
// CHECK-NEXT: %[[C:.*]] = tgraph.conj %[[T]] : tensor<3x2xcomplex<f32>>
// CHECK-NEXT: return %[[C]]
func.func @moved(%x: tensor<2x3xcomplex<f32>>) -> tensor<3x2xcomplex<f32>> {
  %0 = tgraph.conj %x : tensor<2x3xcomplex<f32>>
  %1 = tgraph.transpose %0 permutation = [1, 0] : tensor<2x3xcomplex<f32>> -> tensor<3x2xcomplex<f32>>
  return %1 : tensor<3x2xcomplex<f32>>
}
// CHECK-LABEL: func.func @shared
// CHECK-NEXT: %[[C:.*]] = tgraph.conj
// CHECK-NEXT: %[[T:.*]] = tgraph.transpose %[[C]]
// CHECK-NEXT: return %[[T]], %[[C]]
func.func @shared(%x: tensor<2x3xcomplex<f32>>) -> (tensor<3x2xcomplex<f32>>, tensor<2x3xcomplex<f32>>) {
  %0 = tgraph.conj %x : tensor<2x3xcomplex<f32>>
  %1 = tgraph.transpose %0 permutation = [1, 0] : tensor<2x3xcomplex<f32>> -> tensor<3x2xcomplex<f32>>
  return %1, %0 : tensor<3x2xcomplex<f32>>, tensor<2x3xcomplex<f32>>
}
