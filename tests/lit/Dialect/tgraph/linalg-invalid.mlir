// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the linear-algebra family: matmul, solve and the
// Fourier transforms.

func.func @matmul_rank0(%a: tensor<f32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op operands must have rank >= 1, got 'tensor<f32>'}}
  %0 = tgraph.matmul %a, %b : tensor<f32>, tensor<4xf32> -> tensor<f32>
  return
}

// -----

func.func @matmul_transpose_lhs_vector(%a: tensor<4xf32>, %b: tensor<4x3xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op transpose_lhs needs an operand of rank >= 2, got 'tensor<4xf32>'}}
  %0 = tgraph.matmul %a, %b {transpose_lhs = true} : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @matmul_transpose_rhs_vector(%a: tensor<3x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op transpose_rhs needs an operand of rank >= 2, got 'tensor<4xf32>'}}
  %0 = tgraph.matmul %a, %b {transpose_rhs = true} : tensor<3x4xf32>, tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @matmul_dtype(%a: tensor<3x4xf32>, %b: tensor<4x5xf64>) {
  // expected-error @+1 {{'tgraph.matmul' op operand element types 'f32' and 'f64' differ}}
  %0 = tgraph.matmul %a, %b : tensor<3x4xf32>, tensor<4x5xf64> -> tensor<3x5xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<?x4xf32>, %b: tensor<5x?xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op contraction dims differ: lhs has 4, rhs has 5}}
  %0 = tgraph.matmul %a, %b : tensor<?x4xf32>, tensor<5x?xf32> -> tensor<?x?xf32>
  return
}

// -----

func.func @matmul_contraction_transposed(%a: tensor<5x3xf32>, %b: tensor<7x4xf32>) {
  // lhs^T is 3x5 and rhs^T is 4x7: k is 5 on the left and 4 on the right.
  // expected-error @+1 {{'tgraph.matmul' op contraction dims differ: lhs has 5, rhs has 4}}
  %0 = tgraph.matmul %a, %b {transpose_lhs = true, transpose_rhs = true} : tensor<5x3xf32>, tensor<7x4xf32> -> tensor<3x7xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x3x4xf32>, %b: tensor<5x4x6xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op batch dims of 'tensor<2x3x4xf32>' and 'tensor<5x4x6xf32>' do not broadcast}}
  %0 = tgraph.matmul %a, %b : tensor<2x3x4xf32>, tensor<5x4x6xf32> -> tensor<2x3x6xf32>
  return
}

// -----

func.func @matmul_tile_size(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op tile must have 3 entries (BM, BN, BK), got 2}}
  %0 = tgraph.matmul %a, %b {tile = array<i64: 64, 64>} : tensor<3x4xf32>, tensor<4x5xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @matmul_tile_positive(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op tile entries must be positive, got [64, 0, 32]}}
  %0 = tgraph.matmul %a, %b {tile = array<i64: 64, 0, 32>} : tensor<3x4xf32>, tensor<4x5xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @matmul_result(%a: tensor<?x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op result type 'tensor<?x6xf32>' does not match the inferred type 'tensor<?x5xf32>'}}
  %0 = tgraph.matmul %a, %b : tensor<?x4xf32>, tensor<4x5xf32> -> tensor<?x6xf32>
  return
}

// -----

func.func @matmul_result_batch(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'tgraph.matmul' op result type 'tensor<3x5xf32>' does not match the inferred type 'tensor<2x3x5xf32>'}}
  %0 = tgraph.matmul %a, %b : tensor<2x3x4xf32>, tensor<4x5xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @matmul_result_dtype(%a: tensor<3x4xbf16>, %b: tensor<4x5xbf16>) {
  // expected-error @+1 {{'tgraph.matmul' op result type 'tensor<3x5xf32>' does not match the inferred type 'tensor<3x5xbf16>'}}
  %0 = tgraph.matmul %a, %b : tensor<3x4xbf16>, tensor<4x5xbf16> -> tensor<3x5xf32>
  return
}

// -----

func.func @solve_rank(%A: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.solve' op matrix must have rank 2 or more, got 'tensor<4xf32>'}}
  %0 = tgraph.solve %A, %b : tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @solve_square(%A: tensor<3x4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'tgraph.solve' op matrix must be square, got 'tensor<3x4xf32>'}}
  %0 = tgraph.solve %A, %b : tensor<3x4xf32>, tensor<3xf32>
  return
}

// -----

func.func @solve_rhs_rank(%A: tensor<4x4xf32>, %b: tensor<4x4x4xf32>) {
  // expected-error @+1 {{'tgraph.solve' op right-hand side must have rank 1 or 2, got 'tensor<4x4x4xf32>'}}
  %0 = tgraph.solve %A, %b : tensor<4x4xf32>, tensor<4x4x4xf32>
  return
}

// -----

func.func @solve_rhs_size(%A: tensor<?x4xf32>, %b: tensor<5x2xf32>) {
  // expected-error @+1 {{'tgraph.solve' op right-hand side dim 0 (5) does not match the matrix size 4}}
  %0 = tgraph.solve %A, %b : tensor<?x4xf32>, tensor<5x2xf32>
  return
}

// -----

