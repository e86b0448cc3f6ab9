// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s

// Reduction groups: a point is one result element, and a kernel step
// computes 8 consecutive ones (vector = 8), each in its own chain. The
// operand is read as [outer, R, inner] (the reduced axes adjacent); the
// sizes are R and inner. Each result folds its R elements in ascending
// order from the fold's identity, so the result does not depend on the tile,
// the thread count or its neighbours in the step. Results past the point
// count (in the last step) read result o's elements and store nothing.

// A reduction over a middle axis: inner = 5, so consecutive elements of one
// result are 5 apart; points = N * 5.
// CHECK-LABEL: ttile.kernel @sum_inner_k0 attributes {kind = "reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 8 : i64} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: index, %[[E:[^:]*]]: index, %[[R:[^:]*]]: index, %[[I:[^:]*]]: index):
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[O0:.*]] = arith.addi %[[O]], %[[C0]] : index
// CHECK-NEXT: %[[OK0:.*]] = arith.cmpi ult, %[[O0]], %[[E]] : index
// CHECK-NEXT: %[[READ0:.*]] = arith.select %[[OK0]], %[[O0]], %[[O]] : index
// CHECK-NEXT: %[[P:.*]] = arith.divui %[[READ0]], %[[I]] : index
// CHECK-NEXT: %[[Q:.*]] = arith.remui %[[READ0]], %[[I]] : index
// CHECK-NEXT: %[[PR:.*]] = arith.muli %[[P]], %[[R]] : index
// CHECK-NEXT: %[[PRI:.*]] = arith.muli %[[PR]], %[[I]] : index
// CHECK-NEXT: %[[BASE0:.*]] = arith.addi %[[PRI]], %[[Q]] : index
// CHECK-NEXT: %[[INIT0:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[C7:.*]] = arith.constant 7 : index
// CHECK-NEXT: %[[O7:.*]] = arith.addi %[[O]], %[[C7]] : index
// CHECK-NEXT: %[[OK7:.*]] = arith.cmpi ult, %[[O7]], %[[E]] : index
// CHECK-NEXT: %[[READ7:.*]] = arith.select %[[OK7]], %[[O7]], %[[O]] : index
// CHECK: %[[SUM:.*]]:8 = scf.for %[[J:.*]] = %{{.*}} to %[[R]] step %{{.*}} iter_args(%[[ACC0:[^ ]*]] = %[[INIT0]], {{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK-NEXT:   %[[JI:.*]] = arith.muli %[[J]], %[[I]] : index
// CHECK-NEXT:   %[[IDX:.*]] = arith.addi %[[BASE0]], %[[JI]] : index
// CHECK-NEXT:   %[[V:.*]] = memref.load %[[IN]][%[[IDX]]] : memref<?xf32>
// CHECK-NEXT:   %[[NEXT0:.*]] = arith.addf %[[ACC0]], %[[V]] : f32
// CHECK:        scf.yield %[[NEXT0]], {{.*}} : f32, f32, f32, f32, f32, f32, f32, f32
// CHECK-NEXT: }
// CHECK-NEXT: scf.if %[[OK0]] {
// CHECK-NEXT:   memref.store %[[SUM]]#0, %[[OUT]][%[[O0]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK: scf.if %[[OK7]] {
// CHECK-NEXT:   memref.store %[[SUM]]#7, %[[OUT]][%[[O7]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-LABEL: func.func @sum_inner(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf32> {{.*}}, %[[Y:[^:]*]]: memref<?xf32> {{.*}}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NEXT: %[[C7:.*]] = arith.constant 7 : index
// CHECK-NEXT: %[[C5:.*]] = arith.constant 5 : index
// CHECK-NEXT: %[[PTS:.*]] = arith.muli %[[N]], %[[C5]] : index
// CHECK-NEXT: ttile.launch @sum_inner_k0(%[[X]], %[[Y]]) elements %[[PTS]] sizes(%[[C7]], %[[C5]])
func.func @sum_inner(%a: tensor<?x7x5xf32> {tgraph.name = "x", tgraph.shape = ["N", 7, 5]})
    -> (tensor<?x5xf32> {tgraph.name = "out0", tgraph.shape = ["N", 5]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = ["N", 5], tile = array<i64: 64>}
      : (tensor<?x7x5xf32>) -> tensor<?x5xf32> {
  ^bb0(%x: tensor<?x7x5xf32>):
    %s = tgraph.reduce_sum %x axes = [1] : tensor<?x7x5xf32> -> tensor<?x5xf32>
    tsched.yield %s : tensor<?x5xf32>
  }
  return %r : tensor<?x5xf32>
}

