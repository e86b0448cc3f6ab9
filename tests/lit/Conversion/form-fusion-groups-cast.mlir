// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s

// A call of an op with symbolic dims with known extents leaves a
// tensor.cast each way after inlining: each becomes a reshape to its type
// (a layout group, the `?` extent from the operand), so the entry runs; a
// cast to its own type goes.
// CHECK-LABEL: func.func @casts
// CHECK-NOT: tensor.cast
// CHECK: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[IN:.*]] = tsched.fusion_group(%arg0, %[[C5]]) {kind = "layout", shape = [5, 4]
// CHECK: tgraph.reshape %{{.*}} dims(%{{.*}}) : tensor<5x4xf32> -> tensor<?x4xf32>
// CHECK: %[[EW:.*]] = tsched.fusion_group(%[[IN]]) {kind = "elementwise", shape = [5, 4]
// CHECK: %[[OUT:.*]] = tsched.fusion_group(%[[EW]]) {kind = "layout", shape = [5, 4]
// CHECK: tgraph.reshape %{{.*}} : tensor<?x4xf32> -> tensor<5x4xf32>
// CHECK: return %[[OUT]]
func.func @casts(%x: tensor<5x4xf32> {tgraph.name = "x", tgraph.shape = [5, 4]})
    -> (tensor<5x4xf32> {tgraph.name = "out0", tgraph.shape = [5, 4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %same = tensor.cast %x : tensor<5x4xf32> to tensor<5x4xf32>
  %c = tensor.cast %same : tensor<5x4xf32> to tensor<?x4xf32>
  %0 = tgraph.mul %c, %c : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %r = tensor.cast %0 : tensor<?x4xf32> to tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}
