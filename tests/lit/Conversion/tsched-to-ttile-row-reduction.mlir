// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s

// Reductions over the innermost axes (rows) become `row_reduction` kernels
// (RowReductionKernel.cpp; docs/ir/cpu-backend.md, "The row order"): a
// point is one row of C elements (C the one size), a step one row, so the
// launch has R points. The row is folded in 32 lanes, one vector<32>: lane
// j starts from the fold's identity and folds elements j, j+32, ... in
// ascending order; whole chunks of 32 load unmasked (ttile.in_bounds), the
// tail once, masked, its lanes at or past C - whole set back to the
// identity after the chain; then the tree p[j] op= p[j+h] for h = 16, 8, 4,
// 2, 1 (lanes [0, h) and [h, 2h) of the previous step), and lane 0 is the
// row's result, stored at the row.

// A sum with a fused chain ((x - m) * v + t) over rows whose length C is
// only known at run time: the segmented form. The first kernel's point is
// segment (point % S) of row (point / S), S = ceil(C / 8192) (the second
// size), starting at 8192 * (point % S), min(8192, C - start) elements.
// The row maximum m ([R, 1], constant along the row) is read once at the
// row and splat; t (rank 0) once at 0; v ([C] repeated over the rows)
// contiguously at start + k, bounded at the segment's end; x at
// row * C + start + k. The chain is evaluated on each chunk, lane by lane.
// CHECK-LABEL: ttile.kernel @chain_sum_k0 attributes {kind = "row_reduction", num_inputs = 4 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: memref<?xf32>, %[[M:[^:]*]]: memref<?xf32>, %[[V:[^:]*]]: memref<?xf32>, %[[T:[^:]*]]: memref<?xf32>, %[[VALUES:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[PT:[^:]*]]: index, %[[END:[^:]*]]: index, %[[C:[^:]*]]: index, %[[S:[^:]*]]: index):
// CHECK-NEXT: %[[ROW:.*]] = arith.divui %[[PT]], %[[S]] : index
// CHECK-NEXT: %[[SEG:.*]] = arith.remui %[[PT]], %[[S]] : index
// CHECK-NEXT: %[[C8192:.*]] = arith.constant 8192 : index
// CHECK-NEXT: %[[START:.*]] = arith.muli %[[SEG]], %[[C8192]] : index
// CHECK-NEXT: %[[C8192B:.*]] = arith.constant 8192 : index
// CHECK-NEXT: %[[REST:.*]] = arith.subi %[[C]], %[[START]] : index
// CHECK-NEXT: %[[LEN:.*]] = arith.minui %[[C8192B]], %[[REST]] : index
// CHECK-NEXT: %[[ROWBASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK-NEXT: %[[M0:.*]] = memref.load %[[M]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT: %[[MV:.*]] = vector.splat %[[M0]] : vector<32xf32>
// CHECK-NEXT: %[[Z0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[T0:.*]] = memref.load %[[T]][%[[Z0]]] : memref<?xf32>
// CHECK-NEXT: %[[TV:.*]] = vector.splat %[[T0]] : vector<32xf32>
// CHECK-NEXT: %[[ID:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[NCH:.*]] = arith.divui %[[LEN]], %[[C32]] : index
// CHECK-NEXT: %[[WHOLE:.*]] = arith.muli %[[NCH]], %[[C32]] : index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// The chunk loop: k = 0, 32, ... below the whole chunks, one vector<32> carried.
// CHECK-NEXT: %[[LANES:.*]] = scf.for %[[K:.*]] = %[[Z]] to %[[WHOLE]] step %[[C32]] iter_args(%[[ACC:.*]] = %[[ID]]) -> (vector<32xf32>) {
// CHECK-NEXT:   %[[BASE:.*]] = arith.addi %[[ROWBASE]], %[[START]] : index
// CHECK-NEXT:   %[[VAT:.*]] = arith.addi %[[START]], %[[K]] : index
// CHECK-NEXT:   %[[VEND:.*]] = arith.addi %[[START]], %[[LEN]] : index
// CHECK-NEXT:   %[[VV:.*]] = ttile.load %[[V]][%[[VAT]]] bound %[[VEND]] {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[XAT:.*]] = arith.addi %[[BASE]], %[[K]] : index
// CHECK-NEXT:   %[[XEND:.*]] = arith.addi %[[BASE]], %[[LEN]] : index
// CHECK-NEXT:   %[[XV:.*]] = ttile.load %[[X]][%[[XAT]]] bound %[[XEND]] {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : vector<32xf32>
// CHECK-NEXT:   %[[P:.*]] = arith.mulf %[[D]], %[[VV]] : vector<32xf32>
// CHECK-NEXT:   %[[Q:.*]] = arith.addf %[[P]], %[[TV]] : vector<32xf32>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.addf %[[ACC]], %[[Q]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<32xf32>
// CHECK-NEXT: }
// The masked tail, only when the segment is not a multiple of 32.
// CHECK-NEXT: %[[HASTAIL:.*]] = arith.cmpi ult, %[[WHOLE]], %[[LEN]] : index
// CHECK-NEXT: %[[P32:.*]] = scf.if %[[HASTAIL]] -> (vector<32xf32>) {
// CHECK-NEXT:   %[[TBASE:.*]] = arith.addi %[[ROWBASE]], %[[START]] : index
// CHECK-NEXT:   %[[TVAT:.*]] = arith.addi %[[START]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[TVEND:.*]] = arith.addi %[[START]], %[[LEN]] : index
// CHECK-NEXT:   %[[TVV:.*]] = ttile.load %[[V]][%[[TVAT]]] bound %[[TVEND]] : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[TXAT:.*]] = arith.addi %[[TBASE]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[TXEND:.*]] = arith.addi %[[TBASE]], %[[LEN]] : index
// CHECK-NEXT:   %[[TXV:.*]] = ttile.load %[[X]][%[[TXAT]]] bound %[[TXEND]] : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[TD:.*]] = arith.subf %[[TXV]], %[[MV]] : vector<32xf32>
// CHECK-NEXT:   %[[TP:.*]] = arith.mulf %[[TD]], %[[TVV]] : vector<32xf32>
// CHECK-NEXT:   %[[TQ:.*]] = arith.addf %[[TP]], %[[TV]] : vector<32xf32>
// CHECK-NEXT:   %[[IOTA:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : vector<32xi32>
// CHECK-NEXT:   %[[LEFT:.*]] = arith.subi %[[LEN]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[LEFT32:.*]] = arith.index_castui %[[LEFT]] : index to i32
// CHECK-NEXT:   %[[LEFTV:.*]] = vector.splat %[[LEFT32]] : vector<32xi32>
// CHECK-NEXT:   %[[INSIDE:.*]] = arith.cmpi ult, %[[IOTA]], %[[LEFTV]] : vector<32xi32>
// CHECK-NEXT:   %[[KEPT:.*]] = arith.select %[[INSIDE]], %[[TQ]], %[[ID]] : vector<32xi1>, vector<32xf32>
// CHECK-NEXT:   %[[TNEXT:.*]] = arith.addf %[[LANES]], %[[KEPT]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[TNEXT]] : vector<32xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT:   scf.yield %[[LANES]] : vector<32xf32>
// CHECK-NEXT: }
// The tree, halves first.
// CHECK-NEXT: %[[LO16:.*]] = vector.shuffle %[[P32]], %[[P32]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: %[[HI16:.*]] = vector.shuffle %[[P32]], %[[P32]] [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: %[[P16:.*]] = arith.addf %[[LO16]], %[[HI16]] : vector<16xf32>
// CHECK-NEXT: %[[LO8:.*]] = vector.shuffle %[[P16]], %[[P16]] [0, 1, 2, 3, 4, 5, 6, 7] : vector<16xf32>, vector<16xf32>
// CHECK-NEXT: %[[HI8:.*]] = vector.shuffle %[[P16]], %[[P16]] [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf32>, vector<16xf32>
// CHECK-NEXT: %[[P8:.*]] = arith.addf %[[LO8]], %[[HI8]] : vector<8xf32>
// CHECK-NEXT: %[[LO4:.*]] = vector.shuffle %[[P8]], %[[P8]] [0, 1, 2, 3] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT: %[[HI4:.*]] = vector.shuffle %[[P8]], %[[P8]] [4, 5, 6, 7] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT: %[[P4:.*]] = arith.addf %[[LO4]], %[[HI4]] : vector<4xf32>
// CHECK-NEXT: %[[LO2:.*]] = vector.shuffle %[[P4]], %[[P4]] [0, 1] : vector<4xf32>, vector<4xf32>
// CHECK-NEXT: %[[HI2:.*]] = vector.shuffle %[[P4]], %[[P4]] [2, 3] : vector<4xf32>, vector<4xf32>
// CHECK-NEXT: %[[P2:.*]] = arith.addf %[[LO2]], %[[HI2]] : vector<2xf32>
// CHECK-NEXT: %[[LO1:.*]] = vector.shuffle %[[P2]], %[[P2]] [0] : vector<2xf32>, vector<2xf32>
// CHECK-NEXT: %[[HI1:.*]] = vector.shuffle %[[P2]], %[[P2]] [1] : vector<2xf32>, vector<2xf32>
// CHECK-NEXT: %[[P1:.*]] = arith.addf %[[LO1]], %[[HI1]] : vector<1xf32>
// CHECK-NEXT: %[[SUM:.*]] = vector.extract %[[P1]][0] : f32 from vector<1xf32>
// One segment: the row's result; else the segment's value.
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[SINGLE:.*]] = arith.cmpi eq, %[[S]], %[[ONE]] : index
// CHECK-NEXT: scf.if %[[SINGLE]] {
// CHECK-NEXT:   memref.store %[[SUM]], %[[OUT]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT:   memref.store %[[SUM]], %[[VALUES]][%[[PT]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// The second kernel folds each row's S values (one point a row) in the
// same order; it has no points when S = 1.
// CHECK-LABEL: ttile.kernel @chain_sum_k1 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-LABEL: func.func @chain_sum(
// CHECK-SAME: %[[AX:[^:]*]]: memref<?xf32> {{.*}}, %[[AM:[^:]*]]: memref<?xf32> {{.*}}, %[[AV:[^:]*]]: memref<?xf32> {{.*}}, %[[AT:[^:]*]]: memref<?xf32> {{.*}}, %[[AO:[^:]*]]: memref<?xf32> {{.*}}, %[[R:[^:]*]]: index {tgraph.name = "R"}, %[[CN:[^:]*]]: index {tgraph.name = "C"})
// CHECK: %[[SEGS:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[PTS:.*]] = arith.muli %[[R]], %[[SEGS]] : index
// CHECK-NEXT: %[[ALLOC:.*]] = memref.alloc(%[[PTS]]) : memref<?xf32>
// CHECK-NEXT: ttile.launch @chain_sum_k0(%[[AX]], %[[AM]], %[[AV]], %[[AT]], %[[ALLOC]], %[[AO]]) elements %[[PTS]] sizes(%[[CN]], %[[SEGS]])
// CHECK: %[[SECOND:.*]] = arith.select %{{.*}}, %[[R]], %{{.*}} : index
// CHECK-NEXT: ttile.launch @chain_sum_k1(%[[ALLOC]], %[[AO]]) elements %[[SECOND]] sizes(%[[SEGS]], %[[CN]])
// CHECK-NEXT: memref.dealloc %[[ALLOC]] : memref<?xf32>
// CHECK-NEXT: return
func.func @chain_sum(%x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]},
                     %m: tensor<?x1xf32> {tgraph.name = "m", tgraph.shape = ["R", 1]},
                     %v: tensor<?xf32> {tgraph.name = "v", tgraph.shape = ["C"]},
                     %t: tensor<f32> {tgraph.name = "t", tgraph.shape = []})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["R"]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c = tensor.dim %x, %c1 : tensor<?x?xf32>
  %s = tsched.fusion_group(%x, %m, %v, %r, %c, %t) {kind = "reduction", shape = ["R"], tile = array<i64: 64>}
      : (tensor<?x?xf32>, tensor<?x1xf32>, tensor<?xf32>, index, index, tensor<f32>) -> tensor<?xf32> {
  ^bb0(%xa: tensor<?x?xf32>, %ma: tensor<?x1xf32>, %va: tensor<?xf32>, %ra: index, %ca: index, %ta: tensor<f32>):
    %bm = tgraph.broadcast %ma dims(%ra, %ca) : tensor<?x1xf32> -> tensor<?x?xf32>
    %bv = tgraph.broadcast %va dims(%ra, %ca) : tensor<?xf32> -> tensor<?x?xf32>
    %d = tgraph.sub %xa, %bm : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    %p = tgraph.mul %d, %bv : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    %q = tgraph.add %p, %ta : tensor<?x?xf32>, tensor<f32> -> tensor<?x?xf32>
    %sum = tgraph.reduce_sum %q axes = [1] : tensor<?x?xf32> -> tensor<?xf32>
    tsched.yield %sum : tensor<?xf32>
  }
  return %s : tensor<?xf32>
}

