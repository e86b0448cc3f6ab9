// RUN: tessera-opt %s --tsched-form-fusion-groups="rows=false epilogues=false" | FileCheck %s
// (rows=false, epilogues=false: rows groups and matmul epilogues, which
// merge some of these, have their own tests, form-fusion-groups-rows.mlir
// and form-fusion-groups-epilogues.mlir.)
// Fusion groups of matmuls, reductions and layout operators, and the
// elementwise groups around them.

// A matmul, the broadcast of its bias and the elementwise tail: two groups.
// The matmul is a group of its own (tile: 16 rows by default); the bias's
// broadcast joins the elementwise tail, which reads the bias in place (it
// takes the run-time extent of the new dim as an `index` input), so the
// broadcast bias never reaches memory.
// CHECK-LABEL: func.func @dense
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x29xf32> {{.*}}, %[[W:[^:]*]]: tensor<29x45xf32> {{.*}}, %[[BIAS:[^:]*]]: tensor<45xf32>
// CHECK: %[[B:.*]] = tensor.dim %[[X]], %c0
// CHECK-NEXT: %[[MM:.*]] = tsched.fusion_group(%[[X]], %[[W]]) {kind = "matmul", shape = ["B", 45], tile = array<i64: 16>} : (tensor<?x29xf32>, tensor<29x45xf32>) -> tensor<?x45xf32> {
// CHECK-NEXT: ^bb0(%[[XA:.*]]: tensor<?x29xf32>, %[[WA:.*]]: tensor<29x45xf32>):
// CHECK-NEXT:   %[[M:.*]] = tgraph.matmul %[[XA]], %[[WA]]
// CHECK-NEXT:   tsched.yield %[[M]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[EW:.*]] = tsched.fusion_group(%[[BIAS]], %[[B]], %[[MM]]) {kind = "elementwise", shape = ["B", 45], tile = array<i64: 4096>} : (tensor<45xf32>, index, tensor<?x45xf32>) -> tensor<?x45xf32> {
// CHECK-NEXT: ^bb0(%[[BA:.*]]: tensor<45xf32>, %[[DA:.*]]: index, %[[P:.*]]: tensor<?x45xf32>):
// CHECK-NEXT:   %[[BC:.*]] = tgraph.broadcast %[[BA]] dims(%[[DA]])
// CHECK-NEXT:   %[[S:.*]] = tgraph.add %[[P]], %[[BC]]
// CHECK-NEXT:   %[[R:.*]] = tgraph.relu %[[S]]
// CHECK-NEXT:   tsched.yield %[[R]]
// CHECK-NEXT: }
// CHECK-NEXT: return %[[EW]]
func.func @dense(%x: tensor<?x29xf32> {tgraph.name = "x", tgraph.shape = ["B", 29]},
                 %w: tensor<29x45xf32> {tgraph.name = "w", tgraph.shape = [29, 45]},
                 %bias: tensor<45xf32> {tgraph.name = "bias", tgraph.shape = [45]})
    -> (tensor<?x45xf32> {tgraph.name = "out0", tgraph.shape = ["B", 45]})
    attributes {tgraph.dims = ["B"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %mm = tgraph.matmul %x, %w : tensor<?x29xf32>, tensor<29x45xf32> -> tensor<?x45xf32>
  %b = tensor.dim %x, %c0 : tensor<?x29xf32>
  %bb = tgraph.broadcast %bias dims(%b) : tensor<45xf32> -> tensor<?x45xf32>
  %s = tgraph.add %mm, %bb : tensor<?x45xf32>, tensor<?x45xf32> -> tensor<?x45xf32>
  %r = tgraph.relu %s : tensor<?x45xf32>
  return %r : tensor<?x45xf32>
}

// A matmul's tile hint (BM, BN, BK) gives its group's tile: BM rows. The
// shape of a batched, transposed matmul is [batch..., m, n].
// CHECK-LABEL: func.func @hint
// CHECK: tsched.fusion_group(%{{.*}}, %{{.*}}) {kind = "matmul", shape = ["B", "M", "N"], tile = array<i64: 32>}
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} {tile = array<i64: 32, 64, 16>, transpose_rhs = true}
func.func @hint(%a: tensor<?x?x8xf32> {tgraph.name = "a", tgraph.shape = ["B", "M", 8]},
                %b: tensor<?x?x8xf32> {tgraph.name = "b", tgraph.shape = ["B", "N", 8]})
    -> (tensor<?x?x?xf32> {tgraph.name = "out0", tgraph.shape = ["B", "M", "N"]})
    attributes {tgraph.dims = ["B", "M", "N"], tgraph.entry} {
  %mm = tgraph.matmul %a, %b {tile = array<i64: 32, 64, 16>, transpose_rhs = true} : tensor<?x?x8xf32>, tensor<?x?x8xf32> -> tensor<?x?x?xf32>
  return %mm : tensor<?x?x?xf32>
}

