// RUN: tessera-opt %s --convert-tsched-to-ttile -split-input-file | FileCheck %s

// bf16 tensors are stored as bf16; reductions and matmuls accumulate in f32
// (accumulatorOf, KernelBuilder.h) and round to bf16 once, when stored.
// Single-operation arithmetic stays bf16 in Tile IR (the backend computes
// it in f32: emulate-narrow-floats.mlir); an operator that lowers to
// several operations computes them in f32 and rounds once.

// A row sum: 32 lanes of f32, each chunk of bf16 extended as loaded, the
// lane tree in f32, one truncf before the store.
// CHECK-LABEL: ttile.kernel @rows_k0
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (vector<32xf32>)
// CHECK: %[[CHUNK:.*]] = ttile.load {{.*}} : memref<?xbf16> -> vector<32xbf16>
// CHECK-NEXT: %[[WIDE:.*]] = arith.extf %[[CHUNK]] : vector<32xbf16> to vector<32xf32>
// CHECK-NEXT: arith.addf %[[ACC]], %[[WIDE]] : vector<32xf32>
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<1xf32>
// CHECK-NEXT: %[[SUM:.*]] = vector.extract %{{.*}}[0] : f32 from vector<1xf32>
// CHECK-NEXT: %[[ROUNDED:.*]] = arith.truncf %[[SUM]] : f32 to bf16
// CHECK-NEXT: memref.store %[[ROUNDED]], %{{.*}} : memref<?xbf16>
func.func @rows(%x: tensor<2x40xbf16> {tgraph.shape = [2, 40]}) -> (tensor<2xbf16> {tgraph.shape = [2]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%x) {kind = "reduction", shape = [2], tile = array<i64: 64>}
      : (tensor<2x40xbf16>) -> tensor<2xbf16> {
  ^bb0(%a: tensor<2x40xbf16>):
    %s = tgraph.reduce_sum %a axes = [1] : tensor<2x40xbf16> -> tensor<2xbf16>
    tsched.yield %s : tensor<2xbf16>
  }
  return %r : tensor<2xbf16>
}

// -----

// A column mean over more than 256 rows: segment values in an f32 scratch
// buffer, folded in f32, divided by the count in f32, rounded once.
// CHECK-LABEL: ttile.kernel @cols_k0
// CHECK: %[[X:.*]] = memref.load %{{.*}} : memref<?xbf16>
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[X]] : bf16 to f32
// CHECK-NEXT: arith.addf %{{.*}}, %[[W]] : f32
// CHECK: memref.store %{{.*}} : memref<?xf32>
// CHECK-LABEL: ttile.kernel @cols_k1
// CHECK: scf.for {{.*}} -> (f32)
// CHECK: %[[Q:.*]] = arith.divf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[Q]] : f32 to bf16
// CHECK-NEXT: memref.store %[[R]], %{{.*}} : memref<?xbf16>
// CHECK-LABEL: func.func @cols
// CHECK: %[[VALUES:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.dealloc %[[VALUES]] : memref<?xf32>
func.func @cols(%x: tensor<300x4xbf16> {tgraph.shape = [300, 4]}) -> (tensor<4xbf16> {tgraph.shape = [4]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%x) {kind = "reduction", shape = [4], tile = array<i64: 64>}
      : (tensor<300x4xbf16>) -> tensor<4xbf16> {
  ^bb0(%a: tensor<300x4xbf16>):
    %s = tgraph.reduce_mean %a axes = [0] : tensor<300x4xbf16> -> tensor<4xbf16>
    tsched.yield %s : tensor<4xbf16>
  }
  return %r : tensor<4xbf16>
}

// -----

