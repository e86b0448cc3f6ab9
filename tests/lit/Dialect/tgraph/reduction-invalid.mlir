// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the reductions, softmax, normalisation and losses.

func.func @reduce_axis(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'tgraph.reduce_sum' op axis 2 is out of range for rank 2}}
  %0 = tgraph.reduce_sum %x axes = [2] : tensor<?x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @reduce_negative_axis(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'tgraph.reduce_max' op axis -1 is out of range for rank 2}}
  %0 = tgraph.reduce_max %x axes = [-1] : tensor<?x8xf32> -> tensor<?xf32>
  return
}

// -----

func.func @reduce_repeated(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'tgraph.reduce_min' op axis 1 is repeated in axes}}
  %0 = tgraph.reduce_min %x axes = [1, 0, 1] : tensor<?x8xf32> -> tensor<f32>
  return
}

// -----

func.func @reduce_result(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'tgraph.reduce_sum' op result type 'tensor<?x8xf32>' does not match the inferred type 'tensor<?xf32>'}}
  %0 = tgraph.reduce_sum %x axes = [1] : tensor<?x8xf32> -> tensor<?x8xf32>
  return
}

// -----

func.func @reduce_keepdims(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'tgraph.reduce_prod' op result type 'tensor<?xf32>' does not match the inferred type 'tensor<?x1xf32>'}}
  %0 = tgraph.reduce_prod %x axes = [1] {keepdims = true} : tensor<?x8xf32> -> tensor<?xf32>
  return
}

// -----

func.func @reduce_keepdims_size(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{'tgraph.reduce_mean' op result type 'tensor<1x8xf32>' does not match the inferred type 'tensor<?x1xf32>'}}
  %0 = tgraph.reduce_mean %x axes = [1] {keepdims = true} : tensor<?x8xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @reduce_mean_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.reduce_mean' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.reduce_mean %x axes = [0] : tensor<4xi32> -> tensor<i32>
  return
}

// -----

func.func @reduce_sum_bool(%x: tensor<4xi1>) {
  // expected-error @+1 {{'tgraph.reduce_sum' op operand #0 must be ranked tensor of 8/16/32/64-bit signless integer or floating-point values, but got 'tensor<4xi1>'}}
  %0 = tgraph.reduce_sum %x axes = [0] : tensor<4xi1> -> tensor<i1>
  return
}

// -----

func.func @softmax_axis(%x: tensor<?x10xf32>) {
  // expected-error @+1 {{'tgraph.softmax' op axis 2 is out of range for rank 2}}
  %0 = tgraph.softmax %x axis = 2 : tensor<?x10xf32>
  return
}

// -----

func.func @log_softmax_axis(%x: tensor<f32>) {
  // expected-error @+1 {{'tgraph.log_softmax' op axis 0 is out of range for rank 0}}
  %0 = tgraph.log_softmax %x axis = 0 : tensor<f32>
  return
}

// -----

func.func @softmax_int(%x: tensor<10xi32>) {
  // expected-error @+1 {{'tgraph.softmax' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<10xi32>'}}
  %0 = tgraph.softmax %x axis = 0 : tensor<10xi32>
  return
}

// -----

func.func @layernorm_axis(%x: tensor<?x64xf32>) {
  // expected-error @+1 {{'tgraph.layernorm' op axis -1 is out of range for rank 2}}
  %0 = tgraph.layernorm %x axis = -1 epsilon = 1.0e-05 : tensor<?x64xf32>
  return
}

// -----

func.func @layernorm_epsilon(%x: tensor<?x64xf32>) {
  // expected-error @+1 {{'tgraph.layernorm' op epsilon must be non-negative, got -1.000000e-05}}
  %0 = tgraph.layernorm %x axis = 1 epsilon = -1.0e-05 : tensor<?x64xf32>
  return
}

// -----

func.func @layernorm_scale(%x: tensor<?x64xf32>, %g: tensor<32xf32>) {
  // expected-error @+1 {{'tgraph.layernorm' op scale must have type 'tensor<64xf32>' (the size of axis 1), got 'tensor<32xf32>'}}
  %0 = tgraph.layernorm %x scale(%g : tensor<32xf32>) axis = 1 epsilon = 1.0e-05 : tensor<?x64xf32>
  return
}

// -----

