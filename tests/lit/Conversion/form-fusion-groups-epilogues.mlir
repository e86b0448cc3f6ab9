// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s
// Matmul epilogues (MatmulEpilogues.cpp): the elementwise group that reads
// a matmul's product over its shape joins the matmul's group.

// A linear layer: the bias's broadcast, the add and relu follow the matmul
// in its group, which returns relu's value alone (the product is read by
// nothing else).
// CHECK-LABEL: func.func @dense
// CHECK: %[[G:.*]] = tsched.fusion_group(%arg0, %arg1, %arg2, %{{.*}}) {kind = "matmul", shape = ["B", 45], tile = array<i64: 16>} : (tensor<?x29xf32>, tensor<29x45xf32>, tensor<45xf32>, index) -> tensor<?x45xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x29xf32>, %[[W:.*]]: tensor<29x45xf32>, %[[BIAS:.*]]: tensor<45xf32>, %[[D:.*]]: index):
// CHECK-NEXT:   %[[M:.*]] = tgraph.matmul %[[X]], %[[W]]
// CHECK-NEXT:   %[[BC:.*]] = tgraph.broadcast %[[BIAS]] dims(%[[D]])
// CHECK-NEXT:   %[[S:.*]] = tgraph.add %[[M]], %[[BC]]
// CHECK-NEXT:   %[[R:.*]] = tgraph.relu %[[S]]
// CHECK-NEXT:   tsched.yield %[[R]] : tensor<?x45xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[G]]
func.func @dense(%x: tensor<?x29xf32> {tgraph.name = "x", tgraph.shape = ["B", 29]},
                 %w: tensor<29x45xf32> {tgraph.name = "w", tgraph.shape = [29, 45]},
                 %bias: tensor<45xf32> {tgraph.name = "bias", tgraph.shape = [45]})
    -> (tensor<?x45xf32> {tgraph.name = "out0", tgraph.shape = ["B", 45]})
    attributes {tgraph.dims = ["B"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %mm = tgraph.matmul %x, %w : tensor<?x29xf32>, tensor<29x45xf32> -> tensor<?x45xf32>
  %b = tensor.dim %x, %c0 : tensor<?x29xf32>
  %bb = tgraph.broadcast %bias dims(%b) : tensor<45xf32> -> tensor<?x45xf32>
  %s = tgraph.add %mm, %bb : tensor<?x45xf32>, tensor<?x45xf32> -> tensor<?x45xf32>
  %r = tgraph.relu %s : tensor<?x45xf32>
  return %r : tensor<?x45xf32>
}

// The product returned as well: the merged group returns it after the
// epilogue's value. The product's extent, read before the epilogue (a
// shape cast's), comes from the matmul's operand: the rows of a transposed
// `a` are its columns.
// CHECK-LABEL: func.func @returned
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c1
// CHECK-NEXT: %[[G:.*]]:2 = tsched.fusion_group(%arg0, %arg1, %[[N]]) {kind = "matmul"
// CHECK: %[[M:.*]] = tgraph.matmul
// CHECK-NEXT: tgraph.reshape %[[M]]
// CHECK-NEXT: %[[T:.*]] = tgraph.relu
// CHECK-NEXT: tsched.yield %[[T]], %[[M]] : tensor<?x4xf32>, tensor<?x4xf32>
// CHECK: return %[[G]]#0, %[[G]]#1
func.func @returned(%a: tensor<3x?xf32> {tgraph.name = "a", tgraph.shape = [3, "N"]},
                    %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]})
    -> (tensor<?x4xf32> {tgraph.name = "out0", tgraph.shape = ["N", 4]},
        tensor<?x4xf32> {tgraph.name = "out1", tgraph.shape = ["N", 4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %mm = tgraph.matmul %a, %w {transpose_lhs = true} : tensor<3x?xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
  %n = tensor.dim %mm, %c0 : tensor<?x4xf32>
  %v = tgraph.reshape %mm dims(%n) : tensor<?x4xf32> -> tensor<?x4xf32>
  %t = tgraph.relu %v : tensor<?x4xf32>
  return %t, %mm : tensor<?x4xf32>, tensor<?x4xf32>
}

// A group before the elementwise one reads the product (the row sum comes
// first): the merged group would take the elementwise group's place after
// it, so the groups stay apart.
// CHECK-LABEL: func.func @read_before
// CHECK: %[[M:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// CHECK: tsched.fusion_group(%[[M]]) {kind = "reduction"
// CHECK: tsched.fusion_group(%[[M]]) {kind = "elementwise"
func.func @read_before(%x: tensor<5x3xf32> {tgraph.name = "x", tgraph.shape = [5, 3]},
                       %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]})
    -> (tensor<4xf32> {tgraph.name = "out0", tgraph.shape = [4]},
        tensor<5x4xf32> {tgraph.name = "out1", tgraph.shape = [5, 4]})
    attributes {tgraph.entry} {
  %mm = tgraph.matmul %x, %w : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %s = tgraph.reduce_sum %mm axes = [0] : tensor<5x4xf32> -> tensor<4xf32>
  %t = tgraph.relu %mm : tensor<5x4xf32>
  return %s, %t : tensor<4xf32>, tensor<5x4xf32>
}

