// RUN: tessera-opt %s --convert-ttile-to-llvm | FileCheck %s

// The kernel: tessera_kernel_fn (args, sizes, tile_begin, tile_end), a loop
// over vector steps from begin*tile to min(end*tile, extent). A step that
// ends at or before that stop runs a copy of the body without masks; the
// last, partial step runs it masked.
// CHECK-LABEL: llvm.func @tessera_kernel_k(
// CHECK-SAME: %[[ARGS:.*]]: !llvm.ptr, %[[SIZES:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK: %[[P0:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: %[[N:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK: %[[T:.*]] = llvm.mlir.constant(64 : i64) : i64
// CHECK: %[[START:.*]] = llvm.mul %[[BEGIN]], %[[T]]
// CHECK: %[[ENDT:.*]] = llvm.mul %[[END]], %[[T]]
// CHECK: %[[STOP:.*]] = llvm.intr.smin(%[[ENDT]], %[[N]])
// CHECK: llvm.br ^[[HEAD:.*]](%[[START]] : i64)
// CHECK: ^[[HEAD]](%[[OFF:.*]]: i64):
// CHECK: %[[MORE:.*]] = llvm.icmp "slt" %[[OFF]], %[[STOP]]
// CHECK: llvm.cond_br %[[MORE]], ^[[CHOOSE:.*]], ^[[EXIT:.*]]
// CHECK: ^[[CHOOSE]]:
// CHECK: %[[STEP:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK: %[[STEPEND:.*]] = llvm.add %[[OFF]], %[[STEP]]
// CHECK: %[[WHOLE:.*]] = llvm.icmp "sle" %[[STEPEND]], %[[STOP]]
// CHECK: llvm.cond_br %[[WHOLE]], ^[[FAST:.*]], ^[[BODY:.*]]
// CHECK: ^[[FAST]]:
// CHECK: %[[FADDR:.*]] = llvm.getelementptr %[[P0]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[FV:.*]] = llvm.load %[[FADDR]] {alignment = 4 : i64} : !llvm.ptr -> vector<8xf32>
// CHECK: %[[FD:.*]] = llvm.fmul %[[FV]], %[[FV]] : vector<8xf32>
// CHECK: llvm.store %[[FD]], %{{.*}} {alignment = 4 : i64} : vector<8xf32>, !llvm.ptr
// CHECK: llvm.br ^[[HEAD]](%{{.*}} : i64)
// CHECK: ^[[BODY]]:
// CHECK: %[[ADDR:.*]] = llvm.getelementptr %[[P0]][%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[MASK:.*]] = llvm.intr.get.active.lane.mask %[[OFF]], %[[N]] : i64, i64 to vector<8xi1>
// CHECK: %[[V:.*]] = llvm.intr.masked.load %[[ADDR]], %[[MASK]], %{{.*}} {alignment = 4 : i32}
// CHECK: %[[D:.*]] = llvm.fmul %[[V]], %[[V]] : vector<8xf32>
// CHECK: llvm.intr.masked.store %[[D]], %{{.*}}, %{{.*}} {alignment = 4 : i32}
// CHECK: %[[NEXT:.*]] = llvm.add %[[OFF]], %{{.*}}
// CHECK: llvm.br ^[[HEAD]](%[[NEXT]] : i64)
// CHECK: ^[[EXIT]]:
// CHECK-NEXT: llvm.return
ttile.kernel @k attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 64 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %d = arith.mulf %v, %v : vector<8xf32>
  ttile.store %d, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

// The entry: tessera_entry_fn (host, ops, buffers, dims); every launch
// calls the runtime's ops->launch (field 2) and returns its status on
// failure.
// CHECK-LABEL: llvm.func @tessera_entry_sq(
// CHECK-SAME: %[[HOST:.*]]: !llvm.ptr, %[[OPS:.*]]: !llvm.ptr, %[[BUFS:.*]]: !llvm.ptr, %[[DIMS:.*]]: !llvm.ptr) -> i32
// CHECK: %[[NDIM:.*]] = llvm.load %{{.*}} : !llvm.ptr -> i64
// CHECK: %[[ARGV:.*]] = llvm.alloca %{{.*}} x !llvm.ptr
// CHECK: %[[FN:.*]] = llvm.mlir.addressof @tessera_kernel_k : !llvm.ptr
// CHECK-NEXT: %[[LF:.*]] = llvm.getelementptr %[[OPS]][2] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[LAUNCH:.*]] = llvm.load %[[LF]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT: %[[ST:.*]] = llvm.call %[[LAUNCH]](%[[HOST]], %[[FN]], %[[ARGV]], %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, i64) -> i32
// CHECK: %[[OK:.*]] = llvm.icmp "eq" %[[ST]], %{{.*}} : i32
// CHECK: llvm.cond_br %[[OK]], ^[[CONT:.*]], ^[[FAIL:[^(]*]](%[[ST]] : i32)
// CHECK: ^[[CONT]]:
// CHECK: llvm.return %{{.*}} : i32
// CHECK: ^[[FAIL]](%[[FST:.*]]: i32):
// CHECK-NEXT: llvm.return %[[FST]] : i32
// CHECK-NOT: ttile.
// CHECK-NOT: builtin.unrealized_conversion_cast
func.func @sq(%a: memref<?xf32>, %o: memref<?xf32>, %n: index) attributes {tgraph.entry} {
  ttile.launch @k(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  return
}
