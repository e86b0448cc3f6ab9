// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s
// RUN: tessera-opt %s --convert-tsched-to-ttile=vector-bytes=64 | FileCheck %s --check-prefix=AVX512
// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s --check-prefix=NOFMA

// Matmul groups: a point is a row of the result (batch rows stacked). The
// row's columns are computed four vectors at a time; each sums over k in
// ascending order with a separate multiply and add (no fused multiply-add),
// so the result does not depend on the vector width or the split of rows.
// The sizes are M, N, K and the batch strides of a and b (0 when unbatched).

// CHECK-LABEL: ttile.kernel @mm_k0 attributes {kind = "matmul", num_inputs = 2 : i64, num_sizes = 5 : i64, tile = 16 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[A:[^:]*]]: memref<?xf32>, %[[B:[^:]*]]: memref<?xf32>, %[[C:[^:]*]]: memref<?xf32>, %[[R:[^:]*]]: index, %{{[^:]*}}: index, %[[M:[^:]*]]: index, %[[N:[^:]*]]: index, %[[K:[^:]*]]: index, %[[LS:[^:]*]]: index, %[[RS:[^:]*]]: index):
// CHECK-NEXT: %[[BATCH:.*]] = arith.divui %[[R]], %[[M]] : index
// CHECK-NEXT: %[[I:.*]] = arith.remui %[[R]], %[[M]] : index
// CHECK-NEXT: %[[AB:.*]] = arith.muli %[[BATCH]], %[[LS]] : index
// CHECK-NEXT: %[[AI:.*]] = arith.muli %[[I]], %[[K]] : index
// CHECK-NEXT: %[[AROW:.*]] = arith.addi %[[AB]], %[[AI]] : index
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[BBASE:.*]] = arith.muli %[[BATCH]], %[[RS]] : index
// CHECK-NEXT: %[[CROW:.*]] = arith.muli %[[R]], %[[N]] : index
// CHECK: %[[STEP:.*]] = arith.constant 32 : index
// CHECK-NEXT: %[[CEND:.*]] = arith.addi %[[CROW]], %[[N]] : index
// CHECK-NEXT: scf.for %[[J0:.*]] = %{{.*}} to %[[N]] step %[[STEP]] {
// CHECK-NEXT:   %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-NEXT:   %[[ACC:.*]]:4 = scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[A0:.*]] = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
// CHECK-NEXT:     %[[KS:.*]] = arith.muli %[[KK]], %[[ONE]] : index
// CHECK-NEXT:     %[[AIDX:.*]] = arith.addi %[[AROW]], %[[KS]] : index
// CHECK-NEXT:     %[[AV:.*]] = memref.load %[[A]][%[[AIDX]]] : memref<?xf32>
// CHECK-NEXT:     %[[SPLAT:.*]] = vector.splat %[[AV]] : vector<8xf32>
// CHECK-NEXT:     %[[KN:.*]] = arith.muli %[[KK]], %[[N]] : index
// CHECK-NEXT:     %[[BROW:.*]] = arith.addi %[[BBASE]], %[[KN]] : index
// CHECK-NEXT:     %[[BEND:.*]] = arith.addi %[[BROW]], %[[N]] : index
// CHECK:          %[[BV:.*]] = ttile.load %[[B]][%{{.*}}] bound %[[BEND]] : memref<?xf32> -> vector<8xf32>
// CHECK-NEXT:     %[[P:.*]] = arith.mulf %[[SPLAT]], %[[BV]] : vector<8xf32>
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[A0]], %[[P]] : vector<8xf32>
// CHECK-COUNT-3:  ttile.load %[[B]]
// CHECK:          scf.yield %[[S]], %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>
// CHECK-NEXT:   }
// CHECK:        ttile.store %[[ACC]]#0, %[[C]][%{{.*}}] bound %[[CEND]]
// CHECK:        ttile.store %[[ACC]]#1, %[[C]][%{{.*}}] bound %[[CEND]]
// CHECK:        ttile.store %[[ACC]]#2, %[[C]][%{{.*}}] bound %[[CEND]]
// CHECK:        ttile.store %[[ACC]]#3, %[[C]][%{{.*}}] bound %[[CEND]]
// CHECK-NEXT: }
// CHECK-LABEL: func.func @mm(
// CHECK-SAME: %[[FA:[^:]*]]: memref<?xf32> {{.*}}, %[[FB:[^:]*]]: memref<?xf32> {{.*}}, %[[FC:[^:]*]]: memref<?xf32> {{.*}}, %[[DM:[^:]*]]: index {tgraph.name = "M"}, %[[DK:[^:]*]]: index {tgraph.name = "K"}, %[[DN:[^:]*]]: index {tgraph.name = "N"})
// CHECK: %[[Z0:.*]] = arith.constant 0 : index
// CHECK: %[[Z1:.*]] = arith.constant 0 : index
// CHECK-NEXT: ttile.launch @mm_k0(%[[FA]], %[[FB]], %[[FC]]) elements %[[DM]] sizes(%[[DM]], %[[DN]], %[[DK]], %[[Z0]], %[[Z1]])
// CHECK-NEXT: return

