// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s
// RUN: tessera-opt %s --convert-tsched-to-ttile=vector-bytes=64 | FileCheck %s --check-prefix=AVX512

// Matmul groups become two kernels. The first packs b into panels of four
// vectors' columns (32 f32 columns with 32-byte vectors), each panel K
// contiguous rows; its points are (batch, panel, k). The second computes
// blocks of 4 rows by one panel (a narrower panel and more rows for a result
// known to be narrow: @narrow below): 16 vector accumulators, each summed over k
// in ascending order, a step one fused multiply-add (math.fma marked
// ttile.fused, rounded once on every target) under the default policy and a
// separate multiply and add under a strict one, so the result does not
// depend on the vector width, the blocking or the split of the points. Its points are (batch, panel, row
// block); its sizes M, N, K, the batch stride of a, the row blocks per batch
// and the panels. The packed buffer is the entry's scratch space.

// CHECK-LABEL: ttile.kernel @mm_k0 attributes {kind = "matmul_pack", num_inputs = 1 : i64, num_sizes = 4 : i64, tile = 64 : i64, ttile.matmul_pack = {element = f32, panel_width = 32 : i64, rhs_transposed = false}, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[B:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: memref<?xf32>, %[[Q:[^:]*]]: index, %{{[^:]*}}: index, %[[N:[^:]*]]: index, %[[K:[^:]*]]: index, %[[S:[^:]*]]: index, %[[PANELS:[^:]*]]: index):
// CHECK-NEXT: %[[KK:.*]] = arith.remui %[[Q]], %[[K]] : index
// CHECK-NEXT: %[[REST:.*]] = arith.divui %[[Q]], %[[K]] : index
// CHECK-NEXT: %[[PANEL:.*]] = arith.remui %[[REST]], %[[PANELS]] : index
// CHECK-NEXT: %[[W:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[J0:.*]] = arith.muli %[[PANEL]], %[[W]] : index
// CHECK-NEXT: %[[BATCH:.*]] = arith.divui %[[REST]], %[[PANELS]] : index
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[BATCH]], %[[S]] : index
// CHECK-NEXT: %[[W2:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[DST:.*]] = arith.muli %[[Q]], %[[W2]] : index
// CHECK-NEXT: %[[KN:.*]] = arith.muli %[[KK]], %[[N]] : index
// CHECK-NEXT: %[[ROW:.*]] = arith.addi %[[BASE]], %[[KN]] : index
// CHECK-NEXT: %[[END:.*]] = arith.addi %[[ROW]], %[[N]] : index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[FROM:.*]] = arith.addi %[[ROW]], %[[J0]] : index
// CHECK-NEXT: %[[FROM0:.*]] = arith.addi %[[FROM]], %[[Z]] : index
// CHECK-NEXT: %[[X:.*]] = ttile.load %[[B]][%[[FROM0]]] bound %[[END]] : memref<?xf32> -> vector<8xf32>
// CHECK-NEXT: %[[TO:.*]] = arith.addi %[[DST]], %[[Z]] : index
// CHECK: ttile.store %[[X]], %[[P]][%[[TO]]] bound %{{.*}} {ttile.in_bounds} : vector<8xf32>, memref<?xf32>
// CHECK-COUNT-3: ttile.store %{{.*}}, %[[P]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK-NEXT: }

