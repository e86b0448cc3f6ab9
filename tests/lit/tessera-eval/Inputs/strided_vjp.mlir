// The VJPs of strided slices of a dim whose extent N is only known at run
// time: every other row from the first (ceil(N / 2) of them, as MLIRGen
// writes a step), and two rows 3 apart from N - 5.
func.func private @every(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %up = arith.addi %n, %c1 : index
  %half = arith.divsi %up, %c2 : index
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [%half, 4] strides = [2, 1] : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
func.func private @some(%x: tensor<?x4xf32>) -> tensor<2x4xf32> {
  %c0 = arith.constant 0 : index
  %c-5 = arith.constant -5 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %o = arith.addi %n, %c-5 : index
  %0 = tgraph.slice %x offsets = [%o, 0] sizes = [2, 4] strides = [3, 1] : tensor<?x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
func.func @vevery(%x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 4]},
                  %g: tensor<?x4xf32> {tgraph.name = "g", tgraph.shape = ["H", 4]})
    -> tensor<?x4xf32> attributes {tgraph.entry} {
  %0 = tgraph.vjp @every(%x) cotangents(%g : tensor<?x4xf32>) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
func.func @vsome(%x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 4]},
                 %g: tensor<2x4xf32> {tgraph.name = "g", tgraph.shape = [2, 4]})
    -> tensor<?x4xf32> attributes {tgraph.entry} {
  %0 = tgraph.vjp @some(%x) cotangents(%g : tensor<2x4xf32>) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
