// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of the layout family: transpose, reshape, broadcast,
// slice, concat, pad, gather and scatter.

func.func @transpose_repeat(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'tgraph.transpose' op permutation [1, 1] does not permute the 2 dims of 'tensor<3x4xf32>'}}
  %0 = tgraph.transpose %x permutation = [1, 1] : tensor<3x4xf32> -> tensor<4x4xf32>
  return
}

// -----

func.func @transpose_length(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'tgraph.transpose' op permutation [0] does not permute the 2 dims of 'tensor<3x4xf32>'}}
  %0 = tgraph.transpose %x permutation = [0] : tensor<3x4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @transpose_range(%x: tensor<3x4xf32>) {
  // expected-error @+1 {{'tgraph.transpose' op permutation [0, 2] does not permute the 2 dims of 'tensor<3x4xf32>'}}
  %0 = tgraph.transpose %x permutation = [0, 2] : tensor<3x4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @transpose_result(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'tgraph.transpose' op result type 'tensor<5x?xf32>' does not match the inferred type 'tensor<4x?xf32>'}}
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<?x4xf32> -> tensor<5x?xf32>
  return
}

// -----

func.func @reshape_dtype(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'tgraph.reshape' op operand element type 'f32' does not match result element type 'f64'}}
  %0 = tgraph.reshape %x : tensor<2x6xf32> -> tensor<12xf64>
  return
}

// -----

func.func @reshape_count(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{'tgraph.reshape' op operand 'tensor<2x6xf32>' has 12 elements but result 'tensor<5x2xf32>' has 10}}
  %0 = tgraph.reshape %x : tensor<2x6xf32> -> tensor<5x2xf32>
  return
}

// -----

func.func @broadcast_dtype(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.broadcast' op operand element type 'f32' does not match result element type 'i32'}}
  %0 = tgraph.broadcast %x : tensor<4xf32> -> tensor<3x4xi32>
  return
}

// -----

func.func @broadcast_rank(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{'tgraph.broadcast' op operand rank 3 exceeds result rank 2}}
  %0 = tgraph.broadcast %x : tensor<2x3x4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @broadcast_dims(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.broadcast' op result type 'tensor<?x4xf32>' has 1 dynamic dims but 0 dim operands}}
  %0 = tgraph.broadcast %x : tensor<4xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @broadcast_dim(%x: tensor<5x1xf32>) {
  // expected-error @+1 {{'tgraph.broadcast' op operand dim 0 (5) is neither 1 nor result dim 1 (4)}}
  %0 = tgraph.broadcast %x : tensor<5x1xf32> -> tensor<2x4x3xf32>
  return
}

// -----

func.func @slice_entries(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'tgraph.slice' op offsets, sizes and strides must have 2 entries each (the operand rank), got 1, 2 and 2}}
  %0 = tgraph.slice %x offsets = [0] sizes = [2, 2] strides = [1, 1] : tensor<8x8xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_offset(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'tgraph.slice' op dim 1: offset -1 is negative}}
  %0 = tgraph.slice %x offsets = [0, -1] sizes = [2, 2] strides = [1, 1] : tensor<8x8xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_size(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'tgraph.slice' op dim 0: size -2 is negative}}
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [-2, 2] strides = [1, 1] : tensor<8x8xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_dynamic_operands(%x: tensor<?x8xf32>, %n: index) {
  // expected-error @+1 {{'tgraph.slice' op has 1 run-time offsets and 1 run-time sizes but 0 and 1 index operands}}
  %0 = "tgraph.slice"(%x, %n) {offsets = array<i64: -9223372036854775808, 0>, sizes = array<i64: -9223372036854775808, 2>, strides = array<i64: 1, 1>, operandSegmentSizes = array<i32: 1, 0, 1>} : (tensor<?x8xf32>, index) -> tensor<?x2xf32>
  return
}

// -----

func.func @slice_dynamic_negative(%x: tensor<?x8xf32>, %n: index) {
  // expected-error @+1 {{'tgraph.slice' op dim 0: offset -1 is negative}}
  %0 = tgraph.slice %x offsets = [-1, 0] sizes = [%n, 2] strides = [1, 1] : tensor<?x8xf32> -> tensor<?x2xf32>
  return
}

// -----

