// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// Verifier errors of tgraph.fixed_point and tgraph.yield.

func.func @tol(%x0: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op tol must be positive, got 0.000000e+00}}
  %r = tgraph.fixed_point %x0 tol = 0.0 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    tgraph.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @max_iter(%x0: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op max_iter must be positive, got -3}}
  %r = tgraph.fixed_point %x0 tol = 1.0e-03 max_iter = -3 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    tgraph.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @arguments(%x0: tensor<4xf32>, %a: tensor<f32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op body must have 2 arguments (the iterate and 1 captured values), got 1}}
  %r = tgraph.fixed_point %x0 captures(%a : tensor<f32>) tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    tgraph.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @iterate_type(%x0: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op body argument 0 has type 'tensor<?xf32>', expected 'tensor<4xf32>'}}
  %r = tgraph.fixed_point %x0 tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<?xf32>):
    %y = tgraph.reshape %x : tensor<?xf32> -> tensor<4xf32>
    tgraph.yield %y : tensor<4xf32>
  }
  return
}

// -----

func.func @captured_type(%x0: tensor<4xf32>, %a: tensor<f32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op body argument 1 has type 'tensor<f64>', expected 'tensor<f32>'}}
  %r = tgraph.fixed_point %x0 captures(%a : tensor<f32>) tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>, %c: tensor<f64>):
    tgraph.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @yield_type(%x0: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op body yields 'tensor<4xf64>', expected the iterate's type 'tensor<4xf32>'}}
  %r = tgraph.fixed_point %x0 tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %y = tgraph.cast %x : tensor<4xf32> -> tensor<4xf64>
    tgraph.yield %y : tensor<4xf64>
  }
  return
}

// -----

func.func @terminator(%x0: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op body must end with tgraph.yield}}
  %r = tgraph.fixed_point %x0 tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    llvm.unreachable
  }
  return
}

// -----

func.func @result_type(%x0: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.fixed_point' op failed to verify that all of {init, result} have same type}}
  %r = "tgraph.fixed_point"(%x0) <{max_iter = 10 : i64, operandSegmentSizes = array<i32: 1, 0>, tol = 1.0e-03 : f64}> ({
  ^bb0(%x: tensor<4xf32>):
    tgraph.yield %x : tensor<4xf32>
  }) : (tensor<4xf32>) -> tensor<?xf32>
  return
}

// -----

func.func @isolated(%x0: tensor<4xf32>, %a: tensor<f32>) {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = tgraph.fixed_point %x0 tol = 1.0e-03 max_iter = 10 : tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    // expected-error @+1 {{'tgraph.mul' op using value defined outside the region}}
    %y = tgraph.mul %x, %a : tensor<4xf32>, tensor<f32> -> tensor<4xf32>
    tgraph.yield %y : tensor<4xf32>
  }
  return
}

// -----

func.func @yield_parent(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.yield' op expects parent op 'tgraph.fixed_point'}}
  tgraph.yield %x : tensor<4xf32>
}
