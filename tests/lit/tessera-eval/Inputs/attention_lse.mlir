func.func @attend(%q: tensor<2x5x4xf32> {tgraph.name = "q"}, %k: tensor<2x7x4xf32> {tgraph.name = "k"}, %v: tensor<2x7x3xf32> {tgraph.name = "v"}) -> (tensor<2x5x3xf32> {tgraph.name = "out"}, tensor<2x5xf32> {tgraph.name = "lse"}) attributes {tgraph.entry} {
  %c = tgraph.constant 0.5 : f32 -> tensor<f32>
  %o, %l = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<2x5x4xf32>, tensor<2x7x4xf32>, tensor<2x7x3xf32> -> tensor<2x5x3xf32> lse tensor<2x5xf32>
  return %o, %l : tensor<2x5x3xf32>, tensor<2x5xf32>
}