// Each reduction is a group of its own over its result's shape (reduced
// dims kept as 1 with keepdims, dropped otherwise): 64 results per tile.
// CHECK-LABEL: func.func @reductions
// CHECK: %[[S:.*]] = tsched.fusion_group(%arg0) {kind = "reduction", shape = ["N", 1, 5], tile = array<i64: 64>} : (tensor<?x7x5xf32>) -> tensor<?x1x5xf32>
// CHECK: tgraph.reduce_sum %{{.*}} axes = [1] {keepdims = true}
// CHECK: %[[M:.*]] = tsched.fusion_group(%arg0) {kind = "reduction", shape = [], tile = array<i64: 64>} : (tensor<?x7x5xf32>) -> tensor<f32>
// CHECK: tgraph.reduce_max %{{.*}} axes = [0, 1, 2]
// CHECK: return %[[S]], %[[M]]
func.func @reductions(%x: tensor<?x7x5xf32> {tgraph.name = "x", tgraph.shape = ["N", 7, 5]})
    -> (tensor<?x1x5xf32> {tgraph.name = "s", tgraph.shape = ["N", 1, 5]},
        tensor<f32> {tgraph.name = "m", tgraph.shape = []})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %s = tgraph.reduce_sum %x axes = [1] {keepdims = true} : tensor<?x7x5xf32> -> tensor<?x1x5xf32>
  %m = tgraph.reduce_max %x axes = [0, 1, 2] : tensor<?x7x5xf32> -> tensor<f32>
  return %s, %m : tensor<?x1x5xf32>, tensor<f32>
}

