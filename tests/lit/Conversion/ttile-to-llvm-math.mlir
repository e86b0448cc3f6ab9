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

// exp and log keep subnormals. exp: the argument clamped at -104 (below, e^x
// rounds to 0), k = floor(x log2(e) + 1/2) through i32 conversions (no i64,
// which x86 converts a half vector at a time), and where 2^k is below the
// normal range, e^r 2^(k+64) times 2^-64 (one rounding, into the subnormal).
// log: a subnormal argument scaled by 2^24 first, its exponent lowered by 24.
// CHECK-LABEL: llvm.func @tessera_kernel_exp_log
// CHECK-DAG: %[[LOW:.*]] = llvm.mlir.constant(dense<-1.040000e+02> : vector<8xf32>)
// CHECK-DAG: %[[M126:.*]] = llvm.mlir.constant(dense<-126> : vector<8xi32>)
// CHECK-DAG: %[[C64:.*]] = llvm.mlir.constant(dense<64> : vector<8xi32>)
// CHECK-DAG: %[[TWOM64:.*]] = llvm.mlir.constant(dense<5.42101086E-20> : vector<8xf32>)
// CHECK-DAG: %[[MIN:.*]] = llvm.mlir.constant(dense<1.17549435E-38> : vector<8xf32>)
// CHECK-DAG: %[[TWO24:.*]] = llvm.mlir.constant(dense<0x4B800000> : vector<8xf32>)
// CHECK-DAG: %[[C24:.*]] = llvm.mlir.constant(dense<2.400000e+01> : vector<8xf32>)
// CHECK: %[[GE:.*]] = llvm.fcmp "uge" %{{.*}}, %[[LOW]]
// CHECK: llvm.select %[[GE]], %{{.*}}, %[[LOW]]
// CHECK-NOT: i64>
// CHECK: %[[TI:.*]] = llvm.fptosi %[[V:.*]] : vector<8xf32> to vector<8xi32>
// CHECK: %[[T:.*]] = llvm.sitofp %[[TI]] : vector<8xi32> to vector<8xf32>
// CHECK: %[[UP1:.*]] = llvm.fcmp "ogt" %[[T]], %[[V]]
// CHECK-NOT: i64>
// CHECK: %[[TINY:.*]] = llvm.icmp "slt" %[[K:.*]], %[[M126]]
// CHECK: %[[K64:.*]] = llvm.add %[[K]], %[[C64]]
// CHECK: llvm.select %[[TINY]], %[[K64]], %[[K]]
// CHECK: %[[E:.*]] = llvm.fmul
// CHECK: %[[S:.*]] = llvm.fmul %[[E]], %[[TWOM64]]
// CHECK: %[[EXP:.*]] = llvm.select %[[TINY]], %[[S]], %[[E]]
// CHECK: %[[SUB:.*]] = llvm.fcmp "olt" %[[EXP]], %[[MIN]]
// CHECK: %[[UP:.*]] = llvm.fmul %[[EXP]], %[[TWO24]]
// CHECK: llvm.select %[[SUB]], %[[UP]], %[[EXP]]
// CHECK: %[[LOWER:.*]] = llvm.fsub %[[EXPONENT:.*]], %[[C24]]
// CHECK: llvm.select %[[SUB]], %[[LOWER]], %[[EXPONENT]]
// CHECK-NOT: llvm.call
// CHECK-NOT: llvm.intr.fma
ttile.kernel @exp_log attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %e = math.exp %v : vector<8xf32>
  %l = math.log %e : vector<8xf32>
  ttile.store %l, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// e^-|x| (sigmoid's and silu's): x <= 0, so neither the clamp at 88.8 nor
// k's at 127 can bind, and both are left out.
// CHECK-LABEL: llvm.func @tessera_kernel_exp_nonpositive
// CHECK-DAG: llvm.mlir.constant(dense<-1.040000e+02> : vector<8xf32>)
// CHECK-NOT: 8.880000e+01
// CHECK-NOT: 1.270000e+02
// CHECK: llvm.intr.masked.store
ttile.kernel @exp_nonpositive attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %a = math.absf %v : vector<8xf32>
  %m = arith.negf %a : vector<8xf32>
  %e = math.exp %m : vector<8xf32>
  ttile.store %e, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
