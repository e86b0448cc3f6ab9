// RUN: tessera-opt %s --tsched-form-fusion-groups -split-input-file -verify-diagnostics

func.func @foreign(%a: tensor<?xf32> {tgraph.shape = ["N"]}) -> tensor<?xf32> {
  // expected-error @+1 {{cannot schedule 'arith.addf': not a Graph IR operator}}
  %0 = arith.addf %a, %a : tensor<?xf32>
  // expected-note @+1 {{its result is used by 'tgraph.exp' here}}
  %1 = tgraph.exp %0 : tensor<?xf32>
  return %1 : tensor<?xf32>
}

// -----

// A constant that folding made (no place in the source of its own; a
// rank-0 one becomes a tgraph.constant, form-fusion-groups-kernels.mlir):
// the error names where it is used.
func.func @folded(%a: tensor<2xi64> {tgraph.shape = [2]}) -> tensor<2xi64> {
  // expected-error @+1 {{cannot schedule 'arith.constant': not a Graph IR operator}}
  %c = arith.constant dense<1> : tensor<2xi64>
  // expected-note @+1 {{its result is used by 'tgraph.add' here}}
  %0 = tgraph.add %a, %c : tensor<2xi64>, tensor<2xi64> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// expected-error @+1 {{cannot determine the symbolic shape of a result}}
func.func @no_shape(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}

// -----

// Composite operators are decomposed first (--tgraph-decompose).
func.func @softmax(%b: tensor<16xf32> {tgraph.shape = [16]}) -> tensor<16xf32> {
  // expected-error @+1 {{'tgraph.softmax' has no CPU schedule yet}}
  %0 = tgraph.softmax %b axis = 0 : tensor<16xf32>
  return %0 : tensor<16xf32>
}
