// RUN: tessera-opt %s --emulate-narrow-floats | FileCheck %s
// RUN: tessera-opt %s --emulate-narrow-floats | FileCheck %s --check-prefix=NONE
// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s --check-prefix=LLVM

// bf16 arithmetic inside kernels is f32 arithmetic on the extended
// operands, each result rounded to bf16 (NarrowFloatEmulation.cpp); the
// conversions themselves become integer operations: bf16 -> f32 is a shift
// of the 16 bits, f32 -> bf16 adds 0x7fff plus the last kept bit (round to
// nearest even) and truncates, NaN giving the quiet NaN 0x7fc0.
// CHECK-LABEL: ttile.kernel @k
// CHECK-DAG: %[[QNAN:.*]] = arith.constant dense<32704> : vector<4xi16>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<32767> : vector<4xi32>
// CHECK-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<4xi32>
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1> : vector<4xi32>
// CHECK: %[[X:.*]] = ttile.load %{{.*}} : memref<?xbf16> -> vector<4xbf16>
// CHECK-NEXT: %[[XI:.*]] = arith.bitcast %[[X]] : vector<4xbf16> to vector<4xi16>
// CHECK-NEXT: %[[XW:.*]] = arith.extui %[[XI]] : vector<4xi16> to vector<4xi32>
// CHECK-NEXT: %[[XS:.*]] = arith.shli %[[XW]], %[[C16]] : vector<4xi32>
// CHECK-NEXT: %[[X32:.*]] = arith.bitcast %[[XS]] : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[X32]], %[[X32]] : vector<4xf32>
// CHECK-NEXT: %[[NAN:.*]] = arith.cmpf une, %[[SUM]], %[[SUM]] : vector<4xf32>
// CHECK-NEXT: %[[BITS:.*]] = arith.bitcast %[[SUM]] : vector<4xf32> to vector<4xi32>
// CHECK-NEXT: %[[HI:.*]] = arith.shrui %[[BITS]], %[[C16]] : vector<4xi32>
// CHECK-NEXT: %[[LAST:.*]] = arith.andi %[[HI]], %[[ONE]] : vector<4xi32>
// CHECK-NEXT: %[[ROUND:.*]] = arith.addi %[[LAST]], %[[BIAS]] : vector<4xi32>
// CHECK-NEXT: %[[BIASED:.*]] = arith.addi %[[BITS]], %[[ROUND]] : vector<4xi32>
// CHECK-NEXT: %[[KEPT:.*]] = arith.shrui %[[BIASED]], %[[C16]] : vector<4xi32>
// CHECK-NEXT: %[[NARROW:.*]] = arith.trunci %[[KEPT]] : vector<4xi32> to vector<4xi16>
// CHECK-NEXT: %[[CHOSEN:.*]] = arith.select %[[NAN]], %[[QNAN]], %[[NARROW]] : vector<4xi1>, vector<4xi16>
// CHECK-NEXT: %[[S:.*]] = arith.bitcast %[[CHOSEN]] : vector<4xi16> to vector<4xbf16>
// A transcendental: Tessera's f32 one (expanded later), rounded.
// CHECK: %[[E:.*]] = math.exp %{{.*}} : vector<4xf32>
// CHECK-NEXT: arith.cmpf une, %[[E]], %[[E]] : vector<4xf32>
// A comparison compares the extended operands; a select moves bf16 bits.
// CHECK: %[[GT:.*]] = arith.cmpf ogt, %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK-NEXT: %[[M:.*]] = arith.select %[[GT]], %{{.*}}, %[[X]] : vector<4xi1>, vector<4xbf16>
// f64 -> bf16, rounded once: f32 rounded to odd (toward zero, the last bit
// set when inexact), then to nearest even.
// CHECK: %[[W:.*]] = ttile.load %{{.*}} : memref<?xf64> -> vector<4xf64>
// CHECK-NEXT: %[[N32:.*]] = arith.truncf %[[W]] : vector<4xf64> to vector<4xf32>
// CHECK-NEXT: %[[BACK:.*]] = arith.extf %[[N32]] : vector<4xf32> to vector<4xf64>
// CHECK-NEXT: %[[INEXACT:.*]] = arith.cmpf one, %[[BACK]], %[[W]] : vector<4xf64>
// CHECK-NEXT: %[[AB:.*]] = math.absf %[[BACK]] : vector<4xf64>
// CHECK-NEXT: %[[AW:.*]] = math.absf %[[W]] : vector<4xf64>
// CHECK-NEXT: %[[AWAY:.*]] = arith.cmpf ogt, %[[AB]], %[[AW]] : vector<4xf64>
// CHECK-NEXT: %[[NB:.*]] = arith.bitcast %[[N32]] : vector<4xf32> to vector<4xi32>
// CHECK-NEXT: %[[DOWN:.*]] = arith.subi %[[NB]], %[[ONE]] : vector<4xi32>
// CHECK-NEXT: %[[TZ:.*]] = arith.select %[[AWAY]], %[[DOWN]], %[[NB]] : vector<4xi1>, vector<4xi32>
// CHECK-NEXT: %[[STICKY:.*]] = arith.ori %[[TZ]], %[[ONE]] : vector<4xi32>
// CHECK-NEXT: %[[ODD:.*]] = arith.select %[[INEXACT]], %[[STICKY]], %[[NB]] : vector<4xi1>, vector<4xi32>
// CHECK-NEXT: %[[O32:.*]] = arith.bitcast %[[ODD]] : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: arith.cmpf une, %[[O32]], %[[O32]] : vector<4xf32>
// An integer goes through f64 (exact for i32), then the same rounding.
// CHECK: %[[I:.*]] = ttile.load %{{.*}} : memref<?xi32> -> vector<4xi32>
// CHECK-NEXT: %[[I64:.*]] = arith.sitofp %[[I]] : vector<4xi32> to vector<4xf64>
// CHECK-NEXT: arith.truncf %[[I64]] : vector<4xf64> to vector<4xf32>
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK: arith.subf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK: %[[U:.*]] = arith.bitcast %{{.*}} : vector<4xi16> to vector<4xbf16>
// CHECK-NEXT: ttile.store %[[U]], %{{.*}} : vector<4xbf16>, memref<?xbf16>
// bf16 -> f64: to f32 by the shift, then exactly to f64.
// CHECK: %[[U32:.*]] = arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: arith.extf %[[U32]] : vector<4xf32> to vector<4xf64>