func.func @rmsnorm_bias(%x: tensor<?x64xf32>, %b: tensor<64xf16>) {
  // expected-error @+1 {{'tgraph.rmsnorm' op bias must have type 'tensor<64xf32>' (the size of axis 1), got 'tensor<64xf16>'}}
  %0 = tgraph.rmsnorm %x bias(%b : tensor<64xf16>) axis = 1 epsilon = 1.0e-05 : tensor<?x64xf32>
  return
}

// -----

func.func @rmsnorm_scale_rank(%x: tensor<?x64xf32>, %g: tensor<1x64xf32>) {
  // expected-error @+1 {{'tgraph.rmsnorm' op scale must have type 'tensor<?xf32>' (the size of axis 0), got 'tensor<1x64xf32>'}}
  %0 = tgraph.rmsnorm %x scale(%g : tensor<1x64xf32>) axis = 0 epsilon = 1.0e-05 : tensor<?x64xf32>
  return
}

// -----

func.func @rmsnorm_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.rmsnorm' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %0 = tgraph.rmsnorm %x axis = 0 epsilon = 1.0e-05 : tensor<4xi32>
  return
}

// -----

func.func @cross_entropy_rank(%l: tensor<f32>, %y: tensor<i64>) {
  // expected-error @+1 {{'tgraph.cross_entropy' op logits must have rank >= 1, got 'tensor<f32>'}}
  %0 = tgraph.cross_entropy %l, %y : tensor<f32>, tensor<i64> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels_rank(%l: tensor<?x10xf32>, %y: tensor<?x10xi64>) {
  // expected-error @+1 {{'tgraph.cross_entropy' op labels must have rank 1 (one less than the logits), got 'tensor<?x10xi64>'}}
  %0 = tgraph.cross_entropy %l, %y : tensor<?x10xf32>, tensor<?x10xi64> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels_dim(%l: tensor<2x4x10xf32>, %y: tensor<2x5xi64>) {
  // expected-error @+1 {{'tgraph.cross_entropy' op labels dim 1 (5) does not match logits dim 1 (4)}}
  %0 = tgraph.cross_entropy %l, %y : tensor<2x4x10xf32>, tensor<2x5xi64> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_labels_float(%l: tensor<4x10xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.cross_entropy' op operand #1 must be ranked tensor of 8/16/32/64-bit signless integer values, but got 'tensor<4xf32>'}}
  %0 = tgraph.cross_entropy %l, %y : tensor<4x10xf32>, tensor<4xf32> -> tensor<f32>
  return
}

// -----

func.func @cross_entropy_result(%l: tensor<4x10xf32>, %y: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.cross_entropy' op result type 'tensor<f64>' does not match the inferred type 'tensor<f32>'}}
  %0 = tgraph.cross_entropy %l, %y : tensor<4x10xf32>, tensor<4xi32> -> tensor<f64>
  return
}

// -----

func.func @cross_entropy_result_rank(%l: tensor<4x10xf32>, %y: tensor<4xi32>) {
  // expected-error @+1 {{'tgraph.cross_entropy' op result #0 must be 0D tensor of floating-point values, but got 'tensor<4xf32>'}}
  %0 = tgraph.cross_entropy %l, %y : tensor<4x10xf32>, tensor<4xi32> -> tensor<4xf32>
  return
}

// -----

func.func @mse_shape(%a: tensor<4xf32>, %b: tensor<5xf32>) {
  // expected-error @+1 {{'tgraph.mse' op operand types 'tensor<4xf32>' and 'tensor<5xf32>' do not agree}}
  %0 = tgraph.mse %a, %b : tensor<4xf32>, tensor<5xf32> -> tensor<f32>
  return
}

// -----

func.func @mse_dtype(%a: tensor<4xf32>, %b: tensor<4xf64>) {
  // expected-error @+1 {{'tgraph.mse' op operand types 'tensor<4xf32>' and 'tensor<4xf64>' do not agree}}
  %0 = tgraph.mse %a, %b : tensor<4xf32>, tensor<4xf64> -> tensor<f32>
  return
}

// -----

func.func @mse_result(%a: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.mse' op result type 'tensor<bf16>' does not match the inferred type 'tensor<f32>'}}
  %0 = tgraph.mse %a, %a : tensor<4xf32>, tensor<4xf32> -> tensor<bf16>
  return
}
