// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s
// RUN: tessera-opt %s --tsched-form-fusion-groups="rows=false" | FileCheck %s --check-prefix=SPLIT
// Rows groups (RowGroups.cpp): the row reductions an elementwise group over
// rows reads, and the per-row groups between them, merge with it into one
// group of kind "rows" when its rows are known to be at most 8192 long.

// softmax over rows of 128: the maximum, the sum of exp(x - max) and the
// division, in that order, in one body; the result is the division's.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[G:.*]] = tsched.fusion_group(%arg0, %{{.*}}) {kind = "rows", shape = ["R", 128], tile = array<i64: 64>} : (tensor<?x128xf32>, index) -> tensor<?x128xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x128xf32>, %{{.*}}: index):
// CHECK-NEXT: %[[M:.*]] = tgraph.reduce_max %[[X]]
// CHECK-NEXT: tgraph.broadcast %[[M]]
// CHECK-NEXT: tgraph.sub
// CHECK-NEXT: tgraph.exp
// CHECK-NEXT: %[[S:.*]] = tgraph.reduce_sum
// CHECK-NEXT: tgraph.broadcast %[[M]]
// CHECK-NEXT: tgraph.sub
// CHECK-NEXT: %[[E:.*]] = tgraph.exp
// CHECK-NEXT: %[[BS:.*]] = tgraph.broadcast %[[S]]
// CHECK-NEXT: %[[Y:.*]] = tgraph.div %[[E]], %[[BS]]
// CHECK-NEXT: tsched.yield %[[Y]] : tensor<?x128xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[G]]
// SPLIT-LABEL: func.func @softmax
// SPLIT: kind = "reduction"
// SPLIT: kind = "reduction"
// SPLIT: kind = "elementwise"
// SPLIT-NOT: kind = "rows"
// SPLIT: return
func.func @softmax(%x: tensor<?x128xf32> {tgraph.name = "x", tgraph.shape = ["R", 128]})
    -> (tensor<?x128xf32> {tgraph.name = "out0", tgraph.shape = ["R", 128]})
    attributes {tgraph.dims = ["R"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %r = tensor.dim %x, %c0 : tensor<?x128xf32>
  %m = tgraph.reduce_max %x axes = [1] {keepdims = true} : tensor<?x128xf32> -> tensor<?x1xf32>
  %bm = tgraph.broadcast %m dims(%r) : tensor<?x1xf32> -> tensor<?x128xf32>
  %d = tgraph.sub %x, %bm : tensor<?x128xf32>, tensor<?x128xf32> -> tensor<?x128xf32>
  %e = tgraph.exp %d : tensor<?x128xf32>
  %s = tgraph.reduce_sum %e axes = [1] {keepdims = true} : tensor<?x128xf32> -> tensor<?x1xf32>
  %bs = tgraph.broadcast %s dims(%r) : tensor<?x1xf32> -> tensor<?x128xf32>
  %y = tgraph.div %e, %bs : tensor<?x128xf32>, tensor<?x128xf32> -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// layernorm: the mean, the mean of squared deviations, the per-row group
// rsqrt(var + eps) and the normalisation with a scale per column, one
// group; the mean is returned too, a second result.
// CHECK-LABEL: func.func @layernorm
// CHECK: %[[G:.*]]:2 = tsched.fusion_group(%arg0, %arg1) {kind = "rows", shape = [16, 64], tile = array<i64: 64>} : (tensor<16x64xf32>, tensor<64xf32>) -> (tensor<16x64xf32>, tensor<16x1xf32>) {
// CHECK: %[[MEAN:.*]] = tgraph.reduce_mean
// CHECK: %[[VAR:.*]] = tgraph.reduce_mean
// CHECK: tgraph.add %[[VAR]]
// CHECK-NEXT: tgraph.rsqrt
// CHECK: tsched.yield %{{.*}}, %[[MEAN]] : tensor<16x64xf32>, tensor<16x1xf32>
// CHECK-NOT: tsched.fusion_group
// CHECK: return %[[G]]#0, %[[G]]#1
func.func @layernorm(%x: tensor<16x64xf32> {tgraph.name = "x", tgraph.shape = [16, 64]},
                     %g: tensor<64xf32> {tgraph.name = "g", tgraph.shape = [64]})
    -> (tensor<16x64xf32> {tgraph.name = "y", tgraph.shape = [16, 64]},
        tensor<16x1xf32> {tgraph.name = "mean", tgraph.shape = [16, 1]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %mu = tgraph.reduce_mean %x axes = [1] {keepdims = true} : tensor<16x64xf32> -> tensor<16x1xf32>
  %bmu = tgraph.broadcast %mu : tensor<16x1xf32> -> tensor<16x64xf32>
  %d = tgraph.sub %x, %bmu : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
  %sq = tgraph.mul %d, %d : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
  %var = tgraph.reduce_mean %sq axes = [1] {keepdims = true} : tensor<16x64xf32> -> tensor<16x1xf32>
  %eps = tgraph.constant 1.0e-5 : f32 -> tensor<f32>
  %ve = tgraph.add %var, %eps : tensor<16x1xf32>, tensor<f32> -> tensor<16x1xf32>
  %rs = tgraph.rsqrt %ve : tensor<16x1xf32>
  %brs = tgraph.broadcast %rs : tensor<16x1xf32> -> tensor<16x64xf32>
  %n = tgraph.mul %d, %brs : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
  %bg = tgraph.broadcast %g : tensor<64xf32> -> tensor<16x64xf32>
  %y = tgraph.mul %n, %bg : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
  return %y, %mu : tensor<16x64xf32>, tensor<16x1xf32>
}

// A member another group reads before the merged group's place stays out:
// here the maximum, which 2 * max (computed first) reads; the sum and the
// division still merge, reading the maximum from its buffer.
// CHECK-LABEL: func.func @read_early
// CHECK: %[[M:.*]] = tsched.fusion_group(%arg0) {kind = "reduction"
// CHECK: %[[TWICE:.*]] = tsched.fusion_group(%[[M]]) {kind = "elementwise", shape = [8, 1]
// CHECK: %[[G:.*]] = tsched.fusion_group(%[[M]], %arg0) {kind = "rows", shape = [8, 32]
// CHECK-NOT: tgraph.reduce_max
// CHECK: tgraph.reduce_sum
// CHECK: return %[[G]], %[[TWICE]]
func.func @read_early(%x: tensor<8x32xf32> {tgraph.name = "x", tgraph.shape = [8, 32]})
    -> (tensor<8x32xf32> {tgraph.name = "y", tgraph.shape = [8, 32]},
        tensor<8x1xf32> {tgraph.name = "t", tgraph.shape = [8, 1]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %m = tgraph.reduce_max %x axes = [1] {keepdims = true} : tensor<8x32xf32> -> tensor<8x1xf32>
  %two = tgraph.constant 2.0 : f32 -> tensor<f32>
  %t = tgraph.mul %m, %two : tensor<8x1xf32>, tensor<f32> -> tensor<8x1xf32>
  %bm = tgraph.broadcast %m : tensor<8x1xf32> -> tensor<8x32xf32>
  %d = tgraph.sub %x, %bm : tensor<8x32xf32>, tensor<8x32xf32> -> tensor<8x32xf32>
  %e = tgraph.exp %d : tensor<8x32xf32>
  %s = tgraph.reduce_sum %e axes = [1] {keepdims = true} : tensor<8x32xf32> -> tensor<8x1xf32>
  %bs = tgraph.broadcast %s : tensor<8x1xf32> -> tensor<8x32xf32>
  %y = tgraph.div %e, %bs : tensor<8x32xf32>, tensor<8x32xf32> -> tensor<8x32xf32>
  return %y, %t : tensor<8x32xf32>, tensor<8x1xf32>
}

// Rows of run-time length that are all the operand (no outer dims, so
// maybe one long row the segmented kernels split over many threads), rows
// longer than 8192, and reductions over an outer axis keep their groups.
// CHECK-LABEL: func.func @unmerged
// CHECK-NOT: kind = "rows"
// CHECK: return
func.func @unmerged(%x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["C"]},
                    %w: tensor<2x8193xf32> {tgraph.name = "w", tgraph.shape = [2, 8193]},
                    %v: tensor<16x8xf32> {tgraph.name = "v", tgraph.shape = [16, 8]})
    -> (tensor<?xf32> {tgraph.name = "a", tgraph.shape = ["C"]},
        tensor<2x8193xf32> {tgraph.name = "b", tgraph.shape = [2, 8193]},
        tensor<16x8xf32> {tgraph.name = "c", tgraph.shape = [16, 8]})
    attributes {tgraph.dims = ["C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c = tensor.dim %x, %c0 : tensor<?xf32>
  %sx = tgraph.reduce_sum %x axes = [0] : tensor<?xf32> -> tensor<f32>
  %bx = tgraph.broadcast %sx dims(%c) : tensor<f32> -> tensor<?xf32>
  %a = tgraph.div %x, %bx : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %sw = tgraph.reduce_sum %w axes = [1] {keepdims = true} : tensor<2x8193xf32> -> tensor<2x1xf32>
  %bw = tgraph.broadcast %sw : tensor<2x1xf32> -> tensor<2x8193xf32>
  %b = tgraph.div %w, %bw : tensor<2x8193xf32>, tensor<2x8193xf32> -> tensor<2x8193xf32>
  %sv = tgraph.reduce_sum %v axes = [0] {keepdims = true} : tensor<16x8xf32> -> tensor<1x8xf32>
  %bv = tgraph.broadcast %sv : tensor<1x8xf32> -> tensor<16x8xf32>
  %cc = tgraph.div %v, %bv : tensor<16x8xf32>, tensor<16x8xf32> -> tensor<16x8xf32>
  return %a, %b, %cc : tensor<?xf32>, tensor<2x8193xf32>, tensor<16x8xf32>
}

// Rows of run-time length under outer dims merge ([R, C] summed, then
// divided); the same types over other symbols ([R, D] summed, [R, C]
// divided) do not: that sum stays a reduction group, which the rows group
// (both divisions: one elementwise group) reads.
// CHECK-LABEL: func.func @symbolic
// CHECK: %[[SX:.*]] = tsched.fusion_group(%arg1) {kind = "reduction", shape = ["R", 1]
// CHECK: %[[G:.*]]:2 = tsched.fusion_group(%arg0, %{{.*}}, %{{.*}}, %[[SX]]) {kind = "rows", shape = ["R", "C"]
// CHECK-NEXT: ^bb0(%[[Y:.*]]: tensor<?x?xf32>,
// CHECK-NEXT: tgraph.reduce_sum %[[Y]]
// CHECK-NOT: tgraph.reduce_sum
// CHECK: return %[[G]]#0, %[[G]]#1
func.func @symbolic(%y: tensor<?x?xf32> {tgraph.name = "y", tgraph.shape = ["R", "C"]},
                    %x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "D"]})
    -> (tensor<?x?xf32> {tgraph.name = "a", tgraph.shape = ["R", "C"]},
        tensor<?x?xf32> {tgraph.name = "b", tgraph.shape = ["R", "C"]})
    attributes {tgraph.dims = ["R", "C", "D"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %y, %c0 : tensor<?x?xf32>
  %c = tensor.dim %y, %c1 : tensor<?x?xf32>
  %sy = tgraph.reduce_sum %y axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
  %by = tgraph.broadcast %sy dims(%r, %c) : tensor<?x1xf32> -> tensor<?x?xf32>
  %a = tgraph.div %y, %by : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %sx = tgraph.reduce_sum %x axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
  %bx = tgraph.broadcast %sx dims(%r, %c) : tensor<?x1xf32> -> tensor<?x?xf32>
  %b = tgraph.div %y, %bx : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %a, %b : tensor<?x?xf32>, tensor<?x?xf32>
}
