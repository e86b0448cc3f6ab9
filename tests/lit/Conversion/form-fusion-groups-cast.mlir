// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s

// A call of an op with symbolic dims with known extents leaves a
// tensor.cast each way after inlining: each becomes a reshape to its type
// (a shape cast: the `?` extent from the operand), which elementwise chains
// run through, so the casts and the op's body are one group; a cast to its
// own type goes.
// CHECK-LABEL: func.func @casts
// CHECK-NOT: tensor.cast
// CHECK: %[[C5:.*]] = arith.constant 5 : index
// CHECK: %[[EW:.*]] = tsched.fusion_group(%arg0, %[[C5]]) {kind = "elementwise", shape = [5, 4]
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<5x4xf32>, %[[N:.*]]: index):
// CHECK-NEXT: %[[IN:.*]] = tgraph.reshape %[[X]] dims(%[[N]]) : tensor<5x4xf32> -> tensor<?x4xf32>
// CHECK-NEXT: %[[SQ:.*]] = tgraph.mul %[[IN]], %[[IN]]
// CHECK-NEXT: %[[OUT:.*]] = tgraph.reshape %[[SQ]] : tensor<?x4xf32> -> tensor<5x4xf32>
// CHECK-NEXT: tsched.yield %[[OUT]]
// CHECK: return %[[EW]]
func.func @casts(%x: tensor<5x4xf32> {tgraph.name = "x", tgraph.shape = [5, 4]})
    -> (tensor<5x4xf32> {tgraph.name = "out0", tgraph.shape = [5, 4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %same = tensor.cast %x : tensor<5x4xf32> to tensor<5x4xf32>
  %c = tensor.cast %same : tensor<5x4xf32> to tensor<?x4xf32>
  %0 = tgraph.mul %c, %c : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %r = tensor.cast %0 : tensor<?x4xf32> to tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}

// The chain around the call is one group too: the cast back's run-time
// extent is read from where the chain starts (the entry's input), not from
// a result of the group itself, which would keep it out.
// CHECK-LABEL: func.func @chain
// CHECK: %[[N:.*]] = tensor.dim %arg0, %{{.*}} : tensor<?x4xf32>
// CHECK: %[[G:.*]] = tsched.fusion_group(%arg0, %[[N]], {{.*}}) {kind = "elementwise"
// CHECK: tgraph.exp
// CHECK: tgraph.reshape {{.*}} : tensor<?x4xf32> -> tensor<?x?xf32>
// CHECK: tgraph.neg
// CHECK: tgraph.reshape {{.*}} : tensor<?x?xf32> -> tensor<?x4xf32>
// CHECK: tgraph.tanh
// CHECK: tsched.yield
// CHECK-NOT: tsched.fusion_group
// CHECK: return %[[G]]
func.func @chain(%x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["B", 4]})
    -> (tensor<?x4xf32> {tgraph.name = "out0", tgraph.shape = ["B", 4]})
    attributes {tgraph.dims = ["B"], tgraph.entry} {
  %e = tgraph.exp %x : tensor<?x4xf32>
  %c = tensor.cast %e : tensor<?x4xf32> to tensor<?x?xf32>
  %n = tgraph.neg %c : tensor<?x?xf32> -> tensor<?x?xf32>
  %r = tensor.cast %n : tensor<?x?xf32> to tensor<?x4xf32>
  %t = tgraph.tanh %r : tensor<?x4xf32>
  return %t : tensor<?x4xf32>
}
