// RUN: tessera-opt %s -split-input-file -verify-diagnostics

func.func @dtype(%a: tensor<4xf32>, %b: tensor<4xf64>) -> tensor<4xf32> {
  // expected-error @+1 {{'tgraph.add' op operand element type 'f64' does not match result element type 'f32'}}
  %0 = tgraph.add %a, %b : tensor<4xf32>, tensor<4xf64> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @shape(%a: tensor<4xf32>, %b: tensor<5xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tgraph.mul' op operand shape 'tensor<5xf32>' is neither rank 0 nor the result shape 'tensor<4xf32>'}}
  %0 = tgraph.mul %a, %b : tensor<4xf32>, tensor<5xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @constant() -> tensor<f32> {
  // expected-error @+1 {{'tgraph.constant' op value of type 'f64' does not match result element type 'f32'}}
  %0 = tgraph.constant 1.0 : f64 -> tensor<f32>
  return %0 : tensor<f32>
}
