// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s

// A rows group (RowGroupKernel.cpp) is one `row_reduction` kernel, a point
// a row of C elements: a fold in the row order for each reduction (the
// chunk loop, then the masked tail, then the tree), its value in all 32
// lanes, then the row's results written 32 at a time, then the tail.

// softmax: the maximum, then the sum of exp(x - max) with the maximum
// splat, then exp(x - max) / sum stored, the row read three times.
// CHECK-LABEL: ttile.kernel @softmax_k0 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64}
// The row length, known (128), is a constant: loops of a known trip count.
// CHECK: ^bb0(%[[X:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[ROW:[^:]*]]: index, %{{.*}}: index, %{{[^:]*}}: index):
// CHECK-NEXT: %[[C:.*]] = arith.constant 128 : index
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK: scf.for
// CHECK: ttile.load %[[X]]
// CHECK: arith.maximumf
// CHECK: %[[MAX:.*]] = vector.extract %{{.*}}[0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[MAXES:.*]] = vector.splat %[[MAX]] : vector<32xf32>
// CHECK: scf.for
// CHECK: %[[L:.*]] = ttile.load %[[X]]
// CHECK-NEXT: arith.subf %[[L]], %[[MAXES]]
// CHECK-NEXT: math.exp
// CHECK-NEXT: arith.addf
// CHECK: %[[SUM:.*]] = vector.extract %{{.*}}[0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[SUMS:.*]] = vector.splat %[[SUM]] : vector<32xf32>
// CHECK: %[[END:.*]] = arith.addi %[[BASE]], %[[C]] : index
// CHECK: scf.for %[[AT:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[L:.*]] = ttile.load %[[X]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[L]], %[[MAXES]]
// CHECK-NEXT: %[[E:.*]] = math.exp %[[D]]
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[E]], %[[SUMS]]
// CHECK-NEXT: %[[TO:.*]] = arith.addi %[[BASE]], %[[AT]]
// CHECK-NEXT: ttile.store %[[Q]], %[[Y]][%[[TO]]] bound %[[END]] {ttile.in_bounds}
// CHECK: scf.if
// CHECK: ttile.store %{{.*}}, %[[Y]][%{{.*}}] bound %[[END]] : vector<32xf32>
// CHECK-NOT: ttile.kernel
// CHECK: func.func @softmax(
// CHECK-COUNT-1: ttile.launch @softmax_k0
// CHECK-NOT: ttile.launch