// Two leading axes (given in any order) reduce as one of A * B elements;
// the mean divides the sum by that count.
// CHECK-LABEL: ttile.kernel @mean_leading_k0
// CHECK-NEXT: ^bb0(%{{[^:]*}}: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: index, %{{[^:]*}}: index, %[[R:[^:]*]]: index, %{{[^:]*}}: index):
// CHECK: %[[SUM:[0-9a-z_]+]]:8 = scf.for
// CHECK: arith.addf
// CHECK: }
// CHECK-NEXT: %[[CI:.*]] = arith.index_castui %[[R]] : index to i64
// CHECK-NEXT: %[[CF:.*]] = arith.uitofp %[[CI]] : i64 to f32
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[SUM]]#0, %[[CF]] : f32
// CHECK-NEXT: scf.if
// CHECK-NEXT: memref.store %[[MEAN]], %[[OUT]]
// CHECK-LABEL: func.func @mean_leading(
// CHECK-SAME: %[[A:[^:]*]]: index {tgraph.name = "A"}, %[[B:[^:]*]]: index {tgraph.name = "B"})
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[AB:.*]] = arith.muli %[[A]], %[[B]] : index
// CHECK: %[[PTS:.*]] = arith.muli %{{.*}}, %[[C3]] : index
// CHECK-NEXT: ttile.launch @mean_leading_k0(%arg0, %arg1) elements %[[PTS]] sizes(%[[AB]], %[[C3]])
func.func @mean_leading(%a: tensor<?x?x3xf32> {tgraph.name = "x", tgraph.shape = ["A", "B", 3]})
    -> (tensor<3xf32> {tgraph.name = "out0", tgraph.shape = [3]})
    attributes {tgraph.dims = ["A", "B"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = [3], tile = array<i64: 64>}
      : (tensor<?x?x3xf32>) -> tensor<3xf32> {
  ^bb0(%x: tensor<?x?x3xf32>):
    %s = tgraph.reduce_mean %x axes = [1, 0] : tensor<?x?x3xf32> -> tensor<3xf32>
    tsched.yield %s : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// max starts from -inf and keeps a NaN (maximumf); keepdims changes nothing
// in the layout.
// CHECK-LABEL: ttile.kernel @max_keepdims_k0
// CHECK: %[[INIT:.*]] = arith.constant 0xFFF0000000000000 : f64
// CHECK: scf.for %{{.*}} iter_args(%[[ACC:[^ ]*]] = %[[INIT]], {{.*}}) -> (f64, f64, f64, f64, f64, f64, f64, f64) {
// CHECK: %[[V:.*]] = memref.load
// CHECK-NEXT: arith.maximumf %[[ACC]], %[[V]] : f64
// CHECK-LABEL: func.func @max_keepdims(
// CHECK: %[[C6:.*]] = arith.constant 6 : index
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: ttile.launch @max_keepdims_k0(%arg0, %arg1) elements %{{.*}} sizes(%[[C6]], %[[C1]])
func.func @max_keepdims(%a: tensor<?x6xf64> {tgraph.name = "x", tgraph.shape = ["N", 6]})
    -> (tensor<?x1xf64> {tgraph.name = "out0", tgraph.shape = ["N", 1]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = ["N", 1], tile = array<i64: 64>}
      : (tensor<?x6xf64>) -> tensor<?x1xf64> {
  ^bb0(%x: tensor<?x6xf64>):
    %s = tgraph.reduce_max %x axes = [1] {keepdims = true} : tensor<?x6xf64> -> tensor<?x1xf64>
    tsched.yield %s : tensor<?x1xf64>
  }
  return %r : tensor<?x1xf64>
}

// An integer min over every axis: one point, from the largest i64.
// CHECK-LABEL: ttile.kernel @min_all_k0
// CHECK: %[[INIT:.*]] = arith.constant 9223372036854775807 : i64
// CHECK: scf.for %{{.*}} iter_args(%[[ACC:[^ ]*]] = %[[INIT]], {{.*}}) -> (i64, i64, i64, i64, i64, i64, i64, i64) {
// CHECK: %[[V:.*]] = memref.load
// CHECK-NEXT: arith.minsi %[[ACC]], %[[V]] : i64
// CHECK-LABEL: func.func @min_all(
// CHECK-SAME: %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK: %[[R:.*]] = arith.muli %[[N]], %{{.*}} : index
// CHECK: ttile.launch @min_all_k0(%arg0, %arg1) elements %{{.*}} sizes(%[[R]], %{{.*}})
func.func @min_all(%a: tensor<?x4xi64> {tgraph.name = "x", tgraph.shape = ["N", 4]})
    -> (tensor<i64> {tgraph.name = "out0", tgraph.shape = []})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = [], tile = array<i64: 64>}
      : (tensor<?x4xi64>) -> tensor<i64> {
  ^bb0(%x: tensor<?x4xi64>):
    %s = tgraph.reduce_min %x axes = [0, 1] : tensor<?x4xi64> -> tensor<i64>
    tsched.yield %s : tensor<i64>
  }
  return %r : tensor<i64>
}

// An integer product starts from 1.
// CHECK-LABEL: ttile.kernel @prod_i32_k0
// CHECK: %[[INIT:.*]] = arith.constant 1 : i32
// CHECK: scf.for %{{.*}} iter_args(%[[ACC:[^ ]*]] = %[[INIT]], {{.*}}) -> (i32, i32, i32, i32, i32, i32, i32, i32) {
// CHECK: %[[V:.*]] = memref.load
// CHECK-NEXT: arith.muli %[[ACC]], %[[V]] : i32
func.func @prod_i32(%a: tensor<?x4xi32> {tgraph.name = "x", tgraph.shape = ["N", 4]})
    -> (tensor<?xi32> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = ["N"], tile = array<i64: 64>}
      : (tensor<?x4xi32>) -> tensor<?xi32> {
  ^bb0(%x: tensor<?x4xi32>):
    %s = tgraph.reduce_prod %x axes = [1] : tensor<?x4xi32> -> tensor<?xi32>
    tsched.yield %s : tensor<?xi32>
  }
  return %r : tensor<?xi32>
}
