// RUN: tessera-opt %s --tgraph-differentiate | FileCheck %s
// Derivatives compose: hvp is forward over reverse (the jvp of the gradient
// function), partial derivatives are nested jvps along a unit vector, and
// a derivative of a function that itself takes a derivative works.

func.func private @energy(%x: tensor<?xf64>) -> tensor<f64> {
  %0 = tgraph.sin %x : tensor<?xf64>
  %1 = tgraph.reduce_sum %0 axes = [0] : tensor<?xf64> -> tensor<f64>
  return %1 : tensor<f64>
}
// The gradient function's jvp differentiates the call of energy.vjp.
// CHECK-LABEL: func.func private @energy.grad0.jvp
// CHECK: call @energy.vjp.jvp
// CHECK-LABEL: func.func @hvp
// CHECK: %[[H:.*]]:4 = call @energy.grad0.jvp(%arg0, %arg1)
// CHECK: return %[[H]]#3
func.func @hvp(%x: tensor<?xf64>, %v: tensor<?xf64>) -> tensor<?xf64> {
  %h = tgraph.hvp @energy wrt = 0 (%x) dir(%v : tensor<?xf64>) : (tensor<?xf64>) -> tensor<?xf64>
  return %h : tensor<?xf64>
}

// A field u: [N, 2] -> [N, 1]; its second partial in coordinate 1.
func.func private @u(%p: tensor<?x2xf64>) -> tensor<?x1xf64> {
  %w = tgraph.constant 0.5 : f64 -> tensor<f64>
  %0 = tgraph.mul %p, %w : tensor<?x2xf64>, tensor<f64> -> tensor<?x2xf64>
  %1 = tgraph.tanh %0 : tensor<?x2xf64>
  %2 = tgraph.reduce_sum %1 axes = [1] {keepdims = true} : tensor<?x2xf64> -> tensor<?x1xf64>
  return %2 : tensor<?x1xf64>
}
// Order 2 is the jvp of order 1 (forward over forward: no reverse mode);
// order 1 is the jvp of u along the unit vector of axis 1 (an iota
// compared with 1, as the points' element type).
// CHECK-LABEL: func.func private @u.d2_x1
// CHECK-NOT: vjp
// CHECK: call @u.d1_x1.jvp
// CHECK-LABEL: func.func private @u.d1_x1
// CHECK: %[[I:.*]] = tgraph.iota axis = 1 dims(%{{.*}}) : tensor<?x2xi64>
// CHECK: %[[E:.*]] = tgraph.compare eq, %[[I]], %{{.*}}
// CHECK: %[[U:.*]] = tgraph.cast %[[E]] : tensor<?x2xi1> -> tensor<?x2xf64>
// CHECK: call @u.jvp(%arg0, %[[U]])
// CHECK-LABEL: func.func @laplacian_part
// CHECK: call @u.d2_x1(%arg0)
func.func @laplacian_part(%p: tensor<?x2xf64>) -> tensor<?x1xf64> {
  %uyy = tgraph.partial @u axis = 1 order = 2 (%p) : (tensor<?x2xf64>) -> tensor<?x1xf64>
  return %uyy : tensor<?x1xf64>
}

// Third derivative by composition: grad of a function that calls grad.
func.func private @cube(%x: tensor<f64>) -> tensor<f64> {
  %0 = tgraph.mul %x, %x : tensor<f64>, tensor<f64> -> tensor<f64>
  %1 = tgraph.mul %0, %x : tensor<f64>, tensor<f64> -> tensor<f64>
  return %1 : tensor<f64>
}
func.func private @d1(%x: tensor<f64>) -> tensor<f64> {
  %g = tgraph.grad @cube wrt = 0 (%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
func.func private @d2(%x: tensor<f64>) -> tensor<f64> {
  %g = tgraph.grad @d1 wrt = 0 (%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
// CHECK-LABEL: func.func @d3
// CHECK: call @d2.grad0(%arg0)
func.func @d3(%x: tensor<f64>) -> tensor<f64> {
  %g = tgraph.grad @d2 wrt = 0 (%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
