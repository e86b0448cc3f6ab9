// RUN: tessera-opt %s | FileCheck %s
// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @ops
func.func @ops(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  // CHECK: %[[C:.*]] = tgraph.constant 2.000000e+00 : f32 -> tensor<f32>
  %c = tgraph.constant 2.0 : f32 -> tensor<f32>
  // CHECK: tgraph.add %{{.*}}, %{{.*}} : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %0 = tgraph.add %a, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  // CHECK: tgraph.sub
  %1 = tgraph.sub %0, %b : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  // CHECK: tgraph.mul %{{.*}}, %[[C]] : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %2 = tgraph.mul %1, %c : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  // CHECK: tgraph.div
  %3 = tgraph.div %2, %a : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  // CHECK: tgraph.neg %{{.*}} : tensor<?xf32> -> tensor<?xf32>
  %4 = tgraph.neg %3 : tensor<?xf32> -> tensor<?xf32>
  // CHECK: tgraph.rem %{{.*}}, %[[C]] : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %5 = tgraph.rem %4, %c : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  return %5 : tensor<?xf32>
}
