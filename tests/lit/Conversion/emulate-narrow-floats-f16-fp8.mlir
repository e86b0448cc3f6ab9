// RUN: tessera-opt %s --emulate-narrow-floats | FileCheck %s
// RUN: tessera-opt %s --emulate-narrow-floats | FileCheck %s --check-prefix=NONE
// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s --check-prefix=LLVM

// f16 and fp8 arithmetic inside kernels is f32 arithmetic on the extended
// operands, each result rounded to the narrow type, as for bf16
// (emulate-narrow-floats.mlir); the conversions are Tessera's own integer
// operations (NarrowFloatConversion.cpp), since arith expands only bf16's.

// f16 -> f32: the sign moved to bit 31; a normal number's exponent and
// mantissa shifted by 13 and rebiased by (127 - 15) << 23; a subnormal's
// mantissa converted (an exact small integer) and scaled by adding
// -24 << 23 to its exponent; the all-ones exponent to f32's, payload kept.
// CHECK-LABEL: ttile.kernel @half
// CHECK-DAG: %[[SIGN:.*]] = arith.constant dense<32768> : vector<4xi32>
// CHECK-DAG: %[[C16:.*]] = arith.constant dense<16> : vector<4xi32>
// CHECK-DAG: %[[MAG:.*]] = arith.constant dense<32767> : vector<4xi32>
// CHECK-DAG: %[[C13:.*]] = arith.constant dense<13> : vector<4xi32>
// CHECK-DAG: %[[REBIAS:.*]] = arith.constant dense<939524096> : vector<4xi32>
// CHECK-DAG: %[[SUBSCALE:.*]] = arith.constant dense<-201326592> : vector<4xi32>
// CHECK-DAG: %[[INF32:.*]] = arith.constant dense<2139095040> : vector<4xi32>
// CHECK-DAG: %[[HALFLESS:.*]] = arith.constant dense<4095> : vector<4xi32>
// CHECK-DAG: %[[LARGEST:.*]] = arith.constant dense<31743> : vector<4xi32>
// CHECK-DAG: %[[INF16:.*]] = arith.constant dense<31744> : vector<4xi32>
// CHECK-DAG: %[[DIST:.*]] = arith.constant dense<126> : vector<4xi32>
// CHECK-DAG: %[[MINNORMAL:.*]] = arith.constant dense<947912704> : vector<4xi32>
// CHECK-DAG: %[[QNAN:.*]] = arith.constant dense<32256> : vector<4xi32>
// CHECK: %[[X:.*]] = ttile.load %{{.*}} : memref<?xf16> -> vector<4xf16>
// CHECK-NEXT: %[[XI:.*]] = arith.bitcast %[[X]] : vector<4xf16> to vector<4xi16>
// CHECK-NEXT: %[[XW:.*]] = arith.extui %[[XI]] : vector<4xi16> to vector<4xi32>
// CHECK-NEXT: %[[S:.*]] = arith.andi %[[XW]], %[[SIGN]]
// CHECK-NEXT: arith.shli %[[S]], %[[C16]]
// CHECK-NEXT: %[[M:.*]] = arith.andi %[[XW]], %[[MAG]]
// CHECK: %[[MOVED:.*]] = arith.shli %[[M]], %[[C13]]
// CHECK-NEXT: arith.addi %[[MOVED]], %[[REBIAS]]
// CHECK-NEXT: %[[COUNT:.*]] = arith.sitofp %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: %[[CB:.*]] = arith.bitcast %[[COUNT]] : vector<4xf32> to vector<4xi32>
// CHECK-NEXT: arith.addi %[[CB]], %[[SUBSCALE]]
// CHECK: arith.ori %{{.*}}, %[[INF32]]
// CHECK: %[[X32:.*]] = arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[X32]], %[[X32]] : vector<4xf32>
// f32 -> f16, to nearest even: NaN above the infinity's bits; normal
// results rebiased and shifted by 13 after adding 4095 plus the last kept
// bit, past the largest finite (0x7bff) infinity (0x7c00); subnormal
// results the whole significand shifted by 126 - its exponent, rounded
// alike; every NaN the quiet NaN 0x7e00.
// CHECK-NEXT: %[[U:.*]] = arith.bitcast %[[SUM]] : vector<4xf32> to vector<4xi32>
// CHECK: %[[A:.*]] = arith.andi %[[U]], %[[MAG32:.*]] : vector<4xi32>
// CHECK-NEXT: %[[ISNAN:.*]] = arith.cmpi ugt, %[[A]], %[[INF32]]
// CHECK-NEXT: %[[RB:.*]] = arith.subi %[[A]], %[[REBIAS]]
// CHECK-NEXT: %[[HI:.*]] = arith.shrui %[[RB]], %[[C13]]
// CHECK-NEXT: %[[LAST:.*]] = arith.andi %[[HI]], %[[ONE:.*]] : vector<4xi32>
// CHECK-NEXT: %[[ROUND:.*]] = arith.addi %[[LAST]], %[[HALFLESS]]
// CHECK-NEXT: %[[BIASED:.*]] = arith.addi %[[RB]], %[[ROUND]]
// CHECK-NEXT: %[[KEPT:.*]] = arith.shrui %[[BIASED]], %[[C13]]
// CHECK-NEXT: %[[OVER:.*]] = arith.cmpi ugt, %[[KEPT]], %[[LARGEST]]
// CHECK-NEXT: %[[NORMAL:.*]] = arith.select %[[OVER]], %[[INF16]], %[[KEPT]]
// CHECK: arith.subi %[[DIST]], %{{.*}}
// CHECK: %[[ISNORMAL:.*]] = arith.cmpi uge, %[[A]], %[[MINNORMAL]]
// CHECK-NEXT: %[[MAGN:.*]] = arith.select %[[ISNORMAL]], %[[NORMAL]], %{{.*}}
// CHECK-NEXT: %[[SIGNED:.*]] = arith.ori %{{.*}}, %[[MAGN]]
// CHECK-NEXT: %[[BITS:.*]] = arith.select %[[ISNAN]], %[[QNAN]], %[[SIGNED]]
// CHECK-NEXT: %[[NARROW:.*]] = arith.trunci %[[BITS]] : vector<4xi32> to vector<4xi16>
// CHECK-NEXT: %[[H:.*]] = arith.bitcast %[[NARROW]] : vector<4xi16> to vector<4xf16>
// CHECK-NEXT: ttile.store %[[H]]
ttile.kernel @half attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 4 : i64} {
^bb0(%in: memref<?xf16>, %out: memref<?xf16>, %off: index, %n: index):
  %x = ttile.load %in[%off] bound %n : memref<?xf16> -> vector<4xf16>
  %s = arith.addf %x, %x : vector<4xf16>
  ttile.store %s, %out[%off] bound %n : vector<4xf16>, memref<?xf16>
}

