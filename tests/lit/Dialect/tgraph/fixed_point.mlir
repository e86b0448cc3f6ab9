// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// Round trip of tgraph.fixed_point and tgraph.yield.

// CHECK-LABEL: func.func @fixed_point
// CHECK: tgraph.fixed_point %{{.*}} captures(%{{.*}} : tensor<f32>) tol = 9.9999999999999995E-7 max_iter = 100 : tensor<?xf32> {
// CHECK: ^bb0(%{{.*}}: tensor<?xf32>, %{{.*}}: tensor<f32>):
// CHECK: tgraph.cos %{{.*}} : tensor<?xf32>
// CHECK: tgraph.mul %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
// CHECK: tgraph.yield %{{.*}} : tensor<?xf32>
// CHECK: return %{{.*}} : tensor<?xf32>
func.func @fixed_point(%x0: tensor<?xf32>, %a: tensor<f32>) -> tensor<?xf32> {
  %r = tgraph.fixed_point %x0 captures(%a : tensor<f32>) tol = 1.0e-06 max_iter = 100 : tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>, %c: tensor<f32>):
    %y = tgraph.cos %x : tensor<?xf32>
    %z = tgraph.mul %y, %c : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
    tgraph.yield %z : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// CHECK-LABEL: func.func @no_captures
// CHECK: tgraph.fixed_point %{{.*}} tol = 9.9999999999999998E-13 max_iter = 1 : tensor<2x2xf64> {
// CHECK: ^bb0(%{{.*}}: tensor<2x2xf64>):
// CHECK: tgraph.tanh %{{.*}} : tensor<2x2xf64>
// CHECK: tgraph.yield %{{.*}} : tensor<2x2xf64>
// CHECK: return %{{.*}} : tensor<2x2xf64>
func.func @no_captures(%x0: tensor<2x2xf64>) -> tensor<2x2xf64> {
  %r = tgraph.fixed_point %x0 tol = 1.0e-12 max_iter = 1 : tensor<2x2xf64> {
  ^bb0(%x: tensor<2x2xf64>):
    %y = tgraph.tanh %x : tensor<2x2xf64>
    tgraph.yield %y : tensor<2x2xf64>
  }
  return %r : tensor<2x2xf64>
}

// CHECK-LABEL: func.func @nested
// CHECK: tgraph.fixed_point %{{.*}} captures(%{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4xf32>) tol = 1.000000e-03 max_iter = 10 : tensor<4xf32> {
// CHECK: ^bb0(%{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4x4xf32>, %{{.*}}: tensor<4xf32>):
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4xf32> -> tensor<4xf32>
// CHECK: tgraph.fixed_point %{{.*}} captures(%{{.*}} : tensor<4xf32>) tol = 1.000000e-03 max_iter = 5 : tensor<4xf32> {
// CHECK: ^bb0(%{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>):
// CHECK: tgraph.add %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
// CHECK: tgraph.yield %{{.*}} : tensor<4xf32>
// CHECK: tgraph.yield %{{.*}} : tensor<4xf32>
// CHECK: return %{{.*}} : tensor<4xf32>
func.func @nested(%x0: tensor<4xf32>, %A: tensor<4x4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %r = tgraph.fixed_point %x0 captures(%A, %b : tensor<4x4xf32>, tensor<4xf32>) tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>, %m: tensor<4x4xf32>, %v: tensor<4xf32>):
    %mx = tgraph.matmul %m, %x : tensor<4x4xf32>, tensor<4xf32> -> tensor<4xf32>
    %inner = tgraph.fixed_point %mx captures(%v : tensor<4xf32>) tol = 1.0e-03 max_iter = 5 : tensor<4xf32> {
    ^bb0(%y: tensor<4xf32>, %w: tensor<4xf32>):
      %s = tgraph.add %y, %w : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      tgraph.yield %s : tensor<4xf32>
    }
    tgraph.yield %inner : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
