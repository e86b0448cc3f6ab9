// Errors only the values reveal: a parameter with no value, and a label
// outside the classes.
ml_program.global private mutable @w : tensor<3xf32>
func.func @param(%x: tensor<3xf32> {tgraph.name = "x"}) -> tensor<3xf32> {
  %w = ml_program.global_load @w : tensor<3xf32>
  %0 = tgraph.mul %x, %w : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}
func.func @loss(%l: tensor<2x3xf32> {tgraph.name = "logits"}, %y: tensor<2xi64> {tgraph.name = "labels"}) -> tensor<f32> {
  %0 = tgraph.cross_entropy %l, %y : tensor<2x3xf32>, tensor<2xi64> -> tensor<f32>
  return %0 : tensor<f32>
}
