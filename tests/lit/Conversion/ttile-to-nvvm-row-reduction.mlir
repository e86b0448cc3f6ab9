// RUN: tessera-opt %s --split-input-file --convert-ttile-to-nvvm | FileCheck %s
// RUN: tessera-opt %s --split-input-file --convert-ttile-to-llvm="targets=cuda" | FileCheck %s --check-prefix=HOST

// A row_reduction kernel on the GPU (backend/lib/cuda/WarpLanes.cpp): a
// warp a row. The host launches 32 threads a tile (a tile is one row);
// thread t runs tile t / 32 as lane t % 32 (%laneid). Each vector<32> of
// the body becomes the lane's own value, so lane j loads elements j, j+32,
// ... of the row and folds them exactly as the CPU's lane j; the tree's
// "lanes [h, 2h)" becomes shfl.sync.down by h (h = 16, 8, 4, 2, 1, full
// mask, clamp 31), the extract of lane 0 a shfl.sync.idx, and only lane 0
// stores.

// CHECK-LABEL: llvm.func internal @tessera_tile_rowmean(
// CHECK-SAME: attributes {passthrough = ["alwaysinline"]}
// CHECK: %[[LANE:.*]] = nvvm.read.ptx.sreg.laneid : i32
// The chunk loop: the lane's element of each whole chunk, unmasked,
// unrolled by 8 (FoldUnrolling.cpp: a step of 8 chunks, 256 elements, the
// 8 loads first, then the adds in order), then the chunks left over.
// CHECK: %[[UNROLLED:.*]] = llvm.mlir.constant(256 : index) : i64
// CHECK: %[[AT:.*]] = llvm.add %[[BASE:.*]], %[[K:.*]] : i64
// CHECK: %[[LID:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[LID64:.*]] = llvm.zext %[[LID]] : i32 to i64
// CHECK-NEXT: %[[MINE:.*]] = llvm.add %[[AT]], %[[LID64]] : i64
// CHECK-NEXT: %[[P:.*]] = llvm.getelementptr %{{.*}}[%[[MINE]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: %[[V:.*]] = llvm.load %[[P]] {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.fadd
// CHECK: llvm.load
// CHECK-NOT: llvm.load
// CHECK: %[[A1:.*]] = llvm.fadd %[[ACC:.*]], %[[V]] : f32
// CHECK-COUNT-7: llvm.fadd
// CHECK: llvm.add %{{.*}}, %[[UNROLLED]] : i64
// The chunks left over, one at a time.
// CHECK: nvvm.read.ptx.sreg.laneid : i32
// CHECK: %[[V1:.*]] = llvm.load %{{.*}} {alignment = 4 : i64} : !llvm.ptr -> f32
// CHECK-NEXT: llvm.fadd %{{.*}}, %[[V1]] : f32
// The tail: a lane past the row's end loads nothing, and its value is the
// identity (0) after the lane test against C - whole.
// CHECK: %[[TLID:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[TLID64:.*]] = llvm.zext %[[TLID]] : i32 to i64
// CHECK-NEXT: %[[TMINE:.*]] = llvm.add %{{.*}}, %[[TLID64]] : i64
// CHECK-NEXT: %[[INROW:.*]] = llvm.icmp "ult" %[[TMINE]], %{{.*}} : i64
// CHECK-NEXT: llvm.cond_br %[[INROW]]
// CHECK: %[[LEFT:.*]] = llvm.sub %{{.*}}, %{{.*}} : i64
// CHECK-NEXT: %[[LEFT32:.*]] = llvm.trunc %[[LEFT]] : i64 to i32
// CHECK-NEXT: %[[KEEP:.*]] = llvm.icmp "ugt" %[[LEFT32]], %[[LANE]] : i32
// CHECK-NEXT: %[[KEPT:.*]] = llvm.select %[[KEEP]], %{{.*}}, %{{.*}} : i1, f32
// CHECK-NEXT: llvm.fadd %{{.*}}, %[[KEPT]] : f32
// The tree, in the order 16, 8, 4, 2, 1: p += the value 16 lanes down, ...
// CHECK: %[[W0:.*]] = llvm.bitcast %[[P32:.*]] : f32 to i32
// CHECK-NEXT: %[[ALL:.*]] = llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: %[[H16:.*]] = llvm.mlir.constant(16 : i32) : i32
// CHECK-NEXT: %[[CLAMP:.*]] = llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[S16:.*]] = nvvm.shfl.sync down %[[ALL]], %[[W0]], %[[H16]], %[[CLAMP]] : i32 -> i32
// CHECK-NEXT: %[[F16:.*]] = llvm.bitcast %[[S16]] : i32 to f32
// CHECK-NEXT: %[[P16:.*]] = llvm.fadd %[[P32]], %[[F16]] : f32
// CHECK-NEXT: llvm.bitcast %[[P16]] : f32 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(8 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[S8:.*]] = nvvm.shfl.sync down
// CHECK-NEXT: %[[F8:.*]] = llvm.bitcast %[[S8]] : i32 to f32
// CHECK-NEXT: %[[P8:.*]] = llvm.fadd %[[P16]], %[[F8]] : f32
// CHECK-NEXT: llvm.bitcast %[[P8]] : f32 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(4 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[S4:.*]] = nvvm.shfl.sync down
// CHECK-NEXT: %[[F4:.*]] = llvm.bitcast %[[S4]] : i32 to f32
// CHECK-NEXT: %[[P4:.*]] = llvm.fadd %[[P8]], %[[F4]] : f32
// CHECK-NEXT: llvm.bitcast %[[P4]] : f32 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[S2:.*]] = nvvm.shfl.sync down
// CHECK-NEXT: %[[F2:.*]] = llvm.bitcast %[[S2]] : i32 to f32
// CHECK-NEXT: %[[P2:.*]] = llvm.fadd %[[P4]], %[[F2]] : f32
// CHECK-NEXT: llvm.bitcast %[[P2]] : f32 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[S1:.*]] = nvvm.shfl.sync down
// CHECK-NEXT: %[[F1:.*]] = llvm.bitcast %[[S1]] : i32 to f32
// CHECK-NEXT: %[[P1:.*]] = llvm.fadd %[[P2]], %[[F1]] : f32
// Lane 0's value (the extract), then the mean's division.
// CHECK-NEXT: %[[W1:.*]] = llvm.bitcast %[[P1]] : f32 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: %[[L0:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[SR:.*]] = nvvm.shfl.sync idx %{{.*}}, %[[W1]], %[[L0]], %{{.*}} : i32 -> i32
// CHECK-NEXT: %[[SUM:.*]] = llvm.bitcast %[[SR]] : i32 to f32
// CHECK-NEXT: %[[CF:.*]] = llvm.uitofp %{{.*}} : i64 to f32
// CHECK-NEXT: %[[MEAN:.*]] = llvm.fdiv %[[SUM]], %[[CF]] : f32
// Only lane 0 stores.
// CHECK-NEXT: %[[SLID:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: %[[FIRST:.*]] = llvm.icmp "eq" %[[SLID]], %[[ZERO]] : i32
// CHECK-NEXT: llvm.cond_br %[[FIRST]], ^[[STORE:.*]], ^[[NEXTROW:[^ ]*]]
// CHECK-NEXT: ^[[STORE]]:
// CHECK-NEXT: %[[OUTP:.*]] = llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: llvm.store %[[MEAN]], %[[OUTP]] {alignment = 4 : i64} : f32, !llvm.ptr
// CHECK-NEXT: llvm.br ^[[NEXTROW]]
// CHECK-NOT: nvvm.shfl.sync
// CHECK: llvm.return

