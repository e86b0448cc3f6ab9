// RUN: tessera-opt %s --tsched-form-fusion-groups="rows=false" | FileCheck %s
// (rows=false: rows groups, which merge some of these, have their own test,
// form-fusion-groups-rows.mlir.)
// Broadcasts read in place by elementwise groups, and reductions that
// compute their operand with the elementwise chain producing it.

// softmax: the row maxima, the sum of exp(x - max) computed in the sum's
// group (its broadcast, sub and exp cloned there: the division reads them
// too, and they are cheap to recompute), and the division, which reads x,
// the maxima and the sums, with both broadcasts in place. Three groups, and
// every [R, C] value but the result stays in registers.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[MAX:.*]] = tsched.fusion_group(%arg0) {kind = "reduction", shape = ["R", 1], tile = array<i64: 64>}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.reduce_max
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[SUM:.*]] = tsched.fusion_group(%[[MAX]], %[[R:.*]], %[[C:.*]], %arg0) {kind = "reduction", shape = ["R", 1], tile = array<i64: 64>} : (tensor<?x1xf32>, index, index, tensor<?x?xf32>) -> tensor<?x1xf32> {
// CHECK-NEXT: ^bb0(%[[M:.*]]: tensor<?x1xf32>, %[[RA:.*]]: index, %[[CA:.*]]: index, %[[X:.*]]: tensor<?x?xf32>):
// CHECK-NEXT: %[[B:.*]] = tgraph.broadcast %[[M]] dims(%[[RA]], %[[CA]])
// CHECK-NEXT: %[[D:.*]] = tgraph.sub %[[X]], %[[B]]
// CHECK-NEXT: %[[E:.*]] = tgraph.exp %[[D]]
// CHECK-NEXT: %[[S:.*]] = tgraph.reduce_sum %[[E]] axes = [1] {keepdims = true}
// CHECK-NEXT: tsched.yield %[[S]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[Y:.*]] = tsched.fusion_group(%[[MAX]], %[[R]], %[[C]], %arg0, %[[SUM]]) {kind = "elementwise", shape = ["R", "C"], tile = array<i64: 4096>}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.broadcast
// CHECK-NEXT: tgraph.sub
// CHECK-NEXT: tgraph.exp
// CHECK-NEXT: tgraph.broadcast
// CHECK-NEXT: tgraph.div
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[Y]]
func.func @softmax(%x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]})
    -> (tensor<?x?xf32> {tgraph.name = "out0", tgraph.shape = ["R", "C"]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c = tensor.dim %x, %c1 : tensor<?x?xf32>
  %m = tgraph.reduce_max %x axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
  %bm = tgraph.broadcast %m dims(%r, %c) : tensor<?x1xf32> -> tensor<?x?xf32>
  %d = tgraph.sub %x, %bm : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %e = tgraph.exp %d : tensor<?x?xf32>
  %s = tgraph.reduce_sum %e axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
  %bs = tgraph.broadcast %s dims(%r, %c) : tensor<?x1xf32> -> tensor<?x?xf32>
  %y = tgraph.div %e, %bs : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// A chain only the reduction reads moves into its group (constants copied
// in, as in an elementwise group): one group, nothing else computes it.
// CHECK-LABEL: func.func @moved
// CHECK: %[[S:.*]] = tsched.fusion_group(%arg0) {kind = "reduction", shape = [3], {{.*}}} : (tensor<?x3xf32>) -> tensor<3xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x3xf32>):
// CHECK-NEXT: %[[TWO:.*]] = tgraph.constant 2.000000e+00
// CHECK-NEXT: %[[SQ:.*]] = tgraph.mul %[[X]], %[[X]]
// CHECK-NEXT: %[[T:.*]] = tgraph.mul %[[SQ]], %[[TWO]]
// CHECK-NEXT: tgraph.reduce_sum %[[T]] axes = [0]
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[S]]
func.func @moved(%x: tensor<?x3xf32> {tgraph.name = "x", tgraph.shape = ["N", 3]})
    -> (tensor<3xf32> {tgraph.name = "out0", tgraph.shape = [3]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %two = tgraph.constant 2.0 : f32 -> tensor<f32>
  %sq = tgraph.mul %x, %x : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
  %t = tgraph.mul %sq, %two : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xf32>
  %s = tgraph.reduce_sum %t axes = [0] : tensor<?x3xf32> -> tensor<3xf32>
  return %s : tensor<3xf32>
}

// A shared chain too costly to compute twice (two transcendentals) stops at
// the shared value: its elementwise group stores it and the reduction
// reads it, as before fusion.
// CHECK-LABEL: func.func @kept
// CHECK: %[[E:.*]] = tsched.fusion_group(%arg0) {kind = "elementwise", shape = ["N", 4], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.exp
// CHECK-NEXT: tgraph.tanh
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[S:.*]] = tsched.fusion_group(%[[E]]) {kind = "reduction", shape = [4], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.reduce_sum
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[E]], %[[S]]
func.func @kept(%x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 4]})
    -> (tensor<?x4xf32> {tgraph.name = "t", tgraph.shape = ["N", 4]},
        tensor<4xf32> {tgraph.name = "s", tgraph.shape = [4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %e = tgraph.exp %x : tensor<?x4xf32>
  %t = tgraph.tanh %e : tensor<?x4xf32>
  %s = tgraph.reduce_sum %t axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
  return %t, %s : tensor<?x4xf32>, tensor<4xf32>
}

// A broadcast the reduction cannot read in place (a value per row, summed
// over rows and columns at once: it repeats along some reduced dims and
// follows others) stays out of the chain; the elementwise group, which can,
// stores it for the reduction.
// CHECK-LABEL: func.func @mixed
// CHECK: %[[B:.*]] = tsched.fusion_group(%arg1, %{{.*}}) {kind = "elementwise", shape = ["N", 5], {{.*}}} : (tensor<?x1xf32>, index) -> tensor<?x5xf32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.broadcast
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[S:.*]] = tsched.fusion_group(%arg0, %[[B]]) {kind = "reduction", shape = [], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.mul
// CHECK-NEXT: tgraph.reduce_sum {{.*}} axes = [0, 1]
func.func @mixed(%x: tensor<?x5xf32> {tgraph.name = "x", tgraph.shape = ["N", 5]},
                 %w: tensor<?x1xf32> {tgraph.name = "w", tgraph.shape = ["N", 1]})
    -> (tensor<f32> {tgraph.name = "out0", tgraph.shape = []})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x5xf32>
  %bw = tgraph.broadcast %w dims(%n) : tensor<?x1xf32> -> tensor<?x5xf32>
  %p = tgraph.mul %x, %bw : tensor<?x5xf32>, tensor<?x5xf32> -> tensor<?x5xf32>
  %s = tgraph.reduce_sum %p axes = [0, 1] : tensor<?x5xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// Broadcasts an elementwise kernel cannot read in place (repeating along a
// dim between followed ones) stay layout groups.
// CHECK-LABEL: func.func @middle_axis
// CHECK: %[[B:.*]] = tsched.fusion_group(%arg1, %{{.*}}) {kind = "layout", shape = [2, "N", 3], {{.*}}}
// CHECK: tsched.fusion_group(%arg0, %[[B]]) {kind = "elementwise", shape = [2, "N", 3], {{.*}}}
func.func @middle_axis(%x: tensor<2x?x3xf32> {tgraph.name = "x", tgraph.shape = [2, "N", 3]},
                       %m: tensor<2x1x3xf32> {tgraph.name = "m", tgraph.shape = [2, 1, 3]})
    -> (tensor<2x?x3xf32> {tgraph.name = "out0", tgraph.shape = [2, "N", 3]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c1 : tensor<2x?x3xf32>
  %b = tgraph.broadcast %m dims(%n) : tensor<2x1x3xf32> -> tensor<2x?x3xf32>
  %y = tgraph.sub %x, %b : tensor<2x?x3xf32>, tensor<2x?x3xf32> -> tensor<2x?x3xf32>
  return %y : tensor<2x?x3xf32>
}

// A broadcast whose extent is a dim of a value of the latest group cannot
// join that group (the group would read its own result's extent): it
// starts a new one.
// CHECK-LABEL: func.func @own_extent
// CHECK: %[[E:.*]] = tsched.fusion_group(%arg0) {kind = "elementwise", shape = ["N", 2], {{.*}}}
// CHECK: tgraph.exp
// CHECK: %[[N:.*]] = tensor.dim %[[E]], %c0
// CHECK: tsched.fusion_group(%arg1, %[[N]], %[[E]]) {kind = "elementwise", shape = ["N", 2], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.broadcast
// CHECK-NEXT: tgraph.mul
func.func @own_extent(%x: tensor<?x2xf32> {tgraph.name = "x", tgraph.shape = ["N", 2]},
                      %v: tensor<2xf32> {tgraph.name = "v", tgraph.shape = [2]})
    -> (tensor<?x2xf32> {tgraph.name = "out0", tgraph.shape = ["N", 2]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %e = tgraph.exp %x : tensor<?x2xf32>
  %n = tensor.dim %e, %c0 : tensor<?x2xf32>
  %b = tgraph.broadcast %v dims(%n) : tensor<2xf32> -> tensor<?x2xf32>
  %y = tgraph.mul %e, %b : tensor<?x2xf32>, tensor<?x2xf32> -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
