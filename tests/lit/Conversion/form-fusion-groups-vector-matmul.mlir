// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s
// A matmul with a vector operand multiplies matrices: the vector becomes a
// column [K, 1] (on the right) or a row [1, K] (on the left) by a reshape
// group, which moves no element (a view), and the product loses its unit
// dim the same way.

// CHECK-LABEL: func.func @matrix_vector
// CHECK: %[[COL:.*]] = tsched.fusion_group(%arg1, %{{.*}}) {kind = "layout", shape = ["K", 1]
// CHECK: tgraph.reshape %{{.*}} : tensor<?xf32> -> tensor<?x1xf32>
// CHECK: %[[P:.*]] = tsched.fusion_group(%arg0, %[[COL]]) {kind = "matmul", shape = ["N", 1]
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<?x?xf32>, tensor<?x1xf32> -> tensor<?x1xf32>
// CHECK: %[[V:.*]] = tsched.fusion_group(%[[P]], %{{.*}}) {kind = "layout", shape = ["N"]
// CHECK: tgraph.reshape %{{.*}} : tensor<?x1xf32> -> tensor<?xf32>
// CHECK: return %[[V]]
func.func @matrix_vector(%a: tensor<?x?xf32> {tgraph.name = "a", tgraph.shape = ["N", "K"]},
                         %x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["K"]})
    -> (tensor<?xf32> {tgraph.name = "y", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N", "K"], tgraph.entry} {
  %y = tgraph.matmul %a, %x : tensor<?x?xf32>, tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// A vector on the left of a batch of matrices, and a dot product (a 1 x 1
// product reshaped to a scalar).
// CHECK-LABEL: func.func @vector_matrix
// CHECK: tgraph.reshape %{{.*}} : tensor<5xf32> -> tensor<1x5xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<1x5xf32>, tensor<3x5x7xf32> -> tensor<3x1x7xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<3x1x7xf32> -> tensor<3x7xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<5xf32> -> tensor<5x1xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<1x5xf32>, tensor<5x1xf32> -> tensor<1x1xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<1x1xf32> -> tensor<f32>
func.func @vector_matrix(%v: tensor<5xf32> {tgraph.name = "v", tgraph.shape = [5]},
                         %b: tensor<3x5x7xf32> {tgraph.name = "b", tgraph.shape = [3, 5, 7]})
    -> (tensor<3x7xf32> {tgraph.name = "y", tgraph.shape = [3, 7]},
        tensor<f32> {tgraph.name = "d", tgraph.shape = []})
    attributes {tgraph.dims = [], tgraph.entry} {
  %y = tgraph.matmul %v, %b : tensor<5xf32>, tensor<3x5x7xf32> -> tensor<3x7xf32>
  %d = tgraph.matmul %v, %v : tensor<5xf32>, tensor<5xf32> -> tensor<f32>
  return %y, %d : tensor<3x7xf32>, tensor<f32>
}
