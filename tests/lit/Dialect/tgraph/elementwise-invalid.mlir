// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the elementwise families: unary math, pow/max/min,
// compare, select, cast, random numbers and dropout.

// Float-only unary ops reject integer element types.
func.func @exp_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.exp' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.exp %x : tensor<4xi32>
  return
}

// -----

func.func @log_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.log' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.log %x : tensor<4xi32>
  return
}

// -----

func.func @log1p_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.log1p' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.log1p %x : tensor<4xi32>
  return
}

// -----

func.func @sqrt_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.sqrt' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.sqrt %x : tensor<4xi32>
  return
}

// -----

func.func @rsqrt_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.rsqrt' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.rsqrt %x : tensor<4xi32>
  return
}

// -----

func.func @sin_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.sin' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.sin %x : tensor<4xi32>
  return
}

// -----

func.func @cos_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.cos' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.cos %x : tensor<4xi32>
  return
}

// -----

func.func @tanh_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.tanh' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.tanh %x : tensor<4xi32>
  return
}

// -----

func.func @sigmoid_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.sigmoid' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.sigmoid %x : tensor<4xi32>
  return
}

// -----

func.func @gelu_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.gelu' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.gelu %x : tensor<4xi32>
  return
}

// -----

func.func @silu_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.silu' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.silu %x : tensor<4xi32>
  return
}

// -----

func.func @abs_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'tgraph.abs' op operand #0 must be ranked tensor of 8/16/32/64-bit signless integer or floating-point values, but got 'tensor<4xi1>'}}
  %0 = tgraph.abs %x : tensor<4xi1>
  return
}

// -----

func.func @relu_complex(%x: tensor<4xcomplex<f32>>) {
  // expected-error @+1 {{'tgraph.relu' op operand #0 must be ranked tensor of 8/16/32/64-bit signless integer or floating-point values, but got 'tensor<4xcomplex<f32>>'}}
  %0 = tgraph.relu %x : tensor<4xcomplex<f32>>
  return
}

// -----

func.func @square_bool(%x: tensor<i1>) {
  // expected-error @+1 {{'tgraph.square' op operand #0 must be ranked tensor of 8/16/32/64-bit signless integer or floating-point values, but got 'tensor<i1>'}}
  %0 = tgraph.square %x : tensor<i1>
  return
}

// -----

func.func @unary_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.sin' op failed to verify that all of {operand, result} have same type}}
  %0 = "tgraph.sin"(%x) : (tensor<4xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @pow_dtype(%a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'tgraph.pow' op operand element type 'f64' does not match result element type 'f32'}}
  %0 = tgraph.pow %a, %b : tensor<4xf32>, tensor<4xf64> -> tensor<4xf32>
  return
}

// -----

func.func @max_shape(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'tgraph.max' op operand shape 'tensor<5xf32>' is neither rank 0 nor the result shape 'tensor<4xf32>'}}
  %0 = tgraph.max %a, %b : tensor<4xf32>, tensor<5xf32> -> tensor<4xf32>
  return
}

// -----

func.func @min_dynamic(%a: tensor<?xf32>, %b: tensor<4xf32>) {
  // Like tgraph.add, the shapes must be the same, `?` included.
  // expected-error @+1 {{'tgraph.min' op operand shape 'tensor<?xf32>' is neither rank 0 nor the result shape 'tensor<4xf32>'}}
  %0 = tgraph.min %a, %b : tensor<?xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @compare_dtype(%a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'tgraph.compare' op operand element types 'f32' and 'f64' differ}}
  %0 = tgraph.compare eq, %a, %b : tensor<4xf32>, tensor<4xf64> -> tensor<4xi1>
  return
}

// -----

func.func @compare_shape(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'tgraph.compare' op operand shape 'tensor<5xf32>' is neither rank 0 nor the result shape 'tensor<4xi1>'}}
  %0 = tgraph.compare lt, %a, %b : tensor<4xf32>, tensor<5xf32> -> tensor<4xi1>
  return
}

// -----

func.func @compare_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.compare' op result #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = tgraph.compare ge, %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @compare_predicate(%a: tensor<4xf32>) {
  // expected-error @+1 {{custom op 'tgraph.compare' expected string or keyword containing one of the following enum values for attribute 'predicate' [eq, ne, lt, le, gt, ge]}}
  %0 = tgraph.compare less, %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<4xi1>
  return
}

// -----

func.func @select_cond(%c: tensor<4xi32>, %a: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.select' op operand #0 must be ranked tensor of 1-bit signless integer values, but got 'tensor<4xi32>'}}
  %0 = tgraph.select %c, %a, %a : tensor<4xi32>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @select_dtype(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'tgraph.select' op operand element type 'f64' does not match result element type 'f32'}}
  %0 = tgraph.select %c, %a, %b : tensor<4xi1>, tensor<4xf32>, tensor<4xf64> -> tensor<4xf32>
  return
}

// -----

func.func @select_shape(%c: tensor<3xi1>, %a: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.select' op operand shape 'tensor<3xi1>' is neither rank 0 nor the result shape 'tensor<4xf32>'}}
  %0 = tgraph.select %c, %a, %a : tensor<3xi1>, tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @cast_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.cast' op operand type 'tensor<4xf32>' and result type 'tensor<5xf16>' differ in shape}}
  %0 = tgraph.cast %x : tensor<4xf32> -> tensor<5xf16>
  return
}

// -----

func.func @cast_rank(%x: tensor<?xf32>) {
  // expected-error @+1 {{'tgraph.cast' op operand type 'tensor<?xf32>' and result type 'tensor<?x1xi32>' differ in shape}}
  %0 = tgraph.cast %x : tensor<?xf32> -> tensor<?x1xi32>
  return
}

// -----

func.func @random_dims(%n: index) {
  // expected-error @+1 {{'tgraph.random_uniform' op result type 'tensor<?x?xf32>' has 2 dynamic dims but 1 dim operands}}
  %0 = tgraph.random_uniform(%n) seed = 1 : tensor<?x?xf32>
  return
}

// -----

func.func @random_static_dims(%n: index) {
  // expected-error @+1 {{'tgraph.random_normal' op result type 'tensor<4xf32>' has 0 dynamic dims but 1 dim operands}}
  %0 = tgraph.random_normal(%n) seed = 1 : tensor<4xf32>
  return
}

// -----

func.func @random_int() {
  // expected-error @+1 {{'tgraph.random_uniform' op result #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.random_uniform seed = 1 : tensor<4xi32>
  return
}

// -----

func.func @dropout_p(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.dropout' op p must be in [0, 1), got 1.000000e+00}}
  %0 = tgraph.dropout %x p = 1.0 seed = 0 : tensor<4xf32>
  return
}

// -----

func.func @dropout_negative_p(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.dropout' op p must be in [0, 1), got -1.000000e-01}}
  %0 = tgraph.dropout %x p = -0.1 seed = 0 : tensor<4xf32>
  return
}

// -----

func.func @dropout_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.dropout' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.dropout %x p = 0.5 seed = 0 : tensor<4xi32>
  return
}
