// RUN: tessera-opt %s --convert-tsched-to-ttile -split-input-file -verify-diagnostics

func.func @bytes(%a: tensor<4xi8> {tgraph.shape = [4]}) -> (tensor<4xi8> {tgraph.shape = [4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  // expected-error @+1 {{dtype 'i8' is not supported by the CPU backend yet}}
  %r = tsched.fusion_group(%a) {kind = "elementwise", shape = [4], tile = array<i64: 64>}
      : (tensor<4xi8>) -> tensor<4xi8> {
  ^bb0(%x: tensor<4xi8>):
    tsched.yield %x : tensor<4xi8>
  }
  return %r : tensor<4xi8>
}

// -----

func.func @strided_axes(%a: tensor<2x3x4xf32> {tgraph.shape = [2, 3, 4]}) -> (tensor<3xf32> {tgraph.shape = [3]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "reduction", shape = [3], tile = array<i64: 64>}
      : (tensor<2x3x4xf32>) -> tensor<3xf32> {
  ^bb0(%x: tensor<2x3x4xf32>):
    // expected-error @+1 {{reducing axes that are not adjacent is not supported by the CPU backend yet}}
    %s = tgraph.reduce_sum %x axes = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
    tsched.yield %s : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

func.func @batch_broadcast(%a: tensor<2x3x4xf32> {tgraph.shape = [2, 3, 4]}, %b: tensor<1x4x5xf32> {tgraph.shape = [1, 4, 5]}) -> (tensor<2x3x5xf32> {tgraph.shape = [2, 3, 5]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = [2, 3, 5], tile = array<i64: 16>}
      : (tensor<2x3x4xf32>, tensor<1x4x5xf32>) -> tensor<2x3x5xf32> {
  ^bb0(%x: tensor<2x3x4xf32>, %y: tensor<1x4x5xf32>):
    // expected-error @+1 {{a matmul whose batch dims broadcast is not supported by the CPU backend yet}}
    %m = tgraph.matmul %x, %y : tensor<2x3x4xf32>, tensor<1x4x5xf32> -> tensor<2x3x5xf32>
    tsched.yield %m : tensor<2x3x5xf32>
  }
  return %r : tensor<2x3x5xf32>
}
