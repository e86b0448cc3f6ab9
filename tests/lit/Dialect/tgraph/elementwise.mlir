// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// Round trip of the elementwise families: unary math, pow/max/min,
// compare, select, cast, random numbers and dropout.

// CHECK-LABEL: func.func @unary_float
// CHECK: tgraph.exp %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.log %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.log1p %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.sqrt %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.rsqrt %{{.*}} : tensor<8xbf16>
// CHECK: tgraph.sin %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.cos %{{.*}} : tensor<f64>
// CHECK: tgraph.tanh %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.sigmoid %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.gelu %{{.*}} : tensor<8xbf16>
// CHECK: tgraph.silu %{{.*}} : tensor<?x4xf32>
func.func @unary_float(%x: tensor<?x4xf32>, %h: tensor<8xbf16>, %s: tensor<f64>) {
  %0 = tgraph.exp %x : tensor<?x4xf32>
  %1 = tgraph.log %x : tensor<?x4xf32>
  %2 = tgraph.log1p %x : tensor<?x4xf32>
  %3 = tgraph.sqrt %x : tensor<?x4xf32>
  %4 = tgraph.rsqrt %h : tensor<8xbf16>
  %5 = tgraph.sin %x : tensor<?x4xf32>
  %6 = tgraph.cos %s : tensor<f64>
  %7 = tgraph.tanh %x : tensor<?x4xf32>
  %8 = tgraph.sigmoid %x : tensor<?x4xf32>
  %9 = tgraph.gelu %h : tensor<8xbf16>
  %10 = tgraph.silu %x : tensor<?x4xf32>
  return
}

// CHECK-LABEL: func.func @unary_numeric
// CHECK: tgraph.abs %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.abs %{{.*}} : tensor<?xi32>
// CHECK: tgraph.relu %{{.*}} : tensor<2x3xi64>
// CHECK: tgraph.relu %{{.*}} : tensor<?x4xf32>
// CHECK: tgraph.square %{{.*}} : tensor<?xi32>
func.func @unary_numeric(%x: tensor<?x4xf32>, %i: tensor<?xi32>, %l: tensor<2x3xi64>) {
  %0 = tgraph.abs %x : tensor<?x4xf32>
  %1 = tgraph.abs %i : tensor<?xi32>
  %2 = tgraph.relu %l : tensor<2x3xi64>
  %3 = tgraph.relu %x : tensor<?x4xf32>
  %4 = tgraph.square %i : tensor<?xi32>
  return
}

// CHECK-LABEL: func.func @binary
// CHECK: tgraph.pow %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
// CHECK: tgraph.pow %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
// CHECK: tgraph.max %{{.*}}, %{{.*}} : tensor<f32>, tensor<?xf32> -> tensor<?xf32>
// CHECK: tgraph.min %{{.*}}, %{{.*}} : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
func.func @binary(%a: tensor<?xf32>, %b: tensor<?xf32>, %c: tensor<f32>, %i: tensor<4xi64>) {
  %0 = tgraph.pow %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %1 = tgraph.pow %a, %c : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %2 = tgraph.max %c, %b : tensor<f32>, tensor<?xf32> -> tensor<?xf32>
  %3 = tgraph.min %i, %i : tensor<4xi64>, tensor<4xi64> -> tensor<4xi64>
  return
}