// K is known only at run time, so the sum may be cut into segments of 2048
// k (docs/ir/cpu-backend.md, "Segments"): the kernel also writes the
// segments' values and takes their count S. Its points are (batch,
// segment) pairs, segment fastest, then panel, then row block; a point
// sums its segment's k, and stores into c when S is 1, else into the
// values at the pair's [m, n].
// CHECK-LABEL: ttile.kernel @mm_k1 attributes {kind = "matmul", num_inputs = 3 : i64, num_sizes = 8 : i64, tile = 4 : i64, ttile.matmul = {accumulator = f32, element = f32, fused = true, lhs_transposed = false, panel_width = 32 : i64, rhs_transposed = false, segment = 2048 : i64}, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[A:[^:]*]]: memref<?xf32>, %[[PK:[^:]*]]: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %[[VALUES:[^:]*]]: memref<?xf32>, %[[C:[^:]*]]: memref<?xf32>, %[[PT:[^:]*]]: index, %{{[^:]*}}: index, %[[M:[^:]*]]: index, %[[N:[^:]*]]: index, %[[K:[^:]*]]: index, %[[LS:[^:]*]]: index, %[[RB:[^:]*]]: index, %[[PANELS:[^:]*]]: index, %[[S:[^:]*]]: index, %{{[^:]*}}: index):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[REST:.*]] = arith.divui %[[PT]], %[[RB]] : index
// CHECK-NEXT: %[[RBI:.*]] = arith.remui %[[PT]], %[[RB]] : index
// CHECK-NEXT: %[[FOUR:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[I0:.*]] = arith.muli %[[RBI]], %[[FOUR]] : index
// CHECK-NEXT: %[[PANEL:.*]] = arith.remui %[[REST]], %[[PANELS]] : index
// CHECK-NEXT: %[[W:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[J0:.*]] = arith.muli %[[PANEL]], %[[W]] : index
// CHECK-NEXT: %[[PAIR:.*]] = arith.divui %[[REST]], %[[PANELS]] : index
// CHECK-NEXT: %{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[SEG:.*]] = arith.remui %[[PAIR]], %[[S]] : index
// CHECK-NEXT: %[[BATCH:.*]] = arith.divui %[[PAIR]], %[[S]] : index
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[SINGLE:.*]] = arith.cmpi eq, %[[S]], %[[ONE2]] : index
// CHECK-NEXT: %[[L:.*]] = arith.constant 2048 : index
// CHECK-NEXT: %[[KBEGIN:.*]] = arith.muli %[[SEG]], %[[L]] : index
// CHECK-NEXT: %[[L2:.*]] = arith.constant 2048 : index
// CHECK-NEXT: %[[KNEXT:.*]] = arith.addi %[[KBEGIN]], %[[L2]] : index
// CHECK-NEXT: %[[KCUT:.*]] = arith.minui %[[K]], %[[KNEXT]] : index
// CHECK-NEXT: %[[KEND:.*]] = arith.select %[[SINGLE]], %[[K]], %[[KCUT]] : index
// CHECK-NEXT: %[[ABASE:.*]] = arith.muli %[[BATCH]], %[[LS]] : index
// CHECK-NEXT: %[[BP:.*]] = arith.muli %[[BATCH]], %[[PANELS]] : index
// CHECK-NEXT: %[[PANELROW:.*]] = arith.addi %[[BP]], %[[PANEL]] : index
// CHECK-NEXT: %[[PROWS:.*]] = arith.muli %[[PANELROW]], %[[K]] : index
// CHECK-NEXT: %[[W2:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[PBASE:.*]] = arith.muli %[[PROWS]], %[[W2]] : index
// CHECK-NEXT: %[[MN:.*]] = arith.muli %[[M]], %[[N]] : index
// CHECK-NEXT: %[[CBASE:.*]] = arith.muli %[[PAIR]], %[[MN]] : index
// CHECK-NEXT: %[[FOUR2:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[IEND:.*]] = arith.addi %[[I0]], %[[FOUR2]] : index
// CHECK-NEXT: %[[ROWS:.*]] = arith.cmpi ule, %[[IEND]], %[[M]] : index
// CHECK-NEXT: %[[W3:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[JEND:.*]] = arith.addi %[[J0]], %[[W3]] : index
// CHECK-NEXT: %[[COLS:.*]] = arith.cmpi ule, %[[JEND]], %[[N]] : index
// CHECK-NEXT: scf.if %[[ROWS]] {
// CHECK-NEXT: scf.if %[[COLS]] {
// CHECK:        %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-NEXT:   %[[ACC:.*]]:16 = scf.for %[[KK:.*]] = %[[KBEGIN]] to %[[KEND]] step %{{.*}} iter_args(%[[A0:[^ ]*]] = %[[ZERO]], {{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK-NEXT:     %[[KW:.*]] = arith.muli %[[KK]], %{{.*}} : index
// CHECK-NEXT:     %[[PROW:.*]] = arith.addi %[[PBASE]], %[[KW]] : index
// CHECK:          %[[B0:.*]] = ttile.load %[[PK]][%{{.*}}] bound %{{.*}} {ttile.in_bounds} : memref<?xf32> -> vector<8xf32>
// CHECK-COUNT-3:  ttile.load %[[PK]][%{{.*}}] bound %{{.*}} {ttile.in_bounds} : memref<?xf32> -> vector<8xf32>
// CHECK:          %[[AV:.*]] = memref.load %[[A]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT:     %[[SPLAT:.*]] = vector.splat %[[AV]] : vector<8xf32>
// CHECK-NEXT:     %[[SUM:.*]] = math.fma %[[SPLAT]], %[[B0]], %[[A0]] {ttile.fused} : vector<8xf32>
// CHECK-COUNT-3:  memref.load %[[A]]
// CHECK:          scf.yield %[[SUM]], {{.*}} : vector<8xf32>
// CHECK-NEXT:   }
// CHECK-NEXT:   scf.if %[[SINGLE]] {
// CHECK:          ttile.store %[[ACC]]#0, %[[C]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK-COUNT-15: ttile.store %[[ACC]]#{{[0-9]+}}, %[[C]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK-NEXT:   } else {
// CHECK:          ttile.store %[[ACC]]#0, %[[VALUES]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK-COUNT-15: ttile.store %[[ACC]]#{{[0-9]+}}, %[[VALUES]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK-NEXT:   }
// The right edge: whole rows still blocked, the stores masked at N.
// CHECK-NEXT: } else {
// CHECK:        %[[MACC:.*]]:16 = scf.for %{{.*}} = %[[KBEGIN]] to %[[KEND]] step %{{.*}} iter_args({{.*}}) -> (vector<8xf32>, {{.*}}) {
// CHECK:        scf.if %[[SINGLE]] {
// CHECK:          %[[MEND:.*]] = arith.addi %{{.*}}, %[[N]] : index
// CHECK:          ttile.store %[[MACC]]#0, %[[C]][%{{.*}}] bound %[[MEND]] : vector<8xf32>, memref<?xf32>
// CHECK-COUNT-15: ttile.store %[[MACC]]#{{[0-9]+}}, %[[C]][%{{.*}}] bound %{{.*}} : vector<8xf32>, memref<?xf32>
// CHECK-NEXT:   } else {
// CHECK:        }
// CHECK-NEXT: }
// The bottom edge: a row at a time.
// CHECK-NEXT: } else {
// CHECK-NEXT:   %[[LAST:.*]] = arith.minui %[[IEND]], %[[M]] : index
// CHECK:        scf.for %[[I:.*]] = %[[I0]] to %[[LAST]] step %{{.*}} {
// CHECK:          %[[EDGE:.*]]:4 = scf.for %{{.*}} = %[[KBEGIN]] to %[[KEND]] step %{{.*}} iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK-COUNT-4:    ttile.load %[[PK]][%{{.*}}] bound %{{.*}} {ttile.in_bounds}
// CHECK:            scf.yield
// CHECK-NEXT:     }
// CHECK-NEXT:     scf.if %[[SINGLE]] {
// CHECK:            %[[CEND:.*]] = arith.addi %{{.*}}, %[[N]] : index
// CHECK:            ttile.store %[[EDGE]]#0, %[[C]][%{{.*}}] bound %[[CEND]] : vector<8xf32>, memref<?xf32>
// CHECK-COUNT-3:    ttile.store %[[EDGE]]#{{[0-9]}}, %[[C]][%{{.*}}] bound %[[CEND]] : vector<8xf32>, memref<?xf32>
// CHECK-NEXT:     } else {
// CHECK-COUNT-4:    ttile.store %[[EDGE]]#{{[0-9]}}, %[[VALUES]][%{{.*}}] bound %{{.*}} : vector<8xf32>, memref<?xf32>
// CHECK-NEXT:     }
// CHECK-NEXT:   }
// CHECK-NEXT: }
// CHECK-NEXT: }