// A matmul: the packed panels of b stay bf16 (the pack kernel moves bits),
// lanes are f32 accumulators (8 per 32-byte vector: one vector a panel for
// these 3 columns), a and b extended as loaded, one fused multiply-add a
// step, each sum rounded once as stored.
// CHECK-LABEL: ttile.kernel @mm_k0 attributes {kind = "matmul_pack"
// CHECK: %[[ROW:.*]] = ttile.load {{.*}} : memref<?xbf16> -> vector<8xbf16>
// CHECK: ttile.store %[[ROW]], {{.*}} : vector<8xbf16>, memref<?xbf16>
// CHECK-LABEL: ttile.kernel @mm_k1
// CHECK-SAME: ttile.matmul = {accumulator = f32, element = bf16, fused = true, lhs_transposed = false, panel_width = 8 : i64, rhs_transposed = false, segment = 0 : i64}
// CHECK: %[[B:.*]] = ttile.load {{.*}} : memref<?xbf16> -> vector<8xbf16>
// CHECK-NEXT: %[[BW:.*]] = arith.extf %[[B]] : vector<8xbf16> to vector<8xf32>
// CHECK: %[[A:.*]] = memref.load %{{.*}} : memref<?xbf16>
// CHECK-NEXT: %[[AW:.*]] = arith.extf %[[A]] : bf16 to f32
// CHECK-NEXT: %[[AS:.*]] = vector.splat %[[AW]] : vector<8xf32>
// CHECK-NEXT: math.fma %[[AS]], %[[BW]], %{{.*}} {ttile.fused} : vector<8xf32>
// CHECK: %[[C:.*]] = arith.truncf %{{.*}} : vector<8xf32> to vector<8xbf16>
// CHECK: ttile.store %[[C]], {{.*}} : vector<8xbf16>, memref<?xbf16>
func.func @mm(%a: tensor<2x5xbf16> {tgraph.shape = [2, 5]}, %b: tensor<5x3xbf16> {tgraph.shape = [5, 3]}) -> (tensor<2x3xbf16> {tgraph.shape = [2, 3]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = [2, 3], tile = array<i64: 16>}
      : (tensor<2x5xbf16>, tensor<5x3xbf16>) -> tensor<2x3xbf16> {
  ^bb0(%x: tensor<2x5xbf16>, %y: tensor<5x3xbf16>):
    %m = tgraph.matmul %x, %y : tensor<2x5xbf16>, tensor<5x3xbf16> -> tensor<2x3xbf16>
    tsched.yield %m : tensor<2x3xbf16>
  }
  return %r : tensor<2x3xbf16>
}

// -----

// With segments of k, their values are f32 (the accumulator's type). The
// result is small and static (2 x 3), so its segments are 512 k long.
// CHECK-LABEL: ttile.kernel @long_k1
// CHECK-SAME: ttile.matmul = {accumulator = f32, element = bf16, fused = true, lhs_transposed = false, panel_width = 8 : i64, rhs_transposed = false, segment = 512 : i64}
// CHECK: ttile.store %{{.*}} : vector<8xf32>, memref<?xf32>
// CHECK-LABEL: ttile.kernel @long_k2
// CHECK: %[[T:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK-NEXT: memref.store %[[T]], %{{.*}} : memref<?xbf16>
// CHECK-LABEL: func.func @long
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
func.func @long(%a: tensor<2x3000xbf16> {tgraph.shape = [2, 3000]}, %b: tensor<3000x3xbf16> {tgraph.shape = [3000, 3]}) -> (tensor<2x3xbf16> {tgraph.shape = [2, 3]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "matmul", shape = [2, 3], tile = array<i64: 16>}
      : (tensor<2x3000xbf16>, tensor<3000x3xbf16>) -> tensor<2x3xbf16> {
  ^bb0(%x: tensor<2x3000xbf16>, %y: tensor<3000x3xbf16>):
    %m = tgraph.matmul %x, %y : tensor<2x3000xbf16>, tensor<3000x3xbf16> -> tensor<2x3xbf16>
    tsched.yield %m : tensor<2x3xbf16>
  }
  return %r : tensor<2x3xbf16>
}

// -----

// Elementwise: a multiply is one bf16 operation; sigmoid lowers to several,
// computed in f32 from the extended operand and rounded once.
// CHECK-LABEL: ttile.kernel @ew_k0
// CHECK-SAME: vector = 16 : i64
// CHECK: %[[P:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xbf16>
// CHECK-NEXT: %[[PW:.*]] = arith.extf %[[P]] : vector<16xbf16> to vector<16xf32>
// CHECK-NOT: bf16
// CHECK: math.exp %{{.*}} : vector<16xf32>
// CHECK-NOT: bf16
// CHECK: %[[S:.*]] = arith.divf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[S]] : vector<16xf32> to vector<16xbf16>
// CHECK-NEXT: ttile.store %[[R]]
func.func @ew(%a: tensor<8xbf16> {tgraph.shape = [8]}, %b: tensor<8xbf16> {tgraph.shape = [8]}) -> (tensor<8xbf16> {tgraph.shape = [8]})
    attributes {tgraph.dims = [], tgraph.entry} {
  %r = tsched.fusion_group(%a, %b) {kind = "elementwise", shape = [8], tile = array<i64: 4096>}
      : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16> {
  ^bb0(%x: tensor<8xbf16>, %y: tensor<8xbf16>):
    %p = tgraph.mul %x, %y : tensor<8xbf16>, tensor<8xbf16> -> tensor<8xbf16>
    %s = tgraph.sigmoid %p : tensor<8xbf16>
    tsched.yield %s : tensor<8xbf16>
  }
  return %r : tensor<8xbf16>
}
