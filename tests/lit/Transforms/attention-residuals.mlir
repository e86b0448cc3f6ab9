// RUN: tessera-opt %s --tgraph-attention-residuals | FileCheck %s
// RUN: tessera-opt %s --tgraph-attention-residuals | tessera-opt | FileCheck %s

// The adjoint of an attention computed here: the forward op gains its
// log-sum-exp (f32, the queries without their width) and the adjoint reads
// it; the result's other users read the new op's result.
// CHECK-LABEL: func.func @vjp
// CHECK-SAME: (%[[Q:.*]]: tensor<2x?x16xbf16>, %[[K:.*]]: tensor<2x?x16xbf16>, %[[V:.*]]: tensor<2x?x8xbf16>, %[[G:.*]]: tensor<2x?x8xbf16>, %[[C:.*]]: tensor<bf16>)
// CHECK-NEXT: %[[O:.*]], %[[L:.*]] = tgraph.attention %[[Q]], %[[K]], %[[V]] scale(%[[C]] : tensor<bf16>) : tensor<2x?x16xbf16>, tensor<2x?x16xbf16>, tensor<2x?x8xbf16> -> tensor<2x?x8xbf16> lse tensor<2x?xf32>
// CHECK-NEXT: %{{.*}}, %{{.*}}, %{{.*}} = tgraph.attention_grad %[[Q]], %[[K]], %[[V]] scale(%[[C]] : tensor<bf16>) result(%[[O]] : tensor<2x?x8xbf16>) result_grad(%[[G]]) lse(%[[L]] : tensor<2x?xf32>)
// CHECK: %[[E:.*]] = tgraph.exp %[[O]]
// CHECK: return %[[E]],
func.func @vjp(%q: tensor<2x?x16xbf16>, %k: tensor<2x?x16xbf16>, %v: tensor<2x?x8xbf16>, %g: tensor<2x?x8xbf16>, %c: tensor<bf16>) -> (tensor<2x?x8xbf16>, tensor<2x?x16xbf16>) {
  %o = tgraph.attention %q, %k, %v scale(%c : tensor<bf16>) : tensor<2x?x16xbf16>, tensor<2x?x16xbf16>, tensor<2x?x8xbf16> -> tensor<2x?x8xbf16>
  %dq, %dk, %dv = tgraph.attention_grad %q, %k, %v scale(%c : tensor<bf16>) result(%o : tensor<2x?x8xbf16>) result_grad(%g) : tensor<2x?x16xbf16>, tensor<2x?x16xbf16>, tensor<2x?x8xbf16>
  %e = tgraph.exp %o : tensor<2x?x8xbf16>
  return %e, %dq : tensor<2x?x8xbf16>, tensor<2x?x16xbf16>
}

// Two adjoints of one forward op share its log-sum-exp.
// CHECK-LABEL: func.func @twice
// CHECK: %[[O:.*]], %[[L:.*]] = tgraph.attention
// CHECK-NEXT: tgraph.attention_grad {{.*}} result(%[[O]] : tensor<?x4xf32>) result_grad(%{{.*}}) lse(%[[L]] : tensor<?xf32>)
// CHECK-NEXT: tgraph.attention_grad {{.*}} result(%[[O]] : tensor<?x4xf32>) result_grad(%{{.*}}) lse(%[[L]] : tensor<?xf32>)
// CHECK-NOT: tgraph.attention
func.func @twice(%q: tensor<?x4xf32>, %g: tensor<?x4xf32>, %h: tensor<?x4xf32>, %c: tensor<f32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %o = tgraph.attention %q, %q, %q scale(%c : tensor<f32>) : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %a:3 = tgraph.attention_grad %q, %q, %q scale(%c : tensor<f32>) result(%o : tensor<?x4xf32>) result_grad(%g) : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
  %b:3 = tgraph.attention_grad %q, %q, %q scale(%c : tensor<f32>) result(%o : tensor<?x4xf32>) result_grad(%h) : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
  return %a#0, %b#2 : tensor<?x4xf32>, tensor<?x4xf32>
}

// A result that is not this attention's (another scale; a function
// argument): the adjoint computes its log-sum-exp itself.
// CHECK-LABEL: func.func @other
// CHECK: %[[O:.*]] = tgraph.attention
// CHECK-NOT: lse
// CHECK: return
func.func @other(%q: tensor<?x4xf32>, %o2: tensor<?x4xf32>, %g: tensor<?x4xf32>, %c: tensor<f32>, %d: tensor<f32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %o = tgraph.attention %q, %q, %q scale(%c : tensor<f32>) : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %a:3 = tgraph.attention_grad %q, %q, %q scale(%d : tensor<f32>) result(%o : tensor<?x4xf32>) result_grad(%g) : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
  %b:3 = tgraph.attention_grad %q, %q, %q scale(%c : tensor<f32>) result(%o2 : tensor<?x4xf32>) result_grad(%g) : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
  return %a#0, %b#0 : tensor<?x4xf32>, tensor<?x4xf32>
}
