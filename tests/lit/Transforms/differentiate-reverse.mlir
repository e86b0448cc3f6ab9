// RUN: tessera-opt %s --tgraph-differentiate | FileCheck %s
// Reverse mode: f.vjp runs f's body, then each op's VJP rule in reverse,
// accumulating cotangents; grad seeds the cotangent with 1.

func.func private @f(%x: tensor<?xf64>, %w: tensor<?xf64>) -> tensor<f64> {
  %0 = tgraph.mul %x, %w : tensor<?xf64>, tensor<?xf64> -> tensor<?xf64>
  %1 = tgraph.tanh %0 : tensor<?xf64>
  %2 = tgraph.reduce_sum %1 axes = [0] : tensor<?xf64> -> tensor<f64>
  return %2 : tensor<f64>
}

// CHECK-LABEL: func.func private @f.grad0(%arg0: tensor<?xf64>, %arg1: tensor<?xf64>) -> (tensor<f64>, tensor<?xf64>)
// CHECK: %[[ONE:.*]] = tgraph.constant 1.000000e+00 : f64 -> tensor<f64>
// CHECK: %[[V:.*]]:3 = call @f.vjp(%arg0, %arg1, %[[ONE]])
// CHECK: return %[[V]]#0, %[[V]]#1

// CHECK-LABEL: func.func private @f.vjp(%arg0: tensor<?xf64>, %arg1: tensor<?xf64>, %arg2: tensor<f64>) -> (tensor<f64>, tensor<?xf64>, tensor<?xf64>)
// The primal, saved for the reverse sweep:
// CHECK: %[[XW:.*]] = tgraph.mul %arg0, %arg1
// CHECK: %[[T:.*]] = tgraph.tanh %[[XW]]
// CHECK: %[[S:.*]] = tgraph.reduce_sum %[[T]]
// reduce_sum: the cotangent broadcast back (kept dim, then the run-time extent):
// CHECK: %[[K:.*]] = tgraph.reshape %arg2 : tensor<f64> -> tensor<1xf64>
// CHECK: %[[N:.*]] = tensor.dim %[[T]], %c0
// CHECK: %[[B:.*]] = tgraph.broadcast %[[K]] dims(%[[N]]) : tensor<1xf64> -> tensor<?xf64>
// tanh: times 1 - tanh^2:
// CHECK: %[[SQ:.*]] = tgraph.mul %[[T]], %[[T]]
// CHECK: %[[D:.*]] = tgraph.sub %{{.*}}, %[[SQ]]
// CHECK: %[[G:.*]] = tgraph.mul %[[B]], %[[D]]
// mul: each operand gets the cotangent times the other:
// CHECK: %[[GX:.*]] = tgraph.mul %[[G]], %arg1
// CHECK: %[[GW:.*]] = tgraph.mul %[[G]], %arg0
// CHECK: return %[[S]], %[[GX]], %[[GW]]

// CHECK-LABEL: func.func @g
// CHECK: %[[R:.*]]:2 = call @f.grad0(%arg0, %arg1)
// CHECK: return %[[R]]#1
// CHECK-NOT: tgraph.grad
func.func @g(%x: tensor<?xf64>, %w: tensor<?xf64>) -> (tensor<?xf64>) {
  %g = tgraph.grad @f wrt = 0 (%x, %w) : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  return %g : tensor<?xf64>
}

// with_value returns the value too.
// CHECK-LABEL: func.func @value_and_grad
// CHECK: %[[R:.*]]:2 = call @f.grad1(%arg0, %arg1)
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @value_and_grad(%x: tensor<?xf64>, %w: tensor<?xf64>) -> (tensor<f64>, tensor<?xf64>) {
  %v, %g = tgraph.grad @f wrt = 1 (%x, %w) {with_value} : (tensor<?xf64>, tensor<?xf64>) -> (tensor<f64>, tensor<?xf64>)
  return %v, %g : tensor<f64>, tensor<?xf64>
}

// A value used twice accumulates its cotangents; a scalar operand of a
// broadcasting op gets the sum of the result's cotangent.
func.func private @h(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %0 = tgraph.mul %x, %s : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
  %1 = tgraph.add %0, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
// CHECK-LABEL: func.func private @h.vjp(%arg0: tensor<4xf32>, %arg1: tensor<f32>, %arg2: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<f32>)
// CHECK: %[[XS:.*]] = tgraph.mul %arg2, %arg1
// CHECK: %[[GS:.*]] = tgraph.mul %arg2, %arg0
// CHECK: %[[SUM:.*]] = tgraph.reduce_sum %[[GS]] axes = [0] : tensor<4xf32> -> tensor<f32>
// CHECK: %[[ACC:.*]] = tgraph.add %arg2, %[[XS]]
// CHECK: return %{{.*}}, %[[ACC]], %[[SUM]]
func.func @use_h(%x: tensor<4xf32>, %s: tensor<f32>, %d: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %dx, %ds = tgraph.vjp @h(%x, %s) cotangents(%d : tensor<4xf32>) : (tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<f32>)
  return %dx, %ds : tensor<4xf32>, tensor<f32>
}

// Calls are differentiated through the callee's own vjp.
func.func private @outer(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %0 = call @h(%x, %s) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = tgraph.exp %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
// CHECK-LABEL: func.func private @outer.vjp
// CHECK: %[[H:.*]] = call @h(%arg0, %arg1)
// CHECK: %[[E:.*]] = tgraph.exp %[[H]]
// CHECK: %[[GE:.*]] = tgraph.mul %arg2, %[[E]]
// CHECK: %[[HV:.*]]:3 = call @h.vjp(%arg0, %arg1, %[[GE]])
// CHECK: return %[[E]], %[[HV]]#1, %[[HV]]#2
func.func @use_outer(%x: tensor<4xf32>, %s: tensor<f32>, %d: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %dx, %ds = tgraph.vjp @outer(%x, %s) cotangents(%d : tensor<4xf32>) : (tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<f32>)
  return %dx, %ds : tensor<4xf32>, tensor<f32>
}

// A custom adjoint (declared in the source) replaces the rules of the body.
func.func private @safe_log(%x: tensor<3xf32>) -> tensor<3xf32> attributes {tgraph.adjoint = @safe_log.adjoint} {
  %0 = tgraph.log %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @safe_log.adjoint(%x: tensor<3xf32>, %g: tensor<3xf32>) -> tensor<3xf32> {
  %e = tgraph.constant 1.0e-12 : f32 -> tensor<f32>
  %m = tgraph.max %x, %e : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %r = tgraph.div %g, %m : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %r : tensor<3xf32>
}
// CHECK-LABEL: func.func private @safe_log.vjp(%arg0: tensor<3xf32>, %arg1: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
// CHECK-NEXT: %[[Y:.*]] = call @safe_log(%arg0)
// CHECK-NEXT: %[[G:.*]] = call @safe_log.adjoint(%arg0, %arg1)
// CHECK-NEXT: return %[[Y]], %[[G]]
func.func @use_safe_log(%x: tensor<3xf32>, %d: tensor<3xf32>) -> tensor<3xf32> {
  %dx = tgraph.vjp @safe_log(%x) cotangents(%d : tensor<3xf32>) : (tensor<3xf32>) -> tensor<3xf32>
  return %dx : tensor<3xf32>
}
