// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// A stable sum over rows (RowReductionKernel.cpp): each of the 32 lanes
// carries its sum and the error the sum has lost (Neumaier): t = s + v,
// err += (|s| >= |v| ? (s - t) + v : (v - t) + s), s = t; in the whole
// chunks, in the tail, and in the lane tree, where two lanes merge as
// t = s1 + s2, err = (err1 + err2) + that error; the result is s + err for
// a finite s, else s.
// CHECK-LABEL: ttile.kernel @stable_k0 attributes {kind = "row_reduction"
// CHECK: %[[CHUNKS:.*]]:2 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[S:.*]] = %[[ZERO:[^,]*]], %[[E:.*]] = %[[ZERO]]) -> (vector<32xf32>, vector<32xf32>) {
// CHECK:   %[[V:.*]] = ttile.load
// CHECK-NEXT:   %[[T:.*]] = arith.addf %[[S]], %[[V]] : vector<32xf32>
// CHECK-NEXT:   %[[AS:.*]] = math.absf %[[S]] : vector<32xf32>
// CHECK-NEXT:   %[[AV:.*]] = math.absf %[[V]] : vector<32xf32>
// CHECK-NEXT:   %[[BIG:.*]] = arith.cmpf oge, %[[AS]], %[[AV]] : vector<32xf32>
// CHECK-NEXT:   %[[D1:.*]] = arith.subf %[[S]], %[[T]] : vector<32xf32>
// CHECK-NEXT:   %[[X1:.*]] = arith.addf %[[D1]], %[[V]] : vector<32xf32>
// CHECK-NEXT:   %[[D2:.*]] = arith.subf %[[V]], %[[T]] : vector<32xf32>
// CHECK-NEXT:   %[[X2:.*]] = arith.addf %[[D2]], %[[S]] : vector<32xf32>
// CHECK-NEXT:   %[[LOST:.*]] = arith.select %[[BIG]], %[[X1]], %[[X2]] : vector<32xi1>, vector<32xf32>
// CHECK-NEXT:   %[[E2:.*]] = arith.addf %[[E]], %[[LOST]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[T]], %[[E2]] : vector<32xf32>, vector<32xf32>
// CHECK: %[[TAIL:.*]]:2 = scf.if %{{.*}} -> (vector<32xf32>, vector<32xf32>) {
// CHECK: %[[SL:.*]] = vector.shuffle %[[TAIL]]#0, %[[TAIL]]#0 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// CHECK-NEXT: %[[EL:.*]] = vector.shuffle %[[TAIL]]#1, %[[TAIL]]#1 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// CHECK-NEXT: %[[SH:.*]] = vector.shuffle %[[TAIL]]#0, %[[TAIL]]#0 [16,
// CHECK-NEXT: %[[EH:.*]] = vector.shuffle %[[TAIL]]#1, %[[TAIL]]#1 [16,
// CHECK-NEXT: %[[T16:.*]] = arith.addf %[[SL]], %[[SH]] : vector<16xf32>
// CHECK-NEXT: %[[E16:.*]] = arith.addf %[[EL]], %[[EH]] : vector<16xf32>
// CHECK: %[[LOST16:.*]] = arith.select
// CHECK-NEXT: arith.addf %[[E16]], %[[LOST16]] : vector<16xf32>
// CHECK: %[[S0:.*]] = vector.extract %{{.*}}[0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[E0:.*]] = vector.extract %{{.*}}[0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK-NEXT: %[[A0:.*]] = math.absf %[[S0]] : f32
// CHECK-NEXT: %[[FINITE:.*]] = arith.cmpf olt, %[[A0]], %[[INF]] : f32
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[S0]], %[[E0]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.select %[[FINITE]], %[[SUM]], %[[S0]] : f32
// CHECK-NEXT: memref.store %[[R]]
func.func @stable(%x: tensor<?x64xf32> {tgraph.name = "x", tgraph.shape = ["R", 64]})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["R"]})
    attributes {tgraph.dims = ["R"], tgraph.entry} {
  %s = tgraph.reduce_sum %x axes = [1] {stable = true} : tensor<?x64xf32> -> tensor<?xf32>
  return %s : tensor<?xf32>
}

// Over other axes, each of a step's 8 results carries its error after the
// 8 sums (iter_args 0-7 the sums, 8-15 the errors), with the same Neumaier
// step; a segmented fold's masked lanes keep both.
// CHECK-LABEL: ttile.kernel @stable_cols_k0 attributes {kind = "reduction"
// CHECK: %{{.*}}:16 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK:   %[[V:.*]] = memref.load
// CHECK-NEXT:   %[[T:.*]] = arith.addf %[[S0:.*]], %[[V]] : f32
// CHECK-NEXT:   math.absf %[[S0]] : f32
// CHECK-NEXT:   math.absf %[[V]] : f32
// CHECK-NEXT:   arith.cmpf oge
// CHECK:        %[[LOST:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK-NEXT:   %[[E1:.*]] = arith.addf %[[E0:.*]], %[[LOST]] : f32
func.func @stable_cols(%x: tensor<?x8xf32> {tgraph.name = "x", tgraph.shape = ["R", 8]})
    -> (tensor<8xf32> {tgraph.name = "out0", tgraph.shape = [8]})
    attributes {tgraph.dims = ["R"], tgraph.entry} {
  %s = tgraph.reduce_sum %x axes = [0] {stable = true} : tensor<?x8xf32> -> tensor<8xf32>
  return %s : tensor<8xf32>
}
