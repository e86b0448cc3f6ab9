// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// Round trip of the layout family: transpose, reshape, broadcast, slice,
// concat, pad, gather and scatter.

// CHECK-LABEL: func.func @transpose
// CHECK: tgraph.transpose %{{.*}} permutation = [0, 2, 1] : tensor<?x3x4xf32> -> tensor<?x4x3xf32>
// CHECK: tgraph.transpose %{{.*}} permutation = [1, 0] : tensor<2x5xi32> -> tensor<5x2xi32>
// CHECK: tgraph.transpose %{{.*}} permutation = [2, 0, 1] : tensor<?x3x4xf32> -> tensor<4x7x3xf32>
// CHECK: tgraph.transpose %{{.*}} permutation = [] : tensor<f32> -> tensor<f32>
func.func @transpose(%x: tensor<?x3x4xf32>, %m: tensor<2x5xi32>, %s: tensor<f32>) {
  %0 = tgraph.transpose %x permutation = [0, 2, 1] : tensor<?x3x4xf32> -> tensor<?x4x3xf32>
  %1 = tgraph.transpose %m permutation = [1, 0] : tensor<2x5xi32> -> tensor<5x2xi32>
  %2 = tgraph.transpose %x permutation = [2, 0, 1] : tensor<?x3x4xf32> -> tensor<4x7x3xf32>
  %3 = tgraph.transpose %s permutation = [] : tensor<f32> -> tensor<f32>
  return
}

// CHECK-LABEL: func.func @reshape
// CHECK: tgraph.reshape %{{.*}} : tensor<2x6xf32> -> tensor<3x4xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<2x6xf32> -> tensor<12xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<?x4xf32> -> tensor<?x2x2xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<2x6xf32> -> tensor<?xf32>
// CHECK: tgraph.reshape %{{.*}} : tensor<12xf32> -> tensor<1x1x12xf32>
func.func @reshape(%x: tensor<2x6xf32>, %d: tensor<?x4xf32>) {
  %0 = tgraph.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  %1 = tgraph.reshape %x : tensor<2x6xf32> -> tensor<12xf32>
  %2 = tgraph.reshape %d : tensor<?x4xf32> -> tensor<?x2x2xf32>
  %3 = tgraph.reshape %x : tensor<2x6xf32> -> tensor<?xf32>
  %4 = tgraph.reshape %1 : tensor<12xf32> -> tensor<1x1x12xf32>
  return
}

// CHECK-LABEL: func.func @broadcast
// CHECK: tgraph.broadcast %{{.*}} dims(%{{.*}}) : tensor<1x4xf32> -> tensor<?x3x4xf32>
// CHECK: tgraph.broadcast %{{.*}} : tensor<f32> -> tensor<2x2xf32>
// CHECK: tgraph.broadcast %{{.*}} : tensor<?xi64> -> tensor<5x7xi64>
// CHECK: tgraph.broadcast %{{.*}} : tensor<1x4xf32> -> tensor<1x4xf32>
func.func @broadcast(%x: tensor<1x4xf32>, %s: tensor<f32>, %d: tensor<?xi64>, %n: index) {
  %0 = tgraph.broadcast %x dims(%n) : tensor<1x4xf32> -> tensor<?x3x4xf32>
  %1 = tgraph.broadcast %s : tensor<f32> -> tensor<2x2xf32>
  %2 = tgraph.broadcast %d : tensor<?xi64> -> tensor<5x7xi64>
  %3 = tgraph.broadcast %x : tensor<1x4xf32> -> tensor<1x4xf32>
  return
}

// CHECK-LABEL: func.func @slice
// CHECK: tgraph.slice %{{.*}} offsets = [0, 2] sizes = [4, 3] strides = [2, 1] : tensor<?x8xf32> -> tensor<4x3xf32>
// CHECK: tgraph.slice %{{.*}} offsets = [1] sizes = [3] strides = [3] : tensor<10xi32> -> tensor<3xi32>
// CHECK: tgraph.slice %{{.*}} offsets = [10] sizes = [0] strides = [1] : tensor<10xi32> -> tensor<0xi32>
// CHECK: tgraph.slice %{{.*}} offsets = [0, 2] sizes = [%{{.*}}, 3] strides = [1, 2] : tensor<?x8xf32> -> tensor<?x3xf32>
// CHECK: tgraph.slice %{{.*}} offsets = [%[[O:.*]], 0] sizes = [%[[S:.*]], 8] strides = [1, 1] : tensor<?x8xf32> -> tensor<?x8xf32>
// CHECK: tgraph.slice %{{.*}} offsets = [%[[O]], 1] sizes = [2, 1] strides = [1, 1] : tensor<?x8xf32> -> tensor<2x1xf32>
func.func @slice(%x: tensor<?x8xf32>, %y: tensor<10xi32>, %o: index, %s: index) {
  %0 = tgraph.slice %x offsets = [0, 2] sizes = [4, 3] strides = [2, 1] : tensor<?x8xf32> -> tensor<4x3xf32>
  %1 = tgraph.slice %y offsets = [1] sizes = [3] strides = [3] : tensor<10xi32> -> tensor<3xi32>
  %2 = tgraph.slice %y offsets = [10] sizes = [0] strides = [1] : tensor<10xi32> -> tensor<0xi32>
  // A dynamic dim taken whole, and narrowed by run-time offsets and sizes.
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %3 = tgraph.slice %x offsets = [0, 2] sizes = [%n, 3] strides = [1, 2] : tensor<?x8xf32> -> tensor<?x3xf32>
  %4 = tgraph.slice %x offsets = [%o, 0] sizes = [%s, 8] strides = [1, 1] : tensor<?x8xf32> -> tensor<?x8xf32>
  %5 = tgraph.slice %x offsets = [%o, 1] sizes = [2, 1] strides = [1, 1] : tensor<?x8xf32> -> tensor<2x1xf32>
  return
}