// A mean over rows of 100 (one segment, a point a row): the lanes and the
// tree of a sum, then lane 0 divided by C (converted from the size), once
// per row.
// CHECK-LABEL: ttile.kernel @row_mean_k0 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[ROW:[^:]*]]: index, %{{[^:]*}}: index, %[[C:[^:]*]]: index):
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK-NEXT: %[[ID:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK: %[[LANES:.*]] = scf.for %[[K:.*]] = %{{.*}} to %[[WHOLE:.*]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ID]]) -> (vector<32xf32>) {
// CHECK-NEXT:   %[[AT:.*]] = arith.addi %[[BASE]], %[[K]] : index
// CHECK-NEXT:   %[[END:.*]] = arith.addi %[[BASE]], %[[C]] : index
// CHECK-NEXT:   %[[V:.*]] = ttile.load %[[X]][%[[AT]]] bound %[[END]] {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.addf %[[ACC]], %[[V]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[HASTAIL:.*]] = arith.cmpi ult, %[[WHOLE]], %[[C]] : index
// CHECK-NEXT: %[[P32:.*]] = scf.if %[[HASTAIL]] -> (vector<32xf32>) {
// CHECK:        %[[TV:.*]] = ttile.load %[[X]][%{{.*}}] bound %{{.*}} : memref<?xf32> -> vector<32xf32>
// CHECK:        %[[KEPT:.*]] = arith.select %{{.*}}, %[[TV]], %[[ID]] : vector<32xi1>, vector<32xf32>
// CHECK-NEXT:   %[[TNEXT:.*]] = arith.addf %[[LANES]], %[[KEPT]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[TNEXT]] : vector<32xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT:   scf.yield %[[LANES]] : vector<32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: vector.shuffle %[[P32]], %[[P32]] [0, {{.*}}, 15] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: vector.shuffle %[[P32]], %[[P32]] [16, {{.*}}, 31] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: %[[P16:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT: vector.shuffle %[[P16]], %[[P16]] [0, 1, 2, 3, 4, 5, 6, 7] : vector<16xf32>, vector<16xf32>
// CHECK-NEXT: vector.shuffle %[[P16]], %[[P16]] [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf32>, vector<16xf32>
// CHECK-NEXT: %[[P8:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NEXT: vector.shuffle %[[P8]], %[[P8]] [0, 1, 2, 3] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT: vector.shuffle %[[P8]], %[[P8]] [4, 5, 6, 7] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT: %[[P4:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NEXT: vector.shuffle %[[P4]], %[[P4]] [0, 1] : vector<4xf32>, vector<4xf32>
// CHECK-NEXT: vector.shuffle %[[P4]], %[[P4]] [2, 3] : vector<4xf32>, vector<4xf32>
// CHECK-NEXT: %[[P2:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<2xf32>
// CHECK-NEXT: vector.shuffle %[[P2]], %[[P2]] [0] : vector<2xf32>, vector<2xf32>
// CHECK-NEXT: vector.shuffle %[[P2]], %[[P2]] [1] : vector<2xf32>, vector<2xf32>
// CHECK-NEXT: %[[P1:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<1xf32>
// CHECK-NEXT: %[[SUM:.*]] = vector.extract %[[P1]][0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[CI:.*]] = arith.index_castui %[[C]] : index to i64
// CHECK-NEXT: %[[CF:.*]] = arith.uitofp %[[CI]] : i64 to f32
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[SUM]], %[[CF]] : f32
// CHECK-NEXT: memref.store %[[MEAN]], %[[OUT]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @row_mean(
// CHECK-SAME: %[[R:[^:]*]]: index {tgraph.name = "R"})
// CHECK-NEXT: %[[CN:.*]] = arith.constant 100 : index
// CHECK-NEXT: ttile.launch @row_mean_k0(%arg0, %arg1) elements %[[R]] sizes(%[[CN]])
func.func @row_mean(%x: tensor<?x100xf32> {tgraph.name = "x", tgraph.shape = ["R", 100]})
    -> (tensor<?x1xf32> {tgraph.name = "out0", tgraph.shape = ["R", 1]})
    attributes {tgraph.dims = ["R"], tgraph.entry} {
  %s = tsched.fusion_group(%x) {kind = "reduction", shape = ["R", 1], tile = array<i64: 64>}
      : (tensor<?x100xf32>) -> tensor<?x1xf32> {
  ^bb0(%xa: tensor<?x100xf32>):
    %m = tgraph.reduce_mean %xa axes = [1] {keepdims = true} : tensor<?x100xf32> -> tensor<?x1xf32>
    tsched.yield %m : tensor<?x1xf32>
  }
  return %s : tensor<?x1xf32>
}

