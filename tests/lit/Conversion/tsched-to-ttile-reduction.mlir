// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s

// Reduction groups over axes that are not the innermost ones: a point is
// one result element, and a kernel step computes 8 consecutive ones
// (vector = 8), each in its own chain. The operand is read as
// [outer, R, inner] (the reduced axes adjacent); the sizes are R and inner.
// Each result folds its R elements in ascending order from the fold's
// identity, so the result does not depend on the tile, the thread count or
// its neighbours in the step. Results past the point count (in the last
// step) read result o's elements and store nothing.
//
// Reductions over the innermost axes (rows) are `row_reduction` kernels: a
// point is one row of C elements (the one size), folded in 32 lanes and a
// tree over them (tsched-to-ttile-row-reduction.mlir has the details).

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
// A step whose 8 results are all valid and in one row of the inner axis
// reads their elements at each r as one vector (the same elements, folded
// in the same order: the same bits); other steps gather lane by lane.
// CHECK:      %[[ROWEND:.*]] = arith.addi %[[Q]], %{{.*}} : index
// CHECK-NEXT: %[[INROW:.*]] = arith.cmpi ule, %[[ROWEND]], %[[I]] : index
// CHECK-NEXT: %[[CONTIG:.*]] = arith.andi %[[OK7]], %[[INROW]] : i1
// CHECK-NEXT: %[[SUM:.*]]:8 = scf.if %[[CONTIG]] -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK:        %[[VSUM:.*]] = scf.for %[[VJ:.*]] = %{{.*}} to %[[R]] step %{{.*}} iter_args(%[[VACC:[^ ]*]] = %{{.*}}) -> (vector<8xf32>) {
// CHECK-NEXT:     %[[VJI:.*]] = arith.muli %[[VJ]], %[[I]] : index
// CHECK-NEXT:     %[[VIDX:.*]] = arith.addi %[[BASE0]], %[[VJI]] : index
// CHECK:          %[[VV:.*]] = ttile.load %[[IN]][%[[VIDX]]] bound %{{.*}} {ttile.in_bounds} : memref<?xf32> -> vector<8xf32>
// CHECK-NEXT:     %[[VNEXT:.*]] = arith.addf %[[VACC]], %[[VV]] : vector<8xf32>
// CHECK-NEXT:     scf.yield %[[VNEXT]] : vector<8xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   %[[L0:.*]] = vector.extract %[[VSUM]][0] : f32 from vector<8xf32>
// CHECK:        scf.yield %[[L0]], {{.*}} : f32, f32, f32, f32, f32, f32, f32, f32
// CHECK-NEXT: } else {
// CHECK:        %[[SLOW:.*]]:8 = scf.for %[[J:.*]] = %{{.*}} to %[[R]] step %{{.*}} iter_args(%[[ACC0:[^ ]*]] = %[[INIT0]], {{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK-NEXT:     %[[JI:.*]] = arith.muli %[[J]], %[[I]] : index
// CHECK-NEXT:     %[[IDX:.*]] = arith.addi %[[BASE0]], %[[JI]] : index
// CHECK-NEXT:     %[[V:.*]] = memref.load %[[IN]][%[[IDX]]] : memref<?xf32>
// CHECK-NEXT:     %[[NEXT0:.*]] = arith.addf %[[ACC0]], %[[V]] : f32
// CHECK:          scf.yield %[[NEXT0]], {{.*}} : f32, f32, f32, f32, f32, f32, f32, f32
// CHECK-NEXT:   }
// CHECK-NEXT:   scf.yield %[[SLOW]]#0, {{.*}} : f32, f32, f32, f32, f32, f32, f32, f32
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

