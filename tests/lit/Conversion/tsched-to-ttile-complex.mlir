// RUN: tessera-opt %s --tsched-form-fusion-groups | FileCheck %s --check-prefix=GROUPS
// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// Casts to c64, c64 products and conj are `complex` groups of their own
// (vectors hold no complex numbers), never fused into elementwise chains.
// GROUPS-LABEL: func.func @prod
// GROUPS: tsched.fusion_group(%arg1) {kind = "complex"
// GROUPS-NEXT: ^bb0
// GROUPS-NEXT: tgraph.cast
// GROUPS: tsched.fusion_group(%arg0, %{{.*}}) {kind = "complex"
// GROUPS-NEXT: ^bb0
// GROUPS-NEXT: tgraph.mul
// GROUPS: {kind = "complex"
// GROUPS-NEXT: ^bb0
// GROUPS-NEXT: tgraph.conj

// An element a point: the real part with a zero imaginary part; the
// product (ac - bd) + (ad + bc)i, each operation rounded, no fma; the
// conjugate's negated imaginary part.
// CHECK-LABEL: ttile.kernel @prod_k0 attributes {kind = "complex", num_inputs = 1 : i64
// CHECK-NEXT: ^bb0(%[[R:[^:]*]]: memref<?xf32>, %[[O:[^:]*]]: memref<?xcomplex<f32>>, %[[P:[^:]*]]: index,
// CHECK-NEXT: %[[V:.*]] = memref.load %[[R]][%[[P]]] : memref<?xf32>
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[C:.*]] = complex.create %[[V]], %[[Z]] : complex<f32>
// CHECK-NEXT: memref.store %[[C]], %[[O]][%[[P]]] : memref<?xcomplex<f32>>
// CHECK-LABEL: ttile.kernel @prod_k1 attributes {kind = "complex", num_inputs = 2 : i64
// CHECK:      %[[A:.*]] = complex.re %{{.*}} : complex<f32>
// CHECK-NEXT: %[[B:.*]] = complex.im %{{.*}} : complex<f32>
// CHECK:      %[[C2:.*]] = complex.re %{{.*}} : complex<f32>
// CHECK-NEXT: %[[D:.*]] = complex.im %{{.*}} : complex<f32>
// CHECK-NEXT: %[[AC:.*]] = arith.mulf %[[A]], %[[C2]] : f32
// CHECK-NEXT: %[[BD:.*]] = arith.mulf %[[B]], %[[D]] : f32
// CHECK-NEXT: %[[RE:.*]] = arith.subf %[[AC]], %[[BD]] : f32
// CHECK-NEXT: %[[AD:.*]] = arith.mulf %[[A]], %[[D]] : f32
// CHECK-NEXT: %[[BC:.*]] = arith.mulf %[[B]], %[[C2]] : f32
// CHECK-NEXT: %[[IM:.*]] = arith.addf %[[AD]], %[[BC]] : f32
// CHECK-NEXT: complex.create %[[RE]], %[[IM]] : complex<f32>
// CHECK-LABEL: ttile.kernel @prod_k2 attributes {kind = "complex", num_inputs = 1 : i64
// CHECK:      %[[I:.*]] = complex.im %{{.*}} : complex<f32>
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[I]] : f32
// CHECK-NEXT: complex.create %{{.*}}, %[[N]] : complex<f32>
func.func @prod(%x: tensor<?xcomplex<f32>> {tgraph.name = "x", tgraph.shape = ["N"]}, %r: tensor<?xf32> {tgraph.name = "r", tgraph.shape = ["N"]})
    -> (tensor<?xcomplex<f32>> {tgraph.name = "out0", tgraph.shape = ["N"]})
    attributes {tgraph.dims = ["N"], tgraph.entry} {
  %0 = tgraph.cast %r : tensor<?xf32> -> tensor<?xcomplex<f32>>
  %1 = tgraph.mul %x, %0 : tensor<?xcomplex<f32>>, tensor<?xcomplex<f32>> -> tensor<?xcomplex<f32>>
  %2 = tgraph.conj %1 : tensor<?xcomplex<f32>>
  return %2 : tensor<?xcomplex<f32>>
}

// A transpose of c64 moves elements as they are (a layout kernel).
// CHECK-LABEL: ttile.kernel @flip_k0 attributes {kind = "layout"
// CHECK:      %[[E:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xcomplex<f32>>
// CHECK-NEXT: memref.store %[[E]], %{{.*}}[%{{.*}}] : memref<?xcomplex<f32>>
func.func @flip(%x: tensor<2x3xcomplex<f32>> {tgraph.name = "x", tgraph.shape = [2, 3]})
    -> (tensor<3x2xcomplex<f32>> {tgraph.name = "out0", tgraph.shape = [3, 2]})
    attributes {tgraph.entry} {
  %0 = tgraph.transpose %x permutation = [1, 0] : tensor<2x3xcomplex<f32>> -> tensor<3x2xcomplex<f32>>
  return %0 : tensor<3x2xcomplex<f32>>
}