// The segments' values added, in ascending order from the first: point
// (batch, i) reads value (batch, s, i) for s = 0, 1, ..., S-1.
// CHECK-LABEL: ttile.kernel @mm_k2 attributes {kind = "reduction"
// CHECK-NEXT: ^bb0(%[[V:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %[[SS:[^:]*]]: index, %[[I:[^:]*]]: index, %{{[^:]*}}: index):
// CHECK:      %[[FIRST:.*]] = memref.load %[[V]]
// CHECK:      %[[SUM:.*]] = scf.for %[[SEG2:.*]] = %{{.*}} to %[[SS]] step %{{.*}} iter_args(%[[ACC2:.*]] = %[[FIRST]]) -> (f32) {
// CHECK:        %[[X:.*]] = memref.load %[[V]]
// CHECK-NEXT:   %[[NEXT2:.*]] = arith.addf %[[ACC2]], %[[X]] : f32
// CHECK-NEXT:   scf.yield %[[NEXT2]] : f32
// CHECK:      memref.store %[[SUM]], %[[OUT]][%[[P]]] : memref<?xf32>

// The entry: S = max(1, ceil(K / 2048)) segments (1 for a result of 2^22
// elements or more) and their values (a
// placeholder when S is 1), row blocks ceil(M / 4), panels ceil(N / 32);
// the packed b (panels * K rows of 32) is allocated, filled, read and
// freed at once; then the values are added (no points when S is 1).
// CHECK-LABEL: func.func @mm(
// CHECK-SAME: %[[FA:[^:]*]]: memref<?xf32> {{.*}}, %[[FB:[^:]*]]: memref<?xf32> {{.*}}, %[[FC:[^:]*]]: memref<?xf32> {{.*}}, %[[DM:[^:]*]]: index {tgraph.name = "M"}, %[[DK:[^:]*]]: index {tgraph.name = "K"}, %[[DN:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NEXT: %[[Z0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[Z1:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[BATCHES:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[MN0:.*]] = arith.muli %[[DM]], %[[DN]] : index
// CHECK-NEXT: %[[ELEMENTS:.*]] = arith.muli %[[BATCHES]], %[[MN0]] : index
// CHECK-NEXT: %[[C2P22:.*]] = arith.constant 4194304 : index
// CHECK-NEXT: %[[LARGE:.*]] = arith.cmpi uge, %[[ELEMENTS]], %[[C2P22]] : index
// CHECK-NEXT: %[[ONE0:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[C2047:.*]] = arith.constant 2047 : index
// CHECK-NEXT: %[[K2047:.*]] = arith.addi %[[DK]], %[[C2047]] : index
// CHECK-NEXT: %[[C2048:.*]] = arith.constant 2048 : index
// CHECK-NEXT: %[[CEIL:.*]] = arith.divui %[[K2047]], %[[C2048]] : index
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[CUT:.*]] = arith.maxui %[[CEIL]], %[[ONE]] : index
// CHECK-NEXT: %[[S:.*]] = arith.select %[[LARGE]], %[[ONE0]], %[[CUT]] : index
// CHECK-NEXT: %[[PAIRS:.*]] = arith.muli %[[BATCHES]], %[[S]] : index
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[SEVERAL:.*]] = arith.cmpi ugt, %[[S]], %[[ONE2]] : index
// CHECK-NEXT: %[[MN:.*]] = arith.muli %[[DM]], %[[DN]] : index
// CHECK-NEXT: %[[ALL:.*]] = arith.muli %[[PAIRS]], %[[MN]] : index
// CHECK-NEXT: %[[ONE3:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[VSIZE:.*]] = arith.select %[[SEVERAL]], %[[ALL]], %[[ONE3]] : index
// CHECK-NEXT: %[[VALUES:.*]] = memref.alloc(%[[VSIZE]]) : memref<?xf32>
// CHECK-NEXT: %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[M3:.*]] = arith.addi %[[DM]], %[[C3]] : index
// CHECK-NEXT: %[[C4:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[RB:.*]] = arith.divui %[[M3]], %[[C4]] : index
// CHECK-NEXT: %[[C31:.*]] = arith.constant 31 : index
// CHECK-NEXT: %[[N31:.*]] = arith.addi %[[DN]], %[[C31]] : index
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[PANELS:.*]] = arith.divui %[[N31]], %[[C32]] : index
// CHECK-NEXT: %[[PK:.*]] = arith.muli %[[PANELS]], %[[DK]] : index
// CHECK-NEXT: %[[PROWS:.*]] = arith.muli %[[BATCHES]], %[[PK]] : index
// CHECK-NEXT: %[[C32B:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[SIZE:.*]] = arith.muli %[[PROWS]], %[[C32B]] : index
// CHECK-NEXT: %[[PACKED:.*]] = memref.alloc(%[[SIZE]]) : memref<?xf32>
// CHECK-NEXT: ttile.launch @mm_k0(%[[FB]], %[[PACKED]]) elements %[[PROWS]] sizes(%[[DN]], %[[DK]], %[[Z1]], %[[PANELS]])
// CHECK-NEXT: %[[PR:.*]] = arith.muli %[[PANELS]], %[[RB]] : index
// CHECK-NEXT: %[[POINTS:.*]] = arith.muli %[[PAIRS]], %[[PR]] : index
// CHECK-NEXT: ttile.launch @mm_k1(%[[FA]], %[[PACKED]], %[[FB]], %[[VALUES]], %[[FC]]) elements %[[POINTS]] sizes(%[[DM]], %[[DN]], %[[DK]], %[[Z0]], %[[RB]], %[[PANELS]], %[[S]], %[[Z1]])
// CHECK-NEXT: memref.dealloc %[[PACKED]] : memref<?xf32>
// CHECK-NEXT: %[[MN2:.*]] = arith.muli %[[DM]], %[[DN]] : index
// CHECK-NEXT: %[[ONE4:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[SEVERAL2:.*]] = arith.cmpi ugt, %[[S]], %[[ONE4]] : index
// CHECK-NEXT: %[[FOLDS:.*]] = arith.muli %[[BATCHES]], %[[MN2]] : index
// CHECK-NEXT: %[[NONE:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[FP:.*]] = arith.select %[[SEVERAL2]], %[[FOLDS]], %[[NONE]] : index
// CHECK-NEXT: ttile.launch @mm_k2(%[[VALUES]], %[[FC]]) elements %[[FP]] sizes(%[[S]], %[[MN2]], %[[DK]])
// CHECK-NEXT: memref.dealloc %[[VALUES]] : memref<?xf32>
// CHECK-NEXT: return

