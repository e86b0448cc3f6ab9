// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s
// The implicit operators in Tile IR.
//
// A solve: the factorization (a point per system: scratch copies of the
// matrices, the pivot rows and a flag each), a read of the flags in the
// entry and a check that ends the entry with status 64
// (TESSERA_ENTRY_SINGULAR_MATRIX) on a zero pivot, then the substitution (a
// point per column of each right-hand side: here one).
// CHECK-LABEL: ttile.kernel @solve_k0 attributes {kind = "solve_factor", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 1 : i64, vector = 1 : i64}
// CHECK-NEXT: ^bb0(%[[A:[^:]*]]: memref<?xf64>, %[[LU:[^:]*]]: memref<?xf64>, %[[PIV:[^:]*]]: memref<?xi64>, %[[INFO:[^:]*]]: memref<?xi64>, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[N:[^:]*]]: index):
// The pivot: the first row of the largest magnitude (a strict comparison).
// CHECK: %[[SEARCH:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[P:.*]] = %{{.*}}, %[[BEST:.*]] = %{{.*}}) -> (index, f64)
// CHECK: %[[ABS:.*]] = math.absf %{{.*}} : f64
// CHECK-NEXT: %[[GT:.*]] = arith.cmpf ogt, %[[ABS]], %[[BEST]] : f64
// CHECK-NEXT: arith.select %[[GT]], %[[I]], %[[P]] : index
// CHECK: memref.store %{{.*}}, %[[PIV]]
// CHECK: arith.cmpf oeq, %{{.*}}, %{{.*}} : f64
// A zero pivot: its column + 1 in the flag.
// CHECK: memref.store %{{.*}}, %[[INFO]]
// CHECK: } else {
// Elimination: the multiplier in place, then a separate multiply and
// subtract, skipped for a zero multiplier.
// CHECK: %[[F:.*]] = arith.divf
// CHECK-NEXT: memref.store %[[F]], %[[LU]]
// CHECK: %[[NZ:.*]] = arith.cmpf une, %[[F]], %{{.*}} : f64
// CHECK-NEXT: scf.if %[[NZ]]
// CHECK: arith.mulf %[[F]]
// CHECK: arith.subf

// CHECK-LABEL: ttile.kernel @solve_k1 attributes {kind = "solve", num_inputs = 3 : i64, num_sizes = 2 : i64, tile = 1 : i64, vector = 1 : i64}
// CHECK-NEXT: ^bb0(%{{[^:]*}}: memref<?xf64>, %{{[^:]*}}: memref<?xi64>, %{{[^:]*}}: memref<?xf64>, %{{[^:]*}}: memref<?xf64>, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index):

// CHECK-LABEL: func.func @solve
// CHECK-SAME: (%[[AIN:[^:]*]]: memref<?xf64> {{.*}}, %[[B:[^:]*]]: memref<?xf64> {{.*}}, %[[OUT:[^:]*]]: memref<?xf64> {{.*}}, %[[DIM:[^:]*]]: index
// One system (no batch dims): scratch for its LU, pivots and flag.
// CHECK: %[[NN:.*]] = arith.muli %[[DIM]], %[[DIM]] : index
// CHECK-NEXT: %[[LUN:.*]] = arith.muli %[[SYSTEMS:.*]], %[[NN]] : index
// CHECK-NEXT: %[[LUB:.*]] = memref.alloc(%[[LUN]]) : memref<?xf64>
// CHECK: %[[PIVN:.*]] = arith.muli %[[SYSTEMS]], %[[DIM]] : index
// CHECK-NEXT: %[[PIVB:.*]] = memref.alloc(%[[PIVN]]) : memref<?xi64>
// CHECK-NEXT: %[[INFOB:.*]] = memref.alloc(%[[SYSTEMS]]) : memref<?xi64>
// CHECK-NEXT: ttile.launch @solve_k0(%[[AIN]], %[[LUB]], %[[PIVB]], %[[INFOB]]) elements %[[SYSTEMS]] sizes(%[[DIM]])
// The flags, or-ed in the entry.
// CHECK: %[[ANY:.*]] = scf.for %[[S:.*]] = %{{.*}} to %[[SYSTEMS]] step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (i64)
// CHECK-NEXT: %[[FLAG:.*]] = memref.load %[[INFOB]][%[[S]]] : memref<?xi64>
// CHECK-NEXT: %[[OR:.*]] = arith.ori %[[ACC]], %[[FLAG]] : i64
// CHECK-NEXT: scf.yield %[[OR]] : i64
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[ANY]], %{{.*}} : i64
// CHECK-NEXT: ttile.check %[[OK]] status 64
// CHECK-NEXT: %[[POINTS:.*]] = arith.muli %[[SYSTEMS]], %[[ONE:.*]] : index
// CHECK-NEXT: ttile.launch @solve_k1(%[[LUB]], %[[PIVB]], %[[B]], %[[OUT]]) elements %[[POINTS]] sizes(%[[DIM]], %[[ONE]])
// CHECK-NEXT: memref.dealloc %[[LUB]]
// CHECK-NEXT: memref.dealloc %[[PIVB]]
// CHECK-NEXT: memref.dealloc %[[INFOB]]
// CHECK-NEXT: return
func.func @solve(%a: tensor<?x?xf64> {tgraph.name = "A", tgraph.shape = ["N", "N"]},
                 %b: tensor<?xf64> {tgraph.name = "b", tgraph.shape = ["N"]})
    -> (tensor<?xf64> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %x = tgraph.solve %a, %b : tensor<?x?xf64>, tensor<?xf64>
  return %x : tensor<?xf64>
}

