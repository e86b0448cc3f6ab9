// RUN: tessera-opt %s --tgraph-form-attention | FileCheck %s

// softmax(q kᵀ / c) v with c from a dim: one attention whose scale is
// 1 / c; the transpose, the products, the division and the softmax go.
// CHECK-LABEL: func.func @divided
// CHECK-SAME: (%[[Q:.*]]: tensor<?x16xf32>, %[[K:.*]]: tensor<?x16xf32>, %[[V:.*]]: tensor<?x8xf32>)
// CHECK: %[[ONE:.*]] = tgraph.constant 1.0{{.*}} : f32 -> tensor<f32>
// CHECK: %[[S:.*]] = tgraph.div %[[ONE]], %{{.*}} : tensor<f32>, tensor<f32> -> tensor<f32>
// CHECK-NEXT: %[[O:.*]] = tgraph.attention %[[Q]], %[[K]], %[[V]] scale(%[[S]] : tensor<f32>) : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
// CHECK-NEXT: return %[[O]]
// CHECK-NOT: tgraph.softmax
func.func @divided(%q: tensor<?x16xf32>, %k: tensor<?x16xf32>, %v: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %kt = tgraph.transpose %k permutation = [1, 0] : tensor<?x16xf32> -> tensor<16x?xf32>
  %s = tgraph.matmul %q, %kt : tensor<?x16xf32>, tensor<16x?xf32> -> tensor<?x?xf32>
  %c1 = arith.constant 1 : index
  %d = tensor.dim %q, %c1 : tensor<?x16xf32>
  %i = arith.index_cast %d : index to i64
  %f = arith.sitofp %i : i64 to f32
  %t = tensor.from_elements %f : tensor<f32>
  %r = tgraph.sqrt %t : tensor<f32>
  %z = tgraph.div %s, %r : tensor<?x?xf32>, tensor<f32> -> tensor<?x?xf32>
  %p = tgraph.softmax %z axis = 1 : tensor<?x?xf32>
  %o = tgraph.matmul %p, %v : tensor<?x?xf32>, tensor<?x8xf32> -> tensor<?x8xf32>
  return %o : tensor<?x8xf32>
}

