func.func @twice(%x: tensor<?xbf16> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<?xbf16> {tgraph.name = "y", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %y = tgraph.add %x, %x : tensor<?xbf16>, tensor<?xbf16> -> tensor<?xbf16>
  return %y : tensor<?xbf16>
}
