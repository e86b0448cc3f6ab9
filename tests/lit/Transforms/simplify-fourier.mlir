// RUN: tessera-opt %s --tgraph-simplify | FileCheck %s

// ifft(fft(x)) and fft(ifft(x)) are x without a strict policy.
// CHECK-LABEL: func.func @round_trips
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xcomplex<f32>>)
// CHECK-NOT: tgraph.fft
// CHECK-NOT: tgraph.ifft
// CHECK: return %[[X]], %[[X]]
func.func @round_trips(%x: tensor<?x16xcomplex<f32>>) -> (tensor<?x16xcomplex<f32>>, tensor<?x16xcomplex<f32>>)
    attributes {tgraph.policy = "numeric(dtype: f32, strict: false)"} {
  %0 = tgraph.fft %x : tensor<?x16xcomplex<f32>>
  %1 = tgraph.ifft %0 : tensor<?x16xcomplex<f32>>
  %2 = tgraph.ifft %x : tensor<?x16xcomplex<f32>>
  %3 = tgraph.fft %2 : tensor<?x16xcomplex<f32>>
  return %1, %3 : tensor<?x16xcomplex<f32>>, tensor<?x16xcomplex<f32>>
}

// irfft(rfft(x), n) is x when x's rows have length n, odd or even.
// CHECK-LABEL: func.func @real_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<?x16xf32>, %[[Y:.*]]: tensor<4x15xf32>)
// CHECK-NOT: rfft
// CHECK: return %[[X]], %[[Y]]
func.func @real_round_trip(%x: tensor<?x16xf32>, %y: tensor<4x15xf32>) -> (tensor<?x16xf32>, tensor<4x15xf32>) {
  %0 = tgraph.rfft %x : tensor<?x16xf32> -> tensor<?x9xcomplex<f32>>
  %1 = tgraph.irfft %0 n = 16 : tensor<?x9xcomplex<f32>> -> tensor<?x16xf32>
  %2 = tgraph.rfft %y : tensor<4x15xf32> -> tensor<4x8xcomplex<f32>>
  %3 = tgraph.irfft %2 n = 15 : tensor<4x8xcomplex<f32>> -> tensor<4x15xf32>
  return %1, %3 : tensor<?x16xf32>, tensor<4x15xf32>
}

// A different n (rows of 16 read back as 17) or an unknown row length is not
// a round trip; neither is rfft(irfft(y)).
// CHECK-LABEL: func.func @not_round_trips
// CHECK: %[[F:.*]] = tgraph.rfft %{{.*}} : tensor<?x16xf32> -> tensor<?x9xcomplex<f32>>
// CHECK-NEXT: tgraph.irfft %[[F]] n = 17
// CHECK-NEXT: %[[G:.*]] = tgraph.rfft %{{.*}} : tensor<2x?xf32> -> tensor<2x9xcomplex<f32>>
// CHECK-NEXT: tgraph.irfft %[[G]] n = 16
// CHECK-NEXT: %[[H:.*]] = tgraph.irfft %{{.*}} n = 16
// CHECK-NEXT: tgraph.rfft %[[H]]
func.func @not_round_trips(%x: tensor<?x16xf32>, %z: tensor<2x?xf32>, %w: tensor<2x9xcomplex<f32>>)
    -> (tensor<?x17xf32>, tensor<2x16xf32>, tensor<2x9xcomplex<f32>>) {
  %0 = tgraph.rfft %x : tensor<?x16xf32> -> tensor<?x9xcomplex<f32>>
  %1 = tgraph.irfft %0 n = 17 : tensor<?x9xcomplex<f32>> -> tensor<?x17xf32>
  %2 = tgraph.rfft %z : tensor<2x?xf32> -> tensor<2x9xcomplex<f32>>
  %3 = tgraph.irfft %2 n = 16 : tensor<2x9xcomplex<f32>> -> tensor<2x16xf32>
  %4 = tgraph.irfft %w n = 16 : tensor<2x9xcomplex<f32>> -> tensor<2x16xf32>
  %5 = tgraph.rfft %4 : tensor<2x16xf32> -> tensor<2x9xcomplex<f32>>
  return %1, %3, %5 : tensor<?x17xf32>, tensor<2x16xf32>, tensor<2x9xcomplex<f32>>
}

// Strict: each transform rounds, so the round trip is not the identity in
// floating point and nothing changes.
// CHECK-LABEL: func.func @strict
// CHECK-NEXT: %[[A:.*]] = tgraph.fft %{{.*}}
// CHECK-NEXT: %[[B:.*]] = tgraph.ifft %[[A]]
// CHECK-NEXT: %[[C:.*]] = tgraph.rfft %{{.*}}
// CHECK-NEXT: %[[D:.*]] = tgraph.irfft %[[C]] n = 8
// CHECK-NEXT: return %[[B]], %[[D]]
func.func @strict(%x: tensor<8xcomplex<f32>>, %y: tensor<8xf32>) -> (tensor<8xcomplex<f32>>, tensor<8xf32>)
    attributes {tgraph.policy = "numeric(dtype: f32, accum: f32, strict: true)"} {
  %0 = tgraph.fft %x : tensor<8xcomplex<f32>>
  %1 = tgraph.ifft %0 : tensor<8xcomplex<f32>>
  %2 = tgraph.rfft %y : tensor<8xf32> -> tensor<5xcomplex<f32>>
  %3 = tgraph.irfft %2 n = 8 : tensor<5xcomplex<f32>> -> tensor<8xf32>
  return %1, %3 : tensor<8xcomplex<f32>>, tensor<8xf32>
}
