// RUN: tessera-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'ttile.kernel' op tile (60) must be a positive multiple of vector (8)}}
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 0 : i64, tile = 60 : i64, vector = 8 : i64} {
^bb0(%off: index, %n: index):
}

// -----

// expected-error @+1 {{'ttile.kernel' op body must end its arguments with (%offset: index, %extent: index)}}
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 0 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>):
}

// -----

ttile.kernel @k attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %off: index, %n: index):
  // expected-error @+1 {{'ttile.load' op vector element type 'f64' does not match buffer element type 'f32'}}
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<4xf64>
}

// -----

func.func @launch(%a: memref<?xf32>, %n: index) {
  // expected-error @+1 {{'ttile.launch' op unknown kernel @nope}}
  ttile.launch @nope(%a) elements %n : memref<?xf32>
  return
}

// -----

ttile.kernel @k attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
}
func.func @arity(%a: memref<?xf32>, %n: index) {
  // expected-error @+1 {{'ttile.launch' op passes 1 buffers to a kernel that takes 2}}
  ttile.launch @k(%a) elements %n : memref<?xf32>
  return
}
