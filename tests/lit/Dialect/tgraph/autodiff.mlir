// RUN: tessera-opt %s | tessera-opt | FileCheck %s

func.func private @loss(%x: tensor<?x4xf32>, %y: tensor<?xi32>) -> tensor<f32>
func.func private @f(%q: tensor<?x8xf32>, %k: tensor<?x8xf32>) -> tensor<?x8xf32>
func.func private @u(%p: tensor<?x2xf32>) -> tensor<?x1xf32>

// CHECK-LABEL: func.func @derivatives
func.func @derivatives(%x: tensor<?x4xf32>, %y: tensor<?xi32>, %q: tensor<?x8xf32>,
                       %k: tensor<?x8xf32>, %p: tensor<?x2xf32>) {
  // CHECK: tgraph.grad @loss wrt = 0(%{{.*}}, %{{.*}}) : (tensor<?x4xf32>, tensor<?xi32>) -> tensor<?x4xf32>
  %g = tgraph.grad @loss wrt = 0 (%x, %y) : (tensor<?x4xf32>, tensor<?xi32>) -> tensor<?x4xf32>
  // CHECK: tgraph.grad @loss wrt = 0(%{{.*}}, %{{.*}}) {with_value} : (tensor<?x4xf32>, tensor<?xi32>) -> (tensor<f32>, tensor<?x4xf32>)
  %v, %g2 = tgraph.grad @loss wrt = 0 (%x, %y) {with_value} : (tensor<?x4xf32>, tensor<?xi32>) -> (tensor<f32>, tensor<?x4xf32>)
  // CHECK: tgraph.vjp @f(%{{.*}}, %{{.*}}) cotangents(%{{.*}} : tensor<?x8xf32>) : (tensor<?x8xf32>, tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  %dq, %dk = tgraph.vjp @f(%q, %k) cotangents(%q : tensor<?x8xf32>) : (tensor<?x8xf32>, tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  // CHECK: tgraph.jvp @f(%{{.*}}, %{{.*}}) tangents(%{{.*}}, %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32>) : (tensor<?x8xf32>, tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  %o, %do = tgraph.jvp @f(%q, %k) tangents(%q, %k : tensor<?x8xf32>, tensor<?x8xf32>) : (tensor<?x8xf32>, tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>)
  // CHECK: tgraph.partial @u axis = 0 order = 2(%{{.*}}) : (tensor<?x2xf32>) -> tensor<?x1xf32>
  %uxx = tgraph.partial @u axis = 0 order = 2 (%p) : (tensor<?x2xf32>) -> tensor<?x1xf32>
  return
}

func.func private @energy(%x: tensor<?xf32>) -> tensor<f32>
// CHECK-LABEL: func.func @hessian
func.func @hessian(%x: tensor<?xf32>, %v: tensor<?xf32>) -> tensor<?xf32> {
  // CHECK: tgraph.hvp @energy wrt = 0(%{{.*}}) dir(%{{.*}} : tensor<?xf32>) : (tensor<?xf32>) -> tensor<?xf32>
  %h = tgraph.hvp @energy wrt = 0 (%x) dir(%v : tensor<?xf32>) : (tensor<?xf32>) -> tensor<?xf32>
  return %h : tensor<?xf32>
}