// Two leading axes (given in any order) reduce as one of A * B elements,
// a count known only at run time: segments of 256 (docs/ir/cpu-backend.md,
// "Segments"). The first kernel's point is (p, s, q): segment s =
// (point / inner) % S of result (p, q), S = ceil(R / 256) its third size;
// the loop runs min(256, R) steps, and a result whose segment is shorter
// reads its last element again and keeps its sum (select). With S = 1 it
// stores the mean itself, else the segment's sum. The second kernel folds
// each result's S sums in ascending order from the first, then divides by
// R once.
// CHECK-LABEL: ttile.kernel @mean_leading_k0 attributes {kind = "reduction", num_inputs = 1 : i64, num_sizes = 3 : i64, tile = 64 : i64, vector = 8 : i64} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf32>, %[[VALUES:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: index, %[[E:[^:]*]]: index, %[[R:[^:]*]]: index, %[[I:[^:]*]]: index, %[[S:[^:]*]]: index):
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[O0:.*]] = arith.addi %[[O]], %[[C0]] : index
// CHECK-NEXT: %[[OK0:.*]] = arith.cmpi ult, %[[O0]], %[[E]] : index
// CHECK-NEXT: %[[READ0:.*]] = arith.select %[[OK0]], %[[O0]], %[[O]] : index
// CHECK-NEXT: %[[PS:.*]] = arith.divui %[[READ0]], %[[I]] : index
// CHECK-NEXT: %[[Q:.*]] = arith.remui %[[READ0]], %[[I]] : index
// CHECK-NEXT: %[[SEG:.*]] = arith.remui %[[PS]], %[[S]] : index
// CHECK-NEXT: %[[P:.*]] = arith.divui %[[PS]], %[[S]] : index
// CHECK-NEXT: %[[C256:.*]] = arith.constant 256 : index
// CHECK-NEXT: %[[FIRST:.*]] = arith.muli %[[SEG]], %[[C256]] : index
// CHECK-NEXT: %[[C256B:.*]] = arith.constant 256 : index
// CHECK-NEXT: %[[REST:.*]] = arith.subi %[[R]], %[[FIRST]] : index
// CHECK-NEXT: %[[COUNT:.*]] = arith.minui %[[C256B]], %[[REST]] : index
// CHECK-NEXT: %[[PR:.*]] = arith.muli %[[P]], %[[R]] : index
// CHECK-NEXT: %[[PRI:.*]] = arith.muli %[[PR]], %[[I]] : index
// CHECK-NEXT: %[[BASE:.*]] = arith.addi %[[PRI]], %[[Q]] : index
// CHECK: %[[END:.*]] = arith.minui %{{.*}}, %[[R]] : index
// A contiguous step's results share their segment: the loop runs to its
// count, with no select.
// CHECK: %[[SUM:[0-9a-z_]+]]:8 = scf.if %{{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK:   scf.for %{{.*}} = %{{.*}} to %[[COUNT]] step %{{.*}} iter_args({{.*}}) -> (vector<8xf32>) {
// CHECK-NOT: arith.select
// CHECK:     ttile.load %[[IN]]{{.*}} -> vector<8xf32>
// CHECK-NOT: arith.select
// CHECK:     scf.yield %{{.*}} : vector<8xf32>
// CHECK: } else {
// CHECK: %[[SLOW:[0-9a-z_]+]]:8 = scf.for %[[J:.*]] = %{{.*}} to %[[END]] step %{{.*}} iter_args(%[[ACC:[^ ]*]] = {{.*}}) -> (f32, f32, f32, f32, f32, f32, f32, f32) {
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT:   %[[LAST:.*]] = arith.subi %[[COUNT]], %[[ONE]] : index
// CHECK-NEXT:   %[[JJ:.*]] = arith.minui %[[J]], %[[LAST]] : index
// CHECK-NEXT:   %[[AT:.*]] = arith.addi %[[FIRST]], %[[JJ]] : index
// CHECK-NEXT:   %[[ATI:.*]] = arith.muli %[[AT]], %[[I]] : index
// CHECK-NEXT:   %[[IDX:.*]] = arith.addi %[[BASE]], %[[ATI]] : index
// CHECK-NEXT:   %[[V:.*]] = memref.load %[[IN]][%[[IDX]]] : memref<?xf32>
// CHECK-NEXT:   %[[ADD:.*]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK-NEXT:   %[[IN0:.*]] = arith.cmpi ult, %[[J]], %[[COUNT]] : index
// CHECK-NEXT:   %[[NEXT:.*]] = arith.select %[[IN0]], %[[ADD]], %[[ACC]] : f32
// CHECK: }
// CHECK-NEXT: scf.yield %[[SLOW]]#0, {{.*}} : f32, f32, f32, f32, f32, f32, f32, f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[ONES:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[SINGLE:.*]] = arith.cmpi eq, %[[S]], %[[ONES]] : index
// CHECK-NEXT: %[[CI:.*]] = arith.index_castui %[[R]] : index to i64
// CHECK-NEXT: %[[CF:.*]] = arith.uitofp %[[CI]] : i64 to f32
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[SUM]]#0, %[[CF]] : f32
// CHECK-NEXT: scf.if %[[OK0]] {
// CHECK-NEXT:   scf.if %[[SINGLE]] {
// CHECK-NEXT:     memref.store %[[MEAN]], %[[OUT]][%[[O0]]] : memref<?xf32>
// CHECK-NEXT:   } else {
// CHECK-NEXT:     memref.store %[[SUM]]#0, %[[VALUES]][%[[O0]]] : memref<?xf32>
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-LABEL: ttile.kernel @mean_leading_k1 attributes {kind = "reduction", num_inputs = 1 : i64, num_sizes = 3 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[VIN:[^:]*]]: memref<?xf32>, %[[VOUT:[^:]*]]: memref<?xf32>, %[[VO:[^:]*]]: index, %{{[^:]*}}: index, %[[VS:[^:]*]]: index, %[[VI:[^:]*]]: index, %[[VR:[^:]*]]: index):
// CHECK-NEXT: %[[VP:.*]] = arith.divui %[[VO]], %[[VI]] : index
// CHECK-NEXT: %[[VQ:.*]] = arith.remui %[[VO]], %[[VI]] : index
// CHECK-NEXT: %[[VPS:.*]] = arith.muli %[[VP]], %[[VS]] : index
// CHECK-NEXT: %[[VPSI:.*]] = arith.muli %[[VPS]], %[[VI]] : index
// CHECK-NEXT: %[[VBASE:.*]] = arith.addi %[[VPSI]], %[[VQ]] : index
// CHECK-NEXT: %[[V0:.*]] = memref.load %[[VIN]][%[[VBASE]]] : memref<?xf32>
// CHECK-NEXT: %[[FROM:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[STEP:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[TOTAL:.*]] = scf.for %[[K:.*]] = %[[FROM]] to %[[VS]] step %[[STEP]] iter_args(%[[VACC:.*]] = %[[V0]]) -> (f32) {
// CHECK-NEXT:   %[[KI:.*]] = arith.muli %[[K]], %[[VI]] : index
// CHECK-NEXT:   %[[KIDX:.*]] = arith.addi %[[VBASE]], %[[KI]] : index
// CHECK-NEXT:   %[[VK:.*]] = memref.load %[[VIN]][%[[KIDX]]] : memref<?xf32>
// CHECK-NEXT:   %[[VNEXT:.*]] = arith.addf %[[VACC]], %[[VK]] : f32
// CHECK-NEXT:   scf.yield %[[VNEXT]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[VCI:.*]] = arith.index_castui %[[VR]] : index to i64
// CHECK-NEXT: %[[VCF:.*]] = arith.uitofp %[[VCI]] : i64 to f32
// CHECK-NEXT: %[[VMEAN:.*]] = arith.divf %[[TOTAL]], %[[VCF]] : f32
// CHECK-NEXT: memref.store %[[VMEAN]], %[[VOUT]][%[[VO]]] : memref<?xf32>
// CHECK-LABEL: func.func @mean_leading(
// CHECK-SAME: %[[A:[^:]*]]: index {tgraph.name = "A"}, %[[B:[^:]*]]: index {tgraph.name = "B"})
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[AB:.*]] = arith.muli %[[A]], %[[B]] : index
// CHECK: %[[SEGS:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %[[OS:.*]] = arith.muli %{{.*}}, %[[SEGS]] : index
// CHECK-NEXT: %[[PTS:.*]] = arith.muli %[[OS]], %[[C3]] : index
// CHECK-NEXT: %[[ALLOC:.*]] = memref.alloc(%[[PTS]]) : memref<?xf32>
// CHECK-NEXT: ttile.launch @mean_leading_k0(%arg0, %[[ALLOC]], %arg1) elements %[[PTS]] sizes(%[[AB]], %[[C3]], %[[SEGS]])
// CHECK: %[[SECOND:.*]] = arith.select
// CHECK-NEXT: ttile.launch @mean_leading_k1(%[[ALLOC]], %arg1) elements %[[SECOND]] sizes(%[[SEGS]], %[[C3]], %[[AB]])
// CHECK-NEXT: memref.dealloc %[[ALLOC]] : memref<?xf32>
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

