// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// CHECK-LABEL: func.func @group
func.func @group(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  // CHECK: tsched.fusion_group(%{{.*}}, %{{.*}}) {kind = "elementwise", shape = ["N"], tile = array<i64: 1024>} : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> {
  // CHECK: ^bb0(%[[X:.*]]: tensor<?xf32>, %[[Y:.*]]: tensor<?xf32>):
  // CHECK:   %[[M:.*]] = tgraph.mul %[[X]], %[[Y]]
  // CHECK:   tsched.yield %[[M]] : tensor<?xf32>
  %r = tsched.fusion_group(%a, %b) {kind = "elementwise", shape = ["N"], tile = array<i64: 1024>}
      : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32> {
  ^bb0(%x: tensor<?xf32>, %y: tensor<?xf32>):
    %m = tgraph.mul %x, %y : tensor<?xf32>, tensor<?xf32> -> tensor<?xf32>
    tsched.yield %m : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
