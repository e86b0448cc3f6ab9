// RUN: tessera-opt %s -split-input-file -verify-diagnostics

func.func @unknown(%x: tensor<f32>) {
  // expected-error @+1 {{'tgraph.grad' op names unknown function @nope}}
  %g = tgraph.grad @nope wrt = 0 (%x) : (tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func private @vec(%x: tensor<4xf32>) -> tensor<4xf32>
func.func @not_scalar(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.grad' op needs @vec to return one floating-point scalar}}
  %g = tgraph.grad @vec wrt = 0 (%x) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func private @s(%x: tensor<4xf32>) -> tensor<f32>
func.func @wrt(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.grad' op wrt = 1 is not an input of @s}}
  %g = tgraph.grad @s wrt = 1 (%x) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func private @s(%x: tensor<4xf32>) -> tensor<f32>
func.func @arg_type(%x: tensor<5xf32>) {
  // expected-error @+1 {{'tgraph.grad' op argument #0 has type 'tensor<5xf32>', but @s takes 'tensor<4xf32>'}}
  %g = tgraph.grad @s wrt = 0 (%x) : (tensor<5xf32>) -> tensor<4xf32>
  return
}

// -----

func.func private @s(%x: tensor<4xf32>) -> tensor<f32>
func.func @results(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.grad' op results must be (tensor<4xf32>)}}
  %g = tgraph.grad @s wrt = 0 (%x) : (tensor<4xf32>) -> tensor<f32>
  return
}

// -----

func.func private @f(%x: tensor<4xf32>) -> tensor<4xf32>
func.func @cotangent(%x: tensor<4xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{'tgraph.vjp' op cotangents must have the types of @f's results}}
  %d = tgraph.vjp @f(%x) cotangents(%c : tensor<3xf32>) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func private @f(%x: tensor<4xf32>) -> tensor<4xf32>
func.func @tangents(%x: tensor<4xf32>) {
  // expected-error @+1 {{'tgraph.jvp' op passes 2 tangent to @f, which takes 1}}
  %y, %dy = tgraph.jvp @f(%x) tangents(%x, %x : tensor<4xf32>, tensor<4xf32>) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func private @e(%x: tensor<4xf32>) -> tensor<f32>
func.func @dir(%x: tensor<4xf32>, %v: tensor<2xf32>) {
  // expected-error @+1 {{'tgraph.hvp' op dir has type 'tensor<2xf32>', but input #0 of @e is 'tensor<4xf32>'}}
  %h = tgraph.hvp @e wrt = 0 (%x) dir(%v : tensor<2xf32>) : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func private @u(%p: tensor<?x2xf32>) -> tensor<?x1xf32>
func.func @axis(%p: tensor<?x2xf32>) {
  // expected-error @+1 {{'tgraph.partial' op axis 2 is not a coordinate of 'tensor<?x2xf32>'}}
  %d = tgraph.partial @u axis = 2 order = 1 (%p) : (tensor<?x2xf32>) -> tensor<?x1xf32>
  return
}
