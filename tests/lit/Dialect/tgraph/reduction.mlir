// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// Round trip of the reductions, softmax, normalisation and losses.

// CHECK-LABEL: func.func @reduce
// CHECK: tgraph.reduce_sum %{{.*}} axes = [1] {keepdims = true, stable = true} : tensor<?x8xf32> -> tensor<?x1xf32>
// CHECK: tgraph.reduce_sum %{{.*}} axes = [0, 1] : tensor<?x8xf32> -> tensor<f32>
// CHECK: tgraph.reduce_mean %{{.*}} axes = [0] : tensor<?x8xf32> -> tensor<8xf32>
// CHECK: tgraph.reduce_max %{{.*}} axes = [2, 0] {keepdims = true} : tensor<2x3x4xi32> -> tensor<1x3x1xi32>
// CHECK: tgraph.reduce_min %{{.*}} axes = [1] : tensor<2x3x4xi32> -> tensor<2x4xi32>
// CHECK: tgraph.reduce_prod %{{.*}} axes = [1] {stable = true} : tensor<?x8xf32> -> tensor<?xf32>
// CHECK: tgraph.reduce_sum %{{.*}} axes = [] : tensor<f64> -> tensor<f64>
// CHECK: tgraph.reduce_mean %{{.*}} axes = [] : tensor<?x8xf32> -> tensor<?x8xf32>
// CHECK: tgraph.reduce_sum %{{.*}} axes = [1] : tensor<?x8xf32> -> tensor<5xf32>
func.func @reduce(%x: tensor<?x8xf32>, %i: tensor<2x3x4xi32>, %s: tensor<f64>) {
  %0 = tgraph.reduce_sum %x axes = [1] {keepdims = true, stable = true} : tensor<?x8xf32> -> tensor<?x1xf32>
  %1 = tgraph.reduce_sum %x axes = [0, 1] : tensor<?x8xf32> -> tensor<f32>
  %2 = tgraph.reduce_mean %x axes = [0] : tensor<?x8xf32> -> tensor<8xf32>
  %3 = tgraph.reduce_max %i axes = [2, 0] {keepdims = true} : tensor<2x3x4xi32> -> tensor<1x3x1xi32>
  %4 = tgraph.reduce_min %i axes = [1] : tensor<2x3x4xi32> -> tensor<2x4xi32>
  %5 = tgraph.reduce_prod %x axes = [1] {stable = true} : tensor<?x8xf32> -> tensor<?xf32>
  %6 = tgraph.reduce_sum %s axes = [] : tensor<f64> -> tensor<f64>
  %7 = tgraph.reduce_mean %x axes = [] {keepdims = false} : tensor<?x8xf32> -> tensor<?x8xf32>
  %8 = tgraph.reduce_sum %x axes = [1] : tensor<?x8xf32> -> tensor<5xf32>
  return
}

// CHECK-LABEL: func.func @softmax
// CHECK: tgraph.softmax %{{.*}} axis = 1 : tensor<?x10xf32>
// CHECK: tgraph.softmax %{{.*}} axis = 0 : tensor<?x10xf32>
// CHECK: tgraph.log_softmax %{{.*}} axis = 1 : tensor<?x10xf32>
// CHECK: tgraph.log_softmax %{{.*}} axis = 0 : tensor<4xf16>
func.func @softmax(%x: tensor<?x10xf32>, %h: tensor<4xf16>) {
  %0 = tgraph.softmax %x axis = 1 : tensor<?x10xf32>
  %1 = tgraph.softmax %x axis = 0 : tensor<?x10xf32>
  %2 = tgraph.log_softmax %x axis = 1 : tensor<?x10xf32>
  %3 = tgraph.log_softmax %h axis = 0 : tensor<4xf16>
  return
}

// CHECK-LABEL: func.func @norm
// CHECK: tgraph.layernorm %{{.*}} scale(%{{.*}} : tensor<64xf32>) bias(%{{.*}} : tensor<64xf32>) axis = 1 epsilon = 1.000000e-05 : tensor<?x64xf32>
// CHECK: tgraph.layernorm %{{.*}} axis = 1 epsilon = 1.000000e-05 : tensor<?x64xf32>
// CHECK: tgraph.layernorm %{{.*}} bias(%{{.*}} : tensor<?xf32>) axis = 1 epsilon = 0.000000e+00 : tensor<?x64xf32>
// CHECK: tgraph.rmsnorm %{{.*}} scale(%{{.*}} : tensor<64xf32>) axis = 1 epsilon = 9.9999999999999995E-7 : tensor<?x64xf32>
// CHECK: tgraph.rmsnorm %{{.*}} axis = 0 epsilon = 9.9999999999999995E-7 : tensor<?x64xf32>
// CHECK: tgraph.rmsnorm %{{.*}} scale(%{{.*}} : tensor<?xf32>) bias(%{{.*}} : tensor<?xf32>) axis = 0 epsilon = 9.9999999999999995E-7 : tensor<?x64xf32>
func.func @norm(%x: tensor<?x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>, %d: tensor<?xf32>) {
  %0 = tgraph.layernorm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>) axis = 1 epsilon = 1.0e-05 : tensor<?x64xf32>
  %1 = tgraph.layernorm %x axis = 1 epsilon = 1.0e-05 : tensor<?x64xf32>
  %2 = tgraph.layernorm %x bias(%d : tensor<?xf32>) axis = 1 epsilon = 0.0 : tensor<?x64xf32>
  %3 = tgraph.rmsnorm %x scale(%g : tensor<64xf32>) axis = 1 epsilon = 1.0e-06 : tensor<?x64xf32>
  %4 = tgraph.rmsnorm %x axis = 0 epsilon = 1.0e-06 : tensor<?x64xf32>
  %5 = tgraph.rmsnorm %x scale(%d : tensor<?xf32>) bias(%d : tensor<?xf32>) axis = 0 epsilon = 1.0e-06 : tensor<?x64xf32>
  return
}

// CHECK-LABEL: func.func @losses
// CHECK: tgraph.cross_entropy %{{.*}}, %{{.*}} : tensor<?x10xf32>, tensor<?xi64> -> tensor<f32>
// CHECK: tgraph.cross_entropy %{{.*}}, %{{.*}} : tensor<2x?x5xf64>, tensor<2x7xi32> -> tensor<f64>
// CHECK: tgraph.mse %{{.*}}, %{{.*}} : tensor<?x3xf32>, tensor<4x3xf32> -> tensor<f32>
// CHECK: tgraph.mse %{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<f32>
func.func @losses(%logits: tensor<?x10xf32>, %labels: tensor<?xi64>, %seq: tensor<2x?x5xf64>, %lab: tensor<2x7xi32>, %p: tensor<?x3xf32>, %t: tensor<4x3xf32>) {
  %0 = tgraph.cross_entropy %logits, %labels : tensor<?x10xf32>, tensor<?xi64> -> tensor<f32>
  %1 = tgraph.cross_entropy %seq, %lab : tensor<2x?x5xf64>, tensor<2x7xi32> -> tensor<f64>
  %2 = tgraph.mse %p, %t : tensor<?x3xf32>, tensor<4x3xf32> -> tensor<f32>
  %3 = tgraph.mse %t, %t : tensor<4x3xf32>, tensor<4x3xf32> -> tensor<f32>
  return
}