// A max: the lanes start from -inf, the tail's lanes past C are -inf again
// (a masked load's filler never wins), maximumf everywhere (NaN kept).
// CHECK-LABEL: ttile.kernel @row_max_k0 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[ROW:[^:]*]]: index, %{{[^:]*}}: index, %[[C:[^:]*]]: index):
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK-NEXT: %[[ID:.*]] = arith.constant dense<0xFF800000> : vector<32xf32>
// CHECK: %[[LANES:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[ID]]) -> (vector<32xf32>) {
// CHECK:        %[[V:.*]] = ttile.load %[[X]][%{{.*}}] bound %{{.*}} {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.maximumf %[[ACC]], %[[V]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<32xf32>
// CHECK-NEXT: }
// CHECK:      %[[P32:.*]] = scf.if %{{.*}} -> (vector<32xf32>) {
// CHECK:        %[[TV:.*]] = ttile.load %[[X]][%{{.*}}] bound %{{.*}} : memref<?xf32> -> vector<32xf32>
// CHECK:        %[[KEPT:.*]] = arith.select %{{.*}}, %[[TV]], %[[ID]] : vector<32xi1>, vector<32xf32>
// CHECK-NEXT:   arith.maximumf %[[LANES]], %[[KEPT]] : vector<32xf32>
// CHECK:      } else {
// CHECK-NEXT:   scf.yield %[[LANES]] : vector<32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: vector.shuffle %[[P32]], %[[P32]] [0, {{.*}}, 15] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: vector.shuffle %[[P32]], %[[P32]] [16, {{.*}}, 31] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<16xf32>, vector<16xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf32>, vector<16xf32>
// CHECK-NEXT: arith.maximumf %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [0, 1, 2, 3] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [4, 5, 6, 7] : vector<8xf32>, vector<8xf32>
// CHECK-NEXT: arith.maximumf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [0, 1] : vector<4xf32>, vector<4xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [2, 3] : vector<4xf32>, vector<4xf32>
// CHECK-NEXT: arith.maximumf %{{.*}}, %{{.*}} : vector<2xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [0] : vector<2xf32>, vector<2xf32>
// CHECK-NEXT: vector.shuffle %{{.*}} [1] : vector<2xf32>, vector<2xf32>
// CHECK-NEXT: %[[P1:.*]] = arith.maximumf %{{.*}}, %{{.*}} : vector<1xf32>
// CHECK-NEXT: %[[MAX:.*]] = vector.extract %[[P1]][0] : f32 from vector<1xf32>
// CHECK-NEXT: memref.store %[[MAX]], %[[OUT]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @row_max(
// CHECK-SAME: %[[R:[^:]*]]: index {tgraph.name = "R"})
// CHECK-NEXT: %[[CN:.*]] = arith.constant 100 : index
// CHECK-NEXT: ttile.launch @row_max_k0(%arg0, %arg1) elements %[[R]] sizes(%[[CN]])
func.func @row_max(%x: tensor<?x100xf32> {tgraph.name = "x", tgraph.shape = ["R", 100]})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["R"]})
    attributes {tgraph.dims = ["R"], tgraph.entry} {
  %s = tsched.fusion_group(%x) {kind = "reduction", shape = ["R"], tile = array<i64: 64>}
      : (tensor<?x100xf32>) -> tensor<?xf32> {
  ^bb0(%xa: tensor<?x100xf32>):
    %m = tgraph.reduce_max %xa axes = [1] : tensor<?x100xf32> -> tensor<?xf32>
    tsched.yield %m : tensor<?xf32>
  }
  return %s : tensor<?xf32>
}
