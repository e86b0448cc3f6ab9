// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s
// BUG: the entry's tensor.dim ops are replaced by extents one at a time, in
// order. The extent of a layout group's result can come from an `index`
// input that is itself a tensor.dim (here %n); once %n is replaced by the
// dim argument, the shape of %b can no longer be derived, and the later
// `tensor.dim %b` fails: "cannot determine the shape of this value at run
// time". From .tsr: `cross_entropy(x, ones([N], dtype: i64))` (the labels'
// reshape reads the dim of the broadcast). Remove the XFAIL line once both
// dims become the argument N.

// CHECK-LABEL: func.func @dim_of_broadcast(
// CHECK-SAME: %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NOT: tensor.dim
// CHECK: ttile.launch @dim_of_broadcast_k0(%arg1, %[[B:.*]]) elements %[[N]] sizes(%[[N]])
// CHECK: ttile.launch @dim_of_broadcast_k1(%[[B]], %arg2) elements %{{.*}} sizes(%[[N]], %{{.*}}, %[[N]])
func.func @dim_of_broadcast(%a: tensor<?x3xf32> {tgraph.name = "a", tgraph.shape = ["N", 3]},
                            %s: tensor<f32> {tgraph.name = "s", tgraph.shape = []})
    -> (tensor<?x1xf32> {tgraph.name = "out0", tgraph.shape = ["N", 1]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x3xf32>
  %b = tsched.fusion_group(%s, %n) {kind = "layout", shape = ["N"], tile = array<i64: 4096>}
      : (tensor<f32>, index) -> tensor<?xf32> {
  ^bb0(%x: tensor<f32>, %d: index):
    %t = tgraph.broadcast %x dims(%d) : tensor<f32> -> tensor<?xf32>
    tsched.yield %t : tensor<?xf32>
  }
  %m = tensor.dim %b, %c0 : tensor<?xf32>
  %r = tsched.fusion_group(%b, %m) {kind = "layout", shape = ["N", 1], tile = array<i64: 4096>}
      : (tensor<?xf32>, index) -> tensor<?x1xf32> {
  ^bb0(%x: tensor<?xf32>, %d: index):
    %t = tgraph.reshape %x dims(%d) : tensor<?xf32> -> tensor<?x1xf32>
    tsched.yield %t : tensor<?x1xf32>
  }
  return %r : tensor<?x1xf32>
}
