// RUN: tessera-opt %s | tessera-opt | FileCheck %s

// Round trip of the linear-algebra family: matmul (batch broadcasting,
// vectors, transposes, tile hints), solve and the Fourier transforms.

// CHECK-LABEL: func.func @matmul
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<64x?xf32> -> tensor<?x?xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} {tile = array<i64: 64, 64, 32>, transpose_rhs = true} : tensor<8x?x64xf32>, tensor<128x64xf32> -> tensor<8x?x128xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} {transpose_lhs = true, transpose_rhs = true} : tensor<64x?xf32>, tensor<128x64xf32> -> tensor<?x128xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<?x64xf32>, tensor<64x?xf32> -> tensor<16x32xf32>
func.func @matmul(%a: tensor<?x64xf32>, %b: tensor<64x?xf32>, %bt: tensor<128x64xf32>, %x: tensor<8x?x64xf32>) {
  %0 = tgraph.matmul %a, %b : tensor<?x64xf32>, tensor<64x?xf32> -> tensor<?x?xf32>
  %1 = tgraph.matmul %x, %bt {tile = array<i64: 64, 64, 32>, transpose_rhs = true} : tensor<8x?x64xf32>, tensor<128x64xf32> -> tensor<8x?x128xf32>
  %2 = tgraph.matmul %b, %bt {transpose_lhs = true, transpose_rhs = true} : tensor<64x?xf32>, tensor<128x64xf32> -> tensor<?x128xf32>
  // A static result may refine a `?` of the inferred shape.
  %3 = tgraph.matmul %a, %b : tensor<?x64xf32>, tensor<64x?xf32> -> tensor<16x32xf32>
  return
}

// CHECK-LABEL: func.func @matmul_batch
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<1x?x3x4xf16>, tensor<5x1x4x2xf16> -> tensor<5x?x3x2xf16>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<1x?x3x4xf16>, tensor<?x4x2xf16> -> tensor<1x?x3x2xf16>
func.func @matmul_batch(%a: tensor<1x?x3x4xf16>, %b: tensor<5x1x4x2xf16>, %c: tensor<?x4x2xf16>) {
  %0 = tgraph.matmul %a, %b : tensor<1x?x3x4xf16>, tensor<5x1x4x2xf16> -> tensor<5x?x3x2xf16>
  %1 = tgraph.matmul %a, %c : tensor<1x?x3x4xf16>, tensor<?x4x2xf16> -> tensor<1x?x3x2xf16>
  return
}

// CHECK-LABEL: func.func @matmul_vectors
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<3x4xf32>, tensor<4xf32> -> tensor<3xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<3xf32>, tensor<3x4xf32> -> tensor<4xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32> -> tensor<f32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<2x4x5xf32> -> tensor<2x5xf32>
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} {transpose_lhs = true} : tensor<3x4xf32>, tensor<3xf32> -> tensor<?xf32>
func.func @matmul_vectors(%m: tensor<3x4xf32>, %v: tensor<4xf32>, %w: tensor<3xf32>, %bm: tensor<2x4x5xf32>) {
  %0 = tgraph.matmul %m, %v : tensor<3x4xf32>, tensor<4xf32> -> tensor<3xf32>
  %1 = tgraph.matmul %w, %m : tensor<3xf32>, tensor<3x4xf32> -> tensor<4xf32>
  %2 = tgraph.matmul %v, %v : tensor<4xf32>, tensor<4xf32> -> tensor<f32>
  %3 = tgraph.matmul %v, %bm : tensor<4xf32>, tensor<2x4x5xf32> -> tensor<2x5xf32>
  %4 = tgraph.matmul %m, %w {transpose_lhs = true} : tensor<3x4xf32>, tensor<3xf32> -> tensor<?xf32>
  return
}

// CHECK-LABEL: func.func @matmul_int
// CHECK: tgraph.matmul %{{.*}}, %{{.*}} : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi8>
func.func @matmul_int(%a: tensor<2x3xi8>, %b: tensor<3x2xi8>) {
  %0 = tgraph.matmul %a, %b : tensor<2x3xi8>, tensor<3x2xi8> -> tensor<2x2xi8>
  return
}

