// RUN: tessera-opt %s --split-input-file --verify-diagnostics --convert-ttile-to-llvm | FileCheck %s
// RUN: tessera-opt %s --split-input-file --convert-ttile-to-llvm="targets=cuda" | FileCheck %s --check-prefix=CUDA

ttile.kernel @copy attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  ttile.store %v, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// A check of a value the entry read back (a solve's flag): when it fails,
// a branch to the cleanup block, which frees the temporaries and returns
// the check's status.
// CHECK-LABEL: llvm.func @tessera_entry_checked
// CHECK: %[[T:.*]] = llvm.call %{{.*}}(%arg0, %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK: ^bb1:
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, i64
// CHECK-NEXT: %[[FLAG:.*]] = llvm.load %[[ADDR]] {alignment = 8 : i64} : !llvm.ptr -> i64
// CHECK-NEXT: %[[OK:.*]] = llvm.icmp "eq" %[[FLAG]], %{{.*}} : i64
// CHECK-NEXT: %[[STATUS:.*]] = llvm.mlir.constant(64 : i32) : i32
// CHECK-NEXT: llvm.cond_br %[[OK]], ^bb2, ^[[CLEANUP:bb[0-9]+]](%[[STATUS]] : i32)
// CHECK: ^bb2:
// CHECK: llvm.call
// CHECK: ^[[CLEANUP]](%[[S:.*]]: i32):
// CHECK: llvm.return %[[S]] : i32
func.func @checked(%a: memref<?xi64>, %x: memref<?xf32>, %o: memref<?xf32>, %n: index) attributes {tgraph.entry} {
  %c0 = arith.constant 0 : index
  %z = arith.constant 0 : i64
  %t = memref.alloc(%n) : memref<?xf32>
  %f = memref.load %a[%c0] : memref<?xi64>
  %ok = arith.cmpi eq, %f, %z : i64
  ttile.check %ok status 64
  ttile.launch @copy(%x, %t) elements %n : memref<?xf32>, memref<?xf32>
  ttile.launch @copy(%t, %o) elements %n : memref<?xf32>, memref<?xf32>
  memref.dealloc %t : memref<?xf32>
  return
}
// The device form downloads the flag into a stack slot first (ops->download,
// field 4); a failed download returns its status through the same cleanup
// block, and the check reads the slot.
// CUDA-LABEL: llvm.func @tessera_cuda_entry_checked(
// CUDA: %[[FSLOT:.*]] = llvm.alloca %{{.*}} x i64 : (i64) -> !llvm.ptr
// CUDA: llvm.getelementptr %{{.*}}[4] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CUDA: %[[DST:.*]] = llvm.call %{{.*}}(%arg0, %[[FSLOT]], %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> i32
// CUDA: llvm.cond_br %{{.*}}, ^[[READ:bb[0-9]+]], ^[[CLEAN:bb[0-9]+]](%[[DST]] : i32)
// CUDA-NEXT: ^[[READ]]:
// CUDA-NEXT: %[[F:.*]] = llvm.load %[[FSLOT]] : !llvm.ptr -> i64
// CUDA: %[[FOK:.*]] = llvm.icmp "eq" %[[F]], %{{.*}} : i64
// CUDA: llvm.cond_br %[[FOK]], ^{{bb[0-9]+}}, ^[[CLEAN]](%{{.*}} : i32)

// -----

ttile.kernel @copy attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  ttile.store %v, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// A loop (a fixed point's) becomes blocks; a launch in it keeps its
// argument arrays in the entry block, so that the stack does not grow at
// every iteration, and a failed launch branches to the cleanup block from
// inside the loop.
// CHECK-LABEL: llvm.func @tessera_entry_loop
// CHECK-NEXT: llvm.mlir.constant
// CHECK-NEXT: %[[SIZES:.*]] = llvm.alloca %{{.*}} x i64 : (i64) -> !llvm.ptr
// CHECK-NEXT: llvm.mlir.constant
// CHECK-NEXT: %[[ARGV:.*]] = llvm.alloca %{{.*}} x !llvm.ptr : (i64) -> !llvm.ptr
// CHECK: llvm.br ^bb1(%{{.*}} : i64)
// CHECK-NEXT: ^bb1(%[[I:.*]]: i64):
// CHECK-NEXT: %[[GO:.*]] = llvm.icmp "slt" %[[I]], %{{.*}} : i64
// CHECK-NEXT: llvm.cond_br %[[GO]], ^bb2(%[[I]] : i64), ^bb4
// CHECK-NEXT: ^bb2(%[[J:.*]]: i64):
// CHECK-NOT: llvm.alloca
// CHECK: llvm.getelementptr %[[ARGV]][0]
// CHECK: %[[RC:.*]] = llvm.call %{{.*}}(%arg0, %{{.*}}, %[[ARGV]], %[[SIZES]], %{{.*}})
// CHECK: llvm.cond_br %{{.*}}, ^bb3, ^bb5(%[[RC]] : i32)
// CHECK-NEXT: ^bb3:
// CHECK: llvm.br ^bb1
// CHECK-NEXT: ^bb4:
// CHECK: llvm.return
func.func @loop(%x: memref<?xf32>, %o: memref<?xf32>, %n: index) attributes {tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.while (%i = %c0) : (index) -> index {
    %go = arith.cmpi slt, %i, %c3 : index
    scf.condition(%go) %i : index
  } do {
  ^bb0(%i: index):
    ttile.launch @copy(%x, %o) elements %n : memref<?xf32>, memref<?xf32>
    %j = arith.addi %i, %c1 : index
    scf.yield %j : index
  }
  return
}

// -----

ttile.kernel @copy attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  ttile.store %v, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// A read inside a loop (a fixed point's change): on the device, its stack
// slot is in the entry block too, and each iteration downloads into it.
// CUDA-LABEL: llvm.func @tessera_cuda_entry_converge(
// CUDA: %[[CSLOT:.*]] = llvm.alloca %{{.*}} x f64 : (i64) -> !llvm.ptr
// CUDA: llvm.br ^bb1(%{{.*}} : i64)
// CUDA-NEXT: ^bb1(%{{.*}}: i64):
// CUDA-NOT: llvm.alloca
// CUDA: %[[CST:.*]] = llvm.call %{{.*}}(%arg0, %[[CSLOT]], %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> i32
// CUDA: llvm.cond_br %{{.*}}, ^[[READ:bb[0-9]+]], ^{{bb[0-9]+}}(%[[CST]] : i32)
// CUDA-NEXT: ^[[READ]]:
// CUDA-NEXT: %[[D:.*]] = llvm.load %[[CSLOT]] : !llvm.ptr -> f64
// CUDA: llvm.fcmp "ole" %[[D]], %{{.*}} : f64
// CUDA: llvm.br ^bb1
func.func @converge(%x: memref<?xf32>, %o: memref<?xf32>, %change: memref<1xf64>, %n: index) attributes {tgraph.entry} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c9 = arith.constant 9 : index
  %tol = arith.constant 1.0e-6 : f64
  %r = scf.while (%i = %c0) : (index) -> index {
    %go = arith.cmpi slt, %i, %c9 : index
    scf.condition(%go) %i : index
  } do {
  ^bb0(%i: index):
    ttile.launch @copy(%x, %o) elements %n : memref<?xf32>, memref<?xf32>
    %d = memref.load %change[%c0] : memref<1xf64>
    %done = arith.cmpf ole, %d, %tol : f64
    %j = arith.addi %i, %c1 : index
    %k = arith.select %done, %c9, %j : index
    scf.yield %k : index
  }
  return
}