// Nothing computes in bf16, and nothing converts to or from it but bitcasts.
// NONE-NOT: arith.extf {{.*}}bf16
// NONE-NOT: arith.truncf {{.*}}bf16
// NONE-NOT: arith.sitofp {{.*}}bf16
// NONE-NOT: arith.cmpf {{.*}}bf16
// NONE-NOT: arith.{{add|sub|mul|div}}f {{.*}}bf16
// NONE-NOT: math.{{.*}}bf16

// After the whole lowering, no conversion to or from bfloat is left for
// LLVM to lower to a compiler-runtime call.
// LLVM-LABEL: llvm.func @tessera_kernel_k
// LLVM-NOT: llvm.fptrunc {{.*}}bf16
// LLVM-NOT: llvm.fpext {{.*}}bf16
// LLVM-NOT: llvm.call
// LLVM: llvm.fadd %{{.*}}, %{{.*}} : vector<4xf32>
// LLVM-NOT: llvm.fptrunc {{.*}}bf16
// LLVM-NOT: llvm.fpext {{.*}}bf16
// LLVM-NOT: llvm.call
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 3 : i64, tile = 64 : i64, vector = 4 : i64} {
^bb0(%in: memref<?xbf16>, %d: memref<?xf64>, %i: memref<?xi32>, %out: memref<?xbf16>, %dout: memref<?xf64>, %off: index, %n: index):
  %x = ttile.load %in[%off] bound %n : memref<?xbf16> -> vector<4xbf16>
  %s = arith.addf %x, %x : vector<4xbf16>
  %e = math.exp %s : vector<4xbf16>
  %gt = arith.cmpf ogt, %e, %x : vector<4xbf16>
  %m = arith.select %gt, %e, %x : vector<4xi1>, vector<4xbf16>
  %w = ttile.load %d[%off] bound %n : memref<?xf64> -> vector<4xf64>
  %h = arith.truncf %w : vector<4xf64> to vector<4xbf16>
  %j = ttile.load %i[%off] bound %n : memref<?xi32> -> vector<4xi32>
  %c = arith.sitofp %j : vector<4xi32> to vector<4xbf16>
  %t = arith.mulf %m, %h : vector<4xbf16>
  %u = arith.subf %t, %c : vector<4xbf16>
  ttile.store %u, %out[%off] bound %n : vector<4xbf16>, memref<?xbf16>
  %back = arith.extf %u : vector<4xbf16> to vector<4xf64>
  ttile.store %back, %dout[%off] bound %n : vector<4xf64>, memref<?xf64>
}
