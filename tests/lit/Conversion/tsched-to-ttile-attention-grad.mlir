// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// With the forward op's log-sum-exp (--tgraph-attention-residuals), the
// forward kernel stores it (its last buffer, after the result and two
// scratch buffers) and the adjoint's first kernel computes only δ (from
// the result and its gradient); dkv and dq read the forward's L; all carry
// the attribute by which a target runs its own attention schedule.
// CHECK: ttile.kernel @residual_k0 attributes {kind = "attention", num_inputs = 4 : i64, {{.*}}ttile.attention = {element = bf16}
// CHECK: math.log
// CHECK: ttile.kernel @residual_k1 attributes {kind = "attention_delta", num_inputs = 2 : i64, num_sizes = 5 : i64, tile = 1 : i64, ttile.attention = {element = bf16}, vector = 1 : i64}
// CHECK-NOT: math.log
// CHECK: ttile.kernel @residual_k2 attributes {kind = "attention_dkv", {{.*}}ttile.attention = {element = bf16}
// CHECK: ttile.kernel @residual_k3 attributes {kind = "attention_dq", {{.*}}ttile.attention = {element = bf16}
// CHECK: ttile.launch @residual_k0(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[O:[^,]*]], %{{[^,]*}}, %{{[^,]*}}, %[[L:[^)]*]])
// CHECK: ttile.launch @residual_k1(%[[O]], %{{[^,]*}}, %[[D:[^)]*]])
// CHECK: ttile.launch @residual_k2(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[L]], %[[D]],
// CHECK: ttile.launch @residual_k3(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[L]], %[[D]],
func.func @residual(%q: tensor<3x4xbf16> {tgraph.shape = [3, 4]}, %k: tensor<5x4xbf16> {tgraph.shape = [5, 4]}, %v: tensor<5x2xbf16> {tgraph.shape = [5, 2]}, %g: tensor<3x2xbf16> {tgraph.shape = [3, 2]}, %c: tensor<bf16> {tgraph.shape = []}) -> (tensor<3x4xbf16> {tgraph.shape = [3, 4]}, tensor<5x4xbf16> {tgraph.shape = [5, 4]}, tensor<5x2xbf16> {tgraph.shape = [5, 2]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %o, %l = tgraph.attention %q, %k, %v scale(%c : tensor<bf16>) : tensor<3x4xbf16>, tensor<5x4xbf16>, tensor<5x2xbf16> -> tensor<3x2xbf16> lse tensor<3xf32>
  %dq, %dk, %dv = tgraph.attention_grad %q, %k, %v scale(%c : tensor<bf16>) result(%o : tensor<3x2xbf16>) result_grad(%g) lse(%l : tensor<3xf32>) : tensor<3x4xbf16>, tensor<5x4xbf16>, tensor<5x2xbf16>
  return %dq, %dk, %dv : tensor<3x4xbf16>, tensor<5x4xbf16>, tensor<5x2xbf16>
}

// Without it, the stats kernel computes L by the forward loop, and no
// kernel of the adjoint carries the attribute: a target's own schedule may
// keep L in units the stats kernel does not (the CUDA flash kernels: base
// 2).
// CHECK: ttile.kernel @recomputed_k0 attributes {kind = "attention", num_inputs = 4 : i64, {{.*}}ttile.attention = {element = bf16}
// CHECK-NOT: math.log
// CHECK: ttile.kernel @recomputed_k1 attributes {kind = "attention_stats", num_inputs = 5 : i64, num_sizes = 5 : i64, tile = 1 : i64, vector = 1 : i64}
// CHECK: math.log
// CHECK: ttile.kernel @recomputed_k2 attributes {kind = "attention_dkv", num_inputs = 7 : i64, num_sizes = 5 : i64, tile = 1 : i64, vector = 1 : i64}
// CHECK: ttile.kernel @recomputed_k3 attributes {kind = "attention_dq", num_inputs = 7 : i64, num_sizes = 5 : i64, tile = 1 : i64, vector = 1 : i64}
func.func @recomputed(%q: tensor<3x4xbf16> {tgraph.shape = [3, 4]}, %k: tensor<5x4xbf16> {tgraph.shape = [5, 4]}, %v: tensor<5x2xbf16> {tgraph.shape = [5, 2]}, %g: tensor<3x2xbf16> {tgraph.shape = [3, 2]}, %c: tensor<bf16> {tgraph.shape = []}) -> (tensor<3x4xbf16> {tgraph.shape = [3, 4]}, tensor<5x4xbf16> {tgraph.shape = [5, 4]}, tensor<5x2xbf16> {tgraph.shape = [5, 2]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %o = tgraph.attention %q, %k, %v scale(%c : tensor<bf16>) : tensor<3x4xbf16>, tensor<5x4xbf16>, tensor<5x2xbf16> -> tensor<3x2xbf16>
  %dq, %dk, %dv = tgraph.attention_grad %q, %k, %v scale(%c : tensor<bf16>) result(%o : tensor<3x2xbf16>) result_grad(%g) : tensor<3x4xbf16>, tensor<5x4xbf16>, tensor<5x2xbf16>
  return %dq, %dk, %dv : tensor<3x4xbf16>, tensor<5x4xbf16>, tensor<5x2xbf16>
}