// A row: max over the last axis is a row reduction, one row a point
// (elements = N, the one size C = 6). The 32 lanes start from -inf; whole
// chunks of 32 (none here, but C is only known at run time to the kernel)
// fold unmasked, the tail masked with lanes past C set back to -inf; then
// the tree 16, 8, 4, 2, 1 and lane 0 is stored. maximumf keeps a NaN;
// keepdims changes nothing in the layout.
// CHECK-LABEL: ttile.kernel @max_keepdims_k0 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf64>, %[[OUT:[^:]*]]: memref<?xf64>, %[[ROW:[^:]*]]: index, %{{[^:]*}}: index, %[[C:[^:]*]]: index):
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK-NEXT: %[[ID:.*]] = arith.constant dense<0xFFF0000000000000> : vector<32xf64>
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[NCH:.*]] = arith.divui %[[C]], %[[C32]] : index
// CHECK-NEXT: %[[WHOLE:.*]] = arith.muli %[[NCH]], %[[C32]] : index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[LANES:.*]] = scf.for %[[K:.*]] = %[[Z]] to %[[WHOLE]] step %[[C32]] iter_args(%[[ACC:.*]] = %[[ID]]) -> (vector<32xf64>) {
// CHECK-NEXT:   %[[AT:.*]] = arith.addi %[[BASE]], %[[K]] : index
// CHECK-NEXT:   %[[END:.*]] = arith.addi %[[BASE]], %[[C]] : index
// CHECK-NEXT:   %[[V:.*]] = ttile.load %[[IN]][%[[AT]]] bound %[[END]] {ttile.in_bounds} : memref<?xf64> -> vector<32xf64>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.maximumf %[[ACC]], %[[V]] : vector<32xf64>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<32xf64>
// CHECK-NEXT: }
// CHECK-NEXT: %[[HASTAIL:.*]] = arith.cmpi ult, %[[WHOLE]], %[[C]] : index
// CHECK-NEXT: %[[P32:.*]] = scf.if %[[HASTAIL]] -> (vector<32xf64>) {
// CHECK-NEXT:   %[[TAT:.*]] = arith.addi %[[BASE]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[TEND:.*]] = arith.addi %[[BASE]], %[[C]] : index
// CHECK-NEXT:   %[[TV:.*]] = ttile.load %[[IN]][%[[TAT]]] bound %[[TEND]] : memref<?xf64> -> vector<32xf64>
// CHECK-NEXT:   %[[IOTA:.*]] = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : vector<32xi32>
// CHECK-NEXT:   %[[LEFT:.*]] = arith.subi %[[C]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[LEFT32:.*]] = arith.index_castui %[[LEFT]] : index to i32
// CHECK-NEXT:   %[[LEFTV:.*]] = vector.splat %[[LEFT32]] : vector<32xi32>
// CHECK-NEXT:   %[[INSIDE:.*]] = arith.cmpi ult, %[[IOTA]], %[[LEFTV]] : vector<32xi32>
// CHECK-NEXT:   %[[KEPT:.*]] = arith.select %[[INSIDE]], %[[TV]], %[[ID]] : vector<32xi1>, vector<32xf64>
// CHECK-NEXT:   %[[TNEXT:.*]] = arith.maximumf %[[LANES]], %[[KEPT]] : vector<32xf64>
// CHECK-NEXT:   scf.yield %[[TNEXT]] : vector<32xf64>
// CHECK-NEXT: } else {
// CHECK-NEXT:   scf.yield %[[LANES]] : vector<32xf64>
// CHECK-NEXT: }
// CHECK-NEXT: %[[LO16:.*]] = vector.shuffle %[[P32]], %[[P32]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<32xf64>, vector<32xf64>
// CHECK-NEXT: %[[HI16:.*]] = vector.shuffle %[[P32]], %[[P32]] [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<32xf64>, vector<32xf64>
// CHECK-NEXT: %[[P16:.*]] = arith.maximumf %[[LO16]], %[[HI16]] : vector<16xf64>
// CHECK-NEXT: %[[LO8:.*]] = vector.shuffle %[[P16]], %[[P16]] [0, 1, 2, 3, 4, 5, 6, 7] : vector<16xf64>, vector<16xf64>
// CHECK-NEXT: %[[HI8:.*]] = vector.shuffle %[[P16]], %[[P16]] [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf64>, vector<16xf64>
// CHECK-NEXT: %[[P8:.*]] = arith.maximumf %[[LO8]], %[[HI8]] : vector<8xf64>
// CHECK-NEXT: %[[LO4:.*]] = vector.shuffle %[[P8]], %[[P8]] [0, 1, 2, 3] : vector<8xf64>, vector<8xf64>
// CHECK-NEXT: %[[HI4:.*]] = vector.shuffle %[[P8]], %[[P8]] [4, 5, 6, 7] : vector<8xf64>, vector<8xf64>
// CHECK-NEXT: %[[P4:.*]] = arith.maximumf %[[LO4]], %[[HI4]] : vector<4xf64>
// CHECK-NEXT: %[[LO2:.*]] = vector.shuffle %[[P4]], %[[P4]] [0, 1] : vector<4xf64>, vector<4xf64>
// CHECK-NEXT: %[[HI2:.*]] = vector.shuffle %[[P4]], %[[P4]] [2, 3] : vector<4xf64>, vector<4xf64>
// CHECK-NEXT: %[[P2:.*]] = arith.maximumf %[[LO2]], %[[HI2]] : vector<2xf64>
// CHECK-NEXT: %[[LO1:.*]] = vector.shuffle %[[P2]], %[[P2]] [0] : vector<2xf64>, vector<2xf64>
// CHECK-NEXT: %[[HI1:.*]] = vector.shuffle %[[P2]], %[[P2]] [1] : vector<2xf64>, vector<2xf64>
// CHECK-NEXT: %[[P1:.*]] = arith.maximumf %[[LO1]], %[[HI1]] : vector<1xf64>
// CHECK-NEXT: %[[RES:.*]] = vector.extract %[[P1]][0] : f64 from vector<1xf64>
// CHECK-NEXT: memref.store %[[RES]], %[[OUT]][%[[ROW]]] : memref<?xf64>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @max_keepdims(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf64> {{.*}}, %[[Y:[^:]*]]: memref<?xf64> {{.*}}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NEXT: %[[C6:.*]] = arith.constant 6 : index
// CHECK-NEXT: ttile.launch @max_keepdims_k0(%[[X]], %[[Y]]) elements %[[N]] sizes(%[[C6]]) : memref<?xf64>, memref<?xf64>
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

