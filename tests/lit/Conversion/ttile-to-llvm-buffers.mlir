// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s

// A kernel with run-time sizes and loops of its own (a reduction), and an
// entry with temporary buffers: each comes from the runtime's ops table
// (tessera_host_ops_t: alloc, free, launch; at least one byte), and is
// checked; every way out of the entry (success, a failed launch, a failed
// allocation) frees the temporaries allocated so far, and an allocation
// that fails returns 5 (TESSERA_ERROR_OUT_OF_MEMORY). The temporaries are
// recorded in a table of volatile slots (null until allocated and once
// freed), and every failure branches to one cleanup block that frees what
// the table holds and returns the status.

// Nothing from the C library.
// CHECK-NOT: llvm.func @malloc
// CHECK-NOT: llvm.func @free

// The sizes array: the points, then the kernel's sizes (R, inner).
// CHECK-LABEL: llvm.func @tessera_kernel_rowsum(
// CHECK-SAME: %[[ARGS:[^:]*]]: !llvm.ptr, %[[SIZES:[^:]*]]: !llvm.ptr, %[[BEGIN:[^:]*]]: i64, %[[END:[^:]*]]: i64) attributes {passthrough = ["no-builtins"]} {
// CHECK: %[[IN:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[OUT:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[SIZES]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[POINTS:.*]] = llvm.load %[[S0]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[S1:.*]] = llvm.getelementptr %[[SIZES]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[R:.*]] = llvm.load %[[S1]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[S2:.*]] = llvm.getelementptr %[[SIZES]][2] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK-NEXT: %[[I:.*]] = llvm.load %[[S2]] : !llvm.ptr -> i64
// CHECK-NEXT: %[[T:.*]] = llvm.mlir.constant(64 : i64) : i64
// CHECK-NEXT: %[[START:.*]] = llvm.mul %[[BEGIN]], %[[T]] : i64
// CHECK-NEXT: %[[ENDT:.*]] = llvm.mul %[[END]], %[[T]] : i64
// CHECK-NEXT: %[[STOP:.*]] = llvm.intr.smin(%[[ENDT]], %[[POINTS]])
// CHECK-NEXT: llvm.br ^[[HEAD:.*]](%[[START]] : i64)
// CHECK-NEXT: ^[[HEAD]](%[[O:.*]]: i64):
// CHECK-NEXT: %[[MORE:.*]] = llvm.icmp "slt" %[[O]], %[[STOP]] : i64
// CHECK-NEXT: llvm.cond_br %[[MORE]], ^[[BODY:.*]], ^[[EXIT:.*]]
// CHECK-NEXT: ^[[BODY]]:
// CHECK: %[[P:.*]] = llvm.udiv %[[O]], %[[I]] : i64
// CHECK-NEXT: %[[Q:.*]] = llvm.urem %[[O]], %[[I]] : i64
// CHECK: llvm.br ^[[LOOP:.*]](%{{.*}}, %{{.*}} : i64, f32)
// CHECK-NEXT: ^[[LOOP]](%[[J:.*]]: i64, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[JMORE:.*]] = llvm.icmp "slt" %[[J]], %[[R]] : i64
// CHECK-NEXT: llvm.cond_br %[[JMORE]], ^[[STEP:.*]], ^[[DONE:.*]]
// CHECK-NEXT: ^[[STEP]]:
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %[[IN]][%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: %[[V:.*]] = llvm.load %[[ADDR]] {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK-NEXT: %[[SUM:.*]] = llvm.fadd %[[ACC]], %[[V]] : f32
// CHECK: llvm.br ^[[LOOP]](%{{.*}}, %[[SUM]] : i64, f32)
// CHECK-NEXT: ^[[DONE]]:
// CHECK-NEXT: %[[DST:.*]] = llvm.getelementptr %[[OUT]][%[[O]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: llvm.store %[[ACC]], %[[DST]] {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK-NEXT: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK-NEXT: %[[NEXT:.*]] = llvm.add %[[O]], %[[ONE]] : i64
// CHECK-NEXT: llvm.br ^[[HEAD]](%[[NEXT]] : i64)
// CHECK-NEXT: ^[[EXIT]]:
// CHECK-NEXT: llvm.return
// CHECK-NEXT: }

// CHECK-LABEL: llvm.func @tessera_entry_chain(
// CHECK-SAME: %[[HOST:[^:]*]]: !llvm.ptr, %[[OPS:[^:]*]]: !llvm.ptr, %[[BUFS:[^:]*]]: !llvm.ptr, %[[DIMS:[^:]*]]: !llvm.ptr) -> i32 {
// The table: two slots, both null.
// CHECK-NEXT: %[[TWO:.*]] = llvm.mlir.constant(2 : i64) : i64
// CHECK-NEXT: %[[TABLE:.*]] = llvm.alloca %[[TWO]] x !llvm.ptr : (i64) -> !llvm.ptr
// CHECK-NEXT: %[[Z0:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[SLOT0:.*]] = llvm.getelementptr %[[TABLE]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store volatile %[[Z0]], %[[SLOT0]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[Z1:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[SLOT1:.*]] = llvm.getelementptr %[[TABLE]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store volatile %[[Z1]], %[[SLOT1]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK: %[[ROWS:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK: %[[COLS:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// First temporary: rows * cols f32, at least one byte; on failure, 5.
// CHECK: %[[N:.*]] = llvm.mul %[[ROWS]], %[[COLS]] : i64
// CHECK-NEXT: %[[FOUR:.*]] = llvm.mlir.constant(4 : i64) : i64
// CHECK-NEXT: %[[BYTES:.*]] = llvm.mul %[[N]], %[[FOUR]] : i64
// CHECK-NEXT: %[[MIN:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK-NEXT: %[[SIZE:.*]] = llvm.intr.umax(%[[BYTES]], %[[MIN]])
// CHECK-NEXT: %[[A1F:.*]] = llvm.getelementptr %[[OPS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A1:.*]] = llvm.load %[[A1F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[T1:.*]] = llvm.call %[[A1]](%[[HOST]], %[[SIZE]]) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK-NEXT: %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[OK1:.*]] = llvm.icmp "ne" %[[T1]], %[[NULL]] : !llvm.ptr
// CHECK-NEXT: %[[OOM1:.*]] = llvm.mlir.constant(5 : i32) : i32
// CHECK-NEXT: llvm.cond_br %[[OK1]], ^{{.*}}, ^[[CLEANUP:[^(]*]](%[[OOM1]] : i32)
// CHECK-NEXT: ^{{.*}}:
// CHECK-NEXT: %[[S1:.*]] = llvm.getelementptr %[[TABLE]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store volatile %[[T1]], %[[S1]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// The first launch: the temporary is its second buffer; a failed launch
// returns its status through the cleanup.
// CHECK: llvm.store %[[T1]], %{{.*}} : !llvm.ptr, !llvm.ptr
// CHECK: %[[L1F:.*]] = llvm.getelementptr %[[OPS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[L1:.*]] = llvm.load %[[L1F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[ST1:.*]] = llvm.call %[[L1]](%[[HOST]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> i32
// CHECK: llvm.cond_br %{{.*}}, ^{{.*}}, ^[[CLEANUP]](%[[ST1]] : i32)
// Second temporary: a static one-element buffer, in slot 1.
// CHECK: %[[A2F:.*]] = llvm.getelementptr %[[OPS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[A2:.*]] = llvm.load %[[A2F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[T2:.*]] = llvm.call %[[A2]](%[[HOST]], %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64) -> !llvm.ptr
// CHECK: %[[OK2:.*]] = llvm.icmp "ne" %[[T2]], %{{.*}} : !llvm.ptr
// CHECK-NEXT: %[[OOM2:.*]] = llvm.mlir.constant(5 : i32) : i32
// CHECK-NEXT: llvm.cond_br %[[OK2]], ^{{.*}}, ^[[CLEANUP]](%[[OOM2]] : i32)
// CHECK-NEXT: ^{{.*}}:
// CHECK-NEXT: %[[S2:.*]] = llvm.getelementptr %[[TABLE]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store volatile %[[T2]], %[[S2]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK: %[[L2F:.*]] = llvm.getelementptr %[[OPS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[L2:.*]] = llvm.load %[[L2F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[ST2:.*]] = llvm.call %[[L2]](%[[HOST]], %{{.*}})
// CHECK: llvm.cond_br %{{.*}}, ^{{.*}}, ^[[CLEANUP]](%[[ST2]] : i32)
// CHECK: %[[L3F:.*]] = llvm.getelementptr %[[OPS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[L3:.*]] = llvm.load %[[L3F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[ST3:.*]] = llvm.call %[[L3]](%[[HOST]], %{{.*}})
// CHECK: llvm.cond_br %{{.*}}, ^[[DONE:.*]], ^[[CLEANUP]](%[[ST3]] : i32)
// Success: both freed (the deallocs), their slots cleared, then 0.
// CHECK-NEXT: ^[[DONE]]:
// CHECK-NEXT: %[[F1F:.*]] = llvm.getelementptr %[[OPS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[F1:.*]] = llvm.load %[[F1F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call %[[F1]](%[[HOST]], %[[T1]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: %[[C1:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[CS1:.*]] = llvm.getelementptr %[[TABLE]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store volatile %[[C1]], %[[CS1]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[F2F:.*]] = llvm.getelementptr %[[OPS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[F2:.*]] = llvm.load %[[F2F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call %[[F2]](%[[HOST]], %[[T2]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: %[[C2:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[CS2:.*]] = llvm.getelementptr %[[TABLE]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: llvm.store volatile %[[C2]], %[[CS2]] {alignment = 8 : i64} : !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.return %[[ZERO]] : i32
// The cleanup: each slot that holds a buffer is freed, then the status.
// CHECK-NEXT: ^[[CLEANUP]](%[[STATUS:.*]]: i32):
// CHECK-NEXT: %[[G0:.*]] = llvm.getelementptr %[[TABLE]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[P0:.*]] = llvm.load volatile %[[G0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[N0:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[H0:.*]] = llvm.icmp "ne" %[[P0]], %[[N0]] : !llvm.ptr
// CHECK-NEXT: llvm.cond_br %[[H0]], ^[[FREE0:.*]], ^[[NEXT0:.*]]
// CHECK-NEXT: ^[[FREE0]]:
// CHECK-NEXT: %[[FP0F:.*]] = llvm.getelementptr %[[OPS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[FP0:.*]] = llvm.load %[[FP0F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call %[[FP0]](%[[HOST]], %[[P0]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.br ^[[NEXT0]]
// CHECK-NEXT: ^[[NEXT0]]:
// CHECK-NEXT: %[[G1:.*]] = llvm.getelementptr %[[TABLE]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[P1:.*]] = llvm.load volatile %[[G1]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[N1:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[H1:.*]] = llvm.icmp "ne" %[[P1]], %[[N1]] : !llvm.ptr
// CHECK-NEXT: llvm.cond_br %[[H1]], ^[[FREE1:.*]], ^[[NEXT1:.*]]
// CHECK-NEXT: ^[[FREE1]]:
// CHECK-NEXT: %[[FP1F:.*]] = llvm.getelementptr %[[OPS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[FP1:.*]] = llvm.load %[[FP1F]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: llvm.call %[[FP1]](%[[HOST]], %[[P1]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.br ^[[NEXT1]]
// CHECK-NEXT: ^[[NEXT1]]:
// CHECK-NEXT: llvm.return %[[STATUS]] : i32
// CHECK-NEXT: }
// CHECK-NOT: memref.
// CHECK-NOT: builtin.unrealized_conversion_cast

ttile.kernel @rowsum attributes {kind = "reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %o: index, %n: index, %r: index, %i: index):
  %p = arith.divui %o, %i : index
  %q = arith.remui %o, %i : index
  %pr = arith.muli %p, %r : index
  %pri = arith.muli %pr, %i : index
  %base = arith.addi %pri, %q : index
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %sum = scf.for %j = %c0 to %r step %c1 iter_args(%acc = %zero) -> (f32) {
    %ji = arith.muli %j, %i : index
    %idx = arith.addi %base, %ji : index
    %v = memref.load %in[%idx] : memref<?xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  memref.store %sum, %out[%o] : memref<?xf32>
}

ttile.kernel @neg attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %r = arith.negf %v : vector<8xf32>
  ttile.store %r, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

func.func @chain(%a: memref<?xf32>, %o: memref<?xf32>, %rows: index, %cols: index) attributes {tgraph.entry} {
  %c1 = arith.constant 1 : index
  %n = arith.muli %rows, %cols : index
  %t1 = memref.alloc(%n) : memref<?xf32>
  ttile.launch @neg(%a, %t1) elements %n : memref<?xf32>, memref<?xf32>
  %t2 = memref.alloc() : memref<1xf32>
  %t2d = memref.cast %t2 : memref<1xf32> to memref<?xf32>
  ttile.launch @rowsum(%t1, %t2d) elements %c1 sizes(%n, %c1) : memref<?xf32>, memref<?xf32>
  ttile.launch @neg(%t2d, %o) elements %c1 : memref<?xf32>, memref<?xf32>
  memref.dealloc %t1 : memref<?xf32>
  memref.dealloc %t2 : memref<1xf32>
  return
}
