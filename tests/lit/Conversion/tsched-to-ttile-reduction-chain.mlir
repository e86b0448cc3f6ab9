// RUN: tessera-opt %s --convert-tsched-to-ttile=reduction-results=2 | FileCheck %s

// A reduction group with a chain: the step's results side by side in the
// lanes of one vector (here 2), the chain evaluated on them for each r and
// folded lane by lane, in the same order as a plain reduction. Inputs that
// do not vary with r (the row maxima: outer followed, reduced repeated)
// are read before the loop; the folded input at base + r * I in the loop.
// CHECK-LABEL: ttile.kernel @sum_exp_k0 attributes {kind = "reduction", num_inputs = 2 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 2 : i64} {
// CHECK-NEXT: ^bb0(%[[M:[^:]*]]: memref<?xf32>, %[[X:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: index, %[[E:[^:]*]]: index, %[[R:[^:]*]]: index, %[[I:[^:]*]]: index):
// CHECK: %[[P0:.*]] = arith.divui %{{.*}}, %[[I]] : index
// CHECK-NEXT: %[[Q0:.*]] = arith.remui %{{.*}}, %[[I]] : index
// CHECK: %[[BASE0:.*]] = arith.addi %{{.*}}, %[[Q0]] : index
// CHECK: %[[Q1:.*]] = arith.remui %{{.*}}, %[[I]] : index
// CHECK: %[[BASE1:.*]] = arith.addi %{{.*}}, %[[Q1]] : index
// The row maxima, one per lane, before the loop.
// CHECK: %[[MI0:.*]] = arith.muli %[[P0]], %{{.*}} : index
// CHECK-NEXT: %[[MI0Q:.*]] = arith.addi %[[MI0]], %[[Q0]] : index
// CHECK: %[[M0:.*]] = memref.load %[[M]][%[[MI0Q]]] : memref<?xf32>
// CHECK-NEXT: %[[MV0:.*]] = vector.splat %[[M0]] : vector<2xf32>
// CHECK-NEXT: %[[M1:.*]] = memref.load %[[M]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT: %[[MV:.*]] = vector.insert %[[M1]], %[[MV0]] [1] : f32 into vector<2xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<2xf32>
// CHECK: %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[R]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<2xf32>) {
// CHECK-NEXT:   %[[JI:.*]] = arith.muli %[[J]], %[[I]] : index
// CHECK-NEXT:   %[[IDX0:.*]] = arith.addi %[[BASE0]], %[[JI]] : index
// CHECK-NEXT:   %[[IDX1:.*]] = arith.addi %[[BASE1]], %[[JI]] : index
// CHECK-NEXT:   %[[X0:.*]] = memref.load %[[X]][%[[IDX0]]] : memref<?xf32>
// CHECK-NEXT:   %[[XV0:.*]] = vector.splat %[[X0]] : vector<2xf32>
// CHECK-NEXT:   %[[X1:.*]] = memref.load %[[X]][%[[IDX1]]] : memref<?xf32>
// CHECK-NEXT:   %[[XV:.*]] = vector.insert %[[X1]], %[[XV0]] [1] : f32 into vector<2xf32>
// CHECK-NEXT:   %[[D:.*]] = arith.subf %[[XV]], %[[MV]] : vector<2xf32>
// CHECK-NEXT:   %[[EX:.*]] = math.exp %[[D]] : vector<2xf32>
// CHECK-NEXT:   %[[NEXT:.*]] = arith.addf %[[ACC]], %[[EX]] : vector<2xf32>
// CHECK-NEXT:   scf.yield %[[NEXT]] : vector<2xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[S0:.*]] = vector.extract %[[SUM]][0] : f32 from vector<2xf32>
// CHECK-NEXT: %[[S1:.*]] = vector.extract %[[SUM]][1] : f32 from vector<2xf32>
// CHECK-NEXT: scf.if
// CHECK-NEXT:   memref.store %[[S0]], %[[OUT]]
// CHECK: scf.if
// CHECK-NEXT:   memref.store %[[S1]], %[[OUT]]
// CHECK-LABEL: func.func @sum_exp(
// CHECK: ttile.launch @sum_exp_k0(%arg0, %arg1, %arg2) elements
func.func @sum_exp(%m: tensor<?x1xf32> {tgraph.name = "m", tgraph.shape = ["R", 1]},
                   %x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]})
    -> (tensor<?x1xf32> {tgraph.name = "out0", tgraph.shape = ["R", 1]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = tensor.dim %x, %c0 : tensor<?x?xf32>
  %c = tensor.dim %x, %c1 : tensor<?x?xf32>
  %s = tsched.fusion_group(%m, %r, %c, %x) {kind = "reduction", shape = ["R", 1], tile = array<i64: 64>}
      : (tensor<?x1xf32>, index, index, tensor<?x?xf32>) -> tensor<?x1xf32> {
  ^bb0(%ma: tensor<?x1xf32>, %ra: index, %ca: index, %xa: tensor<?x?xf32>):
    %bm = tgraph.broadcast %ma dims(%ra, %ca) : tensor<?x1xf32> -> tensor<?x?xf32>
    %d = tgraph.sub %xa, %bm : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
    %e = tgraph.exp %d : tensor<?x?xf32>
    %sum = tgraph.reduce_sum %e axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
    tsched.yield %sum : tensor<?x1xf32>
  }
  return %s : tensor<?x1xf32>
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
