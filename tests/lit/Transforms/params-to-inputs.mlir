// RUN: tessera-opt %s --tgraph-params-to-inputs -split-input-file | FileCheck %s

// Each parameter an entry reads becomes one input after the entry's own,
// named param:NAME, with the parameter's initialiser; every read of it
// (here two) uses that input. Functions that are not entries keep theirs.
// CHECK-LABEL: func.func @apply
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32> {tgraph.name = "x", tgraph.shape = [3]}, %[[W:.*]]: tensor<3xf32> {tgraph.init = "glorot", tgraph.name = "param:w", tgraph.seed = 4 : i64, tgraph.shape = [3]}, %[[B:.*]]: tensor<f32> {tgraph.init = "zeros", tgraph.name = "param:b", tgraph.seed = 0 : i64, tgraph.shape = []})
// CHECK-NOT: ml_program.global_load
// CHECK: %[[M:.*]] = tgraph.mul %[[X]], %[[W]]
// CHECK: %[[A:.*]] = tgraph.add %[[M]], %[[B]]
// CHECK: tgraph.mul %[[A]], %[[W]]
// CHECK-LABEL: func.func private @helper
// CHECK: ml_program.global_load @w
ml_program.global private mutable @w : tensor<3xf32> {tgraph.init = "glorot", tgraph.seed = 4 : i64}
ml_program.global private mutable @b : tensor<f32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
func.func @apply(%x: tensor<3xf32> {tgraph.name = "x", tgraph.shape = [3]}) -> tensor<3xf32> attributes {tgraph.dims = [], tgraph.entry} {
  %w = ml_program.global_load @w : tensor<3xf32>
  %b = ml_program.global_load @b : tensor<f32>
  %0 = tgraph.mul %x, %w : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %1 = tgraph.add %0, %b : tensor<3xf32>, tensor<f32> -> tensor<3xf32>
  %w2 = ml_program.global_load @w : tensor<3xf32>
  %2 = tgraph.mul %1, %w2 : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  return %2 : tensor<3xf32>
}
func.func private @helper() -> tensor<3xf32> {
  %w = ml_program.global_load @w : tensor<3xf32>
  return %w : tensor<3xf32>
}
