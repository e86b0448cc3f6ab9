// RUN: tessera-opt %s --tgraph-params-to-inputs -split-input-file -verify-diagnostics

ml_program.global private mutable @w : tensor<f64> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
func.func @f(%x0: tensor<f64> {tgraph.name = "x", tgraph.shape = []}) -> tensor<f64> attributes {tgraph.dims = [], tgraph.entry} {
  %r = tgraph.fixed_point %x0 tol = 1.0e-12 max_iter = 200 : tensor<f64> {
  ^bb0(%x: tensor<f64>):
    // expected-error @+1 {{a parameter read inside a region cannot become an entry input yet}}
    %w = ml_program.global_load @w : tensor<f64>
    %y = tgraph.mul %x, %w : tensor<f64>, tensor<f64> -> tensor<f64>
    tgraph.yield %y : tensor<f64>
  }
  return %r : tensor<f64>
}

// -----

// A train entry has its parameters as inputs already; a read left outside
// its loss is refused rather than made a second, untrained input.
ml_program.global private mutable @w : tensor<f32> {tgraph.init = "zeros", tgraph.seed = 0 : i64}
func.func @step(%p: tensor<f32> {tgraph.name = "param:w", tgraph.shape = []}) -> (tensor<f32> {tgraph.name = "loss", tgraph.shape = []}, tensor<f32> {tgraph.name = "param:w", tgraph.shape = []}) attributes {tgraph.dims = [], tgraph.entry, tgraph.train = {name = "sgd"}} {
  // expected-error @+1 {{parameter @w is read outside the loss of train step @step, so it would not be trained}}
  %w = ml_program.global_load @w : tensor<f32>
  %0 = tgraph.mul %p, %w : tensor<f32>, tensor<f32> -> tensor<f32>
  return %0, %p : tensor<f32>, tensor<f32>
}
