// RUN: tessera-opt %s --convert-tsched-to-ttile -split-input-file -verify-diagnostics

// Kernels the CPU backend refuses, each at the operator.

func.func @vector_operand(%a: tensor<4xf32> {tgraph.shape = [4]}, %b: tensor<4x3xf32> {tgraph.shape = [4, 3]}) -> (tensor<3xf32> {tgraph.shape = [3]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = [3], tile = array<i64: 16>}
      : (tensor<4xf32>, tensor<4x3xf32>) -> tensor<3xf32> {
  ^bb0(%x: tensor<4xf32>, %y: tensor<4x3xf32>):
    // expected-error @+1 {{a matmul with a vector operand is not supported by the CPU backend yet}}
    %m = tgraph.matmul %x, %y : tensor<4xf32>, tensor<4x3xf32> -> tensor<3xf32>
    tsched.yield %m : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @byte_matmul(%a: tensor<2x4xi8> {tgraph.shape = [2, 4]}, %b: tensor<4x3xi8> {tgraph.shape = [4, 3]}) -> (tensor<2x3xi8> {tgraph.shape = [2, 3]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = [2, 3], tile = array<i64: 16>}
      : (tensor<2x4xi8>, tensor<4x3xi8>) -> tensor<2x3xi8> {
  ^bb0(%x: tensor<2x4xi8>, %y: tensor<4x3xi8>):
    // expected-error @+1 {{matmul on 'i8' is not supported by the CPU backend yet}}
    %m = tgraph.matmul %x, %y : tensor<2x4xi8>, tensor<4x3xi8> -> tensor<2x3xi8>
    tsched.yield %m : tensor<2x3xi8>
  }
  return %r : tensor<2x3xi8>
}

// -----

// bf16, f16 and fp8 reduce (accumulating in f32: tsched-to-ttile-bf16.mlir);
// i8 not.
func.func @byte_sum(%a: tensor<2x4xi8> {tgraph.shape = [2, 4]}) -> (tensor<2xi8> {tgraph.shape = [2]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = [2], tile = array<i64: 64>}
      : (tensor<2x4xi8>) -> tensor<2xi8> {
  ^bb0(%x: tensor<2x4xi8>):
    // expected-error @+1 {{reduction on 'i8' is not supported by the CPU backend yet}}
    %s = tgraph.reduce_sum %x axes = [1] : tensor<2x4xi8> -> tensor<2xi8>
    tsched.yield %s : tensor<2xi8>
  }
  return %r : tensor<2xi8>
}

// -----

func.func @bool_transpose(%a: tensor<2x4xi1> {tgraph.shape = [2, 4]}) -> (tensor<4x2xi1> {tgraph.shape = [4, 2]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "layout", shape = [4, 2], tile = array<i64: 4096>}
      : (tensor<2x4xi1>) -> tensor<4x2xi1> {
  ^bb0(%x: tensor<2x4xi1>):
    // expected-error @+1 {{'tgraph.transpose' on 'i1' is not supported by the CPU backend yet}}
    %t = tgraph.transpose %x permutation = [1, 0] : tensor<2x4xi1> -> tensor<4x2xi1>
    tsched.yield %t : tensor<4x2xi1>
  }
  return %r : tensor<4x2xi1>
}

// -----

// A rows group is made around row reductions (RowGroups.cpp); one without
// any is refused at the group.
func.func @rows_without_reduction(%a: tensor<2x4xf32> {tgraph.shape = [2, 4]}) -> (tensor<2x4xf32> {tgraph.shape = [2, 4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  // expected-error @+1 {{a rows group needs a reduction}}
  %r = tsched.fusion_group(%a) {kind = "rows", shape = [2, 4], tile = array<i64: 64>}
      : (tensor<2x4xf32>) -> tensor<2x4xf32> {
  ^bb0(%x: tensor<2x4xf32>):
    %n = tgraph.neg %x : tensor<2x4xf32> -> tensor<2x4xf32>
    tsched.yield %n : tensor<2x4xf32>
  }
  return %r : tensor<2x4xf32>
}

// -----

// tgraph-form-attention makes f32, bf16 and f16 attention only; f64 has no
// kernel.
func.func @double_attention(%q: tensor<3x4xf64> {tgraph.shape = [3, 4]}, %k: tensor<5x4xf64> {tgraph.shape = [5, 4]}, %v: tensor<5x2xf64> {tgraph.shape = [5, 2]}, %c: tensor<f64> {tgraph.shape = []}) -> (tensor<3x2xf64> {tgraph.shape = [3, 2]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%q, %k, %v, %c) {kind = "attention", shape = [3, 2], tile = array<i64: 1>}
      : (tensor<3x4xf64>, tensor<5x4xf64>, tensor<5x2xf64>, tensor<f64>) -> tensor<3x2xf64> {
  ^bb0(%x: tensor<3x4xf64>, %y: tensor<5x4xf64>, %z: tensor<5x2xf64>, %s: tensor<f64>):
    // expected-error @+1 {{attention on 'f64' is not supported by the CPU backend yet}}
    %o = tgraph.attention %x, %y, %z scale(%s : tensor<f64>) : tensor<3x4xf64>, tensor<5x4xf64>, tensor<5x2xf64> -> tensor<3x2xf64>
    tsched.yield %o : tensor<3x2xf64>
  }
  return %r : tensor<3x2xf64>
}
