// RUN: tessera-opt %s --ttile-dedupe-kernels | FileCheck %s

// @b repeats @a but for its name and its values' names: it is erased and
// the entry @g launches @a. @c differs in its tile and @d in one op, so both
// stay. The first of equal kernels is kept, in module order.
// CHECK-LABEL: ttile.kernel @a
// CHECK-NOT: ttile.kernel @b
// CHECK-LABEL: ttile.kernel @c
// CHECK-SAME: tile = 128
// CHECK-LABEL: ttile.kernel @d
// CHECK: arith.addf
ttile.kernel @a attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %d = arith.mulf %v, %v : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @b attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%x: memref<?xf32>, %y: memref<?xf32>, %o: index, %m: index):
  %w = ttile.load %x[%o] bound %m : memref<?xf32> -> vector<8xf32>
  %sq = arith.mulf %w, %w : vector<8xf32>
  ttile.store %sq, %y[%o] bound %m : vector<8xf32>, memref<?xf32>
}
ttile.kernel @c attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 128 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %d = arith.mulf %v, %v : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @d attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %d = arith.addf %v, %v : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// CHECK-LABEL: func.func @f
// CHECK: ttile.launch @a(
// CHECK: ttile.launch @c(
func.func @f(%a: memref<?xf32>, %o: memref<?xf32>, %n: index) attributes {tgraph.entry} {
  ttile.launch @a(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  ttile.launch @c(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  return
}
// CHECK-LABEL: func.func @g
// CHECK: ttile.launch @a(
// CHECK: ttile.launch @a(
// CHECK: ttile.launch @d(
func.func @g(%a: memref<?xf32>, %o: memref<?xf32>, %n: index) attributes {tgraph.entry} {
  ttile.launch @b(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  ttile.launch @a(%o, %a) elements %n : memref<?xf32>, memref<?xf32>
  ttile.launch @d(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  return
}

// A matmul kernel's reference to its epilogue's element kernel follows a
// merge like a launch does: @e2 repeats @e1, so @mm names @e1.
// CHECK-LABEL: ttile.kernel @mm
// CHECK-SAME: ttile.matmul = {epilogue = @e1}
// CHECK-LABEL: ttile.kernel @e1
// CHECK-NOT: ttile.kernel @e2
ttile.kernel @mm attributes {kind = "matmul", num_inputs = 1 : i64, tile = 4 : i64, ttile.matmul = {epilogue = @e2}, vector = 1 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
}
ttile.kernel @e1 attributes {kind = "matmul_epilogue", num_inputs = 1 : i64, tile = 1 : i64, vector = 1 : i64} {
^bb0(%p: memref<?xf32>, %out: memref<?xf32>, %at: index, %end: index):
  %v = ttile.load %p[%at] bound %end : memref<?xf32> -> vector<1xf32>
  ttile.store %v, %out[%at] bound %end : vector<1xf32>, memref<?xf32>
}
ttile.kernel @e2 attributes {kind = "matmul_epilogue", num_inputs = 1 : i64, tile = 1 : i64, vector = 1 : i64} {
^bb0(%p: memref<?xf32>, %out: memref<?xf32>, %at: index, %end: index):
  %v = ttile.load %p[%at] bound %end : memref<?xf32> -> vector<1xf32>
  ttile.store %v, %out[%at] bound %end : vector<1xf32>, memref<?xf32>
}

// Equal ops in the same order are not enough: @s2 subtracts its operands
// the other way round and @s4 reads f64, so both stay; @s3 repeats @s1 but
// for its locations, so it goes.
// CHECK-LABEL: ttile.kernel @s1
// CHECK: arith.subf %0, %1 :
// CHECK-LABEL: ttile.kernel @s2
// CHECK: arith.subf %1, %0 :
// CHECK-NOT: ttile.kernel @s3
// CHECK-LABEL: ttile.kernel @s4
// CHECK-NEXT: ^bb0(%arg0: memref<?xf64>,
ttile.kernel @s1 attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%x: memref<?xf32>, %y: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %x[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %w = ttile.load %y[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %d = arith.subf %v, %w : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @s2 attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%x: memref<?xf32>, %y: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %x[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %w = ttile.load %y[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %d = arith.subf %w, %v : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @s3 attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%x: memref<?xf32>, %y: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %x[%off] bound %n : memref<?xf32> -> vector<8xf32> loc("a.tsr":3:9)
  %w = ttile.load %y[%off] bound %n : memref<?xf32> -> vector<8xf32> loc("a.tsr":3:13)
  %d = arith.subf %v, %w : vector<8xf32> loc("a.tsr":3:11)
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @s4 attributes {kind = "elementwise", num_inputs = 2 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%x: memref<?xf64>, %y: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %x[%off] bound %n : memref<?xf64> -> vector<8xf64>
  %w = ttile.load %y[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %t = arith.truncf %v : vector<8xf64> to vector<8xf32>
  %d = arith.subf %t, %w : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// Inherent attributes count: @k2's constant and @k4's predicate differ from
// @k1's and @k3's, so all four stay.
// CHECK-LABEL: ttile.kernel @k1
// CHECK: dense<2.000000e+00>
// CHECK-LABEL: ttile.kernel @k2
// CHECK: dense<3.000000e+00>
// CHECK-LABEL: ttile.kernel @k3
// CHECK: arith.cmpf olt
// CHECK-LABEL: ttile.kernel @k4
// CHECK: arith.cmpf ogt
ttile.kernel @k1 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %c = arith.constant dense<2.0> : vector<8xf32>
  %d = arith.mulf %v, %c : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @k2 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %c = arith.constant dense<3.0> : vector<8xf32>
  %d = arith.mulf %v, %c : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @k3 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %z = arith.constant dense<0.0> : vector<8xf32>
  %p = arith.cmpf olt, %v, %z : vector<8xf32>
  %d = arith.select %p, %z, %v : vector<8xi1>, vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
ttile.kernel @k4 attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %z = arith.constant dense<0.0> : vector<8xf32>
  %p = arith.cmpf ogt, %v, %z : vector<8xf32>
  %d = arith.select %p, %z, %v : vector<8xi1>, vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}