// A fixed point: the iterate lives in the result's buffer (here the
// output), initialised by a copy; the body's value and `next` are
// allocated once, before the loop. Each iteration runs the body's kernels
// (the matmul's pack buffer is its own, freed inside), the change kernel
// (max |next - x| in f64, one row: a row reduction), the copy of next into
// x, and reads the change back: `<= tol` (ordered, so a NaN never stops
// it) ends the loop, and so does max_iter.
// CHECK-LABEL: ttile.kernel @contraction_k5 attributes {kind = "row_reduction"
// CHECK-NEXT: ^bb0(%[[NEXT:[^:]*]]: memref<?xf32>, %[[CUR:[^:]*]]: memref<?xf32>, %{{[^:]*}}: memref<?xf64>, %{{[^:]*}}: memref<?xf64>
// CHECK: arith.extf %{{.*}} : vector<32xf32> to vector<32xf64>
// CHECK: arith.extf %{{.*}} : vector<32xf32> to vector<32xf64>
// CHECK: arith.subf %{{.*}} : vector<32xf64>
// CHECK: math.absf %{{.*}} : vector<32xf64>
// CHECK: arith.maximumf

// CHECK-LABEL: func.func @contraction
// CHECK-SAME: (%[[W:[^:]*]]: memref<?xf32> {{.*}}, %[[T:[^:]*]]: memref<?xf32> {{.*}}, %[[R:[^:]*]]: memref<?xf32> {{.*}}, %[[DIM:[^:]*]]: index
// CHECK: %[[NEXTB:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[Y:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[CHANGE:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT: ttile.launch @contraction_k0(%[[T]], %[[R]])
// CHECK: scf.while (%[[I:.*]] = %{{.*}}) : (index) -> index {
// CHECK-NEXT:   %[[GO:.*]] = arith.cmpi slt, %[[I]], %[[MAX:.*]] : index
// CHECK-NEXT:   scf.condition(%[[GO]]) %[[I]] : index
// CHECK-NEXT: } do {
// CHECK-NEXT: ^bb0(%[[J:.*]]: index):
// K = N, known only at run time: the matmul may be cut into segments of
// 2048 k (their values, then a kernel adding them, with no points when
// N <= 2048; docs/ir/cpu-backend.md, "Segments").
// CHECK:        %[[VALUES:.*]] = memref.alloc
// CHECK:        %[[PACK:.*]] = memref.alloc
// CHECK-NEXT:   ttile.launch @contraction_k1(%[[R]], %[[PACK]])
// CHECK:        ttile.launch @contraction_k2(%[[W]], %[[PACK]], %[[R]], %[[VALUES]], %[[Y]])
// CHECK-NEXT:   memref.dealloc %[[PACK]]
// CHECK:        ttile.launch @contraction_k3(%[[VALUES]], %[[Y]])
// CHECK-NEXT:   memref.dealloc %[[VALUES]]
// CHECK:        ttile.launch @contraction_k4(%[[Y]], %[[NEXTB]])
// The change over N elements, a length known at run time: segments, then
// their values (docs/ir/cpu-backend.md, "Segments").
// CHECK:        %[[SEGS:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK-NEXT:   ttile.launch @contraction_k5(%[[NEXTB]], %[[R]], %[[SEGS]], %[[CHANGE]])
// CHECK:        ttile.launch @contraction_k6(%[[SEGS]], %[[CHANGE]])
// CHECK-NEXT:   memref.dealloc %[[SEGS]]
// CHECK-NEXT:   ttile.launch @contraction_k7(%[[NEXTB]], %[[R]])
// CHECK-NEXT:   %[[C:.*]] = memref.load %[[CHANGE]][%{{.*}}] : memref<?xf64>
// CHECK-NEXT:   %[[TOL:.*]] = arith.constant 9.9999999999999995E-7 : f64
// CHECK-NEXT:   %[[DONE:.*]] = arith.cmpf ole, %[[C]], %[[TOL]] : f64
// CHECK-NEXT:   %{{.*}} = arith.constant 1 : index
// CHECK-NEXT:   %[[NEXTI:.*]] = arith.addi %[[J]], %{{.*}} : index
// CHECK-NEXT:   %[[SEL:.*]] = arith.select %[[DONE]], %[[MAX]], %[[NEXTI]] : index
// CHECK-NEXT:   scf.yield %[[SEL]] : index
// CHECK-NEXT: }
// CHECK-NEXT: memref.dealloc %[[NEXTB]]
// CHECK-NEXT: memref.dealloc %[[Y]]
// CHECK-NEXT: memref.dealloc %[[CHANGE]]
// CHECK-NEXT: return
func.func @contraction(%w: tensor<?x?xf32> {tgraph.name = "W", tgraph.shape = ["N", "N"]},
                       %t: tensor<?x1xf32> {tgraph.name = "t", tgraph.shape = ["N", 1]})
    -> (tensor<?x1xf32> {tgraph.name = "out0", tgraph.shape = ["N", 1]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tgraph.fixed_point %t captures(%w : tensor<?x?xf32>) tol = 1.0e-06 max_iter = 100 : tensor<?x1xf32> {
  ^bb0(%x: tensor<?x1xf32>, %m: tensor<?x?xf32>):
    %y = tgraph.matmul %m, %x : tensor<?x?xf32>, tensor<?x1xf32> -> tensor<?x1xf32>
    %z = tgraph.tanh %y : tensor<?x1xf32>
    tgraph.yield %z : tensor<?x1xf32>
  }
  return %r : tensor<?x1xf32>
}
