// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// Round trip of the complex parts: conj, imag and complex (a rank-0 part
// broadcast).

// CHECK-LABEL: func.func @parts
// CHECK: %[[C:.*]] = tgraph.conj %arg0 : tensor<?x4xcomplex<f32>>
// CHECK: %[[I:.*]] = tgraph.imag %[[C]] : tensor<?x4xcomplex<f32>> -> tensor<?x4xf32>
// CHECK: tgraph.complex %[[I]], %arg1 : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xcomplex<f32>>
func.func @parts(%z: tensor<?x4xcomplex<f32>>, %s: tensor<f32>) -> tensor<?x4xcomplex<f32>> {
  %0 = tgraph.conj %z : tensor<?x4xcomplex<f32>>
  %1 = tgraph.imag %0 : tensor<?x4xcomplex<f32>> -> tensor<?x4xf32>
  %2 = tgraph.complex %1, %s : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xcomplex<f32>>
  return %2 : tensor<?x4xcomplex<f32>>
}