// Batched: the right-hand side has the matrix's batch dims, then [n] or
// [n, k].
func.func @solve_batch_dims(%A: tensor<3x4x4xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'tgraph.solve' op right-hand side batch dim 0 (2) does not match the matrix's (3)}}
  %0 = tgraph.solve %A, %b : tensor<3x4x4xf32>, tensor<2x4xf32>
  return
}

// -----

func.func @solve_batch_rank(%A: tensor<3x4x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.solve' op right-hand side must have rank 2 or 3, got 'tensor<4xf32>'}}
  %0 = tgraph.solve %A, %b : tensor<3x4x4xf32>, tensor<4xf32>
  return
}

// -----

func.func @solve_batch_size(%A: tensor<3x4x4xf32>, %b: tensor<3x5x2xf32>) {
  // expected-error @+1 {{'tgraph.solve' op right-hand side dim 1 (5) does not match the matrix size 4}}
  %0 = tgraph.solve %A, %b : tensor<3x4x4xf32>, tensor<3x5x2xf32>
  return
}

// -----

func.func @solve_dtype(%A: tensor<4x4xf64>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.solve' op matrix element type 'f64' does not match right-hand side element type 'f32'}}
  %0 = tgraph.solve %A, %b : tensor<4x4xf64>, tensor<4xf32>
  return
}

// -----

func.func @solve_int(%A: tensor<4x4xi32>, %b: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.solve' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4x4xi32>'}}
  %0 = tgraph.solve %A, %b : tensor<4x4xi32>, tensor<4xi32>
  return
}

// -----

func.func @solve_result(%A: tensor<4x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.solve' op failed to verify that all of {rhs, result} have same type}}
  %0 = "tgraph.solve"(%A, %b) : (tensor<4x4xf32>, tensor<4xf32>) -> tensor<4x1xf32>
  return
}

// -----

func.func @fft_rank(%z: tensor<complex<f32>>) {
  // expected-error @+1 {{'tgraph.fft' op operand must have rank >= 1, got 'tensor<complex<f32>>'}}
  %0 = tgraph.fft %z : tensor<complex<f32>>
  return
}

// -----

func.func @ifft_rank(%z: tensor<complex<f32>>) {
  // expected-error @+1 {{'tgraph.ifft' op operand must have rank >= 1, got 'tensor<complex<f32>>'}}
  %0 = tgraph.ifft %z : tensor<complex<f32>>
  return
}

// -----

func.func @fft_real(%x: tensor<8xf32>) {
  // expected-error @+1 {{'tgraph.fft' op operand #0 must be ranked tensor of complex type with 32-bit float elements values, but got 'tensor<8xf32>'}}
  %0 = tgraph.fft %x : tensor<8xf32>
  return
}

// -----

func.func @rfft_rank(%x: tensor<f32>) {
  // expected-error @+1 {{'tgraph.rfft' op operand must have rank >= 1, got 'tensor<f32>'}}
  %0 = tgraph.rfft %x : tensor<f32> -> tensor<complex<f32>>
  return
}

// -----

func.func @rfft_result(%x: tensor<?x16xf32>) {
  // expected-error @+1 {{'tgraph.rfft' op result type 'tensor<?x8xcomplex<f32>>' does not match the inferred type 'tensor<?x9xcomplex<f32>>'}}
  %0 = tgraph.rfft %x : tensor<?x16xf32> -> tensor<?x8xcomplex<f32>>
  return
}

// -----

func.func @rfft_f64(%x: tensor<16xf64>) {
  // expected-error @+1 {{'tgraph.rfft' op operand #0 must be ranked tensor of 32-bit float values, but got 'tensor<16xf64>'}}
  %0 = tgraph.rfft %x : tensor<16xf64> -> tensor<9xcomplex<f32>>
  return
}

// -----

func.func @irfft_n(%z: tensor<1xcomplex<f32>>) {
  // expected-error @+1 {{'tgraph.irfft' op n must be positive, got 0}}
  %0 = tgraph.irfft %z n = 0 : tensor<1xcomplex<f32>> -> tensor<0xf32>
  return
}

// -----

func.func @irfft_rank(%z: tensor<complex<f32>>) {
  // expected-error @+1 {{'tgraph.irfft' op operand must have rank >= 1, got 'tensor<complex<f32>>'}}
  %0 = tgraph.irfft %z n = 4 : tensor<complex<f32>> -> tensor<4xf32>
  return
}

// -----

func.func @irfft_last_dim(%z: tensor<?x8xcomplex<f32>>) {
  // expected-error @+1 {{'tgraph.irfft' op operand's last dim 8 does not match n / 2 + 1 = 9}}
  %0 = tgraph.irfft %z n = 16 : tensor<?x8xcomplex<f32>> -> tensor<?x16xf32>
  return
}

// -----

func.func @irfft_result(%z: tensor<?x9xcomplex<f32>>) {
  // expected-error @+1 {{'tgraph.irfft' op result type 'tensor<?x17xf32>' does not match the inferred type 'tensor<?x16xf32>'}}
  %0 = tgraph.irfft %z n = 16 : tensor<?x9xcomplex<f32>> -> tensor<?x17xf32>
  return
}
