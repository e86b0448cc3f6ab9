// RUN: tessera-opt %s --tgraph-params-to-inputs -verify-diagnostics

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
