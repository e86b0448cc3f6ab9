// RUN: tessera-opt %s --tgraph-differentiate --split-input-file --verify-diagnostics

// An op with no derivative rule on the differentiated path is an error at
// the derivative operator, naming the op, with a note where it is.
func.func private @f(%x: tensor<3xf64>) -> tensor<f64> {
  %c0 = arith.constant 0 : index
  %e = tensor.extract %x[%c0] : tensor<3xf64>
  // expected-note @+1 {{'tensor.from_elements' is used here}}
  %t = tensor.from_elements %e : tensor<f64>
  return %t : tensor<f64>
}
func.func @g(%x: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{cannot differentiate: 'tensor.from_elements' has no derivative rule}}
  %g = tgraph.grad @f wrt = 0 (%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %g : tensor<3xf64>
}

// -----

func.func private @ext(%x: tensor<3xf64>) -> tensor<f64>
func.func @g(%x: tensor<3xf64>) -> tensor<3xf64> {
  // expected-error @+1 {{no function body for @ext to differentiate}}
  %g = tgraph.grad @ext wrt = 0 (%x) : (tensor<3xf64>) -> tensor<3xf64>
  return %g : tensor<3xf64>
}

// -----

// A function that needs its own derivative.
// expected-error @+1 {{cannot differentiate @loop: it reaches its own derivative}}
func.func private @loop(%x: tensor<f64>) -> tensor<f64> {
  %g = tgraph.grad @loop wrt = 0 (%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}
func.func @g(%x: tensor<f64>) -> tensor<f64> {
  %g = tgraph.grad @loop wrt = 0 (%x) : (tensor<f64>) -> tensor<f64>
  return %g : tensor<f64>
}

// -----

// A custom adjoint must return one cotangent per input.
// expected-error @+1 {{custom adjoint @f.adjoint must return one cotangent per input}}
func.func private @f(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> attributes {tgraph.adjoint = @f.adjoint} {
  %0 = tgraph.mul %x, %y : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func private @f.adjoint(%x: tensor<3xf32>, %y: tensor<3xf32>, %g: tensor<3xf32>) -> tensor<3xf32> {
  return %g : tensor<3xf32>
}
func.func @g(%x: tensor<3xf32>, %y: tensor<3xf32>, %d: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %dx, %dy = tgraph.vjp @f(%x, %y) cotangents(%d : tensor<3xf32>) : (tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>)
  return %dx, %dy : tensor<3xf32>, tensor<3xf32>
}

// -----

// The reverse rule of rfft needs the signal length.
func.func private @f(%x: tensor<?xf32>) -> tensor<?xcomplex<f32>> {
  // expected-error @+1 {{the reverse-mode rule of 'tgraph.rfft' needs a static signal length}}
  %0 = tgraph.rfft %x : tensor<?xf32> -> tensor<?xcomplex<f32>>
  return %0 : tensor<?xcomplex<f32>>
}
func.func @g(%x: tensor<?xf32>, %d: tensor<?xcomplex<f32>>) -> tensor<?xf32> {
  %dx = tgraph.vjp @f(%x) cotangents(%d : tensor<?xcomplex<f32>>) : (tensor<?xf32>) -> tensor<?xf32>
  return %dx : tensor<?xf32>
}
