// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s

// Transcendentals are expanded into polynomial arithmetic: no libm call, no
// fused multiply-add, no math op left.
// CHECK-LABEL: llvm.func @tessera_kernel_k
// CHECK-NOT: llvm.call
// CHECK-NOT: math.
// CHECK-NOT: llvm.intr.fma
// CHECK-NOT: llvm.intr.floor
// CHECK: llvm.fmul
// CHECK: llvm.intr.masked.store
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %t = math.tanh %v : vector<8xf32>
  %e = math.exp %t : vector<8xf32>
  %l = math.log1p %e : vector<8xf32>
  %s = math.sin %l : vector<8xf32>
  ttile.store %s, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