// 64-byte vectors: 16 f32 lanes, panels of 64 columns.
// AVX512-LABEL: ttile.kernel @mm_k0
// AVX512: arith.constant 64 : index
// AVX512: ttile.load {{.*}} -> vector<16xf32>
// AVX512-LABEL: ttile.kernel @mm_k1
// AVX512: iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)

func.func @mm(%a: tensor<?x?xf32> {tgraph.name = "a", tgraph.shape = ["M", "K"]},
              %b: tensor<?x?xf32> {tgraph.name = "b", tgraph.shape = ["K", "N"]})
    -> (tensor<?x?xf32> {tgraph.name = "out0", tgraph.shape = ["M", "N"]})
    attributes {tgraph.dims = ["M", "K", "N"], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["M", "N"], tile = array<i64: 16>}
      : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32> {
  ^bb0(%x: tensor<?x?xf32>, %y: tensor<?x?xf32>):
    %m = tgraph.matmul %x, %y : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    tsched.yield %m : tensor<?x?xf32>
  }
  return %r : tensor<?x?xf32>
}


// transpose_lhs: a is read as [k, m], so a row's elements are M apart and
// rows are next to each other. A tile hint of 8 rows: 2 row blocks a tile.
// CHECK-LABEL: ttile.kernel @mm_tl_k0 attributes {kind = "matmul_pack"
// CHECK-LABEL: ttile.kernel @mm_tl_k1 attributes {kind = "matmul", num_inputs = 3 : i64, num_sizes = 7 : i64, tile = 2 : i64, ttile.matmul = {accumulator = f32, element = f32, fused = true, lhs_transposed = true, panel_width = 32 : i64, rhs_transposed = false, segment = 0 : i64}, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[A:[^:]*]]: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[M:[^:]*]]: index, %{{[^:]*}}: index, %[[K:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK:      scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step
// CHECK:      %[[ROW:.*]] = arith.muli %{{.*}}, %[[ONE]] : index
// CHECK-NEXT: %[[AROW:.*]] = arith.addi %{{.*}}, %[[ROW]] : index
// CHECK-NEXT: %[[KS:.*]] = arith.muli %[[KK]], %[[M]] : index
// CHECK-NEXT: %[[AIDX:.*]] = arith.addi %[[AROW]], %[[KS]] : index
// CHECK-NEXT: memref.load %[[A]][%[[AIDX]]] : memref<?xf32>
// CHECK-LABEL: func.func @mm_tl(
// CHECK: %[[C29:.*]] = arith.constant 29 : index
// CHECK: %[[C45:.*]] = arith.constant 45 : index
// CHECK: ttile.launch @mm_tl_k0(%arg1, %{{.*}}) elements %{{.*}} sizes(%[[C45]], %[[C29]], %{{.*}}, %{{.*}})
// CHECK: ttile.launch @mm_tl_k1(%arg0, %{{.*}}, %arg2) elements %{{.*}} sizes(%arg3, %[[C45]], %[[C29]], %{{.*}}, %{{.*}}, %{{.*}})
func.func @mm_tl(%a: tensor<29x?xf32> {tgraph.name = "a", tgraph.shape = [29, "M"]},
                 %b: tensor<29x45xf32> {tgraph.name = "b", tgraph.shape = [29, 45]})
    -> (tensor<?x45xf32> {tgraph.name = "out0", tgraph.shape = ["M", 45]})
    attributes {tgraph.dims = ["M"], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["M", 45], tile = array<i64: 8>}
      : (tensor<29x?xf32>, tensor<29x45xf32>) -> tensor<?x45xf32> {
  ^bb0(%x: tensor<29x?xf32>, %y: tensor<29x45xf32>):
    %m = tgraph.matmul %x, %y {transpose_lhs = true} : tensor<29x?xf32>, tensor<29x45xf32> -> tensor<?x45xf32>
    tsched.yield %m : tensor<?x45xf32>
  }
  return %r : tensor<?x45xf32>
}


