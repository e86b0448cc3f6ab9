// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s --check-prefix=GROUPS
// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// x[1::2] of x: f32[N], as MLIRGen writes it: the unit-step range x[1:]
// (N-1 elements), then every other element of it, ceil((N - 1) / 2) =
// floor(N / 2). The extent of the second is a quotient rounding down,
// written N/2; a group's shape carries it, and the entry computes it with a
// division after the check of the first slice and before it allocates the
// second's buffer.
// GROUPS: tsched.fusion_group({{.*}}) {kind = "layout", shape = ["N-1"]
// GROUPS: tsched.fusion_group({{.*}}) {kind = "layout", shape = ["N/2"]
// GROUPS: tsched.fusion_group({{.*}}) {kind = "reduction", shape = []

// CHECK-LABEL: func.func @odd(
// CHECK-SAME: %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK: ttile.check %{{.*}} status 8, "slice of 1-d tensor inside its extent in dim 0"
// CHECK: ttile.launch @odd_k0
// CHECK: ttile.check %{{.*}} status 8, "slice of 1-d tensor inside its extent in dim 0"
// CHECK-NEXT: %[[TWO:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[HALF:.*]] = arith.divsi %[[N]], %[[TWO]] : index
// CHECK-NEXT: %[[BUF:.*]] = memref.alloc(%[[HALF]]) : memref<?xf32>
// CHECK: ttile.launch @odd_k1(%{{.*}}, %[[BUF]]) elements
func.func @odd(%x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<f32> {tgraph.name = "out0", tgraph.shape = []})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c-1 = arith.constant -1 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %m = arith.addi %n, %c-1 : index
  %tail = tgraph.slice %x offsets = [1] sizes = [%m] strides = [1] : tensor<?xf32> -> tensor<?xf32>
  %k = tensor.dim %tail, %c0 : tensor<?xf32>
  %up = arith.addi %k, %c1 : index
  %half = arith.divsi %up, %c2 : index
  %odd = tgraph.slice %tail offsets = [0] sizes = [%half] strides = [2] : tensor<?xf32> -> tensor<?xf32>
  %sq = tgraph.mul %odd, %odd : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %s = tgraph.reduce_sum %sq axes = [0] : tensor<?xf32> -> tensor<f32>
  return %s : tensor<f32>
}

// Quotients of quotients are one quotient, so x[::2][::2] and x[::4] have
// one extent, (N+3)/4, and their difference joins the reduction's chain as
// that of two tensors of one shape; the entry computes the extent as
// (N + 3) / 4 for the buffers of both.
// GROUPS-LABEL: func.func @quarters
// GROUPS: {kind = "layout", shape = ["(N+1)/2"]
// GROUPS: {kind = "layout", shape = ["(N+3)/4"]
// GROUPS: {kind = "layout", shape = ["(N+3)/4"]
// GROUPS: {kind = "reduction", shape = []
// GROUPS-NEXT: ^bb0
// GROUPS-NEXT: tgraph.sub %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
// CHECK-LABEL: func.func @quarters(
// CHECK-SAME: %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK: ttile.launch @quarters_k0
// CHECK: ttile.check
// CHECK-NEXT: %[[THREE:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[UP:.*]] = arith.addi %[[THREE]], %[[N]] : index
// CHECK-NEXT: %[[FOUR:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[Q:.*]] = arith.divsi %[[UP]], %[[FOUR]] : index
// CHECK-NEXT: memref.alloc(%[[Q]]) : memref<?xf32>
// CHECK: ttile.launch @quarters_k1
// CHECK: ttile.check
// CHECK-NEXT: %[[THREE2:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[UP2:.*]] = arith.addi %[[THREE2]], %[[N]] : index
// CHECK-NEXT: %[[FOUR2:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[Q2:.*]] = arith.divsi %[[UP2]], %[[FOUR2]] : index
// CHECK-NEXT: memref.alloc(%[[Q2]]) : memref<?xf32>
func.func @quarters(%x: tensor<?xf32> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<f32> {tgraph.name = "out0", tgraph.shape = []})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %n1 = arith.addi %n, %c1 : index
  %h = arith.divsi %n1, %c2 : index
  %half = tgraph.slice %x offsets = [0] sizes = [%h] strides = [2] : tensor<?xf32> -> tensor<?xf32>
  %k = tensor.dim %half, %c0 : tensor<?xf32>
  %k1 = arith.addi %k, %c1 : index
  %q = arith.divsi %k1, %c2 : index
  %quarter = tgraph.slice %half offsets = [0] sizes = [%q] strides = [2] : tensor<?xf32> -> tensor<?xf32>
  %n3 = arith.addi %n, %c3 : index
  %f = arith.divsi %n3, %c4 : index
  %fourth = tgraph.slice %x offsets = [0] sizes = [%f] strides = [4] : tensor<?xf32> -> tensor<?xf32>
  %d = tgraph.sub %quarter, %fourth : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %s = tgraph.reduce_sum %d axes = [0] : tensor<?xf32> -> tensor<f32>
  return %s : tensor<f32>
}
