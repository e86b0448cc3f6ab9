// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s
// RUN: tessera-opt %s --tsched-form-fusion-groups="epilogues=false" | FileCheck %s --check-prefix=SPLIT
// An entry input that is returned as it is (`return x, x @ w + x`): the
// group that holds the add returns x too (a copy), while the matmul reads
// the argument itself, so the groups never read each other. The add is
// the matmul's epilogue, its group returns the copy; without epilogues it
// is the elementwise group's.

// CHECK-LABEL: func.func @returned_input
// CHECK: %[[G:.*]]:2 = tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<?x4xf32>, %[[W:.*]]: tensor<4x4xf32>):
// CHECK-NEXT:   %[[M:.*]] = tgraph.matmul %[[X]], %[[W]]
// CHECK-NEXT:   %[[S:.*]] = tgraph.add %[[M]], %[[X]]
// CHECK-NEXT:   tsched.yield %[[S]], %[[X]]
// CHECK: return %[[G]]#1, %[[G]]#0

// SPLIT-LABEL: func.func @returned_input
// SPLIT: %[[MM:.*]] = tsched.fusion_group(%arg0, %arg1) {kind = "matmul"
// SPLIT: tsched.fusion_group({{.*}}%[[MM]]{{.*}}) {kind = "elementwise"
// SPLIT: tgraph.add
func.func @returned_input(%x: tensor<?x4xf32> {tgraph.name = "x", tgraph.shape = ["N", 4]},
                          %w: tensor<4x4xf32> {tgraph.name = "w", tgraph.shape = [4, 4]})
    -> (tensor<?x4xf32> {tgraph.name = "a", tgraph.shape = ["N", 4]},
        tensor<?x4xf32> {tgraph.name = "b", tgraph.shape = ["N", 4]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %m = tgraph.matmul %x, %w : tensor<?x4xf32>, tensor<4x4xf32> -> tensor<?x4xf32>
  %s = tgraph.add %m, %x : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  return %x, %s : tensor<?x4xf32>, tensor<?x4xf32>
}
