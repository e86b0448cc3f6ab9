// RUN: tessera-opt %s --tgraph-differentiate | FileCheck %s
// The adjoints of slice, pad and concat are layout operators where the
// extents are known (the CPU backend schedules those; it has no scatter or
// gather): a slice's VJP pads the cotangent with zeros (a strided slice
// first gives each element its stride's zeros), a pad's or a concat's VJP
// slices it.

func.func private @s(%x: tensor<5x4xf32>) -> tensor<5x2xf32> {
  %0 = tgraph.slice %x offsets = [0, 1] sizes = [5, 2] strides = [1, 1] : tensor<5x4xf32> -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}
// CHECK-LABEL: func.func private @s.vjp(%arg0: tensor<5x4xf32>, %arg1: tensor<5x2xf32>)
// CHECK: %[[P:.*]] = tgraph.pad %arg1 low = [0, 1] high = [0, 1] value = 0.000000e+00 : f32 : tensor<5x2xf32> -> tensor<5x4xf32>
// CHECK: return %{{.*}}, %[[P]]
func.func @vs(%x: tensor<5x4xf32>, %g: tensor<5x2xf32>) -> tensor<5x4xf32> {
  %r = tgraph.vjp @s(%x) cotangents(%g : tensor<5x2xf32>) : (tensor<5x4xf32>) -> tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}
func.func private @st(%x: tensor<?x7xf32>) -> tensor<3x3xf32> {
  %0 = tgraph.slice %x offsets = [1, 0] sizes = [3, 3] strides = [2, 3] : tensor<?x7xf32> -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}
