// RUN: tessera-opt %s --tsched-form-fusion-groups -split-input-file -verify-diagnostics

func.func @foreign(%a: tensor<?xf32> {tgraph.shape = ["N"]}) -> tensor<?xf32> {
  // expected-error @+1 {{cannot schedule 'arith.addf': not a Graph IR operator}}
  %0 = arith.addf %a, %a : tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// expected-error @+1 {{cannot determine the symbolic shape of a result}}
func.func @no_shape(%a: tensor<?xf32>) -> tensor<?xf32> {
  return %a : tensor<?xf32>
}

// -----

func.func @solve(%a: tensor<4x4xf32> {tgraph.shape = [4, 4]}, %b: tensor<4xf32> {tgraph.shape = [4]}) -> tensor<4xf32> {
  // expected-error @+1 {{'tgraph.solve' has no CPU schedule yet}}
  %0 = tgraph.solve %a, %b : tensor<4x4xf32>, tensor<4xf32>
  return %0 : tensor<4xf32>
}
