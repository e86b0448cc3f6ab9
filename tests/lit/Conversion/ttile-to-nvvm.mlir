// RUN: tessera-opt %s --convert-ttile-to-nvvm | FileCheck %s

// A GPU kernel per ttile.kernel: its buffers (global pointers), its sizes
// (the points first) and its tile count as parameters; thread
// blockIdx.x * blockDim.x + threadIdx.x runs tile t = one vector step of the
// tile loop when t < tiles. Entries are dropped (their host side is
// --convert-ttile-to-llvm's).

// CHECK-NOT: func.func
// The tile loop, inlined into its kernel: one vector step (8 points) a tile.
// CHECK-LABEL: llvm.func internal @tessera_tile_scale(
// CHECK-SAME: attributes {passthrough = ["alwaysinline"]}
// CHECK: %[[EIGHT:.*]] = llvm.mlir.constant(8 : i64) : i64
// CHECK-NEXT: %[[START:.*]] = llvm.mul %{{.*}}, %[[EIGHT]] : i64
// Whole and 16-byte aligned steps: a plain vector load ...
// CHECK: %[[END:.*]] = llvm.add %[[OFF:.*]], %{{.*}} : i64
// CHECK-NEXT: %[[WHOLE:.*]] = llvm.icmp "sle" %[[END]], %[[BOUND:.*]] : i64
// CHECK-NEXT: %[[ADDR:.*]] = llvm.ptrtoint %{{.*}} : !llvm.ptr to i64
// CHECK: %[[REM:.*]] = llvm.urem %{{.*}}, %{{.*}} : i64
// CHECK: %[[ALIGNED:.*]] = llvm.icmp "eq" %[[REM]], %{{.*}} : i64
// CHECK-NEXT: %[[FAST:.*]] = llvm.and %[[WHOLE]], %[[ALIGNED]] : i1
// CHECK-NEXT: llvm.cond_br %[[FAST]], ^[[PLAIN:.*]], ^[[MASKED:.*]]
// CHECK-NEXT: ^[[PLAIN]]:
// CHECK-NEXT: %[[P:.*]] = llvm.getelementptr %{{.*}}[%[[OFF]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: %[[V:.*]] = llvm.load %[[P]] {alignment = 16 : i64} : !llvm.ptr -> vector<8xf32>
// CHECK-NEXT: llvm.br ^[[JOIN:.*]](%[[V]] : vector<8xf32>)
// ... the rest masked, as on the CPU.
// CHECK-NEXT: ^[[MASKED]]:
// CHECK: llvm.intr.masked.load
// CHECK: ^[[JOIN]](%{{.*}}: vector<8xf32>):
// CHECK: llvm.fmul
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 16 : i64} : vector<8xf32>, !llvm.ptr
// CHECK: llvm.intr.masked.store

// CHECK-LABEL: llvm.func @tessera_kernel_scale(
// CHECK-SAME: %[[IN:[^:]*]]: !llvm.ptr<1>, %[[OUT:[^:]*]]: !llvm.ptr<1>, %[[POINTS:[^:]*]]: i64, %[[TILES:[^:]*]]: i64)
// CHECK-SAME: attributes {nvvm.kernel, nvvm.maxntid = array<i32: 256, 1, 1>}
// CHECK: %[[B:.*]] = nvvm.read.ptx.sreg.ctaid.x : i32
// CHECK: %[[W:.*]] = nvvm.read.ptx.sreg.ntid.x : i32
// CHECK: %[[T:.*]] = nvvm.read.ptx.sreg.tid.x : i32
// CHECK: %[[TILE:.*]] = llvm.add
// CHECK-NEXT: %[[INSIDE:.*]] = llvm.icmp "slt" %[[TILE]], %[[TILES]] : i64
// CHECK-NEXT: llvm.cond_br %[[INSIDE]]
// CHECK: llvm.addrspacecast %[[IN]] : !llvm.ptr<1> to !llvm.ptr
// CHECK: llvm.addrspacecast %[[OUT]] : !llvm.ptr<1> to !llvm.ptr
// CHECK: llvm.store %[[POINTS]]
// CHECK: %[[NEXT:.*]] = llvm.add %[[TILE]], %{{.*}} : i64
// CHECK-NEXT: llvm.call @tessera_tile_scale(%{{.*}}, %{{.*}}, %[[TILE]], %[[NEXT]])

// Sizes beyond the points follow them, then the tile count.
// CHECK-LABEL: llvm.func @tessera_kernel_rowsum(
// CHECK-SAME: !llvm.ptr<1>, %{{[^:]*}}: !llvm.ptr<1>, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %{{[^:]*}}: i64)

ttile.kernel @scale attributes {kind = "elementwise", num_inputs = 1 : i64, tile = 1024 : i64, vector = 8 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %off: index, %n: index):
  %v = ttile.load %in[%off] bound %n : memref<?xf32> -> vector<8xf32>
  %two = arith.constant dense<2.0> : vector<8xf32>
  %r = arith.mulf %v, %two : vector<8xf32>
  ttile.store %r, %out[%off] bound %n : vector<8xf32>, memref<?xf32>
}

ttile.kernel @rowsum attributes {kind = "reduction", num_inputs = 1 : i64, num_sizes = 2 : i64, tile = 64 : i64, vector = 1 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %o: index, %n: index, %r: index, %i: index):
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %sum = scf.for %j = %c0 to %r step %c1 iter_args(%acc = %zero) -> (f32) {
    %v = memref.load %in[%j] : memref<?xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  memref.store %sum, %out[%o] : memref<?xf32>
}

func.func @f(%a: memref<?xf32>, %o: memref<?xf32>, %n: index) attributes {tgraph.entry} {
  ttile.launch @scale(%a, %o) elements %n : memref<?xf32>, memref<?xf32>
  return
}
