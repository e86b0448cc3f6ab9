// RUN: tessera-opt %s --tgraph-decompose | FileCheck %s
// RUN: tessera-opt %s --tgraph-decompose | FileCheck %s --check-prefix=NONE

// Composite operators become the primitives they are defined by, which the
// CPU backend schedules: reductions, broadcasts back to the operand's shape,
// and elementwise arithmetic. No composite is left, cross_entropy's inner
// log_softmax included.
// NONE-NOT: tgraph.softmax
// NONE-NOT: tgraph.log_softmax
// NONE-NOT: tgraph.layernorm
// NONE-NOT: tgraph.rmsnorm
// NONE-NOT: tgraph.cross_entropy
// NONE-NOT: tgraph.mse

// softmax: exp(x - max) / sum(exp(x - max)) along the axis; the broadcasts
// take the operand's run-time extents.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<?x?xf32>)
// CHECK-NEXT: %[[MAX:.*]] = tgraph.reduce_max %[[X]] axes = [1] {keepdims = true} : tensor<?x?xf32> -> tensor<?x1xf32>
// CHECK: %[[D0:.*]] = tensor.dim %[[X]], %{{.*}}
// CHECK: %[[D1:.*]] = tensor.dim %[[X]], %{{.*}}
// CHECK-NEXT: %[[MAXB:.*]] = tgraph.broadcast %[[MAX]] dims(%[[D0]], %[[D1]]) : tensor<?x1xf32> -> tensor<?x?xf32>
// CHECK-NEXT: %[[SH:.*]] = tgraph.sub %[[X]], %[[MAXB]]
// CHECK-NEXT: %[[E:.*]] = tgraph.exp %[[SH]]
// CHECK-NEXT: %[[S:.*]] = tgraph.reduce_sum %[[E]] axes = [1] {keepdims = true}
// CHECK: %[[SB:.*]] = tgraph.broadcast %[[S]] dims(
// CHECK-NEXT: %[[Y:.*]] = tgraph.div %[[E]], %[[SB]]
// CHECK-NEXT: return %[[Y]]
func.func @softmax(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = tgraph.softmax %x axis = 1 : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// log_softmax: (x - max) - log(sum(exp(x - max))), here along axis 0 of a
// static f64 tensor.
// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME: (%[[X:.*]]: tensor<4x6xf64>)
// CHECK-NEXT: %[[MAX:.*]] = tgraph.reduce_max %[[X]] axes = [0] {keepdims = true} : tensor<4x6xf64> -> tensor<1x6xf64>
// CHECK-NEXT: %[[MAXB:.*]] = tgraph.broadcast %[[MAX]] : tensor<1x6xf64> -> tensor<4x6xf64>
// CHECK-NEXT: %[[SH:.*]] = tgraph.sub %[[X]], %[[MAXB]]
// CHECK-NEXT: %[[E:.*]] = tgraph.exp %[[SH]]
// CHECK-NEXT: %[[S:.*]] = tgraph.reduce_sum %[[E]] axes = [0] {keepdims = true}
// CHECK-NEXT: %[[L:.*]] = tgraph.log %[[S]] : tensor<1x6xf64>
// CHECK-NEXT: %[[LB:.*]] = tgraph.broadcast %[[L]] : tensor<1x6xf64> -> tensor<4x6xf64>
// CHECK-NEXT: %[[Y:.*]] = tgraph.sub %[[SH]], %[[LB]]
// CHECK-NEXT: return %[[Y]]
func.func @log_softmax(%x: tensor<4x6xf64>) -> tensor<4x6xf64> {
  %y = tgraph.log_softmax %x axis = 0 : tensor<4x6xf64>
  return %y : tensor<4x6xf64>
}

// layernorm: (x - mean) * rsqrt(mean((x - mean)^2) + eps), then the scale
// and bias reshaped to [1, C] and broadcast along the axis.
// CHECK-LABEL: func.func @layernorm
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x8xf32>, %[[G:[^:]*]]: tensor<8xf32>, %[[B:[^:]*]]: tensor<8xf32>)
// CHECK-NEXT: %[[MEAN:.*]] = tgraph.reduce_mean %[[X]] axes = [1] {keepdims = true} : tensor<?x8xf32> -> tensor<?x1xf32>
// CHECK: %[[MEANB:.*]] = tgraph.broadcast %[[MEAN]] dims(
// CHECK-NEXT: %[[D:.*]] = tgraph.sub %[[X]], %[[MEANB]]
// CHECK-NEXT: %[[D2:.*]] = tgraph.mul %[[D]], %[[D]]
// CHECK-NEXT: %[[VAR:.*]] = tgraph.reduce_mean %[[D2]] axes = [1] {keepdims = true}
// CHECK-NEXT: %[[EPS:.*]] = tgraph.constant 9.99999974E-6 : f32 -> tensor<f32>
// CHECK-NEXT: %[[VE:.*]] = tgraph.add %[[VAR]], %[[EPS]] : tensor<?x1xf32>, tensor<f32> -> tensor<?x1xf32>
// CHECK-NEXT: %[[R:.*]] = tgraph.rsqrt %[[VE]]
// CHECK: %[[RB:.*]] = tgraph.broadcast %[[R]] dims(
// CHECK-NEXT: %[[N:.*]] = tgraph.mul %[[D]], %[[RB]]
// CHECK-NEXT: %[[GR:.*]] = tgraph.reshape %[[G]] : tensor<8xf32> -> tensor<1x8xf32>
// CHECK: %[[GB:.*]] = tgraph.broadcast %[[GR]] dims(
// CHECK-NEXT: %[[SC:.*]] = tgraph.mul %[[N]], %[[GB]]
// CHECK-NEXT: %[[BR:.*]] = tgraph.reshape %[[B]] : tensor<8xf32> -> tensor<1x8xf32>
// CHECK: %[[BB:.*]] = tgraph.broadcast %[[BR]] dims(
// CHECK-NEXT: %[[Y:.*]] = tgraph.add %[[SC]], %[[BB]]
// CHECK-NEXT: return %[[Y]]
func.func @layernorm(%x: tensor<?x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = tgraph.layernorm %x scale(%g : tensor<8xf32>) bias(%b : tensor<8xf32>) axis = 1 epsilon = 1.0e-05 : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// rmsnorm: x * rsqrt(mean(x^2) + eps); no scale or bias here.
// CHECK-LABEL: func.func @rmsnorm
// CHECK-SAME: (%[[X:.*]]: tensor<?x8xf32>)
// CHECK-NEXT: %[[SQ:.*]] = tgraph.mul %[[X]], %[[X]]
// CHECK-NEXT: %[[MS:.*]] = tgraph.reduce_mean %[[SQ]] axes = [1] {keepdims = true}
// CHECK-NEXT: %[[EPS:.*]] = tgraph.constant 9.99999997E-7 : f32 -> tensor<f32>
// CHECK-NEXT: %[[V:.*]] = tgraph.add %[[MS]], %[[EPS]]
// CHECK-NEXT: %[[R:.*]] = tgraph.rsqrt %[[V]]
// CHECK: %[[RB:.*]] = tgraph.broadcast %[[R]] dims(
// CHECK-NEXT: %[[Y:.*]] = tgraph.mul %[[X]], %[[RB]]
// CHECK-NEXT: return %[[Y]]
// CHECK-NOT: tgraph.reshape
func.func @rmsnorm(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = tgraph.rmsnorm %x axis = 1 epsilon = 1.0e-06 : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// cross_entropy: -sum(log_softmax(logits) * onehot(labels)) / positions,
// the one-hot mask from an iota along the class axis compared with the
// labels; the count of positions is computed from the extents.
// CHECK-LABEL: func.func @cross_entropy
// CHECK-SAME: (%[[L:[^:]*]]: tensor<?x5xf32>, %[[Y:[^:]*]]: tensor<?xi64>)
// CHECK: tgraph.reduce_max %[[L]] axes = [1] {keepdims = true}
// CHECK: tgraph.exp
// CHECK: tgraph.reduce_sum %{{.*}} axes = [1] {keepdims = true}
// CHECK: tgraph.log
// CHECK: %[[LS:.*]] = tgraph.sub
// CHECK: %[[IOTA:.*]] = tgraph.iota axis = 1 dims(%{{.*}}) : tensor<?x5xi64>
// CHECK: %[[COL:.*]] = tgraph.reshape %[[Y]] dims(%{{.*}}) : tensor<?xi64> -> tensor<?x1xi64>
// CHECK: %[[COLB:.*]] = tgraph.broadcast %[[COL]] dims(%{{.*}}) : tensor<?x1xi64> -> tensor<?x5xi64>
// CHECK-NEXT: %[[HOT:.*]] = tgraph.compare eq, %[[IOTA]], %[[COLB]] : tensor<?x5xi64>, tensor<?x5xi64> -> tensor<?x5xi1>
// CHECK-NEXT: %[[MASK:.*]] = tgraph.cast %[[HOT]] : tensor<?x5xi1> -> tensor<?x5xf32>
// CHECK-NEXT: %[[PICK:.*]] = tgraph.mul %[[LS]], %[[MASK]]
// CHECK-NEXT: %[[TOT:.*]] = tgraph.reduce_sum %[[PICK]] axes = [0, 1] : tensor<?x5xf32> -> tensor<f32>
// CHECK: %[[B:.*]] = tensor.dim %[[L]], %{{.*}}
// CHECK-NEXT: %[[BI:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK-NEXT: %[[BF:.*]] = arith.sitofp %[[BI]] : i64 to f32
// CHECK-NEXT: %[[CNT:.*]] = tensor.from_elements %[[BF]] : tensor<f32>
// CHECK-NEXT: %[[MEAN:.*]] = tgraph.div %[[TOT]], %[[CNT]]
// CHECK-NEXT: %[[R:.*]] = tgraph.neg %[[MEAN]]
// CHECK-NEXT: return %[[R]]
func.func @cross_entropy(%l: tensor<?x5xf32>, %y: tensor<?xi64>) -> tensor<f32> {
  %r = tgraph.cross_entropy %l, %y : tensor<?x5xf32>, tensor<?xi64> -> tensor<f32>
  return %r : tensor<f32>
}

// mse: sum((a - b)^2) / (number of elements), the count a dim times the
// static extent.
// CHECK-LABEL: func.func @mse
// CHECK-SAME: (%[[A:[^:]*]]: tensor<?x3xf32>, %[[B:[^:]*]]: tensor<?x3xf32>)
// CHECK-NEXT: %[[D:.*]] = tgraph.sub %[[A]], %[[B]]
// CHECK-NEXT: %[[SQ:.*]] = tgraph.mul %[[D]], %[[D]]
// CHECK-NEXT: %[[S:.*]] = tgraph.reduce_sum %[[SQ]] axes = [0, 1] : tensor<?x3xf32> -> tensor<f32>
// CHECK: %[[N:.*]] = tensor.dim %[[D]], %{{.*}}
// CHECK-NEXT: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK-NEXT: %[[NF:.*]] = arith.sitofp %[[NI]] : i64 to f32
// CHECK-NEXT: %[[NT:.*]] = tensor.from_elements %[[NF]] : tensor<f32>
// CHECK-NEXT: %[[THREE:.*]] = tgraph.constant 3.000000e+00 : f32 -> tensor<f32>
// CHECK-NEXT: %[[CNT:.*]] = tgraph.mul %[[NT]], %[[THREE]]
// CHECK-NEXT: %[[Y:.*]] = tgraph.div %[[S]], %[[CNT]]
// CHECK-NEXT: return %[[Y]]
func.func @mse(%a: tensor<?x3xf32>, %b: tensor<?x3xf32>) -> tensor<f32> {
  %r = tgraph.mse %a, %b : tensor<?x3xf32>, tensor<?x3xf32> -> tensor<f32>
  return %r : tensor<f32>
}
