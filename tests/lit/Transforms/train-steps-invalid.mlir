// RUN: tessera-opt %s --tgraph-train-steps -split-input-file -verify-diagnostics

ml_program.global private mutable @w : tensor<f32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
// expected-error @+1 {{unknown optimizer 'lbfgs' (expected sgd, adam or adamw)}}
func.func @step() -> tensor<f32> attributes {tgraph.dims = [], tgraph.train = {name = "lbfgs"}} {
  %w = ml_program.global_load @w : tensor<f32>
  return %w : tensor<f32>
}

// -----

ml_program.global private mutable @w : tensor<f32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
// expected-error @+1 {{train step without an optimizer}}
func.func @step() -> tensor<f32> attributes {tgraph.dims = [], tgraph.train = {}} {
  %w = ml_program.global_load @w : tensor<f32>
  return %w : tensor<f32>
}

// -----

ml_program.global private mutable @w : tensor<2xf32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
// expected-error @+1 {{a train step minimizes one scalar loss}}
func.func @step() -> tensor<2xf32> attributes {tgraph.dims = [], tgraph.train = {name = "sgd"}} {
  %w = ml_program.global_load @w : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

// expected-error @+1 {{the loss of this train step reads no parameter}}
func.func @step(%x: tensor<f32>) -> tensor<f32> attributes {tgraph.dims = [], tgraph.train = {name = "sgd"}} {
  return %x : tensor<f32>
}

// -----

func.func private @loss(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}
func.func @step(%x: tensor<f32>) -> tensor<f32> attributes {tgraph.dims = [], tgraph.train = {name = "sgd"}} {
  // expected-error @+1 {{calls must be inlined before train steps}}
  %0 = call @loss(%x) : (tensor<f32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Derivative operators are lowered (and inlined) first, so that the
// parameters their callees read are parameters of the loss.
ml_program.global private mutable @w : tensor<f32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
func.func private @f(%x: tensor<f32>) -> tensor<f32> {
  %w = ml_program.global_load @w : tensor<f32>
  %0 = tgraph.mul %x, %w : tensor<f32>, tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}
func.func @step(%x: tensor<f32>) -> tensor<f32> attributes {tgraph.dims = [], tgraph.train = {name = "sgd"}} {
  // expected-error @+1 {{derivative operators must be lowered before train steps}}
  %g = tgraph.grad @f wrt = 0 (%x) : (tensor<f32>) -> tensor<f32>
  return %g : tensor<f32>
}
