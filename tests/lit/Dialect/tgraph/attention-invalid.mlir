// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of tgraph.attention and tgraph.attention_grad.

func.func @query_rank(%q: tensor<4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op query must have rank 2 or more, got 'tensor<4xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<4xf32>, tensor<5x4xf32>, tensor<5x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @key_rank(%q: tensor<3x4xf32>, %k: tensor<1x5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op key must have the query's rank 2, got 'tensor<1x5x4xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<3x4xf32>, tensor<1x5x4xf32>, tensor<5x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @element_types(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xbf16>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op operands must have one element type, got 'f32' and 'bf16'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<5x2xbf16> -> tensor<3x2xf32>
  return
}

// -----

func.func @scale_rank(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<1xf32>) {
  // expected-error @+1 {{'tgraph.attention' op scale must have rank 0, got 'tensor<1xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<1xf32>) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<5x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @batch(%q: tensor<2x3x4xf32>, %k: tensor<3x5x4xf32>, %v: tensor<2x5x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op batch dim 0 differs between 'tensor<2x3x4xf32>' and 'tensor<3x5x4xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<2x3x4xf32>, tensor<3x5x4xf32>, tensor<2x5x2xf32> -> tensor<2x3x2xf32>
  return
}

// -----

func.func @key_width(%q: tensor<3x4xf32>, %k: tensor<5x6xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op key's last dim must be the query's, got 'tensor<5x6xf32>' for 'tensor<3x4xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<3x4xf32>, tensor<5x6xf32>, tensor<5x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @value_rows(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<6x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op value must have a row for each key, got 'tensor<6x2xf32>' for 'tensor<5x4xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<6x2xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @result_shape(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op result must be [..., queries, value width], got 'tensor<3x4xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<5x2xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @result_rank(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>) {
  // expected-error @+1 {{'tgraph.attention' op result must have the query's rank 2, got 'tensor<1x3x2xf32>'}}
  %0 = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<5x2xf32> -> tensor<1x3x2xf32>
  return
}

// -----

// attention_grad checks its operands as attention does, its result among
// them.
func.func @grad_result(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>, %o: tensor<3x5xf32>) {
  // expected-error @+1 {{'tgraph.attention_grad' op result must be [..., queries, value width], got 'tensor<3x5xf32>'}}
  %0:3 = tgraph.attention_grad %q, %k, %v scale(%c : tensor<f32>) result(%o : tensor<3x5xf32>) result_grad(%o) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<5x2xf32>
  return
}

// -----

// The log-sum-exp is f32, one a query.
func.func @lse_type(%q: tensor<2x3x4xbf16>, %k: tensor<2x5x4xbf16>, %v: tensor<2x5x2xbf16>, %c: tensor<bf16>) {
  // expected-error @+1 {{'tgraph.attention' op lse must be f32 of the query's shape without its last dim, got 'tensor<2x3xbf16>' for 'tensor<2x3x4xbf16>'}}
  %o, %l = tgraph.attention %q, %k, %v scale(%c : tensor<bf16>) : tensor<2x3x4xbf16>, tensor<2x5x4xbf16>, tensor<2x5x2xbf16> -> tensor<2x3x2xbf16> lse tensor<2x3xbf16>
  return
}

// -----

func.func @grad_lse_shape(%q: tensor<3x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x2xf32>, %c: tensor<f32>, %o: tensor<3x2xf32>, %l: tensor<5xf32>) {
  // expected-error @+1 {{'tgraph.attention_grad' op lse must be f32 of the query's shape without its last dim, got 'tensor<5xf32>' for 'tensor<3x4xf32>'}}
  %0:3 = tgraph.attention_grad %q, %k, %v scale(%c : tensor<f32>) result(%o : tensor<3x2xf32>) result_grad(%o) lse(%l : tensor<5xf32>) : tensor<3x4xf32>, tensor<5x4xf32>, tensor<5x2xf32>
  return
}