// transpose_rhs: b is read as [n, k]. Packing gathers column k of each of
// the panel's 16 f64 columns (scalar loads); columns past N repeat the last
// one, padding that only feeds results never stored. The product kernel is
// the same as without the transpose; under this function's strict policy
// its steps multiply and add separately.
// CHECK-LABEL: ttile.kernel @mm_tr_k0 attributes {kind = "matmul_pack", {{.*}}} {
// CHECK-NEXT: ^bb0(%[[B:[^:]*]]: memref<?xf64>, %[[P:[^:]*]]: memref<?xf64>, %[[Q:[^:]*]]: index, %{{[^:]*}}: index, %[[N:[^:]*]]: index, %[[K:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index):
// CHECK-NEXT: %[[KK:.*]] = arith.remui %[[Q]], %[[K]] : index
// CHECK-NEXT: %[[REST:.*]] = arith.divui %[[Q]], %[[K]] : index
// CHECK:      %[[BATCH:.*]] = arith.divui %[[REST]], %{{.*}} : index
// CHECK-NEXT: %[[BASE:.*]] = arith.muli %[[BATCH]], %{{.*}} : index
// CHECK:      %[[DST:.*]] = arith.muli %[[Q]], %{{.*}} : index
// CHECK:      %[[LAST:.*]] = arith.subi %[[N]], %{{.*}} : index
// CHECK:      %[[J:.*]] = arith.minui %{{.*}}, %[[LAST]] : index
// CHECK-NEXT: %[[JK:.*]] = arith.muli %[[J]], %[[K]] : index
// CHECK-NEXT: %[[OFF:.*]] = arith.addi %[[JK]], %[[KK]] : index
// CHECK-NEXT: %[[SRC:.*]] = arith.addi %[[BASE]], %[[OFF]] : index
// CHECK-NEXT: %[[X:.*]] = memref.load %[[B]][%[[SRC]]] : memref<?xf64>
// CHECK:      memref.store %[[X]], %[[P]][%{{.*}}] : memref<?xf64>
// CHECK-COUNT-15: memref.store %{{.*}}, %[[P]][%{{.*}}] : memref<?xf64>
// CHECK-NEXT: }
// CHECK-LABEL: ttile.kernel @mm_tr_k1 attributes {kind = "matmul", {{.*}}fused = false{{.*}}} {
// CHECK-NOT:  fma
// CHECK:      iter_args({{.*}}) -> (vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>, vector<4xf64>)
// CHECK:      arith.mulf %{{.*}}, %{{.*}} : vector<4xf64>
// CHECK-NEXT: arith.addf %{{.*}}, %{{.*}} : vector<4xf64>
// CHECK-NOT:  fma
// CHECK-LABEL: func.func @mm_tr(
func.func @mm_tr(%a: tensor<?x29xf64> {tgraph.name = "a", tgraph.shape = ["M", 29]},
                 %b: tensor<45x29xf64> {tgraph.name = "b", tgraph.shape = [45, 29]})
    -> (tensor<?x45xf64> {tgraph.name = "out0", tgraph.shape = ["M", 45]})
    attributes {tgraph.dims = ["M"], tgraph.entry, tgraph.policy = "numeric(strict: true)"} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["M", 45], tile = array<i64: 16>}
      : (tensor<?x29xf64>, tensor<45x29xf64>) -> tensor<?x45xf64> {
  ^bb0(%x: tensor<?x29xf64>, %y: tensor<45x29xf64>):
    %m = tgraph.matmul %x, %y {transpose_rhs = true} : tensor<?x29xf64>, tensor<45x29xf64> -> tensor<?x45xf64>
    tsched.yield %m : tensor<?x45xf64>
  }
  return %r : tensor<?x45xf64>
}