// The kernel: thread t = blockIdx.x * blockDim.x + threadIdx.x runs tile
// t / 32 when t is below the thread count (a multiple of 32, so a warp is
// all in or all out and its shuffles see every lane).
// CHECK-LABEL: llvm.func @tessera_kernel_rowmean(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr<1>, %{{[^:]*}}: !llvm.ptr<1>, %{{[^:]*}}: i64, %{{[^:]*}}: i64, %[[THREADS:[^:]*]]: i64)
// CHECK-SAME: attributes {nvvm.kernel, nvvm.maxntid = array<i32: 256, 1, 1>}
// CHECK: %[[T:.*]] = llvm.add %{{.*}}, %{{.*}} : i64
// CHECK-NEXT: %[[INSIDE:.*]] = llvm.icmp "slt" %[[T]], %[[THREADS]] : i64
// CHECK-NEXT: %[[WARP:.*]] = llvm.mlir.constant(32 : i64) : i64
// CHECK-NEXT: %[[TILE:.*]] = llvm.udiv %[[T]], %[[WARP]] : i64
// CHECK-NEXT: llvm.cond_br %[[INSIDE]]
// CHECK: %[[NEXT:.*]] = llvm.add %[[TILE]], %{{.*}} : i64
// CHECK-NEXT: llvm.call @tessera_tile_rowmean(%{{.*}}, %{{.*}}, %[[TILE]], %[[NEXT]])

