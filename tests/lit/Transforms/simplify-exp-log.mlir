// RUN: tessera-opt %s --tgraph-simplify | FileCheck %s

// exp(log(x)) and log(exp(x)) are x without a strict policy.
// CHECK-LABEL: func.func @inverses
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK-NOT: tgraph.exp
// CHECK-NOT: tgraph.log
// CHECK: return %[[X]], %[[X]]
func.func @inverses(%x: tensor<?x4xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>)
    attributes {tgraph.policy = "numeric(dtype: f32, accum: f32, deterministic: true, strict: false)"} {
  %0 = tgraph.log %x : tensor<?x4xf32>
  %1 = tgraph.exp %0 : tensor<?x4xf32>
  %2 = tgraph.exp %x : tensor<?x4xf32>
  %3 = tgraph.log %2 : tensor<?x4xf32>
  return %1, %3 : tensor<?x4xf32>, tensor<?x4xf32>
}

// The log still used elsewhere stays; only the exp of it goes.
// CHECK-LABEL: func.func @shared
// CHECK-SAME: (%[[X:.*]]: tensor<8xf64>)
// CHECK-NEXT: %[[L:.*]] = tgraph.log %[[X]]
// CHECK-NEXT: return %[[X]], %[[L]]
func.func @shared(%x: tensor<8xf64>) -> (tensor<8xf64>, tensor<8xf64>) {
  %0 = tgraph.log %x : tensor<8xf64>
  %1 = tgraph.exp %0 : tensor<8xf64>
  return %1, %0 : tensor<8xf64>, tensor<8xf64>
}

// Strict: exp(log(x)) is NaN for x < 0 and log(exp(x)) is inf where exp
// overflows; nothing changes.
// CHECK-LABEL: func.func @strict
// CHECK-SAME: (%[[X:.*]]: tensor<?xf32>)
// CHECK-NEXT: %[[A:.*]] = tgraph.log %[[X]]
// CHECK-NEXT: %[[B:.*]] = tgraph.exp %[[A]]
// CHECK-NEXT: %[[C:.*]] = tgraph.exp %[[X]]
// CHECK-NEXT: %[[D:.*]] = tgraph.log %[[C]]
// CHECK-NEXT: return %[[B]], %[[D]]
func.func @strict(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>)
    attributes {tgraph.policy = "numeric(dtype: f32, strict: true)"} {
  %0 = tgraph.log %x : tensor<?xf32>
  %1 = tgraph.exp %0 : tensor<?xf32>
  %2 = tgraph.exp %x : tensor<?xf32>
  %3 = tgraph.log %2 : tensor<?xf32>
  return %1, %3 : tensor<?xf32>, tensor<?xf32>
}

// Other compositions are not inverses: log1p(exp(x)), exp(exp(x)).
// CHECK-LABEL: func.func @not_inverses
// CHECK: tgraph.exp
// CHECK-NEXT: tgraph.log1p
// CHECK-NEXT: tgraph.exp
func.func @not_inverses(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %0 = tgraph.exp %x : tensor<?xf32>
  %1 = tgraph.log1p %0 : tensor<?xf32>
  %2 = tgraph.exp %0 : tensor<?xf32>
  return %1, %2 : tensor<?xf32>, tensor<?xf32>
}