// Multiply and add stay separate everywhere (no contraction).
// NOFMA-NOT: fma

// AVX512-LABEL: ttile.kernel @mm_k0
// AVX512: arith.constant 64 : index
// AVX512: iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)

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

// transpose_lhs: a is read as [k, m], so a row's elements are M apart.
// CHECK-LABEL: ttile.kernel @mm_tl_k0 attributes {kind = "matmul", num_inputs = 2 : i64, num_sizes = 5 : i64, tile = 8 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[A:[^:]*]]: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %[[R:[^:]*]]: index, %{{[^:]*}}: index, %[[M:[^:]*]]: index, %{{[^:]*}}: index, %[[K:[^:]*]]: index, %[[LS:[^:]*]]: index, %{{[^:]*}}: index):
// CHECK-NEXT: %[[BATCH:.*]] = arith.divui %[[R]], %[[M]] : index
// CHECK-NEXT: %[[I:.*]] = arith.remui %[[R]], %[[M]] : index
// CHECK-NEXT: %[[AB:.*]] = arith.muli %[[BATCH]], %[[LS]] : index
// CHECK-NEXT: %[[AROW:.*]] = arith.addi %[[AB]], %[[I]] : index
// CHECK: scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step
// CHECK-NEXT: %[[KS:.*]] = arith.muli %[[KK]], %[[M]] : index
// CHECK-NEXT: %[[AIDX:.*]] = arith.addi %[[AROW]], %[[KS]] : index
// CHECK-NEXT: memref.load %[[A]][%[[AIDX]]] : memref<?xf32>
// CHECK-LABEL: func.func @mm_tl(
// CHECK: %[[C29:.*]] = arith.constant 29 : index
// CHECK: %[[C45:.*]] = arith.constant 45 : index
// CHECK: ttile.launch @mm_tl_k0(%arg0, %arg1, %arg2) elements %arg3 sizes(%arg3, %[[C45]], %[[C29]], %{{.*}}, %{{.*}})
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

