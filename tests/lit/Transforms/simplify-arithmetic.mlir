// RUN: tessera-opt %s --tgraph-simplify | FileCheck %s

// x * 1, 1 * x and x / 1 are x under any policy.
// CHECK-LABEL: func.func @times_one
// CHECK-SAME: (%[[X:.*]]: tensor<?xf32>)
// CHECK-NOT: tgraph.mul
// CHECK-NOT: tgraph.div
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @times_one(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
    attributes {tgraph.policy = "numeric(dtype: f32, accum: f32, deterministic: true, strict: true)"} {
  %one = tgraph.constant 1.0 : f32 -> tensor<f32>
  %0 = tgraph.mul %x, %one : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %1 = tgraph.mul %one, %x : tensor<f32>, tensor<?xf32> -> tensor<?xf32>
  %2 = tgraph.div %x, %one : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  return %0, %1, %2 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// Integers: x * 1 and x + 0 and x - 0.
// CHECK-LABEL: func.func @integers
// CHECK-SAME: (%[[X:.*]]: tensor<4xi32>)
// CHECK-NEXT: return %[[X]], %[[X]], %[[X]]
func.func @integers(%x: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>)
    attributes {tgraph.policy = "numeric(strict: true)"} {
  %one = tgraph.constant 1 : i32 -> tensor<i32>
  %zero = tgraph.constant 0 : i32 -> tensor<i32>
  %0 = tgraph.mul %one, %x : tensor<i32>, tensor<4xi32> -> tensor<4xi32>
  %1 = tgraph.add %zero, %x : tensor<i32>, tensor<4xi32> -> tensor<4xi32>
  %2 = tgraph.sub %x, %zero : tensor<4xi32>, tensor<i32> -> tensor<4xi32>
  return %0, %1, %2 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// Strict: x + (-0.0), (-0.0) + x and x - (+0.0) are exact for every x and
// fold; x + (+0.0) and x - (-0.0) give +0.0 for x = -0.0 and stay.
// CHECK-LABEL: func.func @strict_zeros
// CHECK-SAME: (%[[X:.*]]: tensor<?xf32>)
// CHECK-DAG: %[[P:.*]] = tgraph.constant 0.000000e+00 : f32
// CHECK-DAG: %[[N:.*]] = tgraph.constant -0.000000e+00 : f32
// CHECK: %[[A:.*]] = tgraph.add %[[X]], %[[P]]
// CHECK: %[[B:.*]] = tgraph.sub %[[X]], %[[N]]
// CHECK: return %[[X]], %[[X]], %[[X]], %[[A]], %[[B]]
func.func @strict_zeros(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>)
    attributes {tgraph.policy = "numeric(dtype: f32, strict: true)"} {
  %p = tgraph.constant 0.0 : f32 -> tensor<f32>
  %n = tgraph.constant -0.0 : f32 -> tensor<f32>
  %0 = tgraph.add %x, %n : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %1 = tgraph.add %n, %x : tensor<f32>, tensor<?xf32> -> tensor<?xf32>
  %2 = tgraph.sub %x, %p : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %3 = tgraph.add %x, %p : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %4 = tgraph.sub %x, %n : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  return %0, %1, %2, %3, %4 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// Without a strict policy every zero folds.
// CHECK-LABEL: func.func @relaxed_zeros
// CHECK-SAME: (%[[X:.*]]: tensor<?xbf16>)
// CHECK-NOT: tgraph.add
// CHECK-NOT: tgraph.sub
// CHECK: return %[[X]], %[[X]], %[[X]]
func.func @relaxed_zeros(%x: tensor<?xbf16>) -> (tensor<?xbf16>, tensor<?xbf16>, tensor<?xbf16>)
    attributes {tgraph.policy = "numeric(dtype: bf16, accum: f32, strict: false)"} {
  %p = tgraph.constant 0.0 : bf16 -> tensor<bf16>
  %n = tgraph.constant -0.0 : bf16 -> tensor<bf16>
  %0 = tgraph.add %x, %p : tensor<?xbf16>, tensor<bf16> -> tensor<?xbf16>
  %1 = tgraph.add %p, %x : tensor<bf16>, tensor<?xbf16> -> tensor<?xbf16>
  %2 = tgraph.sub %x, %n : tensor<?xbf16>, tensor<bf16> -> tensor<?xbf16>
  return %0, %1, %2 : tensor<?xbf16>, tensor<?xbf16>, tensor<?xbf16>
}

// A function without a policy has the default one, which is not strict.
// CHECK-LABEL: func.func @default_policy
// CHECK-SAME: (%[[X:.*]]: tensor<3xf64>)
// CHECK-NEXT: return %[[X]]
func.func @default_policy(%x: tensor<3xf64>) -> tensor<3xf64> {
  %p = tgraph.constant 0.0 : f64 -> tensor<f64>
  %0 = tgraph.add %x, %p : tensor<3xf64>, tensor<f64> -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// A policy given by name cannot be read here: it counts as strict.
// CHECK-LABEL: func.func @named_policy
// CHECK: tgraph.add
func.func @named_policy(%x: tensor<3xf64>) -> tensor<3xf64>
    attributes {tgraph.policy = "p"} {
  %p = tgraph.constant 0.0 : f64 -> tensor<f64>
  %0 = tgraph.add %x, %p : tensor<3xf64>, tensor<f64> -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// strict given by position (dtype, accum, deterministic, strict).
// CHECK-LABEL: func.func @positional_strict
// CHECK: tgraph.add
func.func @positional_strict(%x: tensor<3xf64>) -> tensor<3xf64>
    attributes {tgraph.policy = "numeric(f64, f64, true, true)"} {
  %p = tgraph.constant 0.0 : f64 -> tensor<f64>
  %0 = tgraph.add %x, %p : tensor<3xf64>, tensor<f64> -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// Double negation.
// CHECK-LABEL: func.func @neg_neg
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @neg_neg(%x: tensor<?x4xf32>) -> tensor<?x4xf32>
    attributes {tgraph.policy = "numeric(strict: true)"} {
  %0 = tgraph.neg %x : tensor<?x4xf32> -> tensor<?x4xf32>
  %1 = tgraph.neg %0 : tensor<?x4xf32> -> tensor<?x4xf32>
  return %1 : tensor<?x4xf32>
}

// x - x and x * 0 are not folded, under any policy: they are NaN for
// infinite or NaN x. 0 - x is not x. Other constants are not identities.
// CHECK-LABEL: func.func @not_identities
// CHECK: tgraph.sub %[[X:.*]], %[[X]]
// CHECK: tgraph.mul %[[X]], %{{.*}}
// CHECK: tgraph.sub %{{.*}}, %[[X]]
// CHECK: tgraph.mul %[[X]], %{{.*}}
// CHECK: tgraph.add %[[X]], %{{.*}}
// CHECK: tgraph.div %{{.*}}, %[[X]]
func.func @not_identities(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %zero = tgraph.constant 0.0 : f32 -> tensor<f32>
  %two = tgraph.constant 2.0 : f32 -> tensor<f32>
  %one = tgraph.constant 1.0 : f32 -> tensor<f32>
  %0 = tgraph.sub %x, %x : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
  %1 = tgraph.mul %x, %zero : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %2 = tgraph.sub %zero, %x : tensor<f32>, tensor<?xf32> -> tensor<?xf32>
  %3 = tgraph.mul %x, %two : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %4 = tgraph.add %x, %one : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
  %5 = tgraph.div %one, %x : tensor<f32>, tensor<?xf32> -> tensor<?xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}

// A scalar times a rank-0 one is the scalar; a one times a scalar whose
// result is the scalar's shape too.
// CHECK-LABEL: func.func @scalars
// CHECK-SAME: (%[[X:.*]]: tensor<f32>)
// CHECK-NEXT: return %[[X]]
func.func @scalars(%x: tensor<f32>) -> tensor<f32> {
  %one = tgraph.constant 1.0 : f32 -> tensor<f32>
  %0 = tgraph.mul %one, %x : tensor<f32>, tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}

// Rewrites inside a fixed-point body use the enclosing function's policy.
// CHECK-LABEL: func.func @in_fixed_point
// CHECK: ^bb0(%[[Y:.*]]: tensor<?xf32>):
// CHECK-NEXT: %[[C:.*]] = tgraph.cos %[[Y]]
// CHECK-NEXT: tgraph.yield %[[C]]
func.func @in_fixed_point(%x: tensor<?xf32>) -> tensor<?xf32>
    attributes {tgraph.policy = "numeric(strict: true)"} {
  %r = tgraph.fixed_point %x tol = 1.0e-06 max_iter = 100 : tensor<?xf32> {
  ^bb0(%y: tensor<?xf32>):
    %one = tgraph.constant 1.0 : f32 -> tensor<f32>
    %c = tgraph.cos %y : tensor<?xf32>
    %m = tgraph.mul %c, %one : tensor<?xf32>, tensor<f32> -> tensor<?xf32>
    tgraph.yield %m : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