// Batched (integer) matmul: a steps by M*K per batch, the packed b holds
// every batch's panels. Integers use integer multiply and add.
// CHECK-LABEL: ttile.kernel @bmm_k0 attributes {kind = "matmul_pack"
// CHECK-LABEL: ttile.kernel @bmm_k1
// CHECK: arith.constant dense<0> : vector<4xi64>
// CHECK: ttile.load {{.*}} -> vector<4xi64>
// CHECK: arith.muli %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK-NEXT: arith.addi %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK-LABEL: func.func @bmm(
// CHECK-SAME: %[[FA:[^:]*]]: memref<?xi64> {{.*}}, %[[FB:[^:]*]]: memref<?xi64> {{.*}}, %[[FC:[^:]*]]: memref<?xi64> {{.*}}, %[[DB:[^:]*]]: index {tgraph.name = "B"}, %[[DM:[^:]*]]: index {tgraph.name = "M"}, %[[DK:[^:]*]]: index {tgraph.name = "K"}, %[[DN:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NEXT: %[[LS:.*]] = arith.muli %[[DM]], %[[DK]] : index
// CHECK-NEXT: %[[RS:.*]] = arith.muli %[[DK]], %[[DN]] : index
// The segments' pairs are (batch, segment), B * S of them.
// CHECK: %[[CUT:.*]] = arith.maxui %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %[[S:.*]] = arith.select %{{.*}}, %{{.*}}, %[[CUT]] : index
// CHECK-NEXT: %[[PAIRS:.*]] = arith.muli %[[DB]], %[[S]] : index
// CHECK: %[[VALUES:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
// CHECK: %[[PK:.*]] = arith.muli %[[PANELS:.*]], %[[DK]] : index
// CHECK-NEXT: %[[PROWS:.*]] = arith.muli %[[DB]], %[[PK]] : index
// CHECK: %[[PACKED:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
// CHECK-NEXT: ttile.launch @bmm_k0(%[[FB]], %[[PACKED]]) elements %[[PROWS]] sizes(%[[DN]], %[[DK]], %[[RS]], %[[PANELS]])
// CHECK-NEXT: %[[PR:.*]] = arith.muli %[[PANELS]], %[[RB:.*]] : index
// CHECK-NEXT: %[[POINTS:.*]] = arith.muli %[[PAIRS]], %[[PR]] : index
// CHECK-NEXT: ttile.launch @bmm_k1(%[[FA]], %[[PACKED]], %[[FB]], %[[VALUES]], %[[FC]]) elements %[[POINTS]] sizes(%[[DM]], %[[DN]], %[[DK]], %[[LS]], %[[RB]], %[[PANELS]], %[[S]], %[[RS]])
// CHECK: ttile.launch @bmm_k2(%[[VALUES]], %[[FC]])
func.func @bmm(%a: tensor<?x?x?xi64> {tgraph.name = "a", tgraph.shape = ["B", "M", "K"]},
               %b: tensor<?x?x?xi64> {tgraph.name = "b", tgraph.shape = ["B", "K", "N"]})
    -> (tensor<?x?x?xi64> {tgraph.name = "out0", tgraph.shape = ["B", "M", "N"]})
    attributes {tgraph.dims = ["B", "M", "K", "N"], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["B", "M", "N"], tile = array<i64: 16>}
      : (tensor<?x?x?xi64>, tensor<?x?x?xi64>) -> tensor<?x?x?xi64> {
  ^bb0(%x: tensor<?x?x?xi64>, %y: tensor<?x?x?xi64>):
    %m = tgraph.matmul %x, %y : tensor<?x?x?xi64>, tensor<?x?x?xi64> -> tensor<?x?x?xi64>
    tsched.yield %m : tensor<?x?x?xi64>
  }
  return %r : tensor<?x?x?xi64>
}


