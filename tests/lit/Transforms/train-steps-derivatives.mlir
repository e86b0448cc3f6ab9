// RUN: tessera-opt %s --tgraph-differentiate --inline --tgraph-train-steps | FileCheck %s
// RUN: tessera-opt %s --tgraph-differentiate --inline --tgraph-train-steps --tgraph-differentiate --inline --tgraph-params-to-inputs | FileCheck %s --check-prefix=ENTRY
// A loss that reads the parameters only through derivative operators, which
// name their functions by symbol: step takes partial @g, g takes partial @u
// and reads @s, u reads @w. Lowered and inlined first, the derivative code
// reads the parameters in the train body, so both become arguments of the
// objective and get a gradient from its vjp.

ml_program.global private mutable @w : tensor<2xf32> {tgraph.init = "glorot", tgraph.seed = 3 : i64}
ml_program.global private mutable @s : tensor<f32> {tgraph.init = "ones", tgraph.seed = 0 : i64}

func.func private @u(%p: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %w = ml_program.global_load @w : tensor<2xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %p, %c0 : tensor<?x2xf32>
  %wb = tgraph.broadcast %w dims(%n) : tensor<2xf32> -> tensor<?x2xf32>
  %0 = tgraph.mul %p, %wb : tensor<?x2xf32>, tensor<?x2xf32> -> tensor<?x2xf32>
  %1 = tgraph.tanh %0 : tensor<?x2xf32>
  %2 = tgraph.reduce_sum %1 axes = [1] {keepdims = true} : tensor<?x2xf32> -> tensor<?x1xf32>
  return %2 : tensor<?x1xf32>
}

func.func private @g(%p: tensor<?x2xf32>) -> tensor<?x1xf32> {
  %d = tgraph.partial @u axis = 0 order = 1 (%p) : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %s = ml_program.global_load @s : tensor<f32>
  %0 = tgraph.mul %d, %s : tensor<?x1xf32>, tensor<f32> -> tensor<?x1xf32>
  return %0 : tensor<?x1xf32>
}

// CHECK-LABEL: func.func private @step.objective
// CHECK-SAME: (%[[W:.*]]: tensor<2xf32>, %[[S:.*]]: tensor<f32>, %{{.*}}: tensor<?x2xf32> {tgraph.name = "p", tgraph.shape = ["N", 2]}) -> tensor<f32>
// CHECK-NOT: ml_program.global_load
// CHECK: tgraph.broadcast %[[W]] dims
// CHECK-NOT: ml_program.global_load
// CHECK: tgraph.mul %{{.*}}, %[[S]] : tensor<?x1xf32>, tensor<f32>
// CHECK-NOT: ml_program.global_load
// CHECK: return
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[PW:[^:]*]]: tensor<2xf32> {{{[^}]*}}tgraph.name = "param:w"
// CHECK-SAME: %[[PS:[^:]*]]: tensor<f32> {{{[^}]*}}tgraph.name = "param:s"
// CHECK: %[[G:.*]]:3 = tgraph.vjp @step.objective(%[[PW]], %[[PS]], %{{.*}})
// CHECK: %[[DW:.*]] = tgraph.mul %{{.*}}, %[[G]]#0
// CHECK: tgraph.sub %[[PW]], %[[DW]]
// CHECK: %[[DS:.*]] = tgraph.mul %{{.*}}, %[[G]]#1
// CHECK: tgraph.sub %[[PS]], %[[DS]]
// CHECK-LABEL: func.func private @step.loss

// Through params-to-inputs: each parameter is one input of the entry (none
// is added again as a constant), and the derivative code is inlined.
// ENTRY-LABEL: func.func @step
// ENTRY-SAME: (%{{[^:]*}}: tensor<2xf32> {{{[^}]*}}"param:w"{{[^}]*}}}, %{{[^:]*}}: tensor<f32> {{{[^}]*}}"param:s"{{[^}]*}}}, %{{[^:]*}}: tensor<?x2xf32> {tgraph.name = "p", tgraph.shape = ["N", 2]}) -> (
// ENTRY-NOT: ml_program.global_load
// ENTRY-NOT: tgraph.vjp
// ENTRY-NOT: call
// ENTRY: return
func.func @step(%p: tensor<?x2xf32> {tgraph.name = "p", tgraph.shape = ["N", 2]}) -> tensor<f32> attributes {tgraph.dims = ["N"], tgraph.train = {lr = 1.000000e+00 : f64, name = "sgd"}} {
  %d = tgraph.partial @g axis = 0 order = 1 (%p) : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %0 = tgraph.reduce_mean %d axes = [0, 1] : tensor<?x1xf32> -> tensor<f32>
  return %0 : tensor<f32>
}
