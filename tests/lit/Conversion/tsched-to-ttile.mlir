// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s
// RUN: tessera-opt %s --convert-tsched-to-ttile=vector-bytes=64 | FileCheck %s --check-prefix=AVX512

// CHECK: ttile.kernel @f_k0 attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 1000 : i64, vector = 8 : i64} {
// CHECK-NEXT: ^bb0(%[[A:.*]]: memref<?xf32>, %[[B:.*]]: memref<?xf32>, %[[O0:.*]]: memref<?xf32>, %[[O1:.*]]: memref<?xf32>, %[[OFF:.*]]: index, %[[N:.*]]: index):
// CHECK-NEXT:   %[[X:.*]] = ttile.load %[[A]][%[[OFF]]] bound %[[N]] : memref<?xf32> -> vector<8xf32>
// CHECK-NEXT:   %[[Y:.*]] = ttile.load %[[B]][%[[OFF]]] bound %[[N]] : memref<?xf32> -> vector<8xf32>
// CHECK-NEXT:   %[[C:.*]] = arith.constant dense<2.000000e+00> : vector<8xf32>
// CHECK-NEXT:   %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : vector<8xf32>
// CHECK-NEXT:   %[[S:.*]] = arith.subf %[[M]], %[[C]] : vector<8xf32>
// CHECK-NEXT:   %[[NEG:.*]] = arith.negf %[[S]] : vector<8xf32>
// CHECK-NEXT:   ttile.store %[[NEG]], %[[O0]][%[[OFF]]] bound %[[N]] : vector<8xf32>, memref<?xf32>
// CHECK-NEXT:   ttile.store %[[X]], %[[O1]][%[[OFF]]] bound %[[N]] : vector<8xf32>, memref<?xf32>
// CHECK-NEXT: }
// CHECK: func.func @f(%[[FA:.*]]: memref<?xf32> {tgraph.name = "a", tgraph.shape = [3, "N"]}, %[[FB:.*]]: memref<?xf32> {{.*}}, %[[R0:.*]]: memref<?xf32> {tgraph.name = "out0", {{.*}}}, %[[R1:.*]]: memref<?xf32> {{.*}}, %[[DN:.*]]: index {tgraph.name = "N"})
// CHECK-SAME: ttile.num_inputs = 2
// CHECK-NEXT: %[[THREE:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[ELEMS:.*]] = arith.muli %[[THREE]], %[[DN]] : index
// CHECK-NEXT: ttile.launch @f_k0(%[[FA]], %[[FB]], %[[R0]], %[[R1]]) elements %[[ELEMS]]
// CHECK-NEXT: return

// AVX512: vector = 16 : i64
// AVX512: vector<16xf32>
func.func @f(%a: tensor<3x?xf32> {tgraph.name = "a", tgraph.shape = [3, "N"]},
             %b: tensor<3x?xf32> {tgraph.name = "b", tgraph.shape = [3, "N"]})
    -> (tensor<3x?xf32> {tgraph.name = "out0", tgraph.shape = [3, "N"]},
        tensor<3x?xf32> {tgraph.name = "out1", tgraph.shape = [3, "N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r:2 = tsched.fusion_group(%a, %b) {kind = "elementwise", shape = [3, "N"], tile = array<i64: 999>}
      : (tensor<3x?xf32>, tensor<3x?xf32>) -> (tensor<3x?xf32>, tensor<3x?xf32>) {
  ^bb0(%x: tensor<3x?xf32>, %y: tensor<3x?xf32>):
    %c = tgraph.constant 2.0 : f32 -> tensor<f32>
    %m = tgraph.mul %x, %y : tensor<3x?xf32>, tensor<3x?xf32> -> tensor<3x?xf32>
    %s = tgraph.sub %m, %c : tensor<3x?xf32>, tensor<f32> -> tensor<3x?xf32>
    %n = tgraph.neg %s : tensor<3x?xf32> -> tensor<3x?xf32>
    tsched.yield %n, %x : tensor<3x?xf32>, tensor<3x?xf32>
  }
  return %r#0, %r#1 : tensor<3x?xf32>, tensor<3x?xf32>
}

// Integer groups use integer arithmetic; `op` functions are not lowered.
// Integer division never traps: a divisor of 0 or -1 is read as 1, then
// x / -1 is 0 - x (wrapping) and x / 0 is 0.
// CHECK: ttile.kernel @g_k0 {{.*}}vector = 4 : i64
// CHECK: %[[X:.*]] = ttile.load
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0> : vector<4xi64>
// CHECK-NEXT: %[[IS0:.*]] = arith.cmpi eq, %[[X]], %[[ZERO]] : vector<4xi64>
// CHECK-NEXT: %[[M1:.*]] = arith.constant dense<-1> : vector<4xi64>
// CHECK-NEXT: %[[ISM1:.*]] = arith.cmpi eq, %[[X]], %[[M1]] : vector<4xi64>
// CHECK-NEXT: %[[EITHER:.*]] = arith.ori %[[IS0]], %[[ISM1]] : vector<4xi1>
// CHECK-NEXT: %[[ONE:.*]] = arith.constant dense<1> : vector<4xi64>
// CHECK-NEXT: %[[D:.*]] = arith.select %[[EITHER]], %[[ONE]], %[[X]] : vector<4xi1>, vector<4xi64>
// CHECK-NEXT: %[[Q:.*]] = arith.divsi %[[X]], %[[D]] : vector<4xi64>
// CHECK-NEXT: %[[NOTHING:.*]] = arith.constant dense<0> : vector<4xi64>
// CHECK-NEXT: %[[NEG:.*]] = arith.subi %[[NOTHING]], %[[X]] : vector<4xi64>
// CHECK-NEXT: %[[Q1:.*]] = arith.select %[[ISM1]], %[[NEG]], %[[Q]] : vector<4xi1>, vector<4xi64>
// CHECK-NEXT: %[[Q2:.*]] = arith.select %[[IS0]], %[[NOTHING]], %[[Q1]] : vector<4xi1>, vector<4xi64>
// CHECK-NEXT: ttile.store %[[Q2]]
// CHECK-NOT: func.func private @helper
func.func @g(%a: tensor<5xi64> {tgraph.name = "a", tgraph.shape = [5]})
    -> (tensor<5xi64> {tgraph.name = "out0", tgraph.shape = [5]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "elementwise", shape = [5], tile = array<i64: 64>}
      : (tensor<5xi64>) -> tensor<5xi64> {
  ^bb0(%x: tensor<5xi64>):
    %d = tgraph.div %x, %x : tensor<5xi64>, tensor<5xi64> -> tensor<5xi64>
    tsched.yield %d : tensor<5xi64>
  }
  return %r : tensor<5xi64>
}
func.func private @helper(%a: tensor<5xi64>) -> tensor<5xi64> {
  return %a : tensor<5xi64>
}
