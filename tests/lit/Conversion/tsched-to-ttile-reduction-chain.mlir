// RUN: tessera-opt %s --convert-tsched-to-ttile=reduction-results=2 | FileCheck %s

// A reduction group with a chain over a row (the innermost axis): a
// row_reduction kernel, whatever reduction-results says (that is the
// `reduction` kernel's results per step, below). The chain is evaluated
// on each chunk of 32 lanes and folded lane by lane. The row maximum does
// not vary along the row (outer followed, reduced repeated): read once at
// the row and splat before the loop; x is read contiguously at
// row * C + k. (Rows of 100: one segment; a length known only at run time
// takes two kernels, tsched-to-ttile-reduction.mlir.) In the tail, the lanes past C are set to the identity after
// the chain (exp of what a masked lane holds is not 0).
// CHECK-LABEL: ttile.kernel @sum_exp_k0 attributes {kind = "row_reduction", num_inputs = 2 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[M:[^:]*]]: memref<?xf32>, %[[X:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[ROW:[^:]*]]: index, %{{[^:]*}}: index, %[[C:[^:]*]]: index):
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[ROW]], %[[C]] : index
// CHECK-NEXT: %[[M0:.*]] = memref.load %[[M]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT: %[[MV:.*]] = vector.splat %[[M0]] : vector<32xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[NCH:.*]] = arith.divui %[[C]], %[[C32]] : index
// CHECK-NEXT: %[[WHOLE:.*]] = arith.muli %[[NCH]], %[[C32]] : index
// CHECK: %[[LANES:.*]] = scf.for %[[K:.*]] = %{{.*}} to %[[WHOLE]] step %[[C32]] iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<32xf32>) {
// CHECK-NEXT:   %[[AT:.*]] = arith.addi %[[BASE]], %[[K]] : index
// CHECK-NEXT:   %[[END:.*]] = arith.addi %[[BASE]], %[[C]] : index
// CHECK-NEXT:   %[[XV:.*]] = ttile.load %[[X]][%[[AT]]] bound %[[END]] {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : vector<32xf32>
// CHECK-NEXT:   %[[EX:.*]] = math.exp %[[D]] : vector<32xf32>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.addf %[[ACC]], %[[EX]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<32xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[HASTAIL:.*]] = arith.cmpi ult, %[[WHOLE]], %[[C]] : index
// CHECK-NEXT: %[[P32:.*]] = scf.if %[[HASTAIL]] -> (vector<32xf32>) {
// CHECK-NEXT:   %[[TAT:.*]] = arith.addi %[[BASE]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[TEND:.*]] = arith.addi %[[BASE]], %[[C]] : index
// CHECK-NEXT:   %[[TXV:.*]] = ttile.load %[[X]][%[[TAT]]] bound %[[TEND]] : memref<?xf32> -> vector<32xf32>
// CHECK-NEXT:   %[[TD:.*]] = arith.subf %[[TXV]], %[[MV]] : vector<32xf32>
// CHECK-NEXT:   %[[TEX:.*]] = math.exp %[[TD]] : vector<32xf32>
// CHECK-NEXT:   %[[IOTA:.*]] = arith.constant dense<[0, 1, 2, {{.*}}, 30, 31]> : vector<32xi32>
// CHECK-NEXT:   %[[LEFT:.*]] = arith.subi %[[C]], %[[WHOLE]] : index
// CHECK-NEXT:   %[[LEFT32:.*]] = arith.index_castui %[[LEFT]] : index to i32
// CHECK-NEXT:   %[[LEFTV:.*]] = vector.splat %[[LEFT32]] : vector<32xi32>
// CHECK-NEXT:   %[[INSIDE:.*]] = arith.cmpi ult, %[[IOTA]], %[[LEFTV]] : vector<32xi32>
// CHECK-NEXT:   %[[KEPT:.*]] = arith.select %[[INSIDE]], %[[TEX]], %[[ZERO]] : vector<32xi1>, vector<32xf32>
// CHECK-NEXT:   %[[TNEXT:.*]] = arith.addf %[[LANES]], %[[KEPT]] : vector<32xf32>
// CHECK-NEXT:   scf.yield %[[TNEXT]] : vector<32xf32>
// CHECK-NEXT: } else {
// CHECK-NEXT:   scf.yield %[[LANES]] : vector<32xf32>
// CHECK-NEXT: }
// The tree: lanes [0, h) plus lanes [h, 2h) for h = 16, 8, 4, 2, 1.
// CHECK-NEXT: %[[LO16:.*]] = vector.shuffle %[[P32]], %[[P32]] [0, 1, {{.*}}, 15] : vector<32xf32>, vector<32xf32>
// CHECK-NEXT: %[[HI16:.*]] = vector.shuffle %[[P32]], %[[P32]] [16, 17, {{.*}}, 31] : vector<32xf32>, vector<32xf32>
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
// CHECK-NEXT: memref.store %[[SUM]], %[[OUT]][%[[ROW]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @sum_exp(
// CHECK-SAME: %[[RN:[^:]*]]: index {tgraph.name = "R"})
// CHECK-NEXT: %[[CN:.*]] = arith.constant 100 : index
// CHECK-NEXT: ttile.launch @sum_exp_k0(%arg0, %arg1, %arg2) elements %[[RN]] sizes(%[[CN]])
func.func @sum_exp(%m: tensor<?x1xf32> {tgraph.name = "m", tgraph.shape = ["R", 1]},
                   %x: tensor<?x100xf32> {tgraph.name = "x", tgraph.shape = ["R", 100]})
    -> (tensor<?x1xf32> {tgraph.name = "out0", tgraph.shape = ["R", 1]})
    attributes {tgraph.dims = ["R"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x100xf32>
  %s = tsched.fusion_group(%m, %r, %x) {kind = "reduction", shape = ["R", 1], tile = array<i64: 64>}
      : (tensor<?x1xf32>, index, tensor<?x100xf32>) -> tensor<?x1xf32> {
  ^bb0(%ma: tensor<?x1xf32>, %ra: index, %xa: tensor<?x100xf32>):
    %bm = tgraph.broadcast %ma dims(%ra) : tensor<?x1xf32> -> tensor<?x100xf32>
    %d = tgraph.sub %xa, %bm : tensor<?x100xf32>, tensor<?x100xf32> -> tensor<?x100xf32>
    %e = tgraph.exp %d : tensor<?x100xf32>
    %sum = tgraph.reduce_sum %e axes = [1] {keepdims = true} : tensor<?x100xf32> -> tensor<?x1xf32>
    tsched.yield %sum : tensor<?x1xf32>
  }
  return %s : tensor<?x1xf32>
}

// The same chain summed down the columns (axis 0) is not a row: the
// `reduction` kernel, the step's results side by side in the lanes of one
// vector (here 2), the chain evaluated on them for each r and folded lane
// by lane, in ascending r. R is only known at run time, so the fold is in
// segments of 256 (the third size S = ceil(R / 256) of them): result j's
// step r reads element first_j + min(r, count_j - 1) and a lane past its
// segment keeps its sum (a mask of the lanes' tests). Inputs that do not
// vary with r (the column offsets m: outer followed, reduced repeated) are
// read before the loop.
// CHECK-LABEL: ttile.kernel @col_sum_exp_k0 attributes {kind = "reduction", num_inputs = 2 : i64, num_sizes = 3 : i64, tile = 64 : i64, vector = 2 : i64} {
// CHECK-NEXT: ^bb0(%[[M:[^:]*]]: memref<?xf32>, %[[X:[^:]*]]: memref<?xf32>, %[[VALUES:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: index, %[[E:[^:]*]]: index, %[[R:[^:]*]]: index, %[[I:[^:]*]]: index, %[[S:[^:]*]]: index):
// CHECK: %[[Q0:.*]] = arith.remui %{{.*}}, %[[I]] : index
// CHECK-NEXT: %[[SEG0:.*]] = arith.remui %{{.*}}, %[[S]] : index
// CHECK-NEXT: %[[P0:.*]] = arith.divui %{{.*}}, %[[S]] : index
// CHECK: %[[FIRST0:.*]] = arith.muli %[[SEG0]], %{{.*}} : index
// CHECK: %[[COUNT0:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// CHECK: %[[BASE0:.*]] = arith.addi %{{.*}}, %[[Q0]] : index
// CHECK: %[[FIRST1:.*]] = arith.muli %{{.*}}, %{{.*}} : index
// CHECK: %[[COUNT1:.*]] = arith.minui %{{.*}}, %{{.*}} : index
// CHECK: %[[BASE1:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %{{.*}} = arith.constant 256 : index
// CHECK-NEXT: %[[END:.*]] = arith.minui %{{.*}}, %[[R]] : index
// A step whose results lie in one row of the inner axis (both, and both
// valid) reads consecutive elements as one vector: m's offsets before the
// loop, x at each r; its results share their segment, so the loop runs to
// the first one's count, with no mask.
// CHECK: %[[CONTIG:.*]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK-NEXT: %[[RES:.*]]:2 = scf.if %[[CONTIG]] -> (f32, f32) {
// CHECK:        %[[MC:.*]] = ttile.load %[[M]][%{{.*}}] bound %{{.*}} {ttile.in_bounds} : memref<?xf32> -> vector<2xf32>
// CHECK:        %[[FAST:.*]] = scf.for %{{.*}} = %{{.*}} to %[[COUNT0]] step %{{.*}} iter_args(%[[FACC:.*]] = %{{.*}}) -> (vector<2xf32>) {
// CHECK:          %[[XC:.*]] = ttile.load %[[X]][%{{.*}}] bound %{{.*}} {ttile.in_bounds} : memref<?xf32> -> vector<2xf32>
// CHECK-NEXT:     %[[DC:.*]] = arith.subf %[[XC]], %[[MC]] : vector<2xf32>
// CHECK-NEXT:     %[[EC:.*]] = math.exp %[[DC]] : vector<2xf32>
// CHECK-NEXT:     %[[AC:.*]] = arith.addf %[[FACC]], %[[EC]] : vector<2xf32>
// CHECK-NEXT:     scf.yield %[[AC]] : vector<2xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   %[[F0:.*]] = vector.extract %[[FAST]][0] : f32 from vector<2xf32>
// CHECK-NEXT:   %[[F1:.*]] = vector.extract %[[FAST]][1] : f32 from vector<2xf32>
// CHECK-NEXT:   scf.yield %[[F0]], %[[F1]] : f32, f32
// CHECK-NEXT: } else {
// Other steps: the offsets, one per lane, before the loop.
// CHECK: %[[MI0:.*]] = arith.muli %[[P0]], %{{.*}} : index
// CHECK-NEXT: %[[MI0Q:.*]] = arith.addi %[[MI0]], %[[Q0]] : index
// CHECK: %[[M0:.*]] = memref.load %[[M]][%[[MI0Q]]] : memref<?xf32>
// CHECK-NEXT: %[[MV0:.*]] = vector.splat %[[M0]] : vector<2xf32>
// CHECK-NEXT: %[[M1:.*]] = memref.load %[[M]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT: %[[MV:.*]] = vector.insert %[[M1]], %[[MV0]] [1] : f32 into vector<2xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<2xf32>
// CHECK: %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[END]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<2xf32>) {
// CHECK-NEXT:   %{{.*}} = arith.constant 1 : index
// CHECK-NEXT:   %[[LAST0:.*]] = arith.subi %[[COUNT0]], %{{.*}} : index
// CHECK-NEXT:   %[[JJ0:.*]] = arith.minui %[[J]], %[[LAST0]] : index
// CHECK-NEXT:   %[[AT0:.*]] = arith.addi %[[FIRST0]], %[[JJ0]] : index
// CHECK-NEXT:   %{{.*}} = arith.constant 1 : index
// CHECK-NEXT:   %[[LAST1:.*]] = arith.subi %[[COUNT1]], %{{.*}} : index
// CHECK-NEXT:   %[[JJ1:.*]] = arith.minui %[[J]], %[[LAST1]] : index
// CHECK-NEXT:   %[[AT1:.*]] = arith.addi %[[FIRST1]], %[[JJ1]] : index
// CHECK-NEXT:   %[[JI0:.*]] = arith.muli %[[AT0]], %[[I]] : index
// CHECK-NEXT:   %[[IDX0:.*]] = arith.addi %[[BASE0]], %[[JI0]] : index
// CHECK-NEXT:   %[[JI1:.*]] = arith.muli %[[AT1]], %[[I]] : index
// CHECK-NEXT:   %[[IDX1:.*]] = arith.addi %[[BASE1]], %[[JI1]] : index
// CHECK-NEXT:   %[[X0:.*]] = memref.load %[[X]][%[[IDX0]]] : memref<?xf32>
// CHECK-NEXT:   %[[XV0:.*]] = vector.splat %[[X0]] : vector<2xf32>
// CHECK-NEXT:   %[[X1:.*]] = memref.load %[[X]][%[[IDX1]]] : memref<?xf32>
// CHECK-NEXT:   %[[XV:.*]] = vector.insert %[[X1]], %[[XV0]] [1] : f32 into vector<2xf32>
// CHECK-NEXT:   %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : vector<2xf32>
// CHECK-NEXT:   %[[EX:.*]] = math.exp %[[D]] : vector<2xf32>
// CHECK-NEXT:   %[[ADD:.*]] = arith.addf %[[ACC]], %[[EX]] : vector<2xf32>
// CHECK-NEXT:   %[[IN0:.*]] = arith.cmpi ult, %[[J]], %[[COUNT0]] : index
// CHECK-NEXT:   %[[IN1:.*]] = arith.cmpi ult, %[[J]], %[[COUNT1]] : index
// CHECK-NEXT:   %[[MASK:.*]] = vector.from_elements %[[IN0]], %[[IN1]] : vector<2xi1>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.select %[[MASK]], %[[ADD]], %[[ACC]] : vector<2xi1>, vector<2xf32>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<2xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[S0:.*]] = vector.extract %[[SUM]][0] : f32 from vector<2xf32>
// CHECK-NEXT: %[[S1:.*]] = vector.extract %[[SUM]][1] : f32 from vector<2xf32>
// CHECK-NEXT: scf.yield %[[S0]], %[[S1]] : f32, f32
// CHECK-NEXT: }
// CHECK: scf.if
// CHECK-NEXT:   scf.if
// CHECK-NEXT:     memref.store %[[RES]]#0, %[[OUT]]
// CHECK-NEXT:   } else {
// CHECK-NEXT:     memref.store %[[RES]]#0, %[[VALUES]]
// CHECK: scf.if
// CHECK-NEXT:   scf.if
// CHECK-NEXT:     memref.store %[[RES]]#1, %[[OUT]]
// CHECK-LABEL: func.func @col_sum_exp(
// CHECK: ttile.launch @col_sum_exp_k0(%arg0, %arg1, %{{.*}}, %arg2) elements %{{.*}} sizes(%{{.*}}, %{{.*}}, %{{.*}})
// CHECK: ttile.launch @col_sum_exp_k1(%{{.*}}, %arg2) elements %{{.*}} sizes(%{{.*}}, %{{.*}}, %{{.*}})
func.func @col_sum_exp(%m: tensor<1x?xf32> {tgraph.name = "m", tgraph.shape = [1, "C"]},
                       %x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]})
    -> (tensor<1x?xf32> {tgraph.name = "out0", tgraph.shape = [1, "C"]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c = tensor.dim %x, %c1 : tensor<?x?xf32>
  %s = tsched.fusion_group(%m, %r, %c, %x) {kind = "reduction", shape = [1, "C"], tile = array<i64: 64>}
      : (tensor<1x?xf32>, index, index, tensor<?x?xf32>) -> tensor<1x?xf32> {
  ^bb0(%ma: tensor<1x?xf32>, %ra: index, %ca: index, %xa: tensor<?x?xf32>):
    %bm = tgraph.broadcast %ma dims(%ra, %ca) : tensor<1x?xf32> -> tensor<?x?xf32>
    %d = tgraph.sub %xa, %bm : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    %e = tgraph.exp %d : tensor<?x?xf32>
    %sum = tgraph.reduce_sum %e axes = [0] {keepdims = true} : tensor<?x?xf32> -> tensor<1x?xf32>
    tsched.yield %sum : tensor<1x?xf32>
  }
  return %s : tensor<1x?xf32>
}

// Along the first axis, a row [C] repeated along it (reduced repeated,
// inner followed) varies with the result, not with r: read before the
// loop at q; a rank-0 input is one value in every lane; constants are
// splats; the mean divides each lane's sum by R.
// CHECK-LABEL: ttile.kernel @column_mean_k0
// CHECK: %[[Q:.*]] = arith.remui
// CHECK: memref.load %{{.*}}[%c0{{.*}}] : memref<?xf32>
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<2xf32>
// CHECK: scf.yield
// CHECK: vector.extract
// CHECK: arith.divf
func.func @column_mean(%x: tensor<?x3xf32> {tgraph.name = "x", tgraph.shape = ["N", 3]},
                       %v: tensor<3xf32> {tgraph.name = "v", tgraph.shape = [3]},
                       %t: tensor<f32> {tgraph.name = "t", tgraph.shape = []})
    -> (tensor<3xf32> {tgraph.name = "out0", tgraph.shape = [3]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %s = tsched.fusion_group(%x, %v, %n, %t) {kind = "reduction", shape = [3], tile = array<i64: 64>}
      : (tensor<?x3xf32>, tensor<3xf32>, index, tensor<f32>) -> tensor<3xf32> {
  ^bb0(%xa: tensor<?x3xf32>, %va: tensor<3xf32>, %na: index, %ta: tensor<f32>):
    %two = tgraph.constant 2.0 : f32 -> tensor<f32>
    %bv = tgraph.broadcast %va dims(%na) : tensor<3xf32> -> tensor<?x3xf32>
    %p = tgraph.mul %xa, %bv : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
    %q = tgraph.add %p, %ta : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xf32>
    %r = tgraph.mul %q, %two : tensor<?x3xf32>, tensor<f32> -> tensor<?x3xf32>
    %m = tgraph.reduce_mean %r axes = [0] : tensor<?x3xf32> -> tensor<3xf32>
    tsched.yield %m : tensor<3xf32>
  }
  return %s : tensor<3xf32>
}
