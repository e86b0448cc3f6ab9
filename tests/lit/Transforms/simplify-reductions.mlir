// RUN: tessera-opt %s --tgraph-simplify | FileCheck %s

// The max and min over the dims a broadcast repeats read copies of one
// value: the operand, reshaped, under any policy.
// CHECK-LABEL: func.func @max_min_of_repeats
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK-NOT: tgraph.broadcast
// CHECK-NOT: tgraph.reduce_max
// CHECK: %[[R:.*]] = tgraph.reshape %[[X]] : tensor<1x4xf32> -> tensor<4xf32>
// CHECK-NOT: tgraph.reduce_min
// CHECK: return %[[R]], %[[X]]
func.func @max_min_of_repeats(%x: tensor<1x4xf32>) -> (tensor<4xf32>, tensor<1x4xf32>)
    attributes {tgraph.policy = "numeric(dtype: f32, strict: true)"} {
  %b = tgraph.broadcast %x : tensor<1x4xf32> -> tensor<2x3x4xf32>
  %0 = tgraph.reduce_max %b axes = [0, 1] : tensor<2x3x4xf32> -> tensor<4xf32>
  %1 = tgraph.reduce_min %b axes = [1, 0] {keepdims = true} : tensor<2x3x4xf32> -> tensor<1x1x4xf32>
  %2 = tgraph.reshape %1 : tensor<1x1x4xf32> -> tensor<1x4xf32>
  return %0, %2 : tensor<4xf32>, tensor<1x4xf32>
}

// Repeats of a dynamic size are fine for max; the kept dims are dynamic.
// CHECK-LABEL: func.func @max_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x1xf32>, %[[N:.*]]: index)
// CHECK-NEXT: return %[[X]]
func.func @max_dynamic(%x: tensor<?x1xf32>, %n: index) -> tensor<?x1xf32> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %x, %c0 : tensor<?x1xf32>
  %b = tgraph.broadcast %x dims(%m, %n) : tensor<?x1xf32> -> tensor<?x?xf32>
  %0 = tgraph.reduce_max %b axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// Sum over repeats is the operand times the repeat count, without a strict
