// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s
// The implicit operators: a solve is a group of its own (kind "solve", one
// point per tile; its result has the right-hand side's shape, not the
// matrix's); a fixed point stays in the entry with its body grouped the
// same way, and the groups around it are ordered by what it reads.

// CHECK-LABEL: func.func @solve
// CHECK: %[[S:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "solve", shape = ["N", "K"], tile = array<i64: 1>} : (tensor<?x?xf32>, tensor<?x?xf32>) -> tensor<?x?xf32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: tensor<?x?xf32>, %[[B:.*]]: tensor<?x?xf32>):
// CHECK-NEXT:   %[[X:.*]] = tgraph.solve %[[A]], %[[B]]
// CHECK-NEXT:   tsched.yield %[[X]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[E:.*]] = tsched.fusion_group(%[[S]]) {kind = "elementwise", shape = ["N", "K"]
// CHECK: return %[[E]]
func.func @solve(%a: tensor<?x?xf32> {tgraph.name = "A", tgraph.shape = ["N", "N"]},
                 %b: tensor<?x?xf32> {tgraph.name = "b", tgraph.shape = ["N", "K"]})
    -> (tensor<?x?xf32> {tgraph.name = "out0", tgraph.shape = ["N", "K"]})
    attributes {tgraph.dims = ["N", "K"], tgraph.entry} {
  %x = tgraph.solve %a, %b : tensor<?x?xf32>, tensor<?x?xf32>
  %y = tgraph.mul %x, %x : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// The body's chain is one elementwise group; the initial value (a scalar
// constant) gets a group of its own, since the loop reads it from a buffer;
// the result feeds a group after the fixed point.
// CHECK-LABEL: func.func @fixed_point
// CHECK: %[[INIT:.*]] = tsched.fusion_group() {kind = "elementwise", shape = []
// CHECK-NEXT:   %[[C:.*]] = tgraph.constant 5.000000e-01
// CHECK-NEXT:   tsched.yield %[[C]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[R:.*]] = tgraph.fixed_point %[[INIT]] captures(%arg0 : tensor<f32>) tol = 9.9999999999999995E-8 max_iter = 50 : tensor<f32> {
// CHECK-NEXT: ^bb0(%[[XI:.*]]: tensor<f32>, %[[CA:.*]]: tensor<f32>):
// CHECK-NEXT:   %[[G:.*]] = tsched.fusion_group(%[[CA]], %[[XI]]) {kind = "elementwise", shape = []
// CHECK-NEXT:   ^bb0(%[[P:.*]]: tensor<f32>, %[[Q:.*]]: tensor<f32>):
// CHECK-NEXT:     %[[M:.*]] = tgraph.mul %[[P]], %[[Q]]
// CHECK-NEXT:     %[[COS:.*]] = tgraph.cos %[[M]]
// CHECK-NEXT:     tsched.yield %[[COS]]
// CHECK-NEXT:   }
// CHECK-NEXT:   tgraph.yield %[[G]] : tensor<f32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[OUT:.*]] = tsched.fusion_group(%[[R]])
// CHECK: return %[[OUT]]
func.func @fixed_point(%a: tensor<f32> {tgraph.name = "a", tgraph.shape = []})
    -> (tensor<f32> {tgraph.name = "out0", tgraph.shape = []})
    attributes {tgraph.dims = [], tgraph.entry} {
  %x0 = tgraph.constant 0.5 : f32 -> tensor<f32>
  %r = tgraph.fixed_point %x0 captures(%a : tensor<f32>) tol = 1.0e-07 max_iter = 50 : tensor<f32> {
  ^bb0(%x: tensor<f32>, %c: tensor<f32>):
    %y = tgraph.mul %c, %x : tensor<f32>, tensor<f32> -> tensor<f32>
    %z = tgraph.cos %y : tensor<f32>
    tgraph.yield %z : tensor<f32>
  }
  %s = tgraph.add %r, %r : tensor<f32>, tensor<f32> -> tensor<f32>
  return %s : tensor<f32>
}

// A body with a matmul and a reduction's chain: groups of every kind, and
// a body that yields its iterate as it is (a passthrough: a copy).
// CHECK-LABEL: func.func @contraction
// CHECK: tgraph.fixed_point %arg1 captures(%arg0 : tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x1xf32>, %[[W:.*]]: tensor<?x?xf32>):
// CHECK-NEXT:   %[[MM:.*]] = tsched.fusion_group(%[[W]], %[[X]]) {kind = "matmul", shape = ["N", 1]
// CHECK:        %[[T:.*]] = tsched.fusion_group(%[[MM]]) {kind = "elementwise", shape = ["N", 1]
// CHECK:          tgraph.tanh
// CHECK:        tgraph.yield %[[T]] : tensor<?x1xf32>
// CHECK: tgraph.fixed_point %arg1 tol
// CHECK-NEXT: ^bb0(%[[Y:.*]]: tensor<?x1xf32>):
// CHECK-NEXT:   %[[COPY:.*]] = tsched.fusion_group(%[[Y]]) {kind = "elementwise", shape = ["N", 1]
// CHECK-NEXT:   ^bb0(%[[YA:.*]]: tensor<?x1xf32>):
// CHECK-NEXT:     tsched.yield %[[YA]]
// CHECK-NEXT:   }
// CHECK-NEXT:   tgraph.yield %[[COPY]]
func.func @contraction(%w: tensor<?x?xf32> {tgraph.name = "W", tgraph.shape = ["N", "N"]},
                       %t: tensor<?x1xf32> {tgraph.name = "t", tgraph.shape = ["N", 1]})
    -> (tensor<?x1xf32> {tgraph.name = "out0", tgraph.shape = ["N", 1]},
        tensor<?x1xf32> {tgraph.name = "out1", tgraph.shape = ["N", 1]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tgraph.fixed_point %t captures(%w : tensor<?x?xf32>) tol = 1.0e-06 max_iter = 100 : tensor<?x1xf32> {
  ^bb0(%x: tensor<?x1xf32>, %m: tensor<?x?xf32>):
    %y = tgraph.matmul %m, %x : tensor<?x?xf32>, tensor<?x1xf32> -> tensor<?x1xf32>
    %z = tgraph.tanh %y : tensor<?x1xf32>
    tgraph.yield %z : tensor<?x1xf32>
  }
  %i = tgraph.fixed_point %t tol = 1.0e-06 max_iter = 3 : tensor<?x1xf32> {
  ^bb0(%x: tensor<?x1xf32>):
    tgraph.yield %x : tensor<?x1xf32>
  }
  return %r, %i : tensor<?x1xf32>, tensor<?x1xf32>
}
