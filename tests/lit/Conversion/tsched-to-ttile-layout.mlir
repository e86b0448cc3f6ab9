// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s

// Layout groups: a point is one result element. The sizes are the result's
// extents, then each input's; the body splits the point's flat index into
// coordinates (row-major) and reads the input element those coordinates map
// to, or computes it (iota), with scalar loads and stores.

// Result [4, N, 3] = permutation [2, 0, 1] of [N, 3, 4]: result coordinate
// (a, b, c) reads input (b, c, a), at b * 12 + c * 4 + a.
// CHECK-LABEL: ttile.kernel @transpose_k0 attributes {kind = "layout", num_inputs = 1 : i64, num_sizes = 6 : i64, tile = 4096 : i64, vector = 1 : i64} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %[[E0:[^:]*]]: index, %[[E1:[^:]*]]: index, %[[E2:[^:]*]]: index, %[[I0:[^:]*]]: index, %[[I1:[^:]*]]: index, %[[I2:[^:]*]]: index):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[S1:.*]] = arith.muli %[[ONE]], %[[E2]] : index
// CHECK-NEXT: %[[S0:.*]] = arith.muli %[[S1]], %[[E1]] : index
// CHECK-NEXT: arith.muli %[[S0]], %[[E0]] : index
// CHECK-NEXT: %[[Q0:.*]] = arith.divui %[[P]], %[[S0]] : index
// CHECK-NEXT: %[[A:.*]] = arith.remui %[[Q0]], %[[E0]] : index
// CHECK-NEXT: %[[Q1:.*]] = arith.divui %[[P]], %[[S1]] : index
// CHECK-NEXT: %[[B:.*]] = arith.remui %[[Q1]], %[[E1]] : index
// CHECK-NEXT: %[[Q2:.*]] = arith.divui %[[P]], %[[ONE]] : index
// CHECK-NEXT: %[[C:.*]] = arith.remui %[[Q2]], %[[E2]] : index
// CHECK-NEXT: %[[ONE2:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[T1:.*]] = arith.muli %[[ONE2]], %[[I2]] : index
// CHECK-NEXT: %[[T0:.*]] = arith.muli %[[T1]], %[[I1]] : index
// CHECK-NEXT: arith.muli %[[T0]], %[[I0]] : index
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[X0:.*]] = arith.muli %[[B]], %[[T0]] : index
// CHECK-NEXT: %[[Y0:.*]] = arith.addi %[[Z]], %[[X0]] : index
// CHECK-NEXT: %[[X1:.*]] = arith.muli %[[C]], %[[T1]] : index
// CHECK-NEXT: %[[Y1:.*]] = arith.addi %[[Y0]], %[[X1]] : index
// CHECK-NEXT: %[[X2:.*]] = arith.muli %[[A]], %[[ONE2]] : index
// CHECK-NEXT: %[[IDX:.*]] = arith.addi %[[Y1]], %[[X2]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[IN]][%[[IDX]]] : memref<?xf32>
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[M0:.*]] = arith.muli %[[C4]], %[[N]] : index
// CHECK-NEXT: %[[PTS:.*]] = arith.muli %[[M0]], %[[C3]] : index
// CHECK-NEXT: ttile.launch @transpose_k0(%arg0, %arg1) elements %[[PTS]] sizes(%[[C4]], %[[N]], %[[C3]], %[[N]], %{{.*}}, %{{.*}})
func.func @transpose(%a: tensor<?x3x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 3, 4]})
    -> (tensor<4x?x3xf32> {tgraph.name = "out0", tgraph.shape = [4, "N", 3]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "layout", shape = [4, "N", 3], tile = array<i64: 4096>}
      : (tensor<?x3x4xf32>) -> tensor<4x?x3xf32> {
  ^bb0(%x: tensor<?x3x4xf32>):
    %t = tgraph.transpose %x permutation = [2, 0, 1] : tensor<?x3x4xf32> -> tensor<4x?x3xf32>
    tsched.yield %t : tensor<4x?x3xf32>
  }
  return %r : tensor<4x?x3xf32>
}