// fp8_e4m3 (E4M3FN): bias 7, three mantissa bits; no infinity, so the only
// special code is the magnitude 0x7f (NaN), widened to f32's quiet NaN, and
// a result past the largest finite 0x7e (448) is NaN (0x7f), not infinity.
// CHECK-LABEL: ttile.kernel @e4m3
// CHECK-DAG: %[[SIGN8:.*]] = arith.constant dense<128> : vector<4xi32>
// CHECK-DAG: %[[C24:.*]] = arith.constant dense<24> : vector<4xi32>
// CHECK-DAG: %[[NAN8:.*]] = arith.constant dense<127> : vector<4xi32>
// CHECK-DAG: %[[C20:.*]] = arith.constant dense<20> : vector<4xi32>
// CHECK-DAG: %[[REBIAS8:.*]] = arith.constant dense<1006632960> : vector<4xi32>
// CHECK-DAG: %[[SUB8:.*]] = arith.constant dense<-75497472> : vector<4xi32>
// CHECK-DAG: %[[QNAN32:.*]] = arith.constant dense<2143289344> : vector<4xi32>
// CHECK-DAG: %[[LARGEST8:.*]] = arith.constant dense<126> : vector<4xi32>
// CHECK-DAG: %[[DIST8:.*]] = arith.constant dense<141> : vector<4xi32>
// CHECK-DAG: %[[MIN8:.*]] = arith.constant dense<1015021568> : vector<4xi32>
// CHECK: %[[Y:.*]] = ttile.load %{{.*}} : memref<?xf8E4M3FN> -> vector<4xf8E4M3FN>
// CHECK-NEXT: %[[YI:.*]] = arith.bitcast %[[Y]] : vector<4xf8E4M3FN> to vector<4xi8>
// CHECK-NEXT: %[[YW:.*]] = arith.extui %[[YI]] : vector<4xi8> to vector<4xi32>
// CHECK-NEXT: %[[YS:.*]] = arith.andi %[[YW]], %[[SIGN8]]
// CHECK-NEXT: arith.shli %[[YS]], %[[C24]]
// CHECK-NEXT: %[[YM:.*]] = arith.andi %[[YW]], %[[NAN8]]
// CHECK: arith.shli %[[YM]], %[[C20]]
// CHECK-NEXT: arith.addi %{{.*}}, %[[REBIAS8]]
// CHECK: arith.addi %{{.*}}, %[[SUB8]]
// CHECK: %[[ISNAN8:.*]] = arith.cmpi eq, %[[YM]], %[[NAN8]]
// CHECK-NEXT: arith.select %[[ISNAN8]], %[[QNAN32]], %{{.*}}
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<4xf32>
// CHECK: %[[OVER8:.*]] = arith.cmpi ugt, %{{.*}}, %[[LARGEST8]]
// CHECK-NEXT: arith.select %[[OVER8]], %[[NAN8]], %{{.*}}
// CHECK: arith.subi %[[DIST8]], %{{.*}}
// CHECK: arith.cmpi uge, %{{.*}}, %[[MIN8]]
// CHECK: arith.select %{{.*}}, %[[NAN8]], %{{.*}}
// CHECK-NEXT: arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
// CHECK-NEXT: arith.bitcast %{{.*}} : vector<4xi8> to vector<4xf8E4M3FN>
ttile.kernel @e4m3 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 4 : i64} {
^bb0(%in: memref<?xf8E4M3FN>, %out: memref<?xf8E4M3FN>, %off: index, %n: index):
  %x = ttile.load %in[%off] bound %n : memref<?xf8E4M3FN> -> vector<4xf8E4M3FN>
  %s = arith.mulf %x, %x : vector<4xf8E4M3FN>
  ttile.store %s, %out[%off] bound %n : vector<4xf8E4M3FN>, memref<?xf8E4M3FN>
}