// An integer min over every axis: the axes are the innermost ones too, so
// one row of N * 4 elements, its lanes from the largest i64. Its length is
// only known at run time, so it may be longer than a segment (8192): the
// first kernel folds segment (point % S) of row (point / S), S = ceil(C /
// 8192), a segment of min(8192, C - start) elements from start = 8192 *
// (point % S); it stores the row's result itself when S = 1, else the
// segment's value. The second folds a row's S values in the same order
// and has no points when S = 1.
// CHECK-LABEL: ttile.kernel @min_all_k0 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xi64>, %[[VALUES:[^:]*]]: memref<?xi64>, %[[OUT:[^:]*]]: memref<?xi64>, %[[PT:[^:]*]]: index, %{{[^:]*}}: index, %[[C:[^:]*]]: index, %[[S:[^:]*]]: index):
// CHECK-NEXT: %[[ROW:.*]] = arith.divui %[[PT]], %[[S]] : index
// CHECK-NEXT: %[[SEG:.*]] = arith.remui %[[PT]], %[[S]] : index
// CHECK-NEXT: %[[SEGLEN:.*]] = arith.constant 8192 : index
// CHECK-NEXT: %[[START:.*]] = arith.muli %[[SEG]], %[[SEGLEN]] : index
// CHECK-NEXT: %[[SEGLEN2:.*]] = arith.constant 8192 : index
// CHECK-NEXT: %[[REST:.*]] = arith.subi %[[C]], %[[START]] : index
// CHECK-NEXT: %[[LEN:.*]] = arith.minui %[[SEGLEN2]], %[[REST]] : index
// CHECK-NEXT: %[[ROWBASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK-NEXT: %[[INIT:.*]] = arith.constant dense<9223372036854775807> : vector<32xi64>
// CHECK: scf.for %[[K:.*]] = %{{.*}} iter_args(%[[ACC:[^ ]*]] = %[[INIT]]) -> (vector<32xi64>) {
// CHECK-NEXT: %[[BASE:.*]] = arith.addi %[[ROWBASE]], %[[START]] : index
// CHECK-NEXT: %[[AT:.*]] = arith.addi %[[BASE]], %[[K]] : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[BASE]], %[[LEN]] : index
// CHECK-NEXT: %[[V:.*]] = ttile.load %[[IN]][%[[AT]]] bound %[[END]] {ttile.in_bounds} : memref<?xi64> -> vector<32xi64>
// CHECK-NEXT: arith.minsi %[[ACC]], %[[V]] : vector<32xi64>
// CHECK: scf.if
// CHECK: arith.select %{{.*}}, %{{.*}}, %[[INIT]] : vector<32xi1>, vector<32xi64>
// CHECK: arith.minsi %{{.*}}, %{{.*}} : vector<16xi64>
// CHECK: %[[MIN:.*]] = arith.minsi %{{.*}}, %{{.*}} : vector<1xi64>
// CHECK-NEXT: %[[RES:.*]] = vector.extract %[[MIN]][0] : i64 from vector<1xi64>
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[SINGLE:.*]] = arith.cmpi eq, %[[S]], %[[ONE]] : index
// CHECK-NEXT: scf.if %[[SINGLE]] {
// CHECK-NEXT:   memref.store %[[RES]], %[[OUT]][%[[ROW]]] : memref<?xi64>
// CHECK-NEXT: } else {
// CHECK-NEXT:   memref.store %[[RES]], %[[VALUES]][%[[PT]]] : memref<?xi64>
// CHECK-NEXT: }
// CHECK-LABEL: ttile.kernel @min_all_k1 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[VIN:[^:]*]]: memref<?xi64>, %[[VOUT:[^:]*]]: memref<?xi64>, %[[VROW:[^:]*]]: index, %{{[^:]*}}: index, %[[VS:[^:]*]]: index, %{{[^:]*}}: index):
// CHECK-NEXT: %[[VBASE:.*]] = arith.muli %[[VROW]], %[[VS]] : index
// CHECK: ttile.load %[[VIN]]
// CHECK: %[[VMIN:.*]] = arith.minsi %{{.*}}, %{{.*}} : vector<1xi64>
// CHECK-NEXT: %[[VRES:.*]] = vector.extract %[[VMIN]][0] : i64 from vector<1xi64>
// CHECK-NEXT: memref.store %[[VRES]], %[[VOUT]][%[[VROW]]] : memref<?xi64>
// CHECK-LABEL: func.func @min_all(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xi64> {{.*}}, %[[Y:[^:]*]]: memref<?xi64> {{.*}}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NEXT: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[ROWS:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[R:.*]] = arith.muli %[[N]], %[[C4]] : index
// CHECK-NEXT: %[[C8191:.*]] = arith.constant 8191 : index
// CHECK-NEXT: %[[UP:.*]] = arith.addi %[[R]], %[[C8191]] : index
// CHECK-NEXT: %[[C8192:.*]] = arith.constant 8192 : index
// CHECK-NEXT: %[[SEGS:.*]] = arith.divui %[[UP]], %[[C8192]] : index
// CHECK-NEXT: %[[ONE1:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[POINTS:.*]] = arith.muli %[[ROWS]], %[[SEGS]] : index
// CHECK-NEXT: %[[ALLOC:.*]] = memref.alloc(%[[POINTS]]) : memref<?xi64>
// CHECK-NEXT: ttile.launch @min_all_k0(%[[X]], %[[ALLOC]], %[[Y]]) elements %[[POINTS]] sizes(%[[R]], %[[SEGS]])
// CHECK-NEXT: %[[SEVERAL:.*]] = arith.cmpi ugt, %[[SEGS]], %[[ONE1]] : index
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[SECOND:.*]] = arith.select %[[SEVERAL]], %[[ROWS]], %[[ZERO]] : index
// CHECK-NEXT: ttile.launch @min_all_k1(%[[ALLOC]], %[[Y]]) elements %[[SECOND]] sizes(%[[SEGS]], %[[R]])
// CHECK-NEXT: memref.dealloc %[[ALLOC]] : memref<?xi64>
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

// An integer product of rows: the lanes start from 1.
// CHECK-LABEL: ttile.kernel @prod_i32_k0 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK: %[[INIT:.*]] = arith.constant dense<1> : vector<32xi32>
// CHECK: scf.for %{{.*}} iter_args(%[[ACC:[^ ]*]] = %[[INIT]]) -> (vector<32xi32>) {
// CHECK: %[[V:.*]] = ttile.load
// CHECK-NEXT: arith.muli %[[ACC]], %[[V]] : vector<32xi32>
// CHECK: arith.muli %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: arith.muli %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK: arith.muli %{{.*}}, %{{.*}} : vector<4xi32>
// CHECK: arith.muli %{{.*}}, %{{.*}} : vector<2xi32>
// CHECK: %[[PROD:.*]] = arith.muli %{{.*}}, %{{.*}} : vector<1xi32>
// CHECK-NEXT: %[[RES:.*]] = vector.extract %[[PROD]][0] : i32 from vector<1xi32>
// CHECK-NEXT: memref.store %[[RES]]
// CHECK-LABEL: func.func @prod_i32(
// CHECK: ttile.launch @prod_i32_k0(%arg0, %arg1) elements %arg2 sizes(%{{.*}})
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