// The host launches 32 threads a tile: ceil(R / 1) tiles, times 32.
// HOST-LABEL: llvm.func @tessera_cuda_entry_rowmean_entry(
// HOST: %[[TILES:.*]] = llvm.udiv %{{.*}}, %{{.*}} : i64
// HOST-NEXT: %[[WARP:.*]] = llvm.mlir.constant(32 : i64) : i64
// HOST-NEXT: %[[THREADS:.*]] = llvm.mul %[[TILES]], %[[WARP]] : i64
// HOST: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[THREADS]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i32, !llvm.ptr, i32, i64) -> i32

// The mean of each row of an [R, C] f32 tensor (the Tile IR that
// --convert-tsched-to-ttile makes, tsched-to-ttile-row-reduction.mlir).
ttile.kernel @rowmean attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %row: index, %rows: index, %c: index):
  %base = arith.muli %row, %c : index
  %id = arith.constant dense<0.0> : vector<32xf32>
  %c32 = arith.constant 32 : index
  %chunks = arith.divui %c, %c32 : index
  %whole = arith.muli %chunks, %c32 : index
  %c0 = arith.constant 0 : index
  %lanes = scf.for %k = %c0 to %whole step %c32 iter_args(%acc = %id) -> (vector<32xf32>) {
    %at = arith.addi %base, %k : index
    %end = arith.addi %base, %c : index
    %v = ttile.load %in[%at] bound %end {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
    %s = arith.addf %acc, %v : vector<32xf32>
    scf.yield %s : vector<32xf32>
  }
  %tail = arith.cmpi ult, %whole, %c : index
  %p32 = scf.if %tail -> (vector<32xf32>) {
    %at = arith.addi %base, %whole : index
    %end = arith.addi %base, %c : index
    %v = ttile.load %in[%at] bound %end : memref<?xf32> -> vector<32xf32>
    %iota = arith.constant dense<[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]> : vector<32xi32>
    %left = arith.subi %c, %whole : index
    %left32 = arith.index_castui %left : index to i32
    %leftv = vector.splat %left32 : vector<32xi32>
    %inside = arith.cmpi ult, %iota, %leftv : vector<32xi32>
    %kept = arith.select %inside, %v, %id : vector<32xi1>, vector<32xf32>
    %s = arith.addf %lanes, %kept : vector<32xf32>
    scf.yield %s : vector<32xf32>
  } else {
    scf.yield %lanes : vector<32xf32>
  }
  %lo16 = vector.shuffle %p32, %p32 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<32xf32>, vector<32xf32>
  %hi16 = vector.shuffle %p32, %p32 [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<32xf32>, vector<32xf32>
  %p16 = arith.addf %lo16, %hi16 : vector<16xf32>
  %lo8 = vector.shuffle %p16, %p16 [0, 1, 2, 3, 4, 5, 6, 7] : vector<16xf32>, vector<16xf32>
  %hi8 = vector.shuffle %p16, %p16 [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf32>, vector<16xf32>
  %p8 = arith.addf %lo8, %hi8 : vector<8xf32>
  %lo4 = vector.shuffle %p8, %p8 [0, 1, 2, 3] : vector<8xf32>, vector<8xf32>
  %hi4 = vector.shuffle %p8, %p8 [4, 5, 6, 7] : vector<8xf32>, vector<8xf32>
  %p4 = arith.addf %lo4, %hi4 : vector<4xf32>
  %lo2 = vector.shuffle %p4, %p4 [0, 1] : vector<4xf32>, vector<4xf32>
  %hi2 = vector.shuffle %p4, %p4 [2, 3] : vector<4xf32>, vector<4xf32>
  %p2 = arith.addf %lo2, %hi2 : vector<2xf32>
  %lo1 = vector.shuffle %p2, %p2 [0] : vector<2xf32>, vector<2xf32>
  %hi1 = vector.shuffle %p2, %p2 [1] : vector<2xf32>, vector<2xf32>
  %p1 = arith.addf %lo1, %hi1 : vector<1xf32>
  %sum = vector.extract %p1[0] : f32 from vector<1xf32>
  %ci = arith.index_castui %c : index to i64
  %cf = arith.uitofp %ci : i64 to f32
  %mean = arith.divf %sum, %cf : f32
  memref.store %mean, %out[%row] : memref<?xf32>
}

func.func @rowmean_entry(%x: memref<?xf32>, %o: memref<?xf32>, %r: index, %c: index) attributes {tgraph.entry} {
  ttile.launch @rowmean(%x, %o) elements %r sizes(%c) : memref<?xf32>, memref<?xf32>
  return
}

// -----

// A 64-bit lane value moves as two 32-bit words, each shuffled by the
// same distance, low word first.
// CHECK-LABEL: llvm.func internal @tessera_tile_rowmax64(
// CHECK: %[[B:.*]] = llvm.bitcast %[[P32:.*]] : f64 to i64
// CHECK-NEXT: %[[LO:.*]] = llvm.trunc %[[B]] : i64 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: %[[H16:.*]] = llvm.mlir.constant(16 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[SLO:.*]] = nvvm.shfl.sync down %{{.*}}, %[[LO]], %[[H16]], %{{.*}} : i32 -> i32
// CHECK-NEXT: %[[C32:.*]] = llvm.mlir.constant(32 : i64) : i64
// CHECK-NEXT: %[[SH:.*]] = llvm.lshr %[[B]], %[[C32]] : i64
// CHECK-NEXT: %[[HI:.*]] = llvm.trunc %[[SH]] : i64 to i32
// CHECK-NEXT: llvm.mlir.constant(-1 : i32) : i32
// CHECK-NEXT: %[[H16B:.*]] = llvm.mlir.constant(16 : i32) : i32
// CHECK-NEXT: llvm.mlir.constant(31 : i32) : i32
// CHECK-NEXT: %[[SHI:.*]] = nvvm.shfl.sync down %{{.*}}, %[[HI]], %[[H16B]], %{{.*}} : i32 -> i32
// CHECK-NEXT: %[[ZLO:.*]] = llvm.zext %[[SLO]] : i32 to i64
// CHECK-NEXT: %[[ZHI:.*]] = llvm.zext %[[SHI]] : i32 to i64
// CHECK-NEXT: llvm.mlir.constant(32 : i64) : i64
// CHECK-NEXT: %[[UP:.*]] = llvm.shl %[[ZHI]], %{{.*}} : i64
// CHECK-NEXT: %[[W:.*]] = llvm.or %[[ZLO]], %[[UP]] : i64
// CHECK-NEXT: %[[F:.*]] = llvm.bitcast %[[W]] : i64 to f64
// CHECK-NEXT: llvm.intr.maximum(%[[P32]], %[[F]]) : (f64, f64) -> f64
// CHECK: %[[H8A:.*]] = llvm.mlir.constant(8 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H8A]], %{{.*}} : i32 -> i32
// CHECK: %[[H8B:.*]] = llvm.mlir.constant(8 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H8B]], %{{.*}} : i32 -> i32
// CHECK: llvm.intr.maximum(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// CHECK: %[[H4A:.*]] = llvm.mlir.constant(4 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H4A]], %{{.*}} : i32 -> i32
// CHECK: %[[H4B:.*]] = llvm.mlir.constant(4 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H4B]], %{{.*}} : i32 -> i32
// CHECK: llvm.intr.maximum(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// CHECK: %[[H2A:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H2A]], %{{.*}} : i32 -> i32
// CHECK: %[[H2B:.*]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H2B]], %{{.*}} : i32 -> i32
// CHECK: llvm.intr.maximum(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// CHECK: %[[H1A:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H1A]], %{{.*}} : i32 -> i32
// CHECK: %[[H1B:.*]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: nvvm.shfl.sync down %{{.*}}, %{{.*}}, %[[H1B]], %{{.*}} : i32 -> i32
// CHECK: llvm.intr.maximum(%{{.*}}, %{{.*}}) : (f64, f64) -> f64
// CHECK-COUNT-2: nvvm.shfl.sync idx
// CHECK-NOT: nvvm.shfl.sync
// CHECK: %[[SL:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[Z:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: %[[FIRST:.*]] = llvm.icmp "eq" %[[SL]], %[[Z]] : i32
// CHECK-NEXT: llvm.cond_br %[[FIRST]]
// CHECK: llvm.store %{{.*}}, %{{.*}} {alignment = 8 : i64} : f64, !llvm.ptr
ttile.kernel @rowmax64 attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
^bb0(%in: memref<?xf64>, %out: memref<?xf64>, %row: index, %rows: index, %c: index):
  %base = arith.muli %row, %c : index
  %id = arith.constant dense<0xFFF0000000000000> : vector<32xf64>
  %c32 = arith.constant 32 : index
  %c0 = arith.constant 0 : index
  %lanes = scf.for %k = %c0 to %c step %c32 iter_args(%acc = %id) -> (vector<32xf64>) {
    %at = arith.addi %base, %k : index
    %end = arith.addi %base, %c : index
    %v = ttile.load %in[%at] bound %end {ttile.in_bounds} : memref<?xf64> -> vector<32xf64>
    %s = arith.maximumf %acc, %v : vector<32xf64>
    scf.yield %s : vector<32xf64>
  }
  %lo16 = vector.shuffle %lanes, %lanes [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<32xf64>, vector<32xf64>
  %hi16 = vector.shuffle %lanes, %lanes [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<32xf64>, vector<32xf64>
  %p16 = arith.maximumf %lo16, %hi16 : vector<16xf64>
  %lo8 = vector.shuffle %p16, %p16 [0, 1, 2, 3, 4, 5, 6, 7] : vector<16xf64>, vector<16xf64>
  %hi8 = vector.shuffle %p16, %p16 [8, 9, 10, 11, 12, 13, 14, 15] : vector<16xf64>, vector<16xf64>
  %p8 = arith.maximumf %lo8, %hi8 : vector<8xf64>
  %lo4 = vector.shuffle %p8, %p8 [0, 1, 2, 3] : vector<8xf64>, vector<8xf64>
  %hi4 = vector.shuffle %p8, %p8 [4, 5, 6, 7] : vector<8xf64>, vector<8xf64>
  %p4 = arith.maximumf %lo4, %hi4 : vector<4xf64>
  %lo2 = vector.shuffle %p4, %p4 [0, 1] : vector<4xf64>, vector<4xf64>
  %hi2 = vector.shuffle %p4, %p4 [2, 3] : vector<4xf64>, vector<4xf64>
  %p2 = arith.maximumf %lo2, %hi2 : vector<2xf64>
  %lo1 = vector.shuffle %p2, %p2 [0] : vector<2xf64>, vector<2xf64>
  %hi1 = vector.shuffle %p2, %p2 [1] : vector<2xf64>, vector<2xf64>
  %p1 = arith.maximumf %lo1, %hi1 : vector<1xf64>
  %m = vector.extract %p1[0] : f64 from vector<1xf64>
  memref.store %m, %out[%row] : memref<?xf64>
}

// -----

// A body the warp cannot split (here a lane permutation that is no
// shuffle-down): no error; the warp's first thread runs all 32 lanes as
// the CPU does (the same bits), the other 31 threads nothing.
// CHECK-LABEL: llvm.func internal @tessera_tile_reversed(
// CHECK-NOT: nvvm.read.ptx.sreg.laneid
// CHECK-NOT: nvvm.shfl.sync
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> vector<32xf32>
// CHECK: llvm.shufflevector %{{.*}}, %{{.*}} [31, 30, {{.*}}, 1, 0] : vector<32xf32>
// CHECK: llvm.extractelement
// CHECK-LABEL: llvm.func @tessera_kernel_reversed(
// CHECK: %[[T:.*]] = llvm.add %{{.*}}, %{{.*}} : i64
// CHECK-NEXT: %[[INSIDE:.*]] = llvm.icmp "slt" %[[T]], %{{.*}} : i64
// CHECK-NEXT: %[[WARP:.*]] = llvm.mlir.constant(32 : i64) : i64
// CHECK-NEXT: %[[TILE:.*]] = llvm.udiv %[[T]], %[[WARP]] : i64
// CHECK-NEXT: %[[WARP2:.*]] = llvm.mlir.constant(32 : i64) : i64
// CHECK-NEXT: %[[LANE:.*]] = llvm.urem %[[T]], %[[WARP2]] : i64
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i64) : i64
// CHECK-NEXT: %[[FIRST:.*]] = llvm.icmp "eq" %[[LANE]], %[[ZERO]] : i64
// CHECK-NEXT: %[[GO:.*]] = llvm.and %[[INSIDE]], %[[FIRST]] : i1
// CHECK-NEXT: llvm.cond_br %[[GO]]
ttile.kernel @reversed attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %row: index, %rows: index, %c: index):
  %base = arith.muli %row, %c : index
  %end = arith.addi %base, %c : index
  %v = ttile.load %in[%base] bound %end {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
  %r = vector.shuffle %v, %v [31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0] : vector<32xf32>, vector<32xf32>
  %e = vector.extract %r[0] : f32 from vector<32xf32>
  memref.store %e, %out[%row] : memref<?xf32>
}

// -----

// A rows kernel writing its row (RowGroupKernel.cpp): a store of 32
// elements becomes each lane's store of its own element, coalesced across
// the warp: unguarded for a whole chunk, guarded by the bound for the tail;
// a per-row value is still stored by lane 0 alone.
// CHECK-LABEL: llvm.func internal @tessera_tile_scaled(
// A whole chunk: the lane's element at base + laneid, no branch.
// CHECK: llvm.fmul
// CHECK-NEXT: %[[LID:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[LID64:.*]] = llvm.zext %[[LID]] : i32 to i64
// CHECK-NEXT: %[[MINE:.*]] = llvm.add %[[BASE:.*]], %[[LID64]] : i64
// CHECK-NEXT: %[[P:.*]] = llvm.getelementptr %{{.*}}[%[[MINE]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: llvm.store %{{.*}}, %[[P]] {alignment = 4 : i64} : f32, !llvm.ptr
// The tail: the lane's element when it lies before the bound (after the
// masked load, whose lanes past it read 1).
// CHECK: llvm.mlir.constant(1.000000e+00 : f32) : f32
// CHECK: %[[TLID:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[TLID64:.*]] = llvm.zext %[[TLID]] : i32 to i64
// CHECK-NEXT: %[[TMINE:.*]] = llvm.add %{{.*}}, %[[TLID64]] : i64
// CHECK-NEXT: %[[IN:.*]] = llvm.icmp "ult" %[[TMINE]], %{{.*}} : i64
// CHECK-NEXT: llvm.cond_br %[[IN]], ^[[STORE:.*]], ^
// CHECK: ^[[STORE]]:
// CHECK-NEXT: %[[TP:.*]] = llvm.getelementptr %{{.*}}[%[[TMINE]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK-NEXT: llvm.store %{{.*}}, %[[TP]] {alignment = 4 : i64} : f32, !llvm.ptr
// The per-row value: lane 0's store.
// CHECK: %[[L0:.*]] = nvvm.read.ptx.sreg.laneid : i32
// CHECK-NEXT: %[[ZERO:.*]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.icmp "eq" %[[L0]], %[[ZERO]] : i32
ttile.kernel @scaled attributes {kind = "row_reduction", num_inputs = 1 : i64, num_sizes = 1 : i64, tile = 64 : i64, vector = 1 : i64} {
^bb0(%in: memref<?xf32>, %out: memref<?xf32>, %first: memref<?xf32>, %row: index, %rows: index, %c: index):
  %base = arith.muli %row, %c : index
  %end = arith.addi %base, %c : index
  %v = ttile.load %in[%base] bound %end {ttile.in_bounds} : memref<?xf32> -> vector<32xf32>
  %two = arith.constant dense<2.0> : vector<32xf32>
  %w = arith.mulf %v, %two : vector<32xf32>
  ttile.store %w, %out[%base] bound %end {ttile.in_bounds} : vector<32xf32>, memref<?xf32>
  %c32 = arith.constant 32 : index
  %next = arith.addi %base, %c32 : index
  %u = ttile.load %in[%next] bound %end : memref<?xf32> -> vector<32xf32>
  ttile.store %u, %out[%next] bound %end : vector<32xf32>, memref<?xf32>
  %e = vector.extract %v[0] : f32 from vector<32xf32>
  memref.store %e, %first[%row] : memref<?xf32>
}
