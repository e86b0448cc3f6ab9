// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// CHECK: ttile.kernel @k attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
// CHECK: ^bb0(%[[IN:.*]]: memref<?xf32>, %[[OUT:.*]]: memref<?xf32>, %[[OFF:.*]]: index, %[[N:.*]]: index):
// CHECK:   %[[V:.*]] = ttile.load %[[IN]][%[[OFF]]] bound %[[N]] : memref<?xf32> -> vector<8xf32>
// CHECK:   ttile.store %[[V]], %[[OUT]][%[[OFF]]] bound %[[N]] : vector<8xf32>, memref<?xf32>
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  ttile.store %v, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// CHECK-LABEL: func.func @entry
// CHECK: ttile.launch @k(%{{.*}}, %{{.*}}) elements %{{.*}} : memref<?xf32>, memref<?xf32>
func.func @entry(%a: memref<?xf32>, %o: memref<?xf32>, %n: index) {
  ttile.launch @k(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  return
}