// CHECK-LABEL: func.func @compare
// CHECK: tgraph.compare eq, %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32> -> tensor<?xi1>
// CHECK: tgraph.compare ne, %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<f32> -> tensor<?xi1>
// CHECK: tgraph.compare lt, %{{.*}}, %{{.*}} : tensor<f32>, tensor<?xf32> -> tensor<?xi1>
// CHECK: tgraph.compare le, %{{.*}}, %{{.*}} : tensor<2x2xi32>, tensor<2x2xi32> -> tensor<2x2xi1>
// CHECK: tgraph.compare gt, %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32> -> tensor<?xi1>
// CHECK: tgraph.compare ge, %{{.*}}, %{{.*}} : tensor<f32>, tensor<f32> -> tensor<i1>
func.func @compare(%a: tensor<?xf32>, %b: tensor<?xf32>, %c: tensor<f32>, %i: tensor<2x2xi32>) {
  %0 = tgraph.compare eq, %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xi1>
  %1 = tgraph.compare ne, %a, %c : tensor<?xf32>, tensor<f32> -> tensor<?xi1>
  %2 = tgraph.compare lt, %c, %b : tensor<f32>, tensor<?xf32> -> tensor<?xi1>
  %3 = tgraph.compare le, %i, %i : tensor<2x2xi32>, tensor<2x2xi32> -> tensor<2x2xi1>
  %4 = tgraph.compare gt, %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xi1>
  %5 = tgraph.compare ge, %c, %c : tensor<f32>, tensor<f32> -> tensor<i1>
  return
}

// CHECK-LABEL: func.func @select
// CHECK: tgraph.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<?xi1>, tensor<?xf32>, tensor<f32> -> tensor<?xf32>
// CHECK: tgraph.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<i1>, tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
// CHECK: tgraph.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<i1>, tensor<f32>, tensor<f32> -> tensor<3xf32>
func.func @select(%m: tensor<?xi1>, %a: tensor<?xf32>, %c: tensor<f32>, %k: tensor<i1>) {
  %0 = tgraph.select %m, %a, %c : tensor<?xi1>, tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %1 = tgraph.select %k, %a, %a : tensor<i1>, tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %2 = tgraph.select %k, %c, %c : tensor<i1>, tensor<f32>, tensor<f32> -> tensor<3xf32>
  return
}

// CHECK-LABEL: func.func @cast
// CHECK: tgraph.cast %{{.*}} : tensor<?x4xf32> -> tensor<?x4xbf16>
// CHECK: tgraph.cast %{{.*}} : tensor<?x4xf32> -> tensor<2x4xf64>
// CHECK: tgraph.cast %{{.*}} : tensor<3xi32> -> tensor<3xf32>
// CHECK: tgraph.cast %{{.*}} : tensor<3xi1> -> tensor<3xi64>
func.func @cast(%x: tensor<?x4xf32>, %i: tensor<3xi32>, %m: tensor<3xi1>) {
  %0 = tgraph.cast %x : tensor<?x4xf32> -> tensor<?x4xbf16>
  %1 = tgraph.cast %x : tensor<?x4xf32> -> tensor<2x4xf64>
  %2 = tgraph.cast %i : tensor<3xi32> -> tensor<3xf32>
  %3 = tgraph.cast %m : tensor<3xi1> -> tensor<3xi64>
  return
}

// CHECK-LABEL: func.func @random
// CHECK: tgraph.random_uniform(%{{.*}}) seed = 42 : tensor<?x4xf32>
// CHECK: tgraph.random_uniform seed = -1 : tensor<f32>
// CHECK: tgraph.random_normal(%{{.*}}, %{{.*}}) seed = 0 : tensor<?x8x?xbf16>
// CHECK: tgraph.random_normal seed = 7 : tensor<2x2xf64>
// CHECK: tgraph.dropout %{{.*}} p = 1.000000e-01 seed = 3 : tensor<?x128xf32>
// CHECK: tgraph.dropout %{{.*}} p = 0.000000e+00 seed = 3 : tensor<?x128xf32>
func.func @random(%n: index, %m: index, %x: tensor<?x128xf32>) {
  %0 = tgraph.random_uniform(%n) seed = 42 : tensor<?x4xf32>
  %1 = tgraph.random_uniform seed = -1 : tensor<f32>
  %2 = tgraph.random_normal(%n, %m) seed = 0 : tensor<?x8x?xbf16>
  %3 = tgraph.random_normal seed = 7 : tensor<2x2xf64>
  %4 = tgraph.dropout %x p = 1.0e-01 seed = 3 : tensor<?x128xf32>
  %5 = tgraph.dropout %x p = 0.0 seed = 3 : tensor<?x128xf32>
  return
}
