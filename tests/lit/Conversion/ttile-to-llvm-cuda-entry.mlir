// RUN: tessera-opt %s --split-input-file --verify-diagnostics --convert-ttile-to-llvm="targets=cuda" | FileCheck %s

// The device form of an entry (tbin_abi.h, tessera_device_entry_fn): its
// temporaries come from ops->alloc (field 0) and go back through ops->free
// (field 1); kernels are launched by name through ops->launch (field 2) over
// one tile per vector step; scalars it writes into a tensor are uploaded
// through ops->upload (field 3), values it reads from one downloaded through
// ops->download (field 4). No CPU kernel or CPU entry is built.

// CHECK-NOT: llvm.func @tessera_kernel_neg
// CHECK-NOT: llvm.func @malloc
// CHECK-DAG: llvm.mlir.global internal constant @tessera_kernel_neg_name("tessera_kernel_neg\00")
// CHECK-NOT: llvm.func @tessera_entry_chain
// CHECK-LABEL: llvm.func @tessera_cuda_entry_chain(
// CHECK-SAME: %[[DEV:[^:]*]]: !llvm.ptr, %[[OPS:[^:]*]]: !llvm.ptr, %[[BUFS:[^:]*]]: !llvm.ptr, %[[DIMS:[^:]*]]: !llvm.ptr) -> i32 {
// CHECK: %[[N:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK: %[[BYTES:.*]] = llvm.intr.umax
// CHECK-NEXT: %[[ALLOCP:.*]] = llvm.getelementptr %[[OPS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[ALLOC:.*]] = llvm.load %[[ALLOCP]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[T1:.*]] = llvm.call %[[ALLOC]](%[[DEV]], %[[BYTES]]) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK: llvm.cond_br %{{.*}}, ^[[OK1:.*]], ^[[CLEANUP:[^(]*]](%{{.*}} : i32)
// Tiles: ceil(n / 8), the kernel's vector.
// CHECK: ^[[OK1]]:
// CHECK: %[[SEVEN:.*]] = llvm.mlir.constant(7 : i64) : i64
// CHECK-NEXT: %[[UP:.*]] = llvm.add %[[N]], %[[SEVEN]] : i64
// CHECK-NEXT: %[[EIGHT:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK-NEXT: %[[TILES:.*]] = llvm.udiv %[[UP]], %[[EIGHT]] : i64
// CHECK-NEXT: %[[NAME:.*]] = llvm.mlir.addressof @tessera_kernel_neg_name : !llvm.ptr
// CHECK-NEXT: %[[LAUNCHP:.*]] = llvm.getelementptr %[[OPS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[LAUNCH:.*]] = llvm.load %[[LAUNCHP]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[TWO:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: %[[ONE:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: %[[STATUS:.*]] = llvm.call %[[LAUNCH]](%[[DEV]], %[[NAME]], %{{.*}}, %[[TWO]], %{{.*}}, %[[ONE]], %[[TILES]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32, i64) -> i32
// CHECK: llvm.cond_br %{{.*}}, ^[[OK2:.*]], ^[[CLEANUP]](%[[STATUS]] : i32)
// The scalar: stored on the stack, uploaded into the one-element buffer.
// CHECK: ^[[OK2]]:
// CHECK: %[[SLOT:.*]] = llvm.alloca %{{.*}} x f32 : (i64) -> !llvm.ptr
// CHECK-NEXT: llvm.store %{{.*}}, %[[SLOT]] : f32, !llvm.ptr
// CHECK: %[[UPLOADP:.*]] = llvm.getelementptr %[[OPS]][3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[UPLOAD:.*]] = llvm.load %[[UPLOADP]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %[[UPLOAD]](%[[DEV]], %{{.*}}, %[[SLOT]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> i32
// CHECK: %[[FREEP:.*]] = llvm.getelementptr %[[OPS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[FREE:.*]] = llvm.load %[[FREEP]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call %[[FREE]](%[[DEV]], %[[T1]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: llvm.return %{{.*}} : i32
// A failure frees the temporary if its slot holds it (ops->free) and
// returns its status.
// CHECK: ^[[CLEANUP]](%[[FST:.*]]: i32):
// CHECK: %[[HELD:.*]] = llvm.load volatile %{{.*}} {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call %{{.*}}(%[[DEV]], %[[HELD]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK: llvm.return %[[FST]] : i32

ttile.kernel @neg attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %r = arith.negf %v : vector<8xf32>
  ttile.store %r, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

func.func @chain(%a: memref<?xf32>, %o: memref<1xf32>, %n: index) attributes {tgraph.entry} {
  %t1 = memref.alloc(%n) : memref<?xf32>
  ttile.launch @neg(%a, %t1) elements %n : memref<?xf32>, memref<?xf32>
  %c0 = arith.constant 0 : index
  %half = arith.constant 0.5 : f32
  memref.store %half, %o[%c0] : memref<1xf32>
  memref.dealloc %t1 : memref<?xf32>
  return
}

// -----

// A value host code reads from a tensor (a solve's flag, a fixed point's
// change) is downloaded through ops->download (field 4) into a stack slot
// of its element; a failed download branches to the cleanup block with its
// status, as a launch does; then the entry reads the slot. Writing the
// value into a tensor is an upload from the stack again.
// CHECK-LABEL: llvm.func @tessera_cuda_entry_peek(
// CHECK-SAME: %[[DEV:[^:]*]]: !llvm.ptr, %[[OPS:[^:]*]]: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr) -> i32 {
// CHECK: %[[SLOT:.*]] = llvm.alloca %{{.*}} x f32 : (i64) -> !llvm.ptr
// CHECK: %[[SRC:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: %[[DOWNP:.*]] = llvm.getelementptr %[[OPS]][4] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[DOWN:.*]] = llvm.load %[[DOWNP]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[FOUR:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK-NEXT: %[[ST:.*]] = llvm.call %[[DOWN]](%[[DEV]], %[[SLOT]], %[[SRC]], %[[FOUR]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> i32
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: %[[OK:.*]] = llvm.icmp "eq" %[[ST]], %[[ZERO]] : i32
// CHECK-NEXT: llvm.cond_br %[[OK]], ^[[READ:.*]], ^[[CLEANUP:[^(]*]](%[[ST]] : i32)
// CHECK-NEXT: ^[[READ]]:
// CHECK-NEXT: %[[V:.*]] = llvm.load %[[SLOT]] : !llvm.ptr -> f32
// CHECK: %[[UPSLOT:.*]] = llvm.alloca %{{.*}} x f32 : (i64) -> !llvm.ptr
// CHECK-NEXT: llvm.store %[[V]], %[[UPSLOT]] : f32, !llvm.ptr
// CHECK: %[[UPP:.*]] = llvm.getelementptr %[[OPS]][3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: ^[[CLEANUP]](%[[FST:.*]]: i32):
// CHECK-NEXT: llvm.return %[[FST]] : i32
ttile.kernel @neg attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  ttile.store %v, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

func.func @peek(%a: memref<1xf32>, %o: memref<1xf32>) attributes {tgraph.entry} {
  %c0 = arith.constant 0 : index
  %v = memref.load %a[%c0] : memref<1xf32>
  memref.store %v, %o[%c0] : memref<1xf32>
  return
}
