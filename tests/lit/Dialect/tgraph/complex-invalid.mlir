// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the complex parts.

func.func @conj_real(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tgraph.conj' op operand #0 must be ranked tensor of complex type with 32-bit float elements values, but got 'tensor<4xf32>'}}
  %0 = tgraph.conj %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @imag_shape(%z: tensor<4xcomplex<f32>>) -> tensor<5xf32> {
  // expected-error @+1 {{'tgraph.imag' op operand type 'tensor<4xcomplex<f32>>' and result type 'tensor<5xf32>' differ in shape}}
  %0 = tgraph.imag %z : tensor<4xcomplex<f32>> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @complex_shape(%a: tensor<4xf32>, %b: tensor<3xf32>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{'tgraph.complex' op part type 'tensor<3xf32>' is neither rank 0 nor of the result's shape 'tensor<4xcomplex<f32>>'}}
  %0 = tgraph.complex %a, %b : tensor<4xf32>, tensor<3xf32> -> tensor<4xcomplex<f32>>
  return %0 : tensor<4xcomplex<f32>>
}

// -----

func.func @complex_f64(%a: tensor<4xf64>) -> tensor<4xcomplex<f32>> {
  // expected-error @+1 {{'tgraph.complex' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<4xf64>'}}
  %0 = tgraph.complex %a, %a : tensor<4xf64>, tensor<4xf64> -> tensor<4xcomplex<f32>>
  return %0 : tensor<4xcomplex<f32>>
}
