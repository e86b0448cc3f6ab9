// A derivative operator that --tgraph-differentiate has not replaced yet.
func.func private @g(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
func.func @f(%x: tensor<?xf32>, %d: tensor<?xf32>) -> tensor<?xf32> attributes {tgraph.entry} {
  %0 = tgraph.vjp @g(%x) cotangents(%d : tensor<?xf32>) : (tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