// Dropout's number for an element is a function of the seed and the
// element's flat index, which the matmul's stores know: it joins.
// CHECK-LABEL: func.func @dropout
// CHECK: tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.matmul
// CHECK-NEXT: tgraph.dropout
// CHECK-NEXT: tsched.yield
// CHECK-NOT: kind = "elementwise"
// CHECK: return
func.func @dropout(%x: tensor<5x3xf32> {tgraph.name = "x", tgraph.shape = [5, 3]},
                   %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]})
    -> (tensor<5x4xf32> {tgraph.name = "out0", tgraph.shape = [5, 4]})
    attributes {tgraph.entry} {
  %mm = tgraph.matmul %x, %w : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %d = tgraph.dropout %mm p = 1.000000e-01 seed = 3 : tensor<5x4xf32>
  return %d : tensor<5x4xf32>
}

// Epilogues are copied into each of the matmul kernel's stores, so only
// cheap ones join: a transcendental stays apart, and so does a tensor of
// the product's size read element by element (a residual, a derivative's
// mask), or a chain of more than four operators.
// CHECK-LABEL: func.func @apart_tanh
// CHECK: %[[M:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.matmul
// CHECK-NEXT: tsched.yield
// CHECK: tsched.fusion_group(%[[M]]) {kind = "elementwise"
func.func @apart_tanh(%x: tensor<5x3xf32> {tgraph.name = "x", tgraph.shape = [5, 3]},
                      %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]})
    -> (tensor<5x4xf32> {tgraph.name = "out0", tgraph.shape = [5, 4]})
    attributes {tgraph.entry} {
  %m = tgraph.matmul %x, %w : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %t = tgraph.tanh %m : tensor<5x4xf32>
  return %t : tensor<5x4xf32>
}

// CHECK-LABEL: func.func @apart_residual
// CHECK: %[[M:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.matmul
// CHECK-NEXT: tsched.yield
// CHECK: tsched.fusion_group({{.*}}%[[M]]{{.*}}) {kind = "elementwise"
func.func @apart_residual(%x: tensor<5x3xf32> {tgraph.name = "x", tgraph.shape = [5, 3]},
                          %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]},
                          %r: tensor<5x4xf32> {tgraph.name = "r", tgraph.shape = [5, 4]})
    -> (tensor<5x4xf32> {tgraph.name = "out0", tgraph.shape = [5, 4]})
    attributes {tgraph.entry} {
  %m = tgraph.matmul %x, %w : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %s = tgraph.add %m, %r : tensor<5x4xf32>, tensor<5x4xf32> -> tensor<5x4xf32>
  return %s : tensor<5x4xf32>
}

// CHECK-LABEL: func.func @apart_long
// CHECK: %[[M:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// CHECK-NEXT: ^bb0
// CHECK-NEXT: tgraph.matmul
// CHECK-NEXT: tsched.yield
// CHECK: tsched.fusion_group(%[[M]]) {kind = "elementwise"
func.func @apart_long(%x: tensor<5x3xf32> {tgraph.name = "x", tgraph.shape = [5, 3]},
                      %w: tensor<3x4xf32> {tgraph.name = "w", tgraph.shape = [3, 4]})
    -> (tensor<5x4xf32> {tgraph.name = "out0", tgraph.shape = [5, 4]})
    attributes {tgraph.entry} {
  %m = tgraph.matmul %x, %w : tensor<5x3xf32>, tensor<3x4xf32> -> tensor<5x4xf32>
  %a = tgraph.relu %m : tensor<5x4xf32>
  %b = tgraph.square %a : tensor<5x4xf32>
  %c = tgraph.neg %b : tensor<5x4xf32> -> tensor<5x4xf32>
  %d = tgraph.abs %c : tensor<5x4xf32>
  %e = tgraph.relu %d : tensor<5x4xf32>
  return %e : tensor<5x4xf32>
}