func.func @slice_stride(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'tgraph.slice' op dim 1: stride 0 is not positive}}
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [2, 2] strides = [1, 0] : tensor<8x8xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @slice_bounds(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'tgraph.slice' op dim 1: offset 2, size 2 and stride 2 reach index 4, past the operand's size 4}}
  %0 = tgraph.slice %x offsets = [100, 2] sizes = [3, 2] strides = [1, 2] : tensor<?x4xf32> -> tensor<3x2xf32>
  return
}

// -----

func.func @slice_result(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'tgraph.slice' op result type 'tensor<3x2x1xf32>' does not match the inferred type 'tensor<3x2xf32>'}}
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [3, 2] strides = [1, 1] : tensor<8x8xf32> -> tensor<3x2x1xf32>
  return
}

// -----

func.func @slice_result_static(%x: tensor<8x8xf32>) {
  // expected-error @+1 {{'tgraph.slice' op result type 'tensor<2x2xf32>' does not match the inferred type 'tensor<3x2xf32>'}}
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [3, 2] strides = [1, 1] : tensor<8x8xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @concat_empty() {
  // expected-error @+1 {{'tgraph.concat' op expects at least one input}}
  %0 = "tgraph.concat"() <{axis = 0 : i64}> : () -> tensor<0xf32>
  return
}

// -----

func.func @concat_rank(%a: tensor<2x4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.concat' op inputs must have one rank, got 'tensor<2x4xf32>' and 'tensor<4xf32>'}}
  %0 = tgraph.concat %a, %b axis = 0 : tensor<2x4xf32>, tensor<4xf32> -> tensor<6x4xf32>
  return
}

// -----

func.func @concat_dtype(%a: tensor<2x4xf32>, %b: tensor<2x4xf64>) {
  // expected-error @+1 {{'tgraph.concat' op inputs must have one element type, got 'f32' and 'f64'}}
  %0 = tgraph.concat %a, %b axis = 0 : tensor<2x4xf32>, tensor<2x4xf64> -> tensor<4x4xf32>
  return
}

// -----

func.func @concat_axis(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{'tgraph.concat' op axis 2 is out of range for rank 2}}
  %0 = tgraph.concat %a, %a axis = 2 : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_negative_axis(%a: tensor<2x4xf32>) {
  // expected-error @+1 {{'tgraph.concat' op axis -1 is out of range for rank 2}}
  %0 = tgraph.concat %a, %a axis = -1 : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x8xf32>
  return
}

// -----

func.func @concat_other_dim(%a: tensor<2x4xf32>, %b: tensor<?x?xf32>, %c: tensor<3x5xf32>) {
  // expected-error @+1 {{'tgraph.concat' op inputs 0 and 2 differ in dim 1 (4 vs 5), which is not the concatenation axis}}
  %0 = tgraph.concat %a, %b, %c axis = 0 : tensor<2x4xf32>, tensor<?x?xf32>, tensor<3x5xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @concat_result(%a: tensor<2x4xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'tgraph.concat' op result type 'tensor<6x4xf32>' does not match the inferred type 'tensor<5x4xf32>'}}
  %0 = tgraph.concat %a, %b axis = 0 : tensor<2x4xf32>, tensor<3x4xf32> -> tensor<6x4xf32>
  return
}

// -----

func.func @pad_entries(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tgraph.pad' op low and high must have 2 entries each (the operand rank), got 1 and 2}}
  %0 = tgraph.pad %x low = [1] high = [1, 1] value = 0.0 : f32 : tensor<2x3xf32> -> tensor<4x5xf32>
  return
}

// -----

func.func @pad_negative(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tgraph.pad' op low and high must be non-negative, got low = [-1, 0], high = [0, 0]}}
  %0 = tgraph.pad %x low = [-1, 0] high = [0, 0] value = 0.0 : f32 : tensor<2x3xf32> -> tensor<1x3xf32>
  return
}

// -----

func.func @pad_value(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'tgraph.pad' op value of type 'f64' does not match the element type 'f32'}}
  %0 = tgraph.pad %x low = [0, 0] high = [1, 1] value = 0.0 : f64 : tensor<2x3xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @pad_result(%x: tensor<?x3xf32>) {
  // expected-error @+1 {{'tgraph.pad' op result type 'tensor<?x4xf32>' does not match the inferred type 'tensor<?x5xf32>'}}
  %0 = tgraph.pad %x low = [1, 1] high = [1, 1] value = 0.0 : f32 : tensor<?x3xf32> -> tensor<?x4xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4x5xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{'tgraph.gather' op axis 2 is out of range for rank 2}}
  %0 = tgraph.gather %x, %i axis = 2 : tensor<4x5xf32>, tensor<3xi64> -> tensor<4x5x3xf32>
  return
}

