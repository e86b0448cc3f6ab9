// RUN: tessera-opt %s --tgraph-differentiate | FileCheck %s
// Implicit differentiation: the derivatives of a fixed point r = f(r, c)
// are fixed points themselves (the implicit function theorem), never a
// differentiation of the iterations.

func.func private @f(%a: tensor<f64>) -> tensor<f64> {
  %x0 = tgraph.constant 0.5 : f64 -> tensor<f64>
  %r = tgraph.fixed_point %x0 captures(%a : tensor<f64>) tol = 1.0e-12 max_iter = 200 : tensor<f64> {
  ^bb0(%x: tensor<f64>, %c: tensor<f64>):
    %y = tgraph.cos %x : tensor<f64>
    %z = tgraph.mul %y, %c : tensor<f64>, tensor<f64> -> tensor<f64>
    tgraph.yield %z : tensor<f64>
  }
  return %r : tensor<f64>
}

// Forward: u = (df/dx) u + (df/dc) c_dot, iterated from zero.
// CHECK-LABEL: func.func private @f.jvp
// CHECK: %[[R:.*]] = tgraph.fixed_point
// CHECK: %[[T:.*]] = tgraph.fixed_point %{{.*}} captures(%[[R]], %arg0, %arg1 : tensor<f64>, tensor<f64>, tensor<f64>) tol = {{.*}} max_iter = 200
// CHECK: ^bb0(%[[U:.*]]: tensor<f64>, %[[X:.*]]: tensor<f64>, %[[C:.*]]: tensor<f64>, %[[DC:.*]]: tensor<f64>):
// CHECK: tgraph.sin %[[X]]
// CHECK: tgraph.mul %[[U]],
// CHECK: tgraph.mul %[[DC]],
// CHECK: tgraph.yield
// CHECK: return %[[R]], %[[T]]

// Reverse: w = r_bar + (df/dx)^T w, iterated from r_bar; then
// c_bar = (df/dc)^T w at the fixed point.
// CHECK-LABEL: func.func private @f.vjp
// CHECK: %[[R:.*]] = tgraph.fixed_point
// CHECK: %[[W:.*]] = tgraph.fixed_point %arg1 captures(%arg1, %[[R]], %arg0 : tensor<f64>, tensor<f64>, tensor<f64>)
// CHECK: ^bb0(%[[WI:.*]]: tensor<f64>, %[[RB:.*]]: tensor<f64>, %[[X:.*]]: tensor<f64>, %[[C:.*]]: tensor<f64>):
// CHECK: %[[WC:.*]] = tgraph.mul %[[WI]], %[[C]]
// CHECK: tgraph.sin %[[X]]
// CHECK: %[[STEP:.*]] = tgraph.add %[[RB]],
// CHECK: tgraph.yield %[[STEP]]
// CHECK: %[[COS:.*]] = tgraph.cos %[[R]]
// CHECK: %[[CB:.*]] = tgraph.mul %[[W]], %[[COS]]
// CHECK: return %[[R]], %[[CB]]

func.func @g(%a: tensor<f64>) -> tensor<f64> {
  %g = tgraph.grad @f wrt = 0 (%a) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
func.func @j(%a: tensor<f64>, %t: tensor<f64>) -> (tensor<f64>, tensor<f64>) {
  %y, %dy = tgraph.jvp @f(%a) tangents(%t : tensor<f64>) : (tensor<f64>) -> (tensor<f64>, tensor<f64>)
  return %y, %dy : tensor<f64>, tensor<f64>
}