// layernorm with its mean returned: the per-row rsqrt(var + eps) computed
// on the splat lanes between the folds and the row loop, the scale per
// column read along the row, and the mean stored at element `row` of the
// second output.
// CHECK-LABEL: ttile.kernel @layernorm_k0 attributes {kind = "row_reduction", num_inputs = 2 : i64
// CHECK: ^bb0(%[[X:.*]]: memref<?xf32>, %[[G:.*]]: memref<?xf32>, %[[Y:.*]]: memref<?xf32>, %[[MEAN:.*]]: memref<?xf32>, %[[ROW:[^:]*]]: index,
// CHECK: %[[MU:.*]] = vector.splat %{{.*}} : vector<32xf32>
// CHECK: %[[VAR:.*]] = vector.splat %{{.*}} : vector<32xf32>
// CHECK: %[[VE:.*]] = arith.addf %[[VAR]]
// CHECK: %[[ROOT:.*]] = math.sqrt %[[VE]] : vector<32xf32>
// CHECK-NEXT: arith.divf %{{.*}}, %[[ROOT]] : vector<32xf32>
// CHECK: scf.for
// CHECK: ttile.load %[[X]]
// CHECK: ttile.load %[[G]]
// CHECK: ttile.store %{{.*}}, %[[Y]]
// CHECK: scf.if
// CHECK: %[[M:.*]] = vector.extract %[[MU]][0] : f32 from vector<32xf32>
// CHECK-NEXT: memref.store %[[M]], %[[MEAN]][%[[ROW]]] : memref<?xf32>
module {
  func.func @softmax(%arg0: tensor<?x128xf32> {tgraph.name = "x", tgraph.shape = ["R", 128]}) -> (tensor<?x128xf32> {tgraph.name = "out0", tgraph.shape = ["R", 128]}) attributes {tgraph.dims = ["R"], tgraph.entry} {
    %c0 = arith.constant 0 : index
    %dim = tensor.dim %arg0, %c0 : tensor<?x128xf32>
    %0 = tsched.fusion_group(%arg0, %dim) {kind = "rows", shape = ["R", 128], tile = array<i64: 64>} : (tensor<?x128xf32>, index) -> tensor<?x128xf32> {
    ^bb0(%arg1: tensor<?x128xf32>, %arg2: index):
      %1 = tgraph.reduce_max %arg1 axes = [1] {keepdims = true} : tensor<?x128xf32> -> tensor<?x1xf32>
      %2 = tgraph.broadcast %1 dims(%arg2) : tensor<?x1xf32> -> tensor<?x128xf32>
      %3 = tgraph.sub %arg1, %2 : tensor<?x128xf32>, tensor<?x128xf32> -> tensor<?x128xf32>
      %4 = tgraph.exp %3 : tensor<?x128xf32>
      %5 = tgraph.reduce_sum %4 axes = [1] {keepdims = true} : tensor<?x128xf32> -> tensor<?x1xf32>
      %6 = tgraph.broadcast %1 dims(%arg2) : tensor<?x1xf32> -> tensor<?x128xf32>
      %7 = tgraph.sub %arg1, %6 : tensor<?x128xf32>, tensor<?x128xf32> -> tensor<?x128xf32>
      %8 = tgraph.exp %7 : tensor<?x128xf32>
      %9 = tgraph.broadcast %5 dims(%arg2) : tensor<?x1xf32> -> tensor<?x128xf32>
      %10 = tgraph.div %8, %9 : tensor<?x128xf32>, tensor<?x128xf32> -> tensor<?x128xf32>
      tsched.yield %10 : tensor<?x128xf32>
    }
    return %0 : tensor<?x128xf32>
  }
  func.func @layernorm(%arg0: tensor<16x64xf32> {tgraph.name = "x", tgraph.shape = [16, 64]}, %arg1: tensor<64xf32> {tgraph.name = "g", tgraph.shape = [64]}) -> (tensor<16x64xf32> {tgraph.name = "y", tgraph.shape = [16, 64]}, tensor<16x1xf32> {tgraph.name = "mean", tgraph.shape = [16, 1]}) attributes {tgraph.dims = [], tgraph.entry} {
    %0:2 = tsched.fusion_group(%arg0, %arg1) {kind = "rows", shape = [16, 64], tile = array<i64: 64>} : (tensor<16x64xf32>, tensor<64xf32>) -> (tensor<16x64xf32>, tensor<16x1xf32>) {
    ^bb0(%arg2: tensor<16x64xf32>, %arg3: tensor<64xf32>):
      %1 = tgraph.reduce_mean %arg2 axes = [1] {keepdims = true} : tensor<16x64xf32> -> tensor<16x1xf32>
      %2 = tgraph.broadcast %1 : tensor<16x1xf32> -> tensor<16x64xf32>
      %3 = tgraph.sub %arg2, %2 : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
      %4 = tgraph.mul %3, %3 : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
      %5 = tgraph.reduce_mean %4 axes = [1] {keepdims = true} : tensor<16x64xf32> -> tensor<16x1xf32>
      %6 = tgraph.constant 9.99999974E-6 : f32 -> tensor<f32>
      %7 = tgraph.add %5, %6 : tensor<16x1xf32>, tensor<f32> -> tensor<16x1xf32>
      %8 = tgraph.rsqrt %7 : tensor<16x1xf32>
      %9 = tgraph.broadcast %1 : tensor<16x1xf32> -> tensor<16x64xf32>
      %10 = tgraph.sub %arg2, %9 : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
      %11 = tgraph.broadcast %8 : tensor<16x1xf32> -> tensor<16x64xf32>
      %12 = tgraph.mul %10, %11 : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
      %13 = tgraph.broadcast %arg3 : tensor<64xf32> -> tensor<16x64xf32>
      %14 = tgraph.mul %12, %13 : tensor<16x64xf32>, tensor<16x64xf32> -> tensor<16x64xf32>
      tsched.yield %14, %1 : tensor<16x64xf32>, tensor<16x1xf32>
    }
    return %0#0, %0#1 : tensor<16x64xf32>, tensor<16x1xf32>
  }
}
