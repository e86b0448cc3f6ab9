// RUN: tessera-opt %s --convert-tsched-to-ttile | FileCheck %s
// RUN: tessera-opt %s --convert-tsched-to-ttile=matmul-epilogues=false | FileCheck %s --check-prefix=SPLIT
// A matmul group with an epilogue (MatmulEpilogue.cpp): a bias per column
// and relu, the product returned as well. K = 29 is one segment.

// The matmul kernel reads the bias too (its fourth input) and writes the
// product and relu's value; its ttile.matmul names the epilogue's element
// kernel, which the CUDA backend's block tiles apply. Each vector of sums
// is stored into the product, then the bias is read at the step's column
// (a step lies in one row: no division), added, and relu's value stored at
// the same place.
// CHECK-LABEL: ttile.kernel @dense_k1
// CHECK-SAME: kind = "matmul", num_inputs = 4 : i64
// CHECK-SAME: ttile.matmul = {accumulator = f32, element = f32, epilogue = @dense_k1_epilogue,
// CHECK-NEXT: ^bb0(%{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %{{[^:]*}}: memref<?xf32>, %[[BIAS:[^:]*]]: memref<?xf32>, %[[C:[^:]*]]: memref<?xf32>, %[[OUT:[^:]*]]: memref<?xf32>, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[N:[^:]*]]: index,
// CHECK: %[[SUMS:.*]]:16 = scf.for
// CHECK: ttile.store %[[SUMS]]#0, %[[C]][%[[AT:.*]]] bound %[[END:.*]] {ttile.in_bounds}
// CHECK-NEXT: %[[ROW:.*]] = arith.addi
// CHECK-NEXT: %[[B:.*]] = ttile.load %[[BIAS]][%[[COL:.*]]] bound %[[N]] {ttile.in_bounds}
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[SUMS]]#0, %[[B]] : vector<8xf32>
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[S]], %[[ZERO]] : vector<8xf32>
// CHECK-NEXT: ttile.store %[[R]], %[[OUT]][%[[AT]]] bound %[[END]] {ttile.in_bounds}
// CHECK-NOT: arith.divui

// The element kernel, which nothing launches: one lane, input 0 standing
// for the product, its index arguments the element's flat index, then its
// row, column and the row length; every access in bounds.
// CHECK-LABEL: ttile.kernel @dense_k1_epilogue attributes {kind = "matmul_epilogue", num_inputs = 2 : i64, num_sizes = 4 : i64, tile = 1 : i64, vector = 1 : i64}
// CHECK-NEXT: ^bb0(%[[P:[^:]*]]: memref<?xf32>, %[[EB:[^:]*]]: memref<?xf32>, %[[EO:[^:]*]]: memref<?xf32>, %[[I:[^:]*]]: index, %[[IEND:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[COL:[^:]*]]: index, %[[COLS:[^:]*]]: index):
// CHECK-NEXT: %[[V:.*]] = ttile.load %[[P]][%[[I]]] bound %[[IEND]] {ttile.in_bounds} : memref<?xf32> -> vector<1xf32>
// CHECK-NEXT: %[[EBV:.*]] = ttile.load %[[EB]][%[[COL]]] bound %[[COLS]] {ttile.in_bounds}
// CHECK-NEXT: %[[ES:.*]] = arith.addf %[[V]], %[[EBV]] : vector<1xf32>
// CHECK-NEXT: %[[EZ:.*]] = arith.constant dense<0.000000e+00> : vector<1xf32>
// CHECK-NEXT: %[[ER:.*]] = arith.maximumf %[[ES]], %[[EZ]] : vector<1xf32>
// CHECK-NEXT: ttile.store %[[ER]], %[[EO]][%[[I]]] bound %[[IEND]] {ttile.in_bounds}
// CHECK-NEXT: }

// The entry: the pack, then the matmul writing both results; nothing after.
// CHECK-LABEL: func.func @dense
// CHECK: ttile.launch @dense_k0
// CHECK: ttile.launch @dense_k1(%arg0, %{{.*}}, %arg1, %arg2, %arg4, %arg3)
// CHECK-NEXT: memref.dealloc
// CHECK-NOT: ttile.launch
// CHECK: return

// A target that runs matmuls on its own schedule: the matmul kernel stores
// the product alone (no `epilogue`), then an elementwise kernel reads it
// back with the bias and writes relu's value.
// SPLIT-LABEL: ttile.kernel @dense_k1
// SPLIT-SAME: num_inputs = 3 : i64
// SPLIT-NOT: epilogue
// SPLIT-SAME: {
// SPLIT-LABEL: ttile.kernel @dense_k2 attributes {kind = "elementwise"
// SPLIT: arith.addf
// SPLIT: arith.maximumf
// SPLIT-LABEL: func.func @dense
// SPLIT: ttile.launch @dense_k1(%arg0, %{{.*}}, %arg1, %arg4)
// SPLIT: ttile.launch @dense_k2(%arg4, %arg2, %arg3) elements
func.func @dense(%x: tensor<5x29xf32> {tgraph.name = "x", tgraph.shape = [5, 29]},
                 %w: tensor<29x45xf32> {tgraph.name = "w", tgraph.shape = [29, 45]},
                 %bias: tensor<45xf32> {tgraph.name = "bias", tgraph.shape = [45]})
    -> (tensor<5x45xf32> {tgraph.name = "out0", tgraph.shape = [5, 45]},
        tensor<5x45xf32> {tgraph.name = "out1", tgraph.shape = [5, 45]})
    attributes {tgraph.entry} {
  %g:2 = tsched.fusion_group(%x, %w, %bias) {kind = "matmul", shape = [5, 45], tile = array<i64: 16>} : (tensor<5x29xf32>, tensor<29x45xf32>, tensor<45xf32>) -> (tensor<5x45xf32>, tensor<5x45xf32>) {
  ^bb0(%a: tensor<5x29xf32>, %b: tensor<29x45xf32>, %c: tensor<45xf32>):
    %m = tgraph.matmul %a, %b : tensor<5x29xf32>, tensor<29x45xf32> -> tensor<5x45xf32>
    %bc = tgraph.broadcast %c : tensor<45xf32> -> tensor<5x45xf32>
    %s = tgraph.add %m, %bc : tensor<5x45xf32>, tensor<5x45xf32> -> tensor<5x45xf32>
    %r = tgraph.relu %s : tensor<5x45xf32>
    tsched.yield %r, %m : tensor<5x45xf32>, tensor<5x45xf32>
  }
  return %g#0, %g#1 : tensor<5x45xf32>, tensor<5x45xf32>
}