// Stride 3 along the last dim: no room for the zeros after columns 0, 3
// and 6, so the spread is trimmed. Along dim 0, whose extent N is only
// known at run time, the same spread (rows 1, 3, 5 of 6) goes between
// zeros: 1 before, N after (as many as always suffice), cut at N.
// CHECK-LABEL: func.func private @st.vjp(%arg0: tensor<?x7xf32>, %arg1: tensor<3x3xf32>)
// CHECK: %[[R:.*]] = tgraph.reshape %arg1 : tensor<3x3xf32> -> tensor<3x3x1xf32>
// CHECK: %[[P:.*]] = tgraph.pad %[[R]] low = [0, 0, 0] high = [0, 0, 2] value = 0.000000e+00 : f32 : tensor<3x3x1xf32> -> tensor<3x3x3xf32>
// CHECK: %[[M:.*]] = tgraph.reshape %[[P]] : tensor<3x3x3xf32> -> tensor<3x9xf32>
// CHECK: %[[T:.*]] = tgraph.slice %[[M]] offsets = [0, 0] sizes = [3, 7] strides = [1, 1] : tensor<3x9xf32> -> tensor<3x7xf32>
// CHECK: %[[R0:.*]] = tgraph.reshape %[[T]] : tensor<3x7xf32> -> tensor<3x1x7xf32>
// CHECK: %[[P0:.*]] = tgraph.pad %[[R0]] low = [0, 0, 0] high = [0, 1, 0] value = 0.000000e+00 : f32 : tensor<3x1x7xf32> -> tensor<3x2x7xf32>
// CHECK: %[[M0:.*]] = tgraph.reshape %[[P0]] : tensor<3x2x7xf32> -> tensor<6x7xf32>
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[Z1:.*]] = tgraph.broadcast %{{.*}} : tensor<f32> -> tensor<1x7xf32>
// CHECK: %[[ZN:.*]] = tgraph.broadcast %{{.*}} dims(%[[N]]) : tensor<f32> -> tensor<?x7xf32>
// CHECK: %[[C:.*]] = tgraph.concat %[[Z1]], %[[M0]], %[[ZN]] axis = 0 : tensor<1x7xf32>, tensor<6x7xf32>, tensor<?x7xf32> -> tensor<?x7xf32>
// CHECK: %[[S:.*]] = tgraph.slice %[[C]] offsets = [0, 0] sizes = [%[[N]], 7] strides = [1, 1] : tensor<?x7xf32> -> tensor<?x7xf32>
// CHECK-NOT: tgraph.scatter
// CHECK: return %{{.*}}, %[[S]]
func.func @vst(%x: tensor<?x7xf32>, %g: tensor<3x3xf32>) -> tensor<?x7xf32> {
  %r = tgraph.vjp @st(%x) cotangents(%g : tensor<3x3xf32>) : (tensor<?x7xf32>) -> tensor<?x7xf32>
  return %r : tensor<?x7xf32>
}
func.func private @st2(%x: tensor<6x7xf32>) -> tensor<3x4xf32> {
  %0 = tgraph.slice %x offsets = [1, 0] sizes = [3, 4] strides = [2, 2] : tensor<6x7xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
// Rows 1, 3, 5 (the zeros before each) and columns 0, 2, 4, 6 (after).
// CHECK-LABEL: func.func private @st2.vjp(%arg0: tensor<6x7xf32>, %arg1: tensor<3x4xf32>)
// CHECK: %[[R:.*]] = tgraph.reshape %arg1 : tensor<3x4xf32> -> tensor<3x4x1xf32>
// CHECK: %[[P:.*]] = tgraph.pad %[[R]] low = [0, 0, 0] high = [0, 0, 1] {{.*}} -> tensor<3x4x2xf32>
// CHECK: %[[M:.*]] = tgraph.reshape %[[P]] : tensor<3x4x2xf32> -> tensor<3x8xf32>
// CHECK: %[[T:.*]] = tgraph.slice %[[M]] offsets = [0, 0] sizes = [3, 7] strides = [1, 1]
// CHECK: %[[R2:.*]] = tgraph.reshape %[[T]] : tensor<3x7xf32> -> tensor<3x1x7xf32>
// CHECK: %[[P2:.*]] = tgraph.pad %[[R2]] low = [0, 1, 0] high = [0, 0, 0] {{.*}} -> tensor<3x2x7xf32>
// CHECK: %[[M2:.*]] = tgraph.reshape %[[P2]] : tensor<3x2x7xf32> -> tensor<6x7xf32>
// CHECK-NOT: tgraph.pad
// CHECK: return %{{.*}}, %[[M2]]
func.func @vst2(%x: tensor<6x7xf32>, %g: tensor<3x4xf32>) -> tensor<6x7xf32> {
  %r = tgraph.vjp @st2(%x) cotangents(%g : tensor<3x4xf32>) : (tensor<6x7xf32>) -> tensor<6x7xf32>
  return %r : tensor<6x7xf32>
}
func.func private @st3(%x: tensor<6x7xf32>) -> tensor<6x3xf32> {
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [6, 3] strides = [1, 3] : tensor<6x7xf32> -> tensor<6x3xf32>
  return %0 : tensor<6x3xf32>
}
// CHECK-LABEL: func.func private @st3.vjp
// CHECK-NOT: tgraph.scatter
// CHECK: return
func.func @vst3(%x: tensor<6x7xf32>, %g: tensor<6x3xf32>) -> tensor<6x7xf32> {
  %r = tgraph.vjp @st3(%x) cotangents(%g : tensor<6x3xf32>) : (tensor<6x7xf32>) -> tensor<6x7xf32>
  return %r : tensor<6x7xf32>
}
func.func private @p(%x: tensor<3x4xf32>) -> tensor<4x7xf32> {
  %0 = tgraph.pad %x low = [1, 2] high = [0, 1] value = 0.0 : f32 : tensor<3x4xf32> -> tensor<4x7xf32>
  return %0 : tensor<4x7xf32>
}
// CHECK-LABEL: func.func private @p.vjp(%arg0: tensor<3x4xf32>, %arg1: tensor<4x7xf32>)
// CHECK: %[[S:.*]] = tgraph.slice %arg1 offsets = [1, 2] sizes = [3, 4] strides = [1, 1] : tensor<4x7xf32> -> tensor<3x4xf32>
// CHECK: return %{{.*}}, %[[S]]
func.func @vp(%x: tensor<3x4xf32>, %g: tensor<4x7xf32>) -> tensor<3x4xf32> {
  %r = tgraph.vjp @p(%x) cotangents(%g : tensor<4x7xf32>) : (tensor<3x4xf32>) -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}
func.func private @c(%x: tensor<3x4xf32>, %y: tensor<3x2xf32>) -> tensor<3x6xf32> {
  %0 = tgraph.concat %x, %y axis = 1 : tensor<3x4xf32>, tensor<3x2xf32> -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}
// CHECK-LABEL: func.func private @c.vjp(%arg0: tensor<3x4xf32>, %arg1: tensor<3x2xf32>, %arg2: tensor<3x6xf32>)
// CHECK: %[[A:.*]] = tgraph.slice %arg2 offsets = [0, 0] sizes = [3, 4] strides = [1, 1] : tensor<3x6xf32> -> tensor<3x4xf32>
// CHECK: %[[B:.*]] = tgraph.slice %arg2 offsets = [0, 4] sizes = [3, 2] strides = [1, 1] : tensor<3x6xf32> -> tensor<3x2xf32>
// CHECK: return %{{.*}}, %[[A]], %[[B]]
func.func @vc(%x: tensor<3x4xf32>, %y: tensor<3x2xf32>, %g: tensor<3x6xf32>) -> (tensor<3x4xf32>, tensor<3x2xf32>) {
  %r:2 = tgraph.vjp @c(%x, %y) cotangents(%g : tensor<3x6xf32>) : (tensor<3x4xf32>, tensor<3x2xf32>) -> (tensor<3x4xf32>, tensor<3x2xf32>)
  return %r#0, %r#1 : tensor<3x4xf32>, tensor<3x2xf32>
}

// tensor.cast (a call of an op with symbolic dims with known extents): the
// cotangent is cast back to the operand's type, the tangent to the result's.
func.func private @sym(%x: tensor<?x4xf32>) -> tensor<f32> {
  %0 = tgraph.mul %x, %x : tensor<?x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
  %1 = tgraph.reduce_sum %0 axes = [0, 1] : tensor<?x4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
func.func private @known(%x: tensor<5x4xf32>) -> tensor<f32> {
  %c = tensor.cast %x : tensor<5x4xf32> to tensor<?x4xf32>
  %0 = call @sym(%c) : (tensor<?x4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}
// CHECK-LABEL: func.func private @known.jvp(%arg0: tensor<5x4xf32>, %arg1: tensor<5x4xf32>)
// CHECK: %[[C:.*]] = tensor.cast %arg0 : tensor<5x4xf32> to tensor<?x4xf32>
// CHECK: %[[T:.*]] = tensor.cast %arg1 : tensor<5x4xf32> to tensor<?x4xf32>
// CHECK: call @sym.jvp(%[[C]], %[[T]])
// CHECK-LABEL: func.func private @known.vjp(%arg0: tensor<5x4xf32>, %arg1: tensor<f32>)
// CHECK: %[[C:.*]] = tensor.cast %arg0 : tensor<5x4xf32> to tensor<?x4xf32>
// CHECK: %[[V:.*]]:2 = call @sym.vjp(%[[C]], %arg1)
// CHECK: %[[B:.*]] = tensor.cast %[[V]]#1 : tensor<?x4xf32> to tensor<5x4xf32>
// CHECK: return %{{.*}}, %[[B]]
func.func @vknown(%x: tensor<5x4xf32>, %g: tensor<f32>) -> tensor<5x4xf32> {
  %r = tgraph.vjp @known(%x) cotangents(%g : tensor<f32>) : (tensor<5x4xf32>) -> tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}
func.func @jknown(%x: tensor<5x4xf32>, %v: tensor<5x4xf32>) -> (tensor<f32>, tensor<f32>) {
  %y, %dy = tgraph.jvp @known(%x) tangents(%v : tensor<5x4xf32>) : (tensor<5x4xf32>) -> (tensor<f32>, tensor<f32>)
  return %y, %dy : tensor<f32>, tensor<f32>
}

// A slice of a dim whose extent is only known at run time: the cotangent
// goes between zeros, concatenated along the axis, their extents computed
// at run time where they depend on it (tgraph.pad takes known paddings);
// a padding that is always empty (after x[1:]) is left out.
// CHECK-LABEL: func.func private @tail.vjp(%arg0: tensor<?x4xf32>, %arg1: tensor<?x4xf32>)
// CHECK: %[[Z:.*]] = tgraph.constant 0.000000e+00 : f32 -> tensor<f32>
// CHECK: %[[B:.*]] = tgraph.broadcast %[[Z]] : tensor<f32> -> tensor<1x4xf32>
// CHECK: %[[C:.*]] = tgraph.concat %[[B]], %arg1 axis = 0 : tensor<1x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
// CHECK: return %{{.*}}, %[[C]]
func.func private @tail(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %c-1 = arith.constant -1 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %m = arith.addi %n, %c-1 : index
  %0 = tgraph.slice %x offsets = [1, 0] sizes = [%m, 4] strides = [1, 1] : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
// CHECK-LABEL: func.func private @last.vjp(%arg0: tensor<?x4xf32>, %arg1: tensor<1x4xf32>)
// CHECK: %[[Z:.*]] = tgraph.constant 0.000000e+00 : f32 -> tensor<f32>
// CHECK: %[[L:.*]] = arith.addi %{{.*}}, %c-1 : index
// CHECK: %[[B:.*]] = tgraph.broadcast %[[Z]] dims(%[[L]]) : tensor<f32> -> tensor<?x4xf32>
// CHECK: %[[C:.*]] = tgraph.concat %[[B]], %arg1 axis = 0 : tensor<?x4xf32>, tensor<1x4xf32> -> tensor<?x4xf32>
// CHECK: return %{{.*}}, %[[C]]
func.func private @last(%x: tensor<?x4xf32>) -> tensor<1x4xf32> {
  %c0 = arith.constant 0 : index
  %c-1 = arith.constant -1 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %l = arith.addi %n, %c-1 : index
  %0 = tgraph.slice %x offsets = [%l, 0] sizes = [1, 4] strides = [1, 1] : tensor<?x4xf32> -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
// Along the known dim a pad, along the run-time one zeros: 2 before, N - 5
// after.
// CHECK-LABEL: func.func private @mid.vjp(%arg0: tensor<?x4xf32>, %arg1: tensor<3x2xf32>)
// CHECK: %[[P:.*]] = tgraph.pad %arg1 low = [0, 1] high = [0, 1] value = 0.000000e+00 : f32 : tensor<3x2xf32> -> tensor<3x4xf32>
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK: %[[B0:.*]] = tgraph.broadcast %{{.*}} : tensor<f32> -> tensor<2x4xf32>
// CHECK: %[[A:.*]] = arith.subi %[[N]], %c2 : index
// CHECK: %[[H:.*]] = arith.subi %[[A]], %c3 : index
// CHECK: %[[B1:.*]] = tgraph.broadcast %{{.*}} dims(%[[H]]) : tensor<f32> -> tensor<?x4xf32>
// CHECK: tgraph.concat %[[B0]], %[[P]], %[[B1]] axis = 0 : tensor<2x4xf32>, tensor<3x4xf32>, tensor<?x4xf32> -> tensor<?x4xf32>
func.func private @mid(%x: tensor<?x4xf32>) -> tensor<3x2xf32> {
  %0 = tgraph.slice %x offsets = [2, 1] sizes = [3, 2] strides = [1, 1] : tensor<?x4xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}
// Every other row from the first, ceil(N / 2) of them, as MLIRGen writes
// the step of x[lo:hi:2]: each row followed by a zero row reaches the end,
// so the spread is only cut at N.
// CHECK-LABEL: func.func private @every.vjp(%arg0: tensor<?x4xf32>, %arg1: tensor<?x4xf32>)
// CHECK: %[[K:.*]] = tensor.dim %arg1, %c0
// CHECK: %[[R:.*]] = tgraph.reshape %arg1 dims(%[[K]]) : tensor<?x4xf32> -> tensor<?x1x4xf32>
// CHECK: %[[P:.*]] = tgraph.pad %[[R]] low = [0, 0, 0] high = [0, 1, 0] value = 0.000000e+00 : f32 : tensor<?x1x4xf32> -> tensor<?x2x4xf32>
// CHECK: %[[K2:.*]] = tensor.dim %arg1, %c0
// CHECK: %[[TWICE:.*]] = arith.muli %[[K2]], %c2 : index
// CHECK: %[[M:.*]] = tgraph.reshape %[[P]] dims(%[[TWICE]]) : tensor<?x2x4xf32> -> tensor<?x4xf32>
// CHECK: %[[N:.*]] = tensor.dim %arg0, %c0
// CHECK-NOT: tgraph.concat
// CHECK: %[[S:.*]] = tgraph.slice %[[M]] offsets = [0, 0] sizes = [%[[N]], 4] strides = [1, 1] : tensor<?x4xf32> -> tensor<?x4xf32>
// CHECK: return %{{.*}}, %[[S]]
func.func private @every(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %up = arith.addi %n, %c1 : index
  %half = arith.divsi %up, %c2 : index
  %0 = tgraph.slice %x offsets = [0, 0] sizes = [%half, 4] strides = [2, 1] : tensor<?x4xf32> -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}
func.func @dynamic_slices(%x: tensor<?x4xf32>, %g: tensor<?x4xf32>, %h: tensor<1x4xf32>, %k: tensor<3x2xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %0 = tgraph.vjp @tail(%x) cotangents(%g : tensor<?x4xf32>) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %1 = tgraph.vjp @last(%x) cotangents(%h : tensor<1x4xf32>) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %2 = tgraph.vjp @mid(%x) cotangents(%k : tensor<3x2xf32>) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %3 = tgraph.vjp @every(%x) cotangents(%g : tensor<?x4xf32>) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0, %1, %2, %3 : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}