// policy.
// CHECK-LABEL: func.func @sum_of_repeats
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NOT: tgraph.broadcast
// CHECK-NOT: tgraph.reduce_sum
// CHECK-DAG: %[[C:.*]] = tgraph.constant 6.000000e+00 : f32
// CHECK: %[[M:.*]] = tgraph.mul %[[X]], %[[C]] : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
// CHECK: return %[[M]]
func.func @sum_of_repeats(%x: tensor<4xf32>) -> tensor<4xf32> {
  %b = tgraph.broadcast %x : tensor<4xf32> -> tensor<2x3x4xf32>
  %0 = tgraph.reduce_sum %b axes = [0, 1] : tensor<2x3x4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Reducing repeats and operand dims together: the operand is reduced over
// its dims (keeping them, then reshaped), and scaled by the repeat count.
// The stable flag carries over.
// CHECK-LABEL: func.func @sum_mixed
// CHECK-SAME: (%[[X:.*]]: tensor<5x1xf32>)
// CHECK: %[[S:.*]] = tgraph.reduce_sum %[[X]] axes = [0] {keepdims = true, stable = true} : tensor<5x1xf32> -> tensor<1x1xf32>
// CHECK: %[[R:.*]] = tgraph.reshape %[[S]] : tensor<1x1xf32> -> tensor<f32>
// CHECK: %[[M:.*]] = tgraph.mul %[[R]], %{{.*}} : tensor<f32>, tensor<f32> -> tensor<f32>
// CHECK: return %[[M]]
func.func @sum_mixed(%x: tensor<5x1xf32>) -> tensor<f32>
    attributes {tgraph.policy = "numeric(dtype: f32, strict: false)"} {
  %b = tgraph.broadcast %x : tensor<5x1xf32> -> tensor<5x7xf32>
  %0 = tgraph.reduce_sum %b axes = [0, 1] {stable = true} : tensor<5x7xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// A dynamic operand dim that is kept, with keepdims: the operand's other
// dim is reduced and nothing needs reshaping.
// CHECK-LABEL: func.func @max_mixed_keepdims
// CHECK-SAME: (%[[X:.*]]: tensor<?x1x8xi32>, %[[N:.*]]: index, %[[K:.*]]: index)
// CHECK-NEXT: %[[M:.*]] = tgraph.reduce_max %[[X]] axes = [2] {keepdims = true} : tensor<?x1x8xi32> -> tensor<?x1x1xi32>
// CHECK-NEXT: return %[[M]]
func.func @max_mixed_keepdims(%x: tensor<?x1x8xi32>, %n: index, %k: index) -> tensor<?x1x1xi32>
    attributes {tgraph.policy = "numeric(strict: true)"} {
  %b = tgraph.broadcast %x dims(%n, %k) : tensor<?x1x8xi32> -> tensor<?x?x8xi32>
  %0 = tgraph.reduce_max %b axes = [2, 1] {keepdims = true} : tensor<?x?x8xi32> -> tensor<?x1x1xi32>
  return %0 : tensor<?x1x1xi32>
}

// Integer sums wrap, so n * x is exact and applies under strict too.
// CHECK-LABEL: func.func @sum_integer_strict
// CHECK-SAME: (%[[X:.*]]: tensor<3xi8>)
// CHECK-DAG: %[[C:.*]] = tgraph.constant 44 : i8
// CHECK: %[[M:.*]] = tgraph.mul %[[X]], %[[C]]
// CHECK: return %[[M]]
func.func @sum_integer_strict(%x: tensor<3xi8>) -> tensor<3xi8>
    attributes {tgraph.policy = "numeric(strict: true)"} {
  %b = tgraph.broadcast %x : tensor<3xi8> -> tensor<300x3xi8>
  %0 = tgraph.reduce_sum %b axes = [0] : tensor<300x3xi8> -> tensor<3xi8>
  return %0 : tensor<3xi8>
}

// The mean of copies is the operand, without a strict policy.
// CHECK-LABEL: func.func @mean_of_repeats
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[N:.*]]: index)
// CHECK-NEXT: return %[[X]]
func.func @mean_of_repeats(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %b = tgraph.broadcast %x dims(%n) : tensor<4xf32> -> tensor<?x4xf32>
  %0 = tgraph.reduce_mean %b axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Strict: a float sum, a mean, and a max that also reduces an operand dim
// (another order can pick another NaN payload) stay.
// CHECK-LABEL: func.func @strict
// CHECK: %[[B:.*]] = tgraph.broadcast
// CHECK-NEXT: tgraph.reduce_sum %[[B]] axes = [0]
// CHECK-NEXT: tgraph.reduce_mean %[[B]] axes = [0]
// CHECK-NEXT: tgraph.reduce_max %[[B]] axes = [0, 1]
// CHECK-NEXT: return
func.func @strict(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<f32>)
    attributes {tgraph.policy = "numeric(dtype: f32, accum: f32, deterministic: true, strict: true)"} {
  %b = tgraph.broadcast %x : tensor<4xf32> -> tensor<3x4xf32>
  %0 = tgraph.reduce_sum %b axes = [0] : tensor<3x4xf32> -> tensor<4xf32>
  %1 = tgraph.reduce_mean %b axes = [0] : tensor<3x4xf32> -> tensor<4xf32>
  %2 = tgraph.reduce_max %b axes = [0, 1] : tensor<3x4xf32> -> tensor<f32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<f32>
}

// Not applied: a repeated dim is kept (that needs a narrower broadcast); a
// sum over a repeat of dynamic size (no constant count); a count that bf16
// cannot hold exactly (257); a product.
// CHECK-LABEL: func.func @not_applied
// CHECK: %[[B:.*]] = tgraph.broadcast %{{.*}} : tensor<4xf32> -> tensor<2x3x4xf32>
// CHECK-NEXT: tgraph.reduce_max %[[B]] axes = [0]
// CHECK-NEXT: %[[D:.*]] = tgraph.broadcast %{{.*}} dims(%{{.*}}) : tensor<4xf32> -> tensor<?x4xf32>
// CHECK-NEXT: tgraph.reduce_sum %[[D]] axes = [0]
// CHECK-NEXT: %[[H:.*]] = tgraph.broadcast %{{.*}} : tensor<4xbf16> -> tensor<257x4xbf16>
// CHECK-NEXT: tgraph.reduce_sum %[[H]] axes = [0]
// CHECK-NEXT: tgraph.reduce_prod %[[B]] axes = [0, 1]
// CHECK-NEXT: return
func.func @not_applied(%x: tensor<4xf32>, %h: tensor<4xbf16>, %n: index)
    -> (tensor<3x4xf32>, tensor<4xf32>, tensor<4xbf16>, tensor<4xf32>) {
  %b = tgraph.broadcast %x : tensor<4xf32> -> tensor<2x3x4xf32>
  %0 = tgraph.reduce_max %b axes = [0] : tensor<2x3x4xf32> -> tensor<3x4xf32>
  %d = tgraph.broadcast %x dims(%n) : tensor<4xf32> -> tensor<?x4xf32>
  %1 = tgraph.reduce_sum %d axes = [0] : tensor<?x4xf32> -> tensor<4xf32>
  %hb = tgraph.broadcast %h : tensor<4xbf16> -> tensor<257x4xbf16>
  %2 = tgraph.reduce_sum %hb axes = [0] : tensor<257x4xbf16> -> tensor<4xbf16>
  %3 = tgraph.reduce_prod %b axes = [0, 1] : tensor<2x3x4xf32> -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<3x4xf32>, tensor<4xf32>, tensor<4xbf16>, tensor<4xf32>
}