// softmax's shape: exp, a reduction of it, the broadcast back, a division.
// The reduction computes the exp it sums (ReductionChains.cpp), and the
// division, with the broadcast it reads through, computes it again: two
// groups, and no [R, C] value in memory.
// CHECK-LABEL: func.func @cycle
// CHECK: %[[S:.*]] = tsched.fusion_group(%arg0) {kind = "reduction", shape = ["R", 1], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.exp
// CHECK-NEXT: tgraph.reduce_sum
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[D:.*]] = tsched.fusion_group(%arg0, %[[S]], %{{.*}}, %{{.*}}) {kind = "elementwise", shape = ["R", "C"], {{.*}}} : (tensor<?x?xf32>, tensor<?x1xf32>, index, index) -> tensor<?x?xf32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.exp
// CHECK-NEXT: tgraph.broadcast
// CHECK-NEXT: tgraph.div
// CHECK-NEXT: tsched.yield
// CHECK-NEXT: }
// CHECK-NEXT: return %[[D]]
func.func @cycle(%x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]})
    -> (tensor<?x?xf32> {tgraph.name = "out0", tgraph.shape = ["R", "C"]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c = tensor.dim %x, %c1 : tensor<?x?xf32>
  %e = tgraph.exp %x : tensor<?x?xf32>
  %s = tgraph.reduce_sum %e axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
  %b = tgraph.broadcast %s dims(%r, %c) : tensor<?x1xf32> -> tensor<?x?xf32>
  %d = tgraph.div %e, %b : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %d : tensor<?x?xf32>
}

// A dependence only through an extent: the iota's length is a dim of the
// exp's result. The iota's group comes after the exp's, so the add that
// uses both cannot join the exp's group.
// CHECK-LABEL: func.func @extent_cycle
// CHECK: %[[E:.*]] = tsched.fusion_group(%arg0) {kind = "elementwise", shape = ["N"], {{.*}}}
// CHECK: tgraph.exp
// CHECK: %[[N:.*]] = tensor.dim %[[E]], %c0
// CHECK-NEXT: %[[I:.*]] = tsched.fusion_group(%[[N]]) {kind = "layout", shape = ["N"], {{.*}}} : (index) -> tensor<?xi64>
// CHECK: tgraph.iota axis = 0
// CHECK: %[[R:.*]] = tsched.fusion_group(%[[I]], %[[E]]) {kind = "elementwise", shape = ["N"], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.cast
// CHECK-NEXT: tgraph.add
// CHECK: return %[[R]]
func.func @extent_cycle(%x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %e = tgraph.exp %x : tensor<?xf32>
  %n = tensor.dim %e, %c0 : tensor<?xf32>
  %i = tgraph.iota axis = 0 dims(%n) : tensor<?xi64>
  %f = tgraph.cast %i : tensor<?xi64> -> tensor<?xf32>
  %r = tgraph.add %e, %f : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// The broadcast of a scalar constant joins the elementwise group that
// reads it, the constant copied in like any other: one group.
// CHECK-LABEL: func.func @constant_operand
// CHECK: %[[R:.*]] = tsched.fusion_group(%{{.*}}, %arg0) {kind = "elementwise", shape = ["N", 4], {{.*}}} : (index, tensor<?x4xf32>) -> tensor<?x4xf32> {
// CHECK-NEXT: ^bb0
// CHECK-NEXT: %[[ONE:.*]] = tgraph.constant 1.000000e+00 : f32 -> tensor<f32>
// CHECK-NEXT: tgraph.broadcast %[[ONE]]
// CHECK-NEXT: tgraph.mul
// CHECK-NEXT: tgraph.add
// CHECK: return %[[R]]
func.func @constant_operand(%x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 4]})
    -> (tensor<?x4xf32> {tgraph.name = "out0", tgraph.shape = ["N", 4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %one = tgraph.constant 1.0 : f32 -> tensor<f32>
  %ones = tgraph.broadcast %one dims(%n) : tensor<f32> -> tensor<?x4xf32>
  %y = tgraph.mul %x, %one : tensor<?x4xf32>, tensor<f32> -> tensor<?x4xf32>
  %r = tgraph.add %y, %ones : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// Every layout operator is a group of its own, over its result's symbolic
// shape; run-time extents (the iota's and the reshape's) are index inputs.
// CHECK-LABEL: func.func @layouts
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: tsched.fusion_group(%arg0) {kind = "layout", shape = [6, "N"], tile = array<i64: 4096>}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.transpose
// CHECK: tsched.fusion_group(%arg0, %arg1) {kind = "layout", shape = ["N", 8], {{.*}}} : (tensor<?x6xf32>, tensor<?x2xf32>) -> tensor<?x8xf32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.concat
// CHECK: tsched.fusion_group(%arg0) {kind = "layout", shape = [3, 6], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.slice
// CHECK: tsched.fusion_group(%arg0) {kind = "layout", shape = ["N", 9], {{.*}}}
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.pad
// CHECK: tsched.fusion_group(%[[N]]) {kind = "layout", shape = ["N"], {{.*}}} : (index) -> tensor<?xi64>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.iota
// CHECK: tsched.fusion_group(%arg0, %[[N]]) {kind = "layout", shape = ["N", 2, 3], {{.*}}} : (tensor<?x6xf32>, index) -> tensor<?x2x3xf32>
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.reshape
// CHECK-NOT: tsched.fusion_group
// CHECK: return
func.func @layouts(%x: tensor<?x6xf32> {tgraph.name = "x", tgraph.shape = ["N", 6]},
                   %y: tensor<?x2xf32> {tgraph.name = "y", tgraph.shape = ["N", 2]})
    -> (tensor<6x?xf32>, tensor<?x8xf32>, tensor<3x6xf32>, tensor<?x9xf32>, tensor<?xi64>, tensor<?x2x3xf32>)
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x6xf32>
  %t = tgraph.transpose %x permutation = [1, 0] : tensor<?x6xf32> -> tensor<6x?xf32>
  %cat = tgraph.concat %x, %y axis = 1 : tensor<?x6xf32>, tensor<?x2xf32> -> tensor<?x8xf32>
  %sl = tgraph.slice %x offsets = [1, 0] sizes = [3, 6] strides = [2, 1] : tensor<?x6xf32> -> tensor<3x6xf32>
  %p = tgraph.pad %x low = [0, 1] high = [0, 2] value = 0.5 : f32 : tensor<?x6xf32> -> tensor<?x9xf32>
  %i = tgraph.iota axis = 0 dims(%n) : tensor<?xi64>
  %rs = tgraph.reshape %x dims(%n) : tensor<?x6xf32> -> tensor<?x2x3xf32>
  return %t, %cat, %sl, %p, %i, %rs : tensor<6x?xf32>, tensor<?x8xf32>, tensor<3x6xf32>, tensor<?x9xf32>, tensor<?xi64>, tensor<?x2x3xf32>
}

// A layout operator on booleans (the broadcast of a select's condition)
// moves them as i32 0/1: the select that widens them joins the chain that
// computes them, the `!= 0` that narrows them back the chain that uses
// them (here with the broadcast, read in place), so no boolean tensor
// reaches memory.
// CHECK-LABEL: func.func @bool_broadcast
// CHECK: %[[N:.*]] = tensor.dim %arg1, %c0
// CHECK: %[[C:.*]] = tsched.fusion_group(%arg0) {kind = "elementwise", shape = [4], {{.*}}} : (tensor<4xf32>) -> tensor<4xi32>
// CHECK: %[[GT:.*]] = tgraph.compare gt
// CHECK: tgraph.select %[[GT]], %{{.*}}, %{{.*}} : tensor<4xi1>, tensor<i32>, tensor<i32> -> tensor<4xi32>
// CHECK: tsched.fusion_group(%[[C]], %[[N]], %arg1, %arg2) {kind = "elementwise", shape = ["N", 4], {{.*}}} : (tensor<4xi32>, index, tensor<?x4xf32>, tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK: tgraph.broadcast {{.*}} : tensor<4xi32> -> tensor<?x4xi32>
// CHECK-NEXT: %[[NE:.*]] = tgraph.compare ne, %{{.*}}, %{{.*}} : tensor<?x4xi32>, tensor<i32> -> tensor<?x4xi1>
// CHECK: tgraph.select %[[NE]]
func.func @bool_broadcast(%v: tensor<4xf32> {tgraph.name = "v", tgraph.shape = [4]},
                          %x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 4]},
                          %y: tensor<?x4xf32> {tgraph.name = "y", tgraph.shape = ["N", 4]})
    -> tensor<?x4xf32> attributes {tgraph.dims = ["N"], tgraph.entry} {
  %zero = tgraph.constant 0.0 : f32 -> tensor<f32>
  %c = tgraph.compare gt, %v, %zero : tensor<4xf32>, tensor<f32> -> tensor<4xi1>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %cb = tgraph.broadcast %c dims(%n) : tensor<4xi1> -> tensor<?x4xi1>
  %r = tgraph.select %cb, %x, %y : tensor<?x4xi1>, tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

// A bool read in two groups (the second reads what a layout operator made
// of the first's result, so it cannot join it) is computed in each: each
// reader has its own copy, and no group yields a bool.
// CHECK-LABEL: func.func @bool_two_groups
// CHECK: %[[A:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "elementwise", shape = ["N"], {{.*}}} : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> {
// CHECK: %[[GT:.*]] = tgraph.compare gt
// CHECK-NEXT: %[[SEL:.*]] = tgraph.select %[[GT]]
// CHECK-NEXT: tsched.yield %[[SEL]] : tensor<?xf32>
// CHECK: tsched.fusion_group(%[[A]]) {kind = "layout"
// CHECK: tsched.fusion_group({{.*}}) {kind = "elementwise", shape = ["N"], {{.*}}} : ({{.*}}) -> tensor<?xf32> {
// CHECK: %[[GT2:.*]] = tgraph.compare gt
// CHECK: tgraph.select %[[GT2]]
func.func @bool_two_groups(%x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["N"]},
                           %y: tensor<?xf32> {tgraph.name = "y", tgraph.shape = ["N"]})
    -> tensor<?xf32> attributes {tgraph.dims = ["N"], tgraph.entry} {
  %zero = tgraph.constant 0.0 : f32 -> tensor<f32>
  %c = tgraph.compare gt, %x, %zero : tensor<?xf32>, tensor<f32> -> tensor<?xi1>
  %a = tgraph.select %c, %x, %y : tensor<?xi1>, tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %s = tgraph.slice %a offsets = [0] sizes = [1] strides = [1] : tensor<?xf32> -> tensor<1xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %sb = tgraph.broadcast %s dims(%n) : tensor<1xf32> -> tensor<?xf32>
  %b = tgraph.select %c, %sb, %y : tensor<?xi1>, tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %b : tensor<?xf32>
}

// A rank-0 tensor constant left by folding as arith.constant (a derivative's
// offset, known) is a Graph IR constant, copied into the group that reads it.
// CHECK-LABEL: func.func @folded_constant
// CHECK-NOT: arith.constant dense
// CHECK: tsched.fusion_group(%arg0) {kind = "elementwise"
// CHECK: %[[TWO:.*]] = tgraph.constant 2 : i64 -> tensor<i64>
// CHECK: tgraph.add %{{.*}}, %[[TWO]]
func.func @folded_constant(%x: tensor<4xi64> {tgraph.name = "x", tgraph.shape = [4]})
    -> tensor<4xi64> attributes {tgraph.entry} {
  %two = arith.constant dense<2> : tensor<i64>
  %r = tgraph.add %x, %two : tensor<4xi64>, tensor<i64> -> tensor<4xi64>
  return %r : tensor<4xi64>
}