// fp8_e5m2 (E5M2): bias 15, two mantissa bits, IEEE-like. f64 -> e5m2 is
// rounded once: to f32 rounded to odd, then to nearest even; f16 -> e5m2
// goes exactly through f32, then rounds once. Past the largest finite 0x7b
// (57344): infinity, 0x7c; every NaN 0x7e.
// CHECK-LABEL: ttile.kernel @e5m2
// CHECK-DAG: %[[LARGEST5:.*]] = arith.constant dense<123> : vector<4xi32>
// CHECK-DAG: %[[INF5:.*]] = arith.constant dense<124> : vector<4xi32>
// CHECK-DAG: %[[QNAN5:.*]] = arith.constant dense<126> : vector<4xi32>
// CHECK-DAG: %[[DIST5:.*]] = arith.constant dense<134> : vector<4xi32>
// CHECK: %[[D:.*]] = ttile.load %{{.*}} : memref<?xf64> -> vector<4xf64>
// CHECK-NEXT: %[[N32:.*]] = arith.truncf %[[D]] : vector<4xf64> to vector<4xf32>
// CHECK-NEXT: %[[BACK:.*]] = arith.extf %[[N32]] : vector<4xf32> to vector<4xf64>
// CHECK-NEXT: arith.cmpf one, %[[BACK]], %[[D]] : vector<4xf64>
// CHECK: %[[ODD:.*]] = arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: arith.bitcast %[[ODD]] : vector<4xf32> to vector<4xi32>
// CHECK: %[[OVER5:.*]] = arith.cmpi ugt, %{{.*}}, %[[LARGEST5]]
// CHECK-NEXT: arith.select %[[OVER5]], %[[INF5]], %{{.*}}
// CHECK: arith.subi %[[DIST5]], %{{.*}}
// CHECK: arith.select %{{.*}}, %[[QNAN5]], %{{.*}}
// CHECK-NEXT: arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
// CHECK-NEXT: %[[E5:.*]] = arith.bitcast %{{.*}} : vector<4xi8> to vector<4xf8E5M2>
// CHECK-NEXT: ttile.store %[[E5]]
// CHECK: %[[HL:.*]] = ttile.load %{{.*}} : memref<?xf16> -> vector<4xf16>
// CHECK-NEXT: arith.bitcast %[[HL]] : vector<4xf16> to vector<4xi16>
// CHECK: arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: arith.bitcast %{{.*}} : vector<4xf32> to vector<4xi32>
// CHECK: arith.select %{{.*}}, %[[INF5]], %{{.*}}
// CHECK: arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
ttile.kernel @e5m2 attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 64 : i64, vector = 4 : i64} {
^bb0(%d: memref<?xf64>, %h: memref<?xf16>, %out: memref<?xf8E5M2>, %out2: memref<?xf8E5M2>, %off: index, %n: index):
  %x = ttile.load %d[%off] bound %n : memref<?xf64> -> vector<4xf64>
  %t = arith.truncf %x : vector<4xf64> to vector<4xf8E5M2>
  ttile.store %t, %out[%off] bound %n : vector<4xf8E5M2>, memref<?xf8E5M2>
  %y = ttile.load %h[%off] bound %n : memref<?xf16> -> vector<4xf16>
  %u = arith.truncf %y : vector<4xf16> to vector<4xf8E5M2>
  ttile.store %u, %out2[%off] bound %n : vector<4xf8E5M2>, memref<?xf8E5M2>
}

// Nothing computes in f16 or fp8, and nothing converts to or from them but
// bitcasts.
// NONE-NOT: arith.{{extf|truncf|sitofp|uitofp|cmpf|addf|subf|mulf|divf}} {{.*}}{{f16|f8E}}
// NONE-NOT: math.{{.*}}{{f16|f8E}}

// After the whole lowering no f16 or fp8 value is left at all (they are
// i16 and i8), so LLVM has no conversion to lower to a compiler-runtime
// call.
// LLVM-LABEL: llvm.func @tessera_kernel_half
// LLVM-NOT: f16
// LLVM-NOT: f8E
// LLVM-NOT: llvm.call
// LLVM: llvm.fadd %{{.*}}, %{{.*}} : vector<4xf32>
// LLVM-NOT: f16
// LLVM-NOT: f8E
// LLVM-NOT: llvm.call
