// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// gather: a point per result element (a, i, b) of [A, I, B] reads operand
// element (a, clamp(indices[i], 0, D - 1), b); sizes D, B, I.
// CHECK-LABEL: ttile.kernel @take_k0 attributes {kind = "layout", num_inputs = 2 : i64, num_sizes = 3 : i64
// CHECK-NEXT: ^bb0(%[[T:[^:]*]]: memref<?xf32>, %[[IDS:[^:]*]]: memref<?xi32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %[[D:[^:]*]]: index, %[[B:[^:]*]]: index, %[[I:[^:]*]]: index):
// CHECK-NEXT: %[[REST:.*]] = arith.divui %[[P]], %[[B]] : index
// CHECK-NEXT: %[[A:.*]] = arith.divui %[[REST]], %[[I]] : index
// CHECK-NEXT: %[[II:.*]] = arith.remui %[[REST]], %[[I]] : index
// CHECK-NEXT: %[[BB:.*]] = arith.remui %[[P]], %[[B]] : index
// CHECK-NEXT: %[[RAW:.*]] = memref.load %[[IDS]][%[[II]]] : memref<?xi32>
// CHECK-NEXT: %[[WIDE:.*]] = arith.extsi %[[RAW]] : i32 to i64
// CHECK:      %[[LOW:.*]] = arith.maxsi %[[WIDE]], %{{.*}} : i64
// CHECK-NEXT: %[[CL:.*]] = arith.minsi %[[LOW]], %{{.*}} : i64
// CHECK-NEXT: %[[TI:.*]] = arith.index_cast %[[CL]] : i64 to index
// CHECK-NEXT: %[[AD:.*]] = arith.muli %[[A]], %[[D]] : index
// CHECK-NEXT: %[[ROW:.*]] = arith.addi %[[AD]], %[[TI]] : index
// CHECK-NEXT: %[[RB:.*]] = arith.muli %[[ROW]], %[[B]] : index
// CHECK-NEXT: %[[FROM:.*]] = arith.addi %[[RB]], %[[BB]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[T]][%[[FROM]]] : memref<?xf32>
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xf32>
// CHECK-LABEL: func.func @take(
// CHECK: ttile.launch @take_k0(%{{.*}}, %{{.*}}, %{{.*}}) elements %{{.*}} sizes(%{{.*}}, %{{.*}}, %{{.*}})
func.func @take(%t: tensor<10x4xf32> {tgraph.name = "t", tgraph.shape = [10, 4]}, %i: tensor<?xi32> {tgraph.name = "i", tgraph.shape = ["N"]})
    -> (tensor<?x4xf32> {tgraph.name = "out0", tgraph.shape = ["N", 4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %0 = tgraph.gather %t, %i axis = 0 : tensor<10x4xf32>, tensor<?xi32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// scatter: first a one-point plan, a stable counting sort of the positions
// by their clamped target (first[t], then order), four loops in order:
// zero the starts, count, prefix sums, place each position in ascending i
// (the starts then read one target late), and move the starts back.
// CHECK-LABEL: ttile.kernel @add_rows_k0 attributes {kind = "scatter_plan", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 1 : i64
// CHECK-NEXT: ^bb0(%[[IX:[^:]*]]: memref<?xi32>, %[[FIRST:[^:]*]]: memref<?xi64>, %[[ORDER:[^:]*]]: memref<?xi64>,
// CHECK:      scf.for
// CHECK:        memref.store %{{.*}}, %[[FIRST]][%{{.*}}] : memref<?xi64>
// CHECK:      scf.for
// CHECK:        memref.load %[[IX]]
// CHECK:        memref.store %{{.*}}, %[[FIRST]][%{{.*}}] : memref<?xi64>
// CHECK:      scf.for
// CHECK:        arith.addi
// CHECK:        memref.store %{{.*}}, %[[FIRST]][%{{.*}}] : memref<?xi64>
// CHECK:      scf.for %[[POS:[^ ]*]] =
// CHECK:        %[[POS64:.*]] = arith.index_cast %[[POS]] : index to i64
// CHECK-NEXT:   memref.store %[[POS64]], %[[ORDER]][%{{.*}}] : memref<?xi64>
// CHECK:      scf.for
// CHECK:        arith.select
// CHECK:        memref.store %{{.*}}, %[[FIRST]][%{{.*}}] : memref<?xi64>
// Then a point per result element (a, t, b): the operand's element, plus
// the updates (a, order[j], b) for j from first[t] to first[t + 1], in
// that order.
// CHECK-LABEL: ttile.kernel @add_rows_k1 attributes {kind = "layout", num_inputs = 4 : i64
// CHECK-NEXT: ^bb0(%[[OP:[^:]*]]: memref<?xf32>, %[[UP:[^:]*]]: memref<?xf32>, %[[F:[^:]*]]: memref<?xi64>, %[[O:[^:]*]]: memref<?xi64>, %[[R:[^:]*]]: memref<?xf32>, %[[Q:[^:]*]]: index,
// CHECK:      %[[SELF:.*]] = memref.load %[[OP]][%[[Q]]] : memref<?xf32>
// CHECK-NEXT: %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[SELF]]) -> (f32) {
// CHECK:        %[[IJ:.*]] = memref.load %[[O]][%[[J]]] : memref<?xi64>
// CHECK:        %[[U:.*]] = memref.load %[[UP]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.addf %[[ACC]], %[[U]] : f32
// CHECK-NEXT:   scf.yield %[[NEXT]] : f32
// CHECK:      memref.store %[[SUM]], %[[R]][%[[Q]]] : memref<?xf32>
// CHECK-LABEL: func.func @add_rows(
// CHECK:      %[[PF:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
// CHECK:      %[[PO:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
// CHECK:      ttile.launch @add_rows_k0(%{{.*}}, %[[PF]], %[[PO]]) elements %{{.*}} sizes
// CHECK:      ttile.launch @add_rows_k1(%{{.*}}, %{{.*}}, %[[PF]], %[[PO]], %{{.*}})
// CHECK-NEXT: memref.dealloc %[[PF]]
// CHECK-NEXT: memref.dealloc %[[PO]]
func.func @add_rows(%t: tensor<10x4xf32> {tgraph.name = "t", tgraph.shape = [10, 4]}, %i: tensor<?xi32> {tgraph.name = "i", tgraph.shape = ["N"]}, %u: tensor<?x4xf32> {tgraph.name = "u", tgraph.shape = ["N", 4]})
    -> (tensor<10x4xf32> {tgraph.name = "out0", tgraph.shape = [10, 4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %0 = tgraph.scatter %t, %i, %u axis = 0 {accumulate = true} : tensor<10x4xf32>, tensor<?xi32>, tensor<?x4xf32>
  return %0 : tensor<10x4xf32>
}
