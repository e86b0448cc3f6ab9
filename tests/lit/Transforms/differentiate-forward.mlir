// RUN: tessera-opt %s --tgraph-differentiate | FileCheck %s
// Forward mode: f.jvp interleaves each op with its JVP rule; an input whose
// tangent is not needed contributes nothing.

func.func private @f(%a: tensor<?x8xf32>, %b: tensor<8x4xf32>) -> tensor<?x4xf32> {
  %0 = tgraph.matmul %a, %b : tensor<?x8xf32>, tensor<8x4xf32> -> tensor<?x4xf32>
  %1 = tgraph.sin %0 : tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// CHECK-LABEL: func.func private @f.jvp(%arg0: tensor<?x8xf32>, %arg1: tensor<8x4xf32>, %arg2: tensor<?x8xf32>, %arg3: tensor<8x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>)
// CHECK: %[[M:.*]] = tgraph.matmul %arg0, %arg1
// CHECK: %[[DA:.*]] = tgraph.matmul %arg2, %arg1
// CHECK: %[[DB:.*]] = tgraph.matmul %arg0, %arg3
// CHECK: %[[DM:.*]] = tgraph.add %[[DA]], %[[DB]]
// CHECK: %[[S:.*]] = tgraph.sin %[[M]]
// CHECK: %[[C:.*]] = tgraph.cos %[[M]]
// CHECK: %[[DS:.*]] = tgraph.mul %[[DM]], %[[C]]
// CHECK: return %[[S]], %[[DS]]

// CHECK-LABEL: func.func @use
// CHECK: %[[R:.*]]:2 = call @f.jvp(%arg0, %arg1, %arg2, %arg3)
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @use(%a: tensor<?x8xf32>, %b: tensor<8x4xf32>, %da: tensor<?x8xf32>, %db: tensor<8x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %y, %dy = tgraph.jvp @f(%a, %b) tangents(%da, %db : tensor<?x8xf32>, tensor<8x4xf32>) : (tensor<?x8xf32>, tensor<8x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>)
  return %y, %dy : tensor<?x4xf32>, tensor<?x4xf32>
}

// Integer inputs carry no tangent: the gather's indices.
func.func private @g(%t: tensor<10x3xf64>, %i: tensor<?xi64>) -> tensor<?x3xf64> {
  %0 = tgraph.gather %t, %i axis = 0 : tensor<10x3xf64>, tensor<?xi64> -> tensor<?x3xf64>
  return %0 : tensor<?x3xf64>
}
// CHECK-LABEL: func.func private @g.jvp
// CHECK: tgraph.gather %arg0, %arg1
// CHECK: %[[DG:.*]] = tgraph.gather %arg2, %arg1
// CHECK: return %{{.*}}, %[[DG]]
func.func @use_g(%t: tensor<10x3xf64>, %i: tensor<?xi64>, %dt: tensor<10x3xf64>, %di: tensor<?xi64>) -> (tensor<?x3xf64>, tensor<?x3xf64>) {
  %y, %dy = tgraph.jvp @g(%t, %i) tangents(%dt, %di : tensor<10x3xf64>, tensor<?xi64>) : (tensor<10x3xf64>, tensor<?xi64>) -> (tensor<?x3xf64>, tensor<?x3xf64>)
  return %y, %dy : tensor<?x3xf64>, tensor<?x3xf64>
}