// transpose_rhs: b is read as [n, k]: one dot product per result element,
// scalar loads of both operands, the same order over k.
// CHECK-LABEL: ttile.kernel @mm_tr_k0 attributes {kind = "matmul", {{.*}}} {
// CHECK-NEXT: ^bb0(%[[A:[^:]*]]: memref<?xf64>, %[[B:[^:]*]]: memref<?xf64>, %[[C:[^:]*]]: memref<?xf64>, %[[R:[^:]*]]: index, %{{[^:]*}}: index, %[[M:[^:]*]]: index, %[[N:[^:]*]]: index, %[[K:[^:]*]]: index, %{{[^:]*}}: index, %[[RS:[^:]*]]: index):
// CHECK-NEXT: %[[BATCH:.*]] = arith.divui %[[R]], %[[M]] : index
// CHECK-NOT: ttile.load
// CHECK: %[[BBASE:.*]] = arith.muli %[[BATCH]], %[[RS]] : index
// CHECK-NEXT: %[[CROW:.*]] = arith.muli %[[R]], %[[N]] : index
// CHECK-NOT: ttile.load
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %[[N]] step %{{.*}} {
// CHECK-NEXT:   %[[JK:.*]] = arith.muli %[[J]], %[[K]] : index
// CHECK-NEXT:   %[[BROW:.*]] = arith.addi %[[BBASE]], %[[JK]] : index
// CHECK-NEXT:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK-NEXT:   %[[DOT:.*]] = scf.for %[[KK:.*]] = %{{.*}} to %[[K]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (f64) {
// CHECK-NEXT:     %[[BIDX:.*]] = arith.addi %[[BROW]], %[[KK]] : index
// CHECK-NEXT:     %[[BV:.*]] = memref.load %[[B]][%[[BIDX]]] : memref<?xf64>
// CHECK:          %[[AV:.*]] = memref.load %[[A]][%{{.*}}] : memref<?xf64>
// CHECK-NEXT:     %[[P:.*]] = arith.mulf %[[AV]], %[[BV]] : f64
// CHECK-NEXT:     %[[S:.*]] = arith.addf %[[ACC]], %[[P]] : f64
// CHECK-NEXT:     scf.yield %[[S]] : f64
// CHECK-NEXT:   }
// CHECK-NEXT:   %[[CIDX:.*]] = arith.addi %[[CROW]], %[[J]] : index
// CHECK-NEXT:   memref.store %[[DOT]], %[[C]][%[[CIDX]]] : memref<?xf64>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-LABEL: func.func @mm_tr(
func.func @mm_tr(%a: tensor<?x29xf64> {tgraph.name = "a", tgraph.shape = ["M", 29]},
                 %b: tensor<45x29xf64> {tgraph.name = "b", tgraph.shape = [45, 29]})
    -> (tensor<?x45xf64> {tgraph.name = "out0", tgraph.shape = ["M", 45]})
    attributes {tgraph.dims = ["M"], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = ["M", 45], tile = array<i64: 16>}
      : (tensor<?x29xf64>, tensor<45x29xf64>) -> tensor<?x45xf64> {
  ^bb0(%x: tensor<?x29xf64>, %y: tensor<45x29xf64>):
    %m = tgraph.matmul %x, %y {transpose_rhs = true} : tensor<?x29xf64>, tensor<45x29xf64> -> tensor<?x45xf64>
    tsched.yield %m : tensor<?x45xf64>
  }
  return %r : tensor<?x45xf64>
}

// Batched (integer) matmul: the rows of every batch are the points; a and b
// step by M*K and K*N per batch. Integers use integer multiply and add.
// CHECK-LABEL: ttile.kernel @bmm_k0
// CHECK: %[[STEP:.*]] = arith.constant 16 : index
// CHECK: scf.for %{{.*}} step %[[STEP]] {
// CHECK: arith.constant dense<0> : vector<4xi64>
// CHECK: ttile.load {{.*}} -> vector<4xi64>
// CHECK-NEXT: arith.muli %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK-NEXT: arith.addi %{{.*}}, %{{.*}} : vector<4xi64>
// CHECK-LABEL: func.func @bmm(
// CHECK-SAME: %[[FA:[^:]*]]: memref<?xi64> {{.*}}, %[[FB:[^:]*]]: memref<?xi64> {{.*}}, %[[FC:[^:]*]]: memref<?xi64> {{.*}}, %[[DB:[^:]*]]: index {tgraph.name = "B"}, %[[DM:[^:]*]]: index {tgraph.name = "M"}, %[[DK:[^:]*]]: index {tgraph.name = "K"}, %[[DN:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NEXT: %[[LS:.*]] = arith.muli %[[DM]], %[[DK]] : index
// CHECK-NEXT: %[[RS:.*]] = arith.muli %[[DK]], %[[DN]] : index
// CHECK-NEXT: %[[ROWS:.*]] = arith.muli %[[DB]], %[[DM]] : index
// CHECK-NEXT: ttile.launch @bmm_k0(%[[FA]], %[[FB]], %[[FC]]) elements %[[ROWS]] sizes(%[[DM]], %[[DN]], %[[DK]], %[[LS]], %[[RS]])
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
