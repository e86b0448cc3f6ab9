// RUN: tessera-opt %s --tgraph-simplify | FileCheck %s

// Two transposes compose into one.
// CHECK-LABEL: func.func @compose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = tgraph.transpose %[[X]] permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[T]]
func.func @compose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = tgraph.transpose %x permutation = [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %1 = tgraph.transpose %0 permutation = [2, 1, 0] : tensor<3x2x4xf32> -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// A transpose and its inverse cancel; dynamic dims are kept.
// CHECK-LABEL: func.func @cancel
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @cancel(%x: tensor<?x3x4xf32>) -> tensor<?x3x4xf32> {
  %0 = tgraph.transpose %x permutation = [1, 2, 0] : tensor<?x3x4xf32> -> tensor<3x4x?xf32>
  %1 = tgraph.transpose %0 permutation = [2, 0, 1] : tensor<3x4x?xf32> -> tensor<?x3x4xf32>
  return %1 : tensor<?x3x4xf32>
}

// An inner transpose with another user stays for it.
// CHECK-LABEL: func.func @shared_inner
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[T:.*]] = tgraph.transpose %[[X]] permutation = [1, 0]
// CHECK-NEXT: return %[[X]], %[[T]]
func.func @shared_inner(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>) {
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = tgraph.transpose %0 permutation = [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1, %0 : tensor<2x3xf32>, tensor<3x2xf32>
}

// The identity permutation is the operand.
// CHECK-LABEL: func.func @identity
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @identity(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %0 = tgraph.transpose %x permutation = [0, 1] : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// An identity transpose whose result type is more static than its operand's
// cannot be replaced by the operand without changing the return type.
// CHECK-LABEL: func.func @identity_refines_type
// CHECK-NEXT: tgraph.transpose %{{.*}} permutation = [0, 1] : tensor<?x4xf32> -> tensor<3x4xf32>
func.func @identity_refines_type(%x: tensor<?x4xf32>) -> tensor<3x4xf32> {
  %0 = tgraph.transpose %x permutation = [0, 1] : tensor<?x4xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// A transpose of the last two dims of the lhs becomes transpose_lhs.
// CHECK-LABEL: func.func @matmul_lhs
// CHECK-SAME: (%[[A:.*]]: tensor<8x64x?xf32>, %[[B:.*]]: tensor<64x128xf32>)
// CHECK-NOT: tgraph.transpose
// CHECK: %[[C:.*]] = tgraph.matmul %[[A]], %[[B]] {transpose_lhs = true} : tensor<8x64x?xf32>, tensor<64x128xf32> -> tensor<8x?x128xf32>
// CHECK-NEXT: return %[[C]]
func.func @matmul_lhs(%a: tensor<8x64x?xf32>, %b: tensor<64x128xf32>) -> tensor<8x?x128xf32> {
  %0 = tgraph.transpose %a permutation = [0, 2, 1] : tensor<8x64x?xf32> -> tensor<8x?x64xf32>
  %1 = tgraph.matmul %0, %b : tensor<8x?x64xf32>, tensor<64x128xf32> -> tensor<8x?x128xf32>
  return %1 : tensor<8x?x128xf32>
}

// A transposed rhs with transpose_rhs set already: the flags cancel; the
// tile hint is kept.
// CHECK-LABEL: func.func @matmul_rhs_flips_back
// CHECK-SAME: (%[[A:.*]]: tensor<?x64xf32>, %[[B:.*]]: tensor<64x128xf32>)
// CHECK-NOT: tgraph.transpose
// CHECK: %[[C:.*]] = tgraph.matmul %[[A]], %[[B]] {tile = array<i64: 64, 64, 32>} : tensor<?x64xf32>, tensor<64x128xf32> -> tensor<?x128xf32>
func.func @matmul_rhs_flips_back(%a: tensor<?x64xf32>, %b: tensor<64x128xf32>) -> tensor<?x128xf32> {
  %0 = tgraph.transpose %b permutation = [1, 0] : tensor<64x128xf32> -> tensor<128x64xf32>
  %1 = tgraph.matmul %a, %0 {tile = array<i64: 64, 64, 32>, transpose_rhs = true} : tensor<?x64xf32>, tensor<128x64xf32> -> tensor<?x128xf32>
  return %1 : tensor<?x128xf32>
}

// Both operands at once: A^T B^T.
// CHECK-LABEL: func.func @matmul_both
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<5x4xf32>)
// CHECK-NEXT: %[[C:.*]] = tgraph.matmul %[[A]], %[[B]] {transpose_lhs = true, transpose_rhs = true} : tensor<4x3xf32>, tensor<5x4xf32> -> tensor<3x5xf32>
// CHECK-NEXT: return %[[C]]
func.func @matmul_both(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>) -> tensor<3x5xf32> {
  %0 = tgraph.transpose %a permutation = [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %1 = tgraph.transpose %b permutation = [1, 0] : tensor<5x4xf32> -> tensor<4x5xf32>
  %2 = tgraph.matmul %0, %1 : tensor<3x4xf32>, tensor<4x5xf32> -> tensor<3x5xf32>
  return %2 : tensor<3x5xf32>
}

// A transpose that also moves a batch dim is not a matmul flag.
// CHECK-LABEL: func.func @matmul_batch_permutation
// CHECK-NEXT: %[[T:.*]] = tgraph.transpose %{{.*}} permutation = [2, 0, 1]
// CHECK-NEXT: tgraph.matmul %[[T]], %{{.*}} : tensor<4x2x3xf32>, tensor<3x5xf32> -> tensor<4x2x5xf32>
func.func @matmul_batch_permutation(%a: tensor<2x3x4xf32>, %b: tensor<3x5xf32>) -> tensor<4x2x5xf32> {
  %0 = tgraph.transpose %a permutation = [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = tgraph.matmul %0, %b : tensor<4x2x3xf32>, tensor<3x5xf32> -> tensor<4x2x5xf32>
  return %1 : tensor<4x2x5xf32>
}

// Two reshapes compose; a reshape back to the operand's type vanishes.
// CHECK-LABEL: func.func @reshapes
// CHECK-SAME: (%[[X:.*]]: tensor<2x6xf32>)
// CHECK-NEXT: %[[R:.*]] = tgraph.reshape %[[X]] : tensor<2x6xf32> -> tensor<3x4xf32>
// CHECK-NEXT: return %[[R]], %[[X]]
func.func @reshapes(%x: tensor<2x6xf32>) -> (tensor<3x4xf32>, tensor<2x6xf32>) {
  %0 = tgraph.reshape %x : tensor<2x6xf32> -> tensor<12xf32>
  %1 = tgraph.reshape %0 : tensor<12xf32> -> tensor<3x4xf32>
  %2 = tgraph.reshape %1 : tensor<3x4xf32> -> tensor<2x6xf32>
  return %1, %2 : tensor<3x4xf32>, tensor<2x6xf32>
}

// Duplicates that the rewrites leave are merged (CSE), and dead pure ops go.
// CHECK-LABEL: func.func @merged
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: %[[T:.*]] = tgraph.transpose %[[X]] permutation = [1, 0]
// CHECK-NEXT: return %[[T]], %[[T]]
func.func @merged(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = tgraph.transpose %x permutation = [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = tgraph.transpose %1 permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %3 = tgraph.neg %x : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0, %2 : tensor<3x2xf32>, tensor<3x2xf32>
}

// Under a strict policy the layout rewrites still apply: they are exact.
// CHECK-LABEL: func.func @strict_layout
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]]
func.func @strict_layout(%x: tensor<2x3xf32>) -> tensor<2x3xf32>
    attributes {tgraph.policy = "numeric(dtype: f32, strict: true)"} {
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = tgraph.transpose %0 permutation = [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// Nothing to rewrite: the function is unchanged.
// CHECK-LABEL: func.func @untouched
// CHECK-NEXT: tgraph.transpose %{{.*}} permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-NEXT: tgraph.matmul %{{.*}}, %{{.*}} {transpose_rhs = true} : tensor<2x3xf32>, tensor<3x3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return
func.func @untouched(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>) {
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = tgraph.matmul %x, %y {transpose_rhs = true} : tensor<2x3xf32>, tensor<3x3xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<3x2xf32>, tensor<2x3xf32>
}
