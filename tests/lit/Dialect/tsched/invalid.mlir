// RUN: tessera-opt %s -split-input-file -verify-diagnostics

func.func @yield_types(%a: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'tsched.fusion_group' op yielded types do not match result types}}
  %r = tsched.fusion_group(%a) {kind = "elementwise", shape = ["N"], tile = array<i64: 64>}
      : (tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>):
    %c = tgraph.constant 1.0 : f32 -> tensor<f32>
    tsched.yield %c : tensor<f32>
  }
  return %r : tensor<?xf32>
}

// -----

func.func @tile(%a: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'tsched.fusion_group' op tile extents must be positive}}
  %r = tsched.fusion_group(%a) {kind = "elementwise", shape = ["N"], tile = array<i64: 0>}
      : (tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>):
    tsched.yield %x : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

func.func @kind(%a: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{'tsched.fusion_group' op unknown kind 'stencil'}}
  %r = tsched.fusion_group(%a) {kind = "stencil", shape = ["N"], tile = array<i64: 8>}
      : (tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>):
    tsched.yield %x : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
