// RUN: tessera-opt %s --tgraph-train-steps -split-input-file | FileCheck %s

// sgd with momentum: the entry takes the parameter (with its initialiser),
// the velocity, then the data; it returns the loss, the new parameter and
// the new velocity. The loss becomes a function of the parameter
// (step.objective), differentiated by one vjp.
// CHECK-LABEL: func.func private @step.objective
// CHECK-SAME: (%[[W:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<?x3xf32> {tgraph.name = "x", tgraph.shape = ["B", 3]}) -> tensor<f32>
// CHECK: tgraph.broadcast %[[W]] dims
// CHECK: tgraph.reduce_sum
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[P:.*]]: tensor<3xf32> {tgraph.init = "glorot", tgraph.name = "param:w", tgraph.seed = 4 : i64, tgraph.shape = [3]}, %[[V:.*]]: tensor<3xf32> {tgraph.name = "state:w.velocity", tgraph.shape = [3]}, %[[D:.*]]: tensor<?x3xf32> {tgraph.name = "x", tgraph.shape = ["B", 3]})
// CHECK-SAME: -> (tensor<f32> {tgraph.name = "loss", tgraph.shape = []}, tensor<3xf32> {{{.*}}tgraph.name = "param:w"{{.*}}}, tensor<3xf32> {tgraph.name = "state:w.velocity", tgraph.shape = [3]})
// CHECK-SAME: tgraph.entry, tgraph.optimizer = "sgd lr=0.5 momentum=0.9"
// CHECK: %[[L:.*]] = call @step.objective(%[[P]], %[[D]])
// CHECK: %[[ONE:.*]] = tgraph.constant 1.000000e+00
// CHECK: %[[G:.*]]:2 = tgraph.vjp @step.objective(%[[P]], %[[D]]) cotangents(%[[ONE]] : tensor<f32>)
// CHECK: %[[LR:.*]] = tgraph.constant 5.000000e-01
// CHECK: %[[MU:.*]] = tgraph.constant 0.899999976
// CHECK: %[[MV:.*]] = tgraph.mul %[[MU]], %[[V]]
// CHECK: %[[NV:.*]] = tgraph.add %[[MV]], %[[G]]#0
// CHECK: %[[STEP:.*]] = tgraph.mul %[[LR]], %[[NV]]
// CHECK: %[[NP:.*]] = tgraph.sub %[[P]], %[[STEP]]
// CHECK: return %[[L]], %[[NP]], %[[NV]]
// The original function stays, renamed.
// CHECK-LABEL: func.func private @step.loss
module {
  ml_program.global private mutable @w : tensor<3xf32> {tgraph.init = "glorot", tgraph.seed = 4 : i64}
  func.func @step(%arg0: tensor<?x3xf32> {tgraph.name = "x", tgraph.shape = ["B", 3]}) -> tensor<f32> attributes {tgraph.dims = ["B"], tgraph.train = {lr = 5.000000e-01 : f64, momentum = 9.000000e-01 : f64, name = "sgd"}} {
    %c0 = arith.constant 0 : index
    %w = ml_program.global_load @w : tensor<3xf32>
    %dim = tensor.dim %arg0, %c0 : tensor<?x3xf32>
    %0 = tgraph.broadcast %w dims(%dim) : tensor<3xf32> -> tensor<?x3xf32>
    %1 = tgraph.mul %arg0, %0 : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<?x3xf32>
    %2 = tgraph.reduce_sum %1 axes = [0, 1] : tensor<?x3xf32> -> tensor<f32>
    return %2 : tensor<f32>
  }
}

// -----

// adam: moments per parameter, then the step count; bias corrections
// 1 - beta^t from the incremented step.
// CHECK-LABEL: func.func @fit
// CHECK-SAME: tgraph.name = "param:a"
// CHECK-SAME: tgraph.name = "param:b"
// CHECK-SAME: tgraph.name = "state:a.m"
// CHECK-SAME: tgraph.name = "state:a.v"
// CHECK-SAME: tgraph.name = "state:b.m"
// CHECK-SAME: tgraph.name = "state:b.v"
// CHECK-SAME: %[[T:.*]]: tensor<f32> {tgraph.name = "state:step", tgraph.shape = []}
// CHECK-SAME: tgraph.optimizer = "adam lr=0.01 beta1=0.9 beta2=0.999 eps=1e-08"
// CHECK: %[[T1:.*]] = tgraph.add %[[T]], %{{.*}} : tensor<f32>, tensor<f32>
// CHECK: tgraph.pow %{{.*}}, %[[T1]]
// CHECK: tgraph.sqrt
// CHECK: return {{.*}}, %[[T1]] : tensor<f32>,
module {
  ml_program.global private mutable @a : tensor<2xf32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
  ml_program.global private mutable @b : tensor<f32> {tgraph.init = "ones", tgraph.seed = 0 : i64}
  func.func @fit() -> tensor<f32> attributes {tgraph.dims = [], tgraph.train = {lr = 1.000000e-02 : f64, name = "adam"}} {
    %a = ml_program.global_load @a : tensor<2xf32>
    %b = ml_program.global_load @b : tensor<f32>
    %0 = tgraph.mul %a, %b : tensor<2xf32>, tensor<f32> -> tensor<2xf32>
    %1 = tgraph.reduce_sum %0 axes = [0] : tensor<2xf32> -> tensor<f32>
    return %1 : tensor<f32>
  }
}