// -----

func.func @gather_indices(%x: tensor<4x5xf32>, %i: tensor<3xf32>) {
  // expected-error @+1 {{'tgraph.gather' op operand #1 must be ranked tensor of 8/16/32/64-bit signless integer values, but got 'tensor<3xf32>'}}
  %0 = tgraph.gather %x, %i axis = 0 : tensor<4x5xf32>, tensor<3xf32> -> tensor<3x5xf32>
  return
}

// -----

func.func @gather_result(%x: tensor<4x5xf32>, %i: tensor<?x2xi32>) {
  // expected-error @+1 {{'tgraph.gather' op result type 'tensor<?x2xf32>' does not match the inferred type 'tensor<4x?x2xf32>'}}
  %0 = tgraph.gather %x, %i axis = 1 : tensor<4x5xf32>, tensor<?x2xi32> -> tensor<?x2xf32>
  return
}

// -----

func.func @scatter_axis(%x: tensor<4x5xf32>, %i: tensor<3xi64>, %u: tensor<3x5xf32>) {
  // expected-error @+1 {{'tgraph.scatter' op axis -1 is out of range for rank 2}}
  %0 = tgraph.scatter %x, %i, %u axis = -1 : tensor<4x5xf32>, tensor<3xi64>, tensor<3x5xf32>
  return
}

// -----

func.func @scatter_updates(%x: tensor<4x5xf32>, %i: tensor<3xi64>, %u: tensor<2x5xf32>) {
  // expected-error @+1 {{'tgraph.scatter' op updates type 'tensor<2x5xf32>' does not match the gathered type 'tensor<3x5xf32>'}}
  %0 = tgraph.scatter %x, %i, %u axis = 0 : tensor<4x5xf32>, tensor<3xi64>, tensor<2x5xf32>
  return
}

// -----

func.func @scatter_updates_dtype(%x: tensor<4x5xf32>, %i: tensor<3xi64>, %u: tensor<3x5xf16>) {
  // expected-error @+1 {{'tgraph.scatter' op updates type 'tensor<3x5xf16>' does not match the gathered type 'tensor<3x5xf32>'}}
  %0 = tgraph.scatter %x, %i, %u axis = 0 : tensor<4x5xf32>, tensor<3xi64>, tensor<3x5xf16>
  return
}

// -----

func.func @scatter_result(%x: tensor<4x5xf32>, %i: tensor<3xi64>, %u: tensor<3x5xf32>) {
  // expected-error @+1 {{'tgraph.scatter' op failed to verify that all of {operand, result} have same type}}
  %0 = "tgraph.scatter"(%x, %i, %u) <{axis = 0 : i64}> : (tensor<4x5xf32>, tensor<3xi64>, tensor<3x5xf32>) -> tensor<?x5xf32>
  return
}

// -----

func.func @reshape_dims(%x: tensor<?x4xf32>, %n: index) {
  // expected-error @+1 {{'tgraph.reshape' op result type 'tensor<?x?xf32>' has 2 dynamic dims but 1 dim operands}}
  %0 = tgraph.reshape %x dims(%n) : tensor<?x4xf32> -> tensor<?x?xf32>
  return
}

// -----

func.func @reshape_two_unknown(%x: tensor<?x4xf32>) {
  // expected-error @+1 {{'tgraph.reshape' op result type 'tensor<?x?xf32>' has 2 dynamic dims: give their sizes as dim operands}}
  %0 = tgraph.reshape %x : tensor<?x4xf32> -> tensor<?x?xf32>
  return
}

// -----

func.func @iota_axis() {
  // expected-error @+1 {{'tgraph.iota' op axis 2 is out of range for rank 2}}
  %0 = tgraph.iota axis = 2 : tensor<3x4xi64>
  return
}

// -----

func.func @iota_dims() {
  // expected-error @+1 {{'tgraph.iota' op result type 'tensor<?x4xi64>' has 1 dynamic dims but 0 dim operands}}
  %0 = tgraph.iota axis = 0 : tensor<?x4xi64>
  return
}
