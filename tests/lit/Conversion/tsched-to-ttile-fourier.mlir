// RUN: tessera-opt %s --tsched-form-fusion-groups --convert-tsched-to-ttile | FileCheck %s

// fft along the last dim: a twiddle table of n (cos, -sin) pairs in f64,
// one point per t, then a kernel of one point a row that widens the row
// into scratch space, runs Stockham stages of the smallest prime factor
// until the length is 1, and rounds the result once to c64.
// CHECK-LABEL: ttile.kernel @spectrum_k0 attributes {kind = "fft_twiddles", num_inputs = 0 : i64, num_sizes = 1 : i64
// CHECK-NEXT: ^bb0(%[[TABLE:[^:]*]]: memref<?xf64>, %[[T:[^:]*]]: index, %{{[^:]*}}: index, %[[N:[^:]*]]: index):
// CHECK:      vector.insert %{{.*}} [1] : f64 into vector<2xf64>
// CHECK-NOT:  math.
// CHECK:      %[[COS:.*]] = vector.extract %{{.*}}[0] : f64 from vector<2xf64>
// CHECK-NEXT: %[[SIN:.*]] = vector.extract %{{.*}}[1] : f64 from vector<2xf64>
// CHECK-NEXT: %[[NEGSIN:.*]] = arith.negf %[[SIN]] : f64
// CHECK:      %[[AT:.*]] = arith.muli %[[T]], %{{.*}} : index
// CHECK-NEXT: memref.store %[[COS]], %[[TABLE]][%[[AT]]] : memref<?xf64>
// CHECK:      memref.store %[[NEGSIN]], %[[TABLE]][%{{.*}}] : memref<?xf64>

// CHECK-LABEL: ttile.kernel @spectrum_k1 attributes {kind = "fft", num_inputs = 2 : i64, num_sizes = 3 : i64, tile = 1 : i64
// CHECK-NEXT: ^bb0(%[[IN:[^:]*]]: memref<?xcomplex<f32>>, %{{[^:]*}}: memref<?xf64>, %[[WORK:[^:]*]]: memref<?xf64>, %[[OUT:[^:]*]]: memref<?xcomplex<f32>>,
// CHECK:      %[[Z:.*]] = memref.load %[[IN]][%{{.*}}] : memref<?xcomplex<f32>>
// CHECK-NEXT: %[[RE:.*]] = complex.re %[[Z]] : complex<f32>
// CHECK-NEXT: arith.extf %[[RE]] : f32 to f64
// CHECK:      scf.while
// The smallest prime factor of the stage's length.
// CHECK:        scf.while
// CHECK:          arith.remui
// CHECK:        scf.for
// CHECK:          scf.for
// CHECK:            scf.for
// The radix-p sum, in ascending r, accumulated in f64.
// CHECK:              scf.for {{.*}} iter_args({{.*}}) -> (f64, f64)
// CHECK:      %[[R32:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT: %[[I32:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT: %[[C:.*]] = complex.create %[[R32]], %[[I32]] : complex<f32>
// CHECK-NEXT: memref.store %[[C]], %[[OUT]][%{{.*}}] : memref<?xcomplex<f32>>

// The table has 2 n numbers; the scratch space 4 n a row; both freed.
// CHECK-LABEL: func.func @spectrum(
// CHECK-SAME:  %[[B:[^:]*]]: index {tgraph.name = "B"}, %[[NN:[^:]*]]: index {tgraph.name = "N"})
// CHECK:      %[[TABLE2:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:      %[[WORK2:.*]] = memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK:      ttile.launch @spectrum_k0(%[[TABLE2]]) elements %[[NN]] sizes(%[[NN]])
// CHECK-NEXT: ttile.launch @spectrum_k1(%arg0, %[[TABLE2]], %[[WORK2]], %arg1) elements %[[B]] sizes(%[[NN]], %[[NN]], %[[NN]])
// CHECK-NEXT: memref.dealloc %[[TABLE2]]
// CHECK-NEXT: memref.dealloc %[[WORK2]]
func.func @spectrum(%x: tensor<?x?xcomplex<f32>> {tgraph.name = "x", tgraph.shape = ["B", "N"]})
    -> (tensor<?x?xcomplex<f32>> {tgraph.name = "out0", tgraph.shape = ["B", "N"]})
    attributes {tgraph.dims = ["B", "N"], tgraph.entry} {
  %0 = tgraph.fft %x : tensor<?x?xcomplex<f32>>
  return %0 : tensor<?x?xcomplex<f32>>
}

// irfft of 12 from 7 frequencies: n is the attribute, the result's rows 12
// f32; the real part is divided by n in f64 and rounded once.
// CHECK-LABEL: ttile.kernel @back_k1 attributes {kind = "fft"
// CHECK:      arith.divf %{{.*}}, %{{.*}} : f64
// CHECK-NEXT: %[[R:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK-NEXT: memref.store %[[R]], %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK-LABEL: func.func @back(
// CHECK:      %[[C12:.*]] = arith.constant 12 : index
// CHECK:      ttile.launch @back_k1({{.*}}) elements %{{.*}} sizes(%[[C12]], %{{.*}}, %[[C12]])
func.func @back(%x: tensor<?x7xcomplex<f32>> {tgraph.name = "x", tgraph.shape = ["B", 7]})
    -> (tensor<?x12xf32> {tgraph.name = "out0", tgraph.shape = ["B", 12]})
    attributes {tgraph.dims = ["B"], tgraph.entry} {
  %0 = tgraph.irfft %x n = 12 : tensor<?x7xcomplex<f32>> -> tensor<?x12xf32>
  return %0 : tensor<?x12xf32>
}

// rfft of an even length: the transform of length n/2 of the pairs
// (x[2k], x[2k+1]) (table entries taken every second one), then
// X[k] = E + W^k O with E and O halves of Z[k] +- conj(Z[n/2 - k]); an odd
// length transforms the real row as it is.
// CHECK-LABEL: ttile.kernel @half_k1 attributes {kind = "fft"
// CHECK:      %[[EVEN:.*]] = arith.cmpi eq, %{{.*}}, %{{.*}} : index
// CHECK:      %[[PACKED:.*]] = arith.andi %[[EVEN]], %{{.*}} : i1
// CHECK:      scf.if %[[PACKED]] {
// CHECK:        %[[RE:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK:        %[[IM:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xf32>
// CHECK:      } else {
// CHECK:      scf.while
// CHECK:      scf.if %[[PACKED]] {
// CHECK:        arith.constant 5.000000e-01 : f64
// CHECK:        complex.create
// CHECK:      } else {
func.func @half(%x: tensor<?x?xf32> {tgraph.name = "x", tgraph.shape = ["B", "N"]})
    -> (tensor<?x?xcomplex<f32>> {tgraph.name = "out0", tgraph.shape = ["B", "N/2+1"]})
    attributes {tgraph.dims = ["B", "N"], tgraph.entry} {
  %0 = tgraph.rfft %x : tensor<?x?xf32> -> tensor<?x?xcomplex<f32>>
  return %0 : tensor<?x?xcomplex<f32>>
}
