// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s
// RUN: tessera-opt %s --convert-ttile-to-llvm=hardware-fma=false | FileCheck %s --check-prefix=SOFT

// A math.fma marked ttile.fused (a matmul step under a non-strict policy)
// stays one fused multiply-add: llvm.intr.fma on a CPU with FMA
// instructions. One without the mark (as the math functions' polynomials
// write them) is a multiply and an add.
// CHECK-LABEL: llvm.func @tessera_kernel_k
// CHECK: %[[FUSED:.*]] = llvm.intr.fma(%{{.*}}, %{{.*}}, %{{.*}}) {ttile.fused} : (vector<4xf32>, vector<4xf32>, vector<4xf32>) -> vector<4xf32>
// CHECK-NOT: llvm.intr.fma
// CHECK: %[[P:.*]] = llvm.fmul %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NEXT: llvm.fadd %[[P]], %[[FUSED]] : vector<4xf32>
// CHECK: llvm.intr.fma(%{{.*}}, %{{.*}}, %{{.*}}) {ttile.fused} : (vector<2xf64>, vector<2xf64>, vector<2xf64>) -> vector<2xf64>

// Without FMA instructions (--cpu=x86-64, x86-64-v2) the marked ones are an
// exact software FMA (backend/lib/cpu/SoftwareFma.cpp). f32: the exact
// product in f64, the sum with c rounded to odd (TwoSum's error decides:
// inexact, even last bit, finite, then one step towards the error), then
// rounded to f32.
// SOFT-LABEL: llvm.func @tessera_kernel_k
// SOFT-NOT: llvm.intr.fma
// The f64 constants (hoisted): Veltkamp's 2^27 + 1 and the bound 2^995.
// SOFT-DAG: llvm.mlir.constant(dense<0x41A0000002000000> : vector<2xf64>)
// SOFT-DAG: llvm.mlir.constant(dense<3.3484643974570854E+299> : vector<2xf64>)
// SOFT: %[[A:.*]] = llvm.fpext %{{.*}} : vector<4xf32> to vector<4xf64>
// SOFT: %[[B:.*]] = llvm.fpext %{{.*}} : vector<4xf32> to vector<4xf64>
// SOFT: %[[PROD:.*]] = llvm.fmul %[[A]], %[[B]] : vector<4xf64>
// SOFT: %[[C:.*]] = llvm.fpext %{{.*}} : vector<4xf32> to vector<4xf64>
// SOFT: %[[S:.*]] = llvm.fadd %[[PROD]], %[[C]] : vector<4xf64>
// SOFT: %[[BB:.*]] = llvm.fsub %[[S]], %[[PROD]] : vector<4xf64>
// SOFT: %[[SBITS:.*]] = llvm.bitcast %[[S]] : vector<4xf64> to vector<4xi64>
// SOFT: %[[INEXACT:.*]] = llvm.fcmp "one"
// SOFT: %[[LAST:.*]] = llvm.and %[[SBITS]], %{{.*}} : vector<4xi64>
// SOFT: %[[EVEN:.*]] = llvm.icmp "eq" %[[LAST]]
// SOFT: %[[SIGNS:.*]] = llvm.xor %[[SBITS]], %{{.*}} : vector<4xi64>
// SOFT: %[[SAME:.*]] = llvm.icmp "sge" %[[SIGNS]]
// SOFT: %[[UP:.*]] = llvm.add %[[SBITS]]
// SOFT: %[[DOWN:.*]] = llvm.sub %[[SBITS]]
// SOFT: llvm.select %[[SAME]], %[[UP]], %[[DOWN]]
// SOFT: %[[ODD:.*]] = llvm.bitcast %{{.*}} : vector<4xi64> to vector<4xf64>
// SOFT: %[[FUSED:.*]] = llvm.fptrunc %[[ODD]] : vector<4xf64> to vector<4xf32>
// The unmarked one: a multiply and an add, in f32.
// SOFT: %[[P:.*]] = llvm.fmul %{{.*}}, %{{.*}} : vector<4xf32>
// SOFT-NEXT: llvm.fadd %[[P]], %[[FUSED]] : vector<4xf32>
// f64: Veltkamp's split (2^27 + 1), Dekker's product, two TwoSums, the low
// parts added rounded to odd, the high part last; outside the exact range
// (|a|, |b| >= 2^995, or an infinite or NaN product or addend) a * b + c.
// SOFT: %[[UH:.*]] = llvm.fmul %[[X:.*]], %[[X]] : vector<2xf64>
// SOFT: %[[VH:.*]] = llvm.fadd %[[UH]], %{{.*}} : vector<2xf64>
// SOFT: %[[EXACT:.*]] = llvm.fadd %[[VH]], %{{.*}} : vector<2xf64>
// SOFT: %[[NAIVE:.*]] = llvm.fadd %[[UH]], %[[X]] : vector<2xf64>
// SOFT-NEXT: llvm.select %{{.*}}, %[[EXACT]], %[[NAIVE]] : vector<2xi1>, vector<2xf64>
// SOFT-NOT: llvm.intr.fma
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 64 : i64, vector = 4 : i64} {
^bb0(%in: memref<?xf32>, %d: memref<?xf64>, %out: memref<?xf32>, %dout: memref<?xf64>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<4xf32>
  %f = math.fma %v, %v, %v {ttile.fused} : vector<4xf32>
  %g = math.fma %v, %v, %f : vector<4xf32>
  ttile.store %g, %out[%off] bound %n : vector<4xf32>, memref<?xf32>
  %w = ttile.load %d[%off] bound %n : memref<?xf64> -> vector<2xf64>
  %h = math.fma %w, %w, %w {ttile.fused} : vector<2xf64>
  ttile.store %h, %dout[%off] bound %n : vector<2xf64>, memref<?xf64>
}
