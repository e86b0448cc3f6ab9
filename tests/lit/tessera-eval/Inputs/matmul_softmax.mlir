// softmax(x @ w + bias) along the last dim, and the sum of all the
// probabilities (which is B); the bias is a parameter given with --param.
module {
  ml_program.global private mutable @bias : tensor<4xf32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
  func.func @scores(%x: tensor<?x3xf32> {tgraph.name = "x", tgraph.shape = ["B", 3]},
                    %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]})
      -> (tensor<?x4xf32> {tgraph.name = "probs", tgraph.shape = ["B", 4]},
          tensor<f32> {tgraph.name = "total", tgraph.shape = []})
      attributes {tgraph.dims = ["B"], tgraph.entry} {
    %0 = tgraph.matmul %x, %w : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
    %b = ml_program.global_load @bias : tensor<4xf32>
    %c0 = arith.constant 0 : index
    %n = tensor.dim %x, %c0 : tensor<?x3xf32>
    %bb = tgraph.broadcast %b dims(%n) : tensor<4xf32> -> tensor<?x4xf32>
    %1 = tgraph.add %0, %bb : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
    %2 = tgraph.softmax %1 axis = 1 : tensor<?x4xf32>
    %3 = tgraph.reduce_sum %2 axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
    return %2, %3 : tensor<?x4xf32>, tensor<f32>
  }
}