// CHECK-LABEL: func.func @concat
// CHECK: tgraph.concat %{{.*}}, %{{.*}} axis = 0 : tensor<2x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
// CHECK: tgraph.concat %{{.*}}, %{{.*}}, %{{.*}} axis = 0 : tensor<2x4xf32>, tensor<3x?xf32>, tensor<2x4xf32> -> tensor<7x4xf32>
// CHECK: tgraph.concat %{{.*}}, %{{.*}} axis = 1 : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x8xf32>
// CHECK: tgraph.concat %{{.*}} axis = 1 : tensor<?x4xf32> -> tensor<?x4xf32>
func.func @concat(%a: tensor<2x4xf32>, %b: tensor<?x4xf32>, %c: tensor<3x?xf32>) {
  %0 = tgraph.concat %a, %b axis = 0 : tensor<2x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %1 = tgraph.concat %a, %c, %a axis = 0 : tensor<2x4xf32>, tensor<3x?xf32>, tensor<2x4xf32> -> tensor<7x4xf32>
  %2 = tgraph.concat %a, %a axis = 1 : tensor<2x4xf32>, tensor<2x4xf32> -> tensor<2x8xf32>
  %3 = tgraph.concat %b axis = 1 : tensor<?x4xf32> -> tensor<?x4xf32>
  return
}

// CHECK-LABEL: func.func @pad
// CHECK: tgraph.pad %{{.*}} low = [1, 0] high = [2, 0] value = 0.000000e+00 : f32 : tensor<?x3xf32> -> tensor<?x3xf32>
// CHECK: tgraph.pad %{{.*}} low = [1, 2] high = [0, 1] value = -1 : i32 : tensor<2x2xi32> -> tensor<3x5xi32>
// CHECK: tgraph.pad %{{.*}} low = [0, 1] high = [0, 1] value = 1.500000e+00 : f32 : tensor<?x3xf32> -> tensor<8x5xf32>
func.func @pad(%x: tensor<?x3xf32>, %i: tensor<2x2xi32>) {
  %0 = tgraph.pad %x low = [1, 0] high = [2, 0] value = 0.0 : f32 : tensor<?x3xf32> -> tensor<?x3xf32>
  %1 = tgraph.pad %i low = [1, 2] high = [0, 1] value = -1 : i32 : tensor<2x2xi32> -> tensor<3x5xi32>
  %2 = tgraph.pad %x low = [0, 1] high = [0, 1] value = 1.5 : f32 : tensor<?x3xf32> -> tensor<8x5xf32>
  return
}

// CHECK-LABEL: func.func @gather
// CHECK: tgraph.gather %{{.*}}, %{{.*}} axis = 0 : tensor<1000x64xf32>, tensor<?x16xi64> -> tensor<?x16x64xf32>
// CHECK: tgraph.gather %{{.*}}, %{{.*}} axis = 1 : tensor<2x5x3xf16>, tensor<4xi32> -> tensor<2x4x3xf16>
// CHECK: tgraph.gather %{{.*}}, %{{.*}} axis = 2 : tensor<2x5x3xf16>, tensor<i32> -> tensor<2x5xf16>
func.func @gather(%table: tensor<1000x64xf32>, %ids: tensor<?x16xi64>, %x: tensor<2x5x3xf16>, %j: tensor<4xi32>, %k: tensor<i32>) {
  %0 = tgraph.gather %table, %ids axis = 0 : tensor<1000x64xf32>, tensor<?x16xi64> -> tensor<?x16x64xf32>
  %1 = tgraph.gather %x, %j axis = 1 : tensor<2x5x3xf16>, tensor<4xi32> -> tensor<2x4x3xf16>
  %2 = tgraph.gather %x, %k axis = 2 : tensor<2x5x3xf16>, tensor<i32> -> tensor<2x5xf16>
  return
}

// CHECK-LABEL: func.func @scatter
// CHECK: tgraph.scatter %{{.*}}, %{{.*}}, %{{.*}} axis = 0 {accumulate = true} : tensor<1000x64xf32>, tensor<?x16xi64>, tensor<?x16x64xf32>
// CHECK: tgraph.scatter %{{.*}}, %{{.*}}, %{{.*}} axis = 1 : tensor<2x5x3xf16>, tensor<4xi32>, tensor<2x4x3xf16>
func.func @scatter(%table: tensor<1000x64xf32>, %ids: tensor<?x16xi64>, %rows: tensor<?x16x64xf32>, %x: tensor<2x5x3xf16>, %j: tensor<4xi32>, %u: tensor<2x4x3xf16>) {
  %0 = tgraph.scatter %table, %ids, %rows axis = 0 {accumulate = true} : tensor<1000x64xf32>, tensor<?x16xi64>, tensor<?x16x64xf32>
  %1 = tgraph.scatter %x, %j, %u axis = 1 : tensor<2x5x3xf16>, tensor<4xi32>, tensor<2x4x3xf16>
  return
}

// CHECK-LABEL: func.func @iota_and_reshape_dims
// CHECK: tgraph.iota axis = 1 dims(%{{.*}}) : tensor<?x3xi64>
// CHECK: tgraph.reshape %{{.*}} dims(%{{.*}}, %{{.*}}) : tensor<?x?xf32> -> tensor<?x1x?xf32>
func.func @iota_and_reshape_dims(%x: tensor<?x?xf32>, %n: index, %m: index) {
  %0 = tgraph.iota axis = 1 dims(%n) : tensor<?x3xi64>
  %1 = tgraph.reshape %x dims(%n, %m) : tensor<?x?xf32> -> tensor<?x1x?xf32>
  return
}
