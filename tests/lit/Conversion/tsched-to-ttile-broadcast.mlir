// RUN: tessera-opt %s --convert-tsched-to-ttile=vector-bytes=16 | FileCheck %s

// An elementwise group reads its broadcasts in place, the result seen as
// rows of W elements (a kernel size, one per row split). A step finds its
// row with one division; a step inside one row reads one element (a value
// per row) or one contiguous vector (a row repeated), any other reads lane
// by lane in a loop that walks the lanes' places in the rows (no division,
// however short the rows). Lanes past the last point read what lane 0
// reads.
// CHECK-LABEL: ttile.kernel @rows_k0 attributes {kind = "elementwise", num_inputs = 3 : i64, num_sizes = 1 : i64, tile = 4096 : i64, vector = 4 : i64} {
// CHECK-NEXT: ^bb0(%[[M:[^:]*]]: memref<?xf32>, %[[X:[^:]*]]: memref<?xf32>, %[[B:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: index, %[[E:[^:]*]]: index, %[[W:[^:]*]]: index):
// CHECK: %[[XV:.*]] = ttile.load %[[X]][%[[O]]] bound %[[E]]
// CHECK: %[[ROW:.*]] = arith.divui %[[O]], %[[W]] : index
// CHECK-NEXT: %[[START:.*]] = arith.muli %[[ROW]], %[[W]] : index
// CHECK-NEXT: %[[AT:.*]] = arith.subi %[[O]], %[[START]] : index
// CHECK-NEXT: %[[STEP:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[AT]], %[[STEP]] : index
// CHECK-NEXT: %[[WHOLE:.*]] = arith.cmpi ule, %[[END]], %[[W]] : index
// CHECK-NEXT: %[[MV:.*]] = scf.if %[[WHOLE]] -> (vector<4xf32>) {
// CHECK-NEXT:   %[[S:.*]] = memref.load %[[M]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT:   %[[SV:.*]] = vector.splat %[[S]] : vector<4xf32>
// CHECK-NEXT:   scf.yield %[[SV]] : vector<4xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT:   %[[S0:.*]] = memref.load %[[M]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT:   %[[V0:.*]] = vector.splat %[[S0]] : vector<4xf32>
// CHECK:        %[[LANES:.*]]:3 = scf.for %[[L:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[V:.*]] = %[[V0]], %[[R:.*]] = %[[ROW]], %[[C:.*]] = %[[AT]]) -> (vector<4xf32>, index, index) {
// CHECK-NEXT:     %[[P:.*]] = arith.addi %[[O]], %[[L]] : index
// CHECK-NEXT:     %[[LIVE:.*]] = arith.cmpi ult, %[[P]], %[[E]] : index
// CHECK-NEXT:     %[[IDX:.*]] = arith.select %[[LIVE]], %[[R]], %[[ROW]] : index
// CHECK-NEXT:     %[[EL:.*]] = memref.load %[[M]][%[[IDX]]] : memref<?xf32>
// CHECK-NEXT:     %[[NV:.*]] = vector.insertelement %[[EL]], %[[V]][%[[L]] : index] : vector<4xf32>
// CHECK-NEXT:     %[[NC:.*]] = arith.addi %[[C]], %{{.*}} : index
// CHECK-NEXT:     %[[WRAP:.*]] = arith.cmpi eq, %[[NC]], %[[W]] : index
// CHECK-NEXT:     %[[NC2:.*]] = arith.select %[[WRAP]], %{{.*}}, %[[NC]] : index
// CHECK-NEXT:     %[[NR:.*]] = arith.addi %[[R]], %{{.*}} : index
// CHECK-NEXT:     %[[NR2:.*]] = arith.select %[[WRAP]], %[[NR]], %[[R]] : index
// CHECK-NEXT:     scf.yield %[[NV]], %[[NR2]], %[[NC2]] : vector<4xf32>, index, index
// CHECK-NEXT:   }
// CHECK-NEXT:   scf.yield %[[LANES]]#0 : vector<4xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : vector<4xf32>
// A row repeated, with the same rows: the contiguous read inside a row is
// whole.
// CHECK: arith.divui %[[O]], %[[W]] : index
// CHECK: scf.if
// CHECK-NEXT: %[[BV:.*]] = ttile.load %[[B]][%{{.*}}] bound %[[W]] {ttile.in_bounds} : memref<?xf32> -> vector<4xf32>
// CHECK-NEXT: scf.yield %[[BV]]
// CHECK: } else {
// CHECK: scf.for
// CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : index
// CHECK-NEXT: memref.load %[[B]]
// CHECK: %[[Y:.*]] = arith.mulf %[[D]], %{{.*}} : vector<4xf32>
// CHECK-NEXT: ttile.store %[[Y]], %[[OUT]][%[[O]]] bound %[[E]]
// The row length: C, for both reads.
// CHECK-LABEL: func.func @rows(
// CHECK-SAME: %[[RD:[^:]*]]: index {tgraph.name = "R"}, %[[CD:[^:]*]]: index {tgraph.name = "C"})
// CHECK: %[[PTS:.*]] = arith.muli %[[RD]], %[[CD]] : index
// CHECK-NEXT: ttile.launch @rows_k0(%{{.*}}) elements %[[PTS]] sizes(%[[CD]])
func.func @rows(%m: tensor<?x1xf32> {tgraph.name = "m", tgraph.shape = ["R", 1]},
                %x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]},
                %b: tensor<?xf32> {tgraph.name = "b", tgraph.shape = ["C"]})
    -> (tensor<?x?xf32> {tgraph.name = "out0", tgraph.shape = ["R", "C"]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c = tensor.dim %x, %c1 : tensor<?x?xf32>
  %y = tsched.fusion_group(%m, %r, %c, %x, %b) {kind = "elementwise", shape = ["R", "C"], tile = array<i64: 4096>}
      : (tensor<?x1xf32>, index, index, tensor<?x?xf32>, tensor<?xf32>) -> tensor<?x?xf32> {
  ^bb0(%ma: tensor<?x1xf32>, %ra: index, %ca: index, %xa: tensor<?x?xf32>, %ba: tensor<?xf32>):
    %bm = tgraph.broadcast %ma dims(%ra, %ca) : tensor<?x1xf32> -> tensor<?x?xf32>
    %d = tgraph.sub %xa, %bm : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    %bb = tgraph.broadcast %ba dims(%ra, %ca) : tensor<?xf32> -> tensor<?x?xf32>
    %p = tgraph.mul %d, %bb : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    tsched.yield %p : tensor<?x?xf32>
  }
  return %y : tensor<?x?xf32>
}

// A value per row of two dims ([A, B, 1, 1] -> [A, B, 6, 5]): W = 30, a
// product of the static dims. A scalar's broadcast reads its one element into every lane.
// CHECK-LABEL: ttile.kernel @wide_rows_k0
// CHECK: memref.load %{{.*}}[%c0] : memref<?xf32>
// CHECK-LABEL: func.func @wide_rows(
// CHECK: %[[W30:.*]] = arith.muli %c6, %c5 : index
// CHECK-NEXT: ttile.launch @wide_rows_k0(%{{.*}}) elements %{{.*}} sizes(%[[W30]])
func.func @wide_rows(%m: tensor<?x2x1x1xf32> {tgraph.name = "m", tgraph.shape = ["A", 2, 1, 1]},
                     %s: tensor<f32> {tgraph.name = "s", tgraph.shape = []},
                     %x: tensor<?x2x6x5xf32> {tgraph.name = "x", tgraph.shape = ["A", 2, 6, 5]})
    -> (tensor<?x2x6x5xf32> {tgraph.name = "out0", tgraph.shape = ["A", 2, 6, 5]})
    attributes {tgraph.dims = ["A"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %a = tensor.dim %x, %c0 : tensor<?x2x6x5xf32>
  %y = tsched.fusion_group(%m, %s, %a, %x) {kind = "elementwise", shape = ["A", 2, 6, 5], tile = array<i64: 4096>}
      : (tensor<?x2x1x1xf32>, tensor<f32>, index, tensor<?x2x6x5xf32>) -> tensor<?x2x6x5xf32> {
  ^bb0(%ma: tensor<?x2x1x1xf32>, %sa: tensor<f32>, %aa: index, %xa: tensor<?x2x6x5xf32>):
    %bm = tgraph.broadcast %ma dims(%aa) : tensor<?x2x1x1xf32> -> tensor<?x2x6x5xf32>
    %bs = tgraph.broadcast %sa dims(%aa) : tensor<f32> -> tensor<?x2x6x5xf32>
    %d = tgraph.sub %xa, %bm : tensor<?x2x6x5xf32>, tensor<?x2x6x5xf32> -> tensor<?x2x6x5xf32>
    %p = tgraph.mul %d, %bs : tensor<?x2x6x5xf32>, tensor<?x2x6x5xf32> -> tensor<?x2x6x5xf32>
    tsched.yield %p : tensor<?x2x6x5xf32>
  }
  return %y : tensor<?x2x6x5xf32>
}
