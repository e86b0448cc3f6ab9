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