// A result known to be narrow (10 columns: a layer of 10 classes) gets
// panels of as many vectors as it needs, and proportionally more rows: with
// 32-byte vectors two vectors (16 columns, not 32) by 8 rows, with 64-byte
// ones a vector by 16 rows; 16 accumulators either way. Every block is at
// the right edge, blocked all the same, its stores masked at N.
// CHECK-LABEL: ttile.kernel @narrow_k0 attributes {kind = "matmul_pack", {{.*}}panel_width = 16 : i64{{.*}}} {
// CHECK-LABEL: ttile.kernel @narrow_k1 attributes {kind = "matmul", {{.*}}panel_width = 16 : i64{{.*}}} {
// CHECK:      %[[IEND:.*]] = arith.addi %{{.*}}, %c8{{(_[0-9]+)?}} : index
// CHECK-NEXT: arith.cmpi ule, %[[IEND]], %{{.*}} : index
// CHECK:      iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK-COUNT-2: ttile.load
// CHECK-NOT:  ttile.load
// CHECK:      scf.yield
// CHECK-LABEL: func.func @narrow(
// CHECK:      %[[C8:.*]] = arith.constant 8 : index
// CHECK:      %[[RB:.*]] = arith.divui %{{.*}}, %[[C8]] : index
// AVX512-LABEL: ttile.kernel @narrow_k1 attributes {kind = "matmul", {{.*}}panel_width = 16 : i64{{.*}}} {
// AVX512:      %[[IEND:.*]] = arith.addi %{{.*}}, %c16{{(_[0-9]+)?}} : index
// AVX512-NEXT: arith.cmpi ule, %[[IEND]], %{{.*}} : index
// AVX512:      iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// AVX512-COUNT-1: ttile.load
// AVX512-NOT:  ttile.load
// AVX512:      scf.yield
func.func @narrow(%a: tensor<?x64xf32> {tgraph.name = "a", tgraph.shape = ["B", 64]},
                  %b: tensor<64x10xf32> {tgraph.name = "b", tgraph.shape = [64, 10]})
    -> (tensor<?x10xf32> {tgraph.name = "out0", tgraph.shape = ["B", 10]})
    attributes {tgraph.dims = ["B"], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["B", 10], tile = array<i64: 16>}
      : (tensor<?x64xf32>, tensor<64x10xf32>) -> tensor<?x10xf32> {
  ^bb0(%x: tensor<?x64xf32>, %y: tensor<64x10xf32>):
    %m = tgraph.matmul %x, %y : tensor<?x64xf32>, tensor<64x10xf32> -> tensor<?x10xf32>
    tsched.yield %m : tensor<?x10xf32>
  }
  return %r : tensor<?x10xf32>
}
