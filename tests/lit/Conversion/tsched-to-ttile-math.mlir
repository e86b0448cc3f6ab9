// RUN: tessera-opt %s --convert-tsched-to-ttile -split-input-file -verify-diagnostics | FileCheck %s

// Elementwise math becomes vector arith/math in the kernel body.
// CHECK-LABEL: ttile.kernel @act_k0
// CHECK: %[[X:.*]] = ttile.load
// CHECK: %[[T:.*]] = math.tanh %[[X]] : vector<8xf32>
// CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK: %[[R:.*]] = arith.maximumf %[[X]], %[[Z]] : vector<8xf32>
// CHECK: %[[S:.*]] = math.sqrt %{{.*}} : vector<8xf32>
// CHECK: %[[E:.*]] = math.exp %{{.*}} : vector<8xf32>
// CHECK: arith.divf
func.func @act(%x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<?xf32> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%x) {kind = "elementwise", shape = ["N"], tile = array<i64: 64>}
      : (tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%a: tensor<?xf32>):
    %t = tgraph.tanh %a : tensor<?xf32>
    %u = tgraph.relu %a : tensor<?xf32>
    %s = tgraph.sqrt %u : tensor<?xf32>
    %g = tgraph.sigmoid %s : tensor<?xf32>
    %o = tgraph.add %t, %g : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
    tsched.yield %o : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}

// -----

// Transcendentals have Tessera's own approximations in f32 only (bf16
// computes in f32).
func.func @wide(%x: tensor<4xf64> {tgraph.shape = [4]}) -> (tensor<4xf64> {tgraph.shape = [4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%x) {kind = "elementwise", shape = [4], tile = array<i64: 64>}
      : (tensor<4xf64>) -> tensor<4xf64> {
  ^bb0(%a: tensor<4xf64>):
    // expected-error @+1 {{'tgraph.exp' on 'f64' is not supported by the CPU backend yet (f32, bf16, f16 and fp8 only)}}
    %e = tgraph.exp %a : tensor<4xf64>
    tsched.yield %e : tensor<4xf64>
  }
  return %r : tensor<4xf64>
}
