func.func @spectrum(%x: tensor<5xf32> {tgraph.name = "x"}) -> tensor<3xcomplex<f32>> attributes {tgraph.entry} {
  %0 = tgraph.rfft %x : tensor<5xf32> -> tensor<3xcomplex<f32>>
  return %0 : tensor<3xcomplex<f32>>
}
func.func @back(%x: tensor<3xcomplex<f32>> {tgraph.name = "x"}) -> tensor<5xf32> attributes {tgraph.entry} {
  %0 = tgraph.irfft %x n = 5 : tensor<3xcomplex<f32>> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}