// A constant on the left of the product, and transpose_rhs instead of a
// transpose: the constant is the scale.
// CHECK-LABEL: func.func @multiplied
// CHECK-SAME: (%[[Q:.*]]: tensor<2x?x4xf32>, %[[K:.*]]: tensor<2x?x4xf32>, %[[V:.*]]: tensor<2x?x4xf32>)
// CHECK: %[[C:.*]] = tgraph.constant 5.0{{.*}}e-01 : f32 -> tensor<f32>
// CHECK-NEXT: %[[O:.*]] = tgraph.attention %[[Q]], %[[K]], %[[V]] scale(%[[C]] : tensor<f32>)
// CHECK-NEXT: return %[[O]]
func.func @multiplied(%q: tensor<2x?x4xf32>, %k: tensor<2x?x4xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c = tgraph.constant 0.5 : f32 -> tensor<f32>
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<2x?x4xf32>, tensor<2x?x4xf32> -> tensor<2x?x?xf32>
  %z = tgraph.mul %c, %s : tensor<f32>, tensor<2x?x?xf32> -> tensor<2x?x?xf32>
  %p = tgraph.softmax %z axis = 2 : tensor<2x?x?xf32>
  %o = tgraph.matmul %p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32> -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// No scale: a scale of 1.
// CHECK-LABEL: func.func @unscaled
// CHECK: %[[ONE:.*]] = tgraph.constant 1.0{{.*}} : f32 -> tensor<f32>
// CHECK-NEXT: tgraph.attention %{{.*}}, %{{.*}}, %{{.*}} scale(%[[ONE]] : tensor<f32>)
func.func @unscaled(%q: tensor<5x4xf32>, %k: tensor<7x4xf32>, %v: tensor<7x3xf32>) -> tensor<5x3xf32> {
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<5x4xf32>, tensor<7x4xf32> -> tensor<5x7xf32>
  %p = tgraph.softmax %s axis = 1 : tensor<5x7xf32>
  %o = tgraph.matmul %p, %v : tensor<5x7xf32>, tensor<7x3xf32> -> tensor<5x3xf32>
  return %o : tensor<5x3xf32>
}

// Left as they are: the probabilities read elsewhere, a scale that depends
// on an input's values, a softmax along another axis, a strict policy, and
// f64 (no fused kernel).
// CHECK-LABEL: func.func @probabilities_returned
// CHECK-NOT: tgraph.attention
// CHECK: tgraph.softmax
func.func @probabilities_returned(%q: tensor<5x4xf32>, %k: tensor<7x4xf32>, %v: tensor<7x3xf32>) -> (tensor<5x3xf32>, tensor<5x7xf32>) {
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<5x4xf32>, tensor<7x4xf32> -> tensor<5x7xf32>
  %p = tgraph.softmax %s axis = 1 : tensor<5x7xf32>
  %o = tgraph.matmul %p, %v : tensor<5x7xf32>, tensor<7x3xf32> -> tensor<5x3xf32>
  return %o, %p : tensor<5x3xf32>, tensor<5x7xf32>
}

// CHECK-LABEL: func.func @learned_scale
// CHECK-NOT: tgraph.attention
// CHECK: tgraph.softmax
func.func @learned_scale(%q: tensor<5x4xf32>, %k: tensor<7x4xf32>, %v: tensor<7x3xf32>, %c: tensor<f32>) -> tensor<5x3xf32> {
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<5x4xf32>, tensor<7x4xf32> -> tensor<5x7xf32>
  %z = tgraph.mul %s, %c : tensor<5x7xf32>, tensor<f32> -> tensor<5x7xf32>
  %p = tgraph.softmax %z axis = 1 : tensor<5x7xf32>
  %o = tgraph.matmul %p, %v : tensor<5x7xf32>, tensor<7x3xf32> -> tensor<5x3xf32>
  return %o : tensor<5x3xf32>
}

// CHECK-LABEL: func.func @other_axis
// CHECK-NOT: tgraph.attention
// CHECK: tgraph.softmax
func.func @other_axis(%q: tensor<5x4xf32>, %k: tensor<5x4xf32>, %v: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<5x4xf32>, tensor<5x4xf32> -> tensor<5x5xf32>
  %p = tgraph.softmax %s axis = 0 : tensor<5x5xf32>
  %o = tgraph.matmul %p, %v : tensor<5x5xf32>, tensor<5x3xf32> -> tensor<5x3xf32>
  return %o : tensor<5x3xf32>
}

// CHECK-LABEL: func.func @strict
// CHECK-NOT: tgraph.attention
// CHECK: tgraph.softmax
func.func @strict(%q: tensor<5x4xf32>, %k: tensor<7x4xf32>, %v: tensor<7x3xf32>) -> tensor<5x3xf32>
    attributes {tgraph.policy = "numeric(dtype: f32, strict: true)"} {
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<5x4xf32>, tensor<7x4xf32> -> tensor<5x7xf32>
  %p = tgraph.softmax %s axis = 1 : tensor<5x7xf32>
  %o = tgraph.matmul %p, %v : tensor<5x7xf32>, tensor<7x3xf32> -> tensor<5x3xf32>
  return %o : tensor<5x3xf32>
}

// CHECK-LABEL: func.func @double
// CHECK-NOT: tgraph.attention
// CHECK: tgraph.softmax
func.func @double(%q: tensor<5x4xf64>, %k: tensor<7x4xf64>, %v: tensor<7x3xf64>) -> tensor<5x3xf64> {
  %s = tgraph.matmul %q, %k {transpose_rhs = true} : tensor<5x4xf64>, tensor<7x4xf64> -> tensor<5x7xf64>
  %p = tgraph.softmax %s axis = 1 : tensor<5x7xf64>
  %o = tgraph.matmul %p, %v : tensor<5x7xf64>, tensor<7x3xf64> -> tensor<5x3xf64>
  return %o : tensor<5x3xf64>
}
