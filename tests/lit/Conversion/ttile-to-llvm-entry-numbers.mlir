// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s --check-prefixes=CHECK,CPU
// RUN: tessera-opt %s --convert-ttile-to-llvm="targets=cuda" | FileCheck %s --check-prefixes=CHECK,CUDA

// A number an entry computes itself in a narrow float (HostScalars.cpp):
// each operator in f32, rounded to bf16 once by integer operations (no
// bf16 arithmetic and no compiler-runtime call is left), the integer
// converted through f64; the bits are what the entry stores (on the CPU)
// or uploads (two bytes, on a device).
// CHECK-LABEL: llvm.func @{{tessera_entry_scale|tessera_cuda_entry_scale}}(
// CHECK: llvm.sitofp %{{.*}} : i64 to f64
// CHECK: llvm.fptrunc %{{.*}} : f64 to f32
// CHECK: llvm.intr.sqrt(%{{.*}}) : (f32) -> f32
// CHECK: llvm.fdiv %{{.*}}, %{{.*}} : f32
// CHECK-NOT: bf16
// CPU: llvm.store %{{.*}}, %{{.*}} : i16, !llvm.ptr
// CUDA: llvm.store %{{.*}}, %[[SLOT:.*]] : i16, !llvm.ptr
// CUDA: %[[TWO:.*]] = llvm.mlir.constant(2 : i64) : i64
// CUDA: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %[[SLOT]], %[[TWO]])
// CHECK: llvm.return
func.func @scale(%a: memref<?xbf16> {tgraph.name = "a", tgraph.shape = ["N"]},
                 %q: memref<?xbf16> {tgraph.name = "q", tgraph.shape = []},
                 %n: index {tgraph.name = "N"})
    attributes {tgraph.dims = ["N"], tgraph.entry, ttile.num_inputs = 1 : i64} {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.000000e+00 : bf16
  %i = arith.index_cast %n : index to i64
  %f = arith.sitofp %i : i64 to bf16
  %r = math.sqrt %f : bf16
  %s = arith.divf %one, %r : bf16
  memref.store %s, %q[%c0] : memref<?xbf16>
  return
}
