// RUN: tessera-opt %s --convert-tsched-to-ttile -split-input-file -verify-diagnostics

func.func @half(%a: tensor<4xf16> {tgraph.shape = [4]}) -> (tensor<4xf16> {tgraph.shape = [4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  // expected-error @+1 {{dtype 'f16' is not supported by the CPU backend yet}}
  %r = tsched.fusion_group(%a) {kind = "elementwise", shape = [4], tile = array<i64: 64>}
      : (tensor<4xf16>) -> tensor<4xf16> {
  ^bb0(%x: tensor<4xf16>):
    tsched.yield %x : tensor<4xf16>
  }
  return %r : tensor<4xf16>
}

// -----

func.func @chained(%a: tensor<4xf32> {tgraph.shape = [4]}) -> (tensor<4xf32> {tgraph.shape = [4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  // expected-error @+1 {{a fusion group result feeds another operator; intermediate buffers are not supported yet}}
  %r = tsched.fusion_group(%a) {kind = "elementwise", shape = [4], tile = array<i64: 64>}
      : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    tsched.yield %x : tensor<4xf32>
  }
  %s = tsched.fusion_group(%r) {kind = "elementwise", shape = [4], tile = array<i64: 64>}
      : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    tsched.yield %x : tensor<4xf32>
  }
  return %s : tensor<4xf32>
}