// Broadcast [N, 1] -> [2, N, 5]: the leading dim is new and the size-1 dim
// is read at 0, so result (a, b, c) reads input (b, 0). The entry's
// tensor.dim becomes the dim argument; the index input is not a buffer.
// CHECK-LABEL: ttile.kernel @broadcast_k0 attributes {kind = "layout", num_inputs = 1 : i64, num_sizes = 5 : i64, {{.*}}} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[E1:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[I1:[^:]*]]: index):
// CHECK: arith.remui
// CHECK-NEXT: %[[Q1:.*]] = arith.divui %[[P]], %{{.*}} : index
// CHECK-NEXT: %[[B:.*]] = arith.remui %[[Q1]], %[[E1]] : index
// CHECK: %[[ZC:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[T0:.*]] = arith.muli %[[ONE]], %[[I1]] : index
// CHECK: %[[X0:.*]] = arith.muli %[[B]], %[[T0]] : index
// CHECK: %[[X1:.*]] = arith.muli %[[ZC]], %[[ONE]] : index
// CHECK-NEXT: %[[IDX:.*]] = arith.addi %{{.*}}, %[[X1]] : index
// CHECK-NEXT: %[[V:.*]] = memref.load %[[IN]][%[[IDX]]] : memref<?xf32>
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xf32>
// CHECK-LABEL: func.func @broadcast(
// CHECK-SAME: %[[X:[^:]*]]: memref<?xf32> {{.*}}, %{{[^:]*}}: memref<?xf32> {{.*}}, %[[O:[^:]*]]: memref<?xf32> {{.*}}, %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK-NOT: tensor.dim
// CHECK: ttile.launch @broadcast_k0(%[[X]], %[[O]]) elements %{{.*}} sizes(%{{.*}}, %[[N]], %{{.*}}, %[[N]], %{{.*}}) : memref<?xf32>, memref<?xf32>
func.func @broadcast(%a: tensor<?x1xf32> {tgraph.name = "x", tgraph.shape = ["N", 1]},
                     %b: tensor<?x5xf32> {tgraph.name = "y", tgraph.shape = ["N", 5]})
    -> (tensor<2x?x5xf32> {tgraph.name = "out0", tgraph.shape = [2, "N", 5]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %b, %c0 : tensor<?x5xf32>
  %r = tsched.fusion_group(%a, %n) {kind = "layout", shape = [2, "N", 5], tile = array<i64: 4096>}
      : (tensor<?x1xf32>, index) -> tensor<2x?x5xf32> {
  ^bb0(%x: tensor<?x1xf32>, %d: index):
    %t = tgraph.broadcast %x dims(%d) : tensor<?x1xf32> -> tensor<2x?x5xf32>
    tsched.yield %t : tensor<2x?x5xf32>
  }
  return %r : tensor<2x?x5xf32>
}

// Slice offsets [1, 2], strides [3, 2]: result (a, b) reads input
// (1 + 3a, 2 + 2b); i32 elements.
// CHECK-LABEL: ttile.kernel @slice_k0
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xi32>, %[[OUT:[^:]*]]: memref<?xi32>, %[[P:[^:]*]]: index,
// CHECK: %[[A:.*]] = arith.remui %{{.*}}, %{{.*}} : index
// CHECK: %[[B:.*]] = arith.remui %{{.*}}, %{{.*}} : index
// CHECK-NEXT: %[[OFF0:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[ST0:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[M0:.*]] = arith.muli %[[A]], %[[ST0]] : index
// CHECK-NEXT: %[[R0:.*]] = arith.addi %[[OFF0]], %[[M0]] : index
// CHECK-NEXT: %[[OFF1:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[ST1:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[M1:.*]] = arith.muli %[[B]], %[[ST1]] : index
// CHECK-NEXT: %[[R1:.*]] = arith.addi %[[OFF1]], %[[M1]] : index
// CHECK: arith.muli %[[R0]], %{{.*}} : index
// CHECK: arith.muli %[[R1]], %{{.*}} : index
// CHECK: %[[V:.*]] = memref.load %[[IN]][%{{.*}}] : memref<?xi32>
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xi32>
// CHECK-LABEL: func.func @slice(
// CHECK: ttile.launch @slice_k0(%arg0, %arg1) elements %{{.*}} sizes(%{{.*}}, %{{.*}}, %arg2, %{{.*}})
func.func @slice(%a: tensor<?x10xi32> {tgraph.name = "x", tgraph.shape = ["N", 10]})
    -> (tensor<2x4xi32> {tgraph.name = "out0", tgraph.shape = [2, 4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "layout", shape = [2, 4], tile = array<i64: 4096>}
      : (tensor<?x10xi32>) -> tensor<2x4xi32> {
  ^bb0(%x: tensor<?x10xi32>):
    %s = tgraph.slice %x offsets = [1, 2] sizes = [2, 4] strides = [3, 2] : tensor<?x10xi32> -> tensor<2x4xi32>
    tsched.yield %s : tensor<2x4xi32>
  }
  return %r : tensor<2x4xi32>
}

// x[-3:-1] of x: i32[N, 10]: the offset N-3 is computed in the entry and
// passed to the kernel after the extents; before anything is launched the
// entry checks that the slice fits (ttile.check), since N is only known at
// run time.
// CHECK-LABEL: ttile.kernel @slice_runtime_k0 attributes {kind = "layout", num_inputs = 1 : i64, num_sizes = 5 : i64, {{.*}}} {
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xi32>, %[[OUT:[^:]*]]: memref<?xi32>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[OFF:[^:]*]]: index):
// CHECK: %[[A:.*]] = arith.remui %{{.*}}, %{{.*}} : index
// CHECK: %[[ST:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[M:.*]] = arith.muli %[[A]], %[[ST]] : index
// CHECK-NEXT: arith.addi %[[OFF]], %[[M]] : index
// CHECK-LABEL: func.func @slice_runtime(
// CHECK-SAME: %[[N:[^:]*]]: index {tgraph.name = "N"})
// CHECK: %[[O:.*]] = arith.addi %[[N]], %c-3 : index
// CHECK: %[[LAST:.*]] = arith.addi %[[O]], %{{.*}} : index
// CHECK: %[[GE:.*]] = arith.cmpi sge, %[[O]], %c0 : index
// CHECK: %[[LT:.*]] = arith.cmpi slt, %[[LAST]], %[[N]] : index
// CHECK: ttile.check %{{.*}} status 8, "slice of 2-d tensor inside its extent in dim 0"
// CHECK-NEXT: arith.constant 2 : index
// CHECK: ttile.launch @slice_runtime_k0(%arg0, %arg1) elements %{{.*}} sizes(%{{.*}}, %{{.*}}, %[[N]], %{{.*}}, %[[O]])
func.func @slice_runtime(%a: tensor<?x10xi32> {tgraph.name = "x", tgraph.shape = ["N", 10]})
    -> (tensor<2x10xi32> {tgraph.name = "out0", tgraph.shape = [2, 10]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c-3 = arith.constant -3 : index
  %n = tensor.dim %a, %c0 : tensor<?x10xi32>
  %o = arith.addi %n, %c-3 : index
  %r = tsched.fusion_group(%a, %o) {kind = "layout", shape = [2, 10], tile = array<i64: 4096>}
      : (tensor<?x10xi32>, index) -> tensor<2x10xi32> {
  ^bb0(%x: tensor<?x10xi32>, %off: index):
    %s = tgraph.slice %x offsets = [%off, 0] sizes = [2, 10] strides = [1, 1] : tensor<?x10xi32> -> tensor<2x10xi32>
    tsched.yield %s : tensor<2x10xi32>
  }
  return %r : tensor<2x10xi32>
}

// Pad low 1, high 2 with -1.5: inside the operand (x >= 1 and x - 1 < N)
// read it, elsewhere the padding value. The extent N+3 is computed from
// the dim.
// CHECK-LABEL: ttile.kernel @pad_k0
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf64>, %[[OUT:[^:]*]]: memref<?xf64>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[N:[^:]*]]: index):
// CHECK: %[[X:.*]] = arith.remui
// CHECK: %[[LOW:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[GE:.*]] = arith.cmpi sge, %[[X]], %[[LOW]] : index
// CHECK-NEXT: %[[SH:.*]] = arith.subi %[[X]], %[[LOW]] : index
// CHECK-NEXT: %[[LT:.*]] = arith.cmpi slt, %[[SH]], %[[N]] : index
// CHECK-NEXT: %[[IN1:.*]] = arith.andi %[[GE]], %[[LT]] : i1
// CHECK-NEXT: %[[INSIDE:.*]] = arith.andi %{{.*}}, %[[IN1]] : i1
// CHECK-NEXT: %[[V:.*]] = scf.if %[[INSIDE]] -> (f64) {
// CHECK: %[[L:.*]] = memref.load %[[IN]][%{{.*}}] : memref<?xf64>
// CHECK-NEXT: scf.yield %[[L]] : f64
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[PADV:.*]] = arith.constant -1.500000e+00 : f64
// CHECK-NEXT: scf.yield %[[PADV]] : f64
// CHECK-NEXT: }
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xf64>
// CHECK-LABEL: func.func @pad(
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[E:.*]] = arith.addi %[[C3]], %arg2 : index
// CHECK-NEXT: ttile.launch @pad_k0(%arg0, %arg1) elements %[[E]] sizes(%[[E]], %arg2)
func.func @pad(%a: tensor<?xf64> {tgraph.name = "x", tgraph.shape = ["N"]})
    -> (tensor<?xf64> {tgraph.name = "out0", tgraph.shape = ["N+3"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "layout", shape = ["N+3"], tile = array<i64: 4096>}
      : (tensor<?xf64>) -> tensor<?xf64> {
  ^bb0(%x: tensor<?xf64>):
    %p = tgraph.pad %x low = [1] high = [2] value = -1.5 : f64 : tensor<?xf64> -> tensor<?xf64>
    tsched.yield %p : tensor<?xf64>
  }
  return %r : tensor<?xf64>
}

// Concat along axis 1 of [N, 2] and [N, 3]: each point is stored from the
// input whose range [start, start + extent) along the axis holds it.
// CHECK-LABEL: ttile.kernel @concat_k0 attributes {kind = "layout", num_inputs = 2 : i64, num_sizes = 6 : i64, {{.*}}} {
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: memref<?xf32>, %[[Y:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[XE:[^:]*]]: index, %{{[^:]*}}: index, %[[YE:[^:]*]]: index):
// CHECK: %[[ROW:.*]] = arith.remui
// CHECK-NEXT: arith.divui
// CHECK-NEXT: %[[COL:.*]] = arith.remui
// CHECK-NEXT: %[[S0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[E0:.*]] = arith.addi %[[S0]], %[[XE]] : index
// CHECK-NEXT: %[[GE0:.*]] = arith.cmpi sge, %[[COL]], %[[S0]] : index
// CHECK-NEXT: %[[LT0:.*]] = arith.cmpi slt, %[[COL]], %[[E0]] : index
// CHECK-NEXT: %[[H0:.*]] = arith.andi %[[GE0]], %[[LT0]] : i1
// CHECK-NEXT: scf.if %[[H0]] {
// CHECK-NEXT: arith.subi %[[COL]], %[[S0]] : index
// CHECK: %[[V0:.*]] = memref.load %[[X]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT: memref.store %[[V0]], %[[OUT]][%[[P]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-NEXT: %[[E1:.*]] = arith.addi %[[E0]], %[[YE]] : index
// CHECK-NEXT: %[[GE1:.*]] = arith.cmpi sge, %[[COL]], %[[E0]] : index
// CHECK-NEXT: %[[LT1:.*]] = arith.cmpi slt, %[[COL]], %[[E1]] : index
// CHECK-NEXT: %[[H1:.*]] = arith.andi %[[GE1]], %[[LT1]] : i1
// CHECK-NEXT: scf.if %[[H1]] {
// CHECK-NEXT: arith.subi %[[COL]], %[[E0]] : index
// CHECK: %[[V1:.*]] = memref.load %[[Y]][%{{.*}}] : memref<?xf32>
// CHECK-NEXT: memref.store %[[V1]], %[[OUT]][%[[P]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-LABEL: func.func @concat(
// CHECK: ttile.launch @concat_k0(%arg0, %arg1, %arg2) elements %{{.*}} sizes(%arg3, %{{.*}}, %arg3, %{{.*}}, %arg3, %{{.*}})
func.func @concat(%a: tensor<?x2xf32> {tgraph.name = "x", tgraph.shape = ["N", 2]},
                  %b: tensor<?x3xf32> {tgraph.name = "y", tgraph.shape = ["N", 3]})
    -> (tensor<?x5xf32> {tgraph.name = "out0", tgraph.shape = ["N", 5]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "layout", shape = ["N", 5], tile = array<i64: 4096>}
      : (tensor<?x2xf32>, tensor<?x3xf32>) -> tensor<?x5xf32> {
  ^bb0(%x: tensor<?x2xf32>, %y: tensor<?x3xf32>):
    %c = tgraph.concat %x, %y axis = 1 : tensor<?x2xf32>, tensor<?x3xf32> -> tensor<?x5xf32>
    tsched.yield %c : tensor<?x5xf32>
  }
  return %r : tensor<?x5xf32>
}

// iota along axis 1: the coordinate itself; no input buffer, and the
// entry's unused input is not passed.
// CHECK-LABEL: ttile.kernel @iota_k0 attributes {kind = "layout", num_inputs = 0 : i64, num_sizes = 2 : i64, {{.*}}} {
// CHECK-NEXT: ^bb0(%[[OUT:[^:]*]]: memref<?xi64>, %[[P:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[C:[^:]*]]: index):
// CHECK: arith.remui
// CHECK-NEXT: %[[Q:.*]] = arith.divui %[[P]], %{{.*}} : index
// CHECK-NEXT: %[[J:.*]] = arith.remui %[[Q]], %[[C]] : index
// CHECK-NEXT: %[[V:.*]] = arith.index_cast %[[J]] : index to i64
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xi64>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @iota(
// CHECK-SAME: %{{[^:]*}}: memref<?xf32> {{.*}}, %[[O:[^:]*]]: memref<?xi64> {{.*}}, %[[R:[^:]*]]: index {tgraph.name = "R"}, %[[CC:[^:]*]]: index {tgraph.name = "C"})
// CHECK-NEXT: %[[PTS:.*]] = arith.muli %[[R]], %[[CC]] : index
// CHECK-NEXT: ttile.launch @iota_k0(%[[O]]) elements %[[PTS]] sizes(%[[R]], %[[CC]]) : memref<?xi64>
func.func @iota(%a: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["R", "C"]})
    -> (tensor<?x?xi64> {tgraph.name = "out0", tgraph.shape = ["R", "C"]})
    attributes {tgraph.dims = ["R", "C"], tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r0 = tensor.dim %a, %c0 : tensor<?x?xf32>
  %c = tensor.dim %a, %c1 : tensor<?x?xf32>
  %r = tsched.fusion_group(%r0, %c) {kind = "layout", shape = ["R", "C"], tile = array<i64: 4096>}
      : (index, index) -> tensor<?x?xi64> {
  ^bb0(%d0: index, %d1: index):
    %i = tgraph.iota axis = 1 dims(%d0, %d1) : tensor<?x?xi64>
    tsched.yield %i : tensor<?x?xi64>
  }
  return %r : tensor<?x?xi64>
}

// A reshape of a row-major buffer moves no element: returned, it is a copy
// into the output, point for point; otherwise (@reshape_view below) its
// result is its operand's buffer.
// CHECK-LABEL: ttile.kernel @reshape_k0
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %[[P:[^:]*]]: index,
// CHECK: %[[V:.*]] = memref.load %[[IN]][%[[P]]] : memref<?xf32>
// CHECK-NEXT: memref.store %[[V]], %[[OUT]][%[[P]]] : memref<?xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @reshape(
// CHECK: ttile.launch @reshape_k0(%arg0, %arg1)
func.func @reshape(%a: tensor<?x6xf32> {tgraph.name = "x", tgraph.shape = ["N", 6]})
    -> (tensor<?x2x3xf32> {tgraph.name = "out0", tgraph.shape = ["N", 2, 3]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "layout", shape = ["N", 2, 3], tile = array<i64: 4096>}
      : (tensor<?x6xf32>) -> tensor<?x2x3xf32> {
  ^bb0(%x: tensor<?x6xf32>):
    %t = tgraph.reshape %x : tensor<?x6xf32> -> tensor<?x2x3xf32>
    tsched.yield %t : tensor<?x2x3xf32>
  }
  return %r : tensor<?x2x3xf32>
}

// The reshape's result, read by the next group, is the input's buffer: no
// kernel and no temporary for it.
// CHECK-LABEL: ttile.kernel @reshape_view_k0
// CHECK-LABEL: func.func @reshape_view(
// CHECK-NOT: memref.alloc
// CHECK: ttile.launch @reshape_view_k0(%arg0, %arg1)
// CHECK-NOT: ttile.launch
// CHECK: return
func.func @reshape_view(%a: tensor<?x6xf32> {tgraph.name = "x", tgraph.shape = ["N", 6]})
    -> (tensor<?x2x3xf32> {tgraph.name = "out0", tgraph.shape = ["N", 2, 3]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %r = tsched.fusion_group(%a) {kind = "layout", shape = ["N", 2, 3], tile = array<i64: 4096>}
      : (tensor<?x6xf32>) -> tensor<?x2x3xf32> {
  ^bb0(%x: tensor<?x6xf32>):
    %t = tgraph.reshape %x : tensor<?x6xf32> -> tensor<?x2x3xf32>
    tsched.yield %t : tensor<?x2x3xf32>
  }
  %n = tsched.fusion_group(%r) {kind = "elementwise", shape = ["N", 2, 3], tile = array<i64: 4096>}
      : (tensor<?x2x3xf32>) -> tensor<?x2x3xf32> {
  ^bb0(%y: tensor<?x2x3xf32>):
    %m = tgraph.neg %y : tensor<?x2x3xf32> -> tensor<?x2x3xf32>
    tsched.yield %m : tensor<?x2x3xf32>
  }
  return %n : tensor<?x2x3xf32>
}
