// RUN: tessera-opt %s --tsched-form-fusion-groups=tile-elements=512 | FileCheck %s

// An elementwise chain with a scalar constant becomes one group; the constant
// is copied into it.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[A:.*]]: tensor<?xf32> {{.*}}, %[[B:.*]]: tensor<?xf32> {{.*}})
// CHECK-NOT: = tgraph.
// CHECK: %[[G:.*]] = tsched.fusion_group(%[[A]], %[[B]]) {kind = "elementwise", shape = ["N"], tile = array<i64: 512>} : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?xf32>, %[[Y:.*]]: tensor<?xf32>):
// CHECK-NEXT:   %[[C:.*]] = tgraph.constant 2.000000e+00
// CHECK-NEXT:   %[[M:.*]] = tgraph.mul %[[X]], %[[Y]]
// CHECK-NEXT:   %[[S:.*]] = tgraph.mul %[[M]], %[[C]]
// CHECK-NEXT:   %[[R:.*]] = tgraph.add %[[S]], %[[X]]
// CHECK-NEXT:   tsched.yield %[[R]] : tensor<?xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[G]]
func.func @chain(%a: tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["N"]},
                 %b: tensor<?xf32> {tgraph.name = "b", tgraph.shape = ["N"]})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c = tgraph.constant 2.0 : f32 -> tensor<f32>
  %0 = tgraph.mul %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %1 = tgraph.mul %0, %c : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %2 = tgraph.add %1, %a : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %2 : tensor<?xf32>
}

// Two iteration spaces give two groups; a returned argument is copied by the
// group of its shape; a value returned twice is yielded once.
// CHECK-LABEL: func.func @two_spaces
// CHECK: %[[G0:.*]]:2 = tsched.fusion_group(%{{.*}}) {kind = "elementwise", shape = ["N"], {{.*}}} : (tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>)
// CHECK: tgraph.neg
// CHECK: %[[G1:.*]] = tsched.fusion_group(%{{.*}}) {kind = "elementwise", shape = [4, "M"], {{.*}}} : (tensor<4x?xf64>) -> tensor<4x?xf64>
// CHECK: tgraph.add
// CHECK: return %[[G0]]#0, %[[G1]], %[[G0]]#0, %[[G0]]#1
func.func @two_spaces(%a: tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["N"]},
                      %b: tensor<4x?xf64> {tgraph.name = "b", tgraph.shape = [4, "M"]})
    -> (tensor<?xf32>, tensor<4x?xf64>, tensor<?xf32>, tensor<?xf32>)
    attributes {tgraph.dims = ["N", "M"], tgraph.entry} {
  %0 = tgraph.neg %a : tensor<?xf32> -> tensor<?xf32>
  %1 = tgraph.add %b, %b : tensor<4x?xf64>, tensor<4x?xf64> -> tensor<4x?xf64>
  return %0, %1, %0, %a : tensor<?xf32>, tensor<4x?xf64>, tensor<?xf32>, tensor<?xf32>
}
