// RUN: tessera-opt %s --tgraph-pin-policies | FileCheck %s

// A strict function's operators carry its policy; an operator with a
// policy of its own keeps it; the terminator and entries are left alone, and
// so are functions without a policy.

// CHECK-LABEL: func.func private @strict_op(
// CHECK-NEXT: %[[S:.*]] = tgraph.add %{{.*}}, %{{.*}} {tgraph.policy = "numeric(strict: true)"}
// CHECK-NEXT: %{{.*}} = tgraph.mul %[[S]], %{{.*}} {tgraph.policy = "numeric(strict: false)"}
// CHECK-NEXT: return %{{.*}} : tensor<4xf32>
func.func private @strict_op(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {tgraph.policy = "numeric(strict: true)"} {
  %s = tgraph.add %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  %m = tgraph.mul %s, %x {tgraph.policy = "numeric(strict: false)"} : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %m : tensor<4xf32>
}

// CHECK-LABEL: func.func private @no_policy(
// CHECK-NEXT: tgraph.add %arg0, %arg0 : tensor<4xf32>
func.func private @no_policy(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = tgraph.add %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// CHECK-LABEL: func.func @e(
// CHECK-NEXT: tgraph.add %arg0, %arg0 : tensor<4xf32>
func.func @e(%x: tensor<4xf32>) -> tensor<4xf32>
    attributes {tgraph.entry, tgraph.policy = "numeric(strict: true)"} {
  %s = tgraph.add %x, %x : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
  return %s : tensor<4xf32>
}