// CHECK-LABEL: func.func @solve
// CHECK: tgraph.solve %{{.*}}, %{{.*}} : tensor<?x?xf64>, tensor<?xf64>
// CHECK: tgraph.solve %{{.*}}, %{{.*}} : tensor<4x4xf32>, tensor<4x3xf32>
// CHECK: tgraph.solve %{{.*}}, %{{.*}} : tensor<2x?x4x4xf32>, tensor<2x?x4xf32>
// CHECK: tgraph.solve %{{.*}}, %{{.*}} : tensor<2x?x4x4xf32>, tensor<2x?x4x3xf32>
func.func @solve(%A: tensor<?x?xf64>, %b: tensor<?xf64>, %B: tensor<4x4xf32>, %K: tensor<4x3xf32>,
                 %BA: tensor<2x?x4x4xf32>, %Bb: tensor<2x?x4xf32>, %BK: tensor<2x?x4x3xf32>) {
  %0 = tgraph.solve %A, %b : tensor<?x?xf64>, tensor<?xf64>
  %1 = tgraph.solve %B, %K : tensor<4x4xf32>, tensor<4x3xf32>
  %2 = tgraph.solve %BA, %Bb : tensor<2x?x4x4xf32>, tensor<2x?x4xf32>
  %3 = tgraph.solve %BA, %BK : tensor<2x?x4x4xf32>, tensor<2x?x4x3xf32>
  return
}

// CHECK-LABEL: func.func @fft
// CHECK: tgraph.fft %{{.*}} : tensor<?x16xcomplex<f32>>
// CHECK: tgraph.ifft %{{.*}} : tensor<?x16xcomplex<f32>>
// CHECK: tgraph.rfft %{{.*}} : tensor<?x16xf32> -> tensor<?x9xcomplex<f32>>
// CHECK: tgraph.rfft %{{.*}} : tensor<7xf32> -> tensor<4xcomplex<f32>>
// CHECK: tgraph.rfft %{{.*}} : tensor<?xf32> -> tensor<?xcomplex<f32>>
// CHECK: tgraph.irfft %{{.*}} n = 16 : tensor<?x9xcomplex<f32>> -> tensor<?x16xf32>
// CHECK: tgraph.irfft %{{.*}} n = 7 : tensor<4xcomplex<f32>> -> tensor<7xf32>
// CHECK: tgraph.irfft %{{.*}} n = 10 : tensor<?xcomplex<f32>> -> tensor<10xf32>
func.func @fft(%z: tensor<?x16xcomplex<f32>>, %r: tensor<?x16xf32>, %o: tensor<7xf32>, %d: tensor<?xf32>) {
  %0 = tgraph.fft %z : tensor<?x16xcomplex<f32>>
  %1 = tgraph.ifft %z : tensor<?x16xcomplex<f32>>
  %2 = tgraph.rfft %r : tensor<?x16xf32> -> tensor<?x9xcomplex<f32>>
  %3 = tgraph.rfft %o : tensor<7xf32> -> tensor<4xcomplex<f32>>
  %4 = tgraph.rfft %d : tensor<?xf32> -> tensor<?xcomplex<f32>>
  %5 = tgraph.irfft %2 n = 16 : tensor<?x9xcomplex<f32>> -> tensor<?x16xf32>
  %6 = tgraph.irfft %3 n = 7 : tensor<4xcomplex<f32>> -> tensor<7xf32>
  %7 = tgraph.irfft %4 n = 10 : tensor<?xcomplex<f32>> -> tensor<10xf32>
  return
}

// CHECK-LABEL: func.func @attention
// CHECK: %[[O:.*]] = tgraph.attention %{{.*}}, %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<f32>) : tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x4xf32> -> tensor<2x?x4xf32>
// CHECK: tgraph.attention_grad %{{.*}}, %{{.*}}, %{{.*}} scale(%{{.*}} : tensor<f32>) result(%[[O]] : tensor<2x?x4xf32>) result_grad(%{{.*}}) : tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x4xf32>
func.func @attention(%q: tensor<2x?x8xf32>, %k: tensor<2x?x8xf32>, %v: tensor<2x?x4xf32>, %c: tensor<f32>, %g: tensor<2x?x4xf32>) -> (tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x4xf32>) {
  %o = tgraph.attention %q, %k, %v scale(%c : tensor<f32>) : tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x4xf32> -> tensor<2x?x4xf32>
  %dq, %dk, %dv = tgraph.attention_grad %q, %k, %v scale(%c : tensor<f32>) result(%o : tensor<2x?x4xf32>) result_grad(%g) : tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x4xf32>
  return %dq, %dk, %dv : tensor<2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x4xf32>
}
