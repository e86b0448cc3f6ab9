// RUN: tessera-opt %s --convert-ttile-to-nvvm | FileCheck %s

// A bf16 matmul with f32 sums under a non-strict policy (fused = true) runs
// on tensor cores (backend/lib/cuda/TensorCoreMatmul.cpp): three variants,
// 128 x 256, 64 x 64 and 32 x 32; 8 warps a block.

// 128 x 256: 3 stages of a (128 x 32) and b (32 x 256), 72 KiB: dynamic
// shared memory, its size in a global the runtime reads.
// CHECK: llvm.mlir.global external @tessera_kernel_mm_k1_shared() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x bf16>
// CHECK-NEXT: llvm.mlir.global external constant @tessera_kernel_mm_k1_dynamic_shared(73728 : i32) {addr_space = 1 : i32, alignment = 4 : i64} : i32
// CHECK-LABEL: llvm.func @tessera_kernel_mm_k1(
// CHECK-SAME: nvvm.kernel, nvvm.maxntid = array<i32: 256, 1, 1>
// The first two stages requested: a by cp.async when its rows are whole
// chunks, else loads and one 16-byte store a chunk; b itself (not its
// panels) the same way.
// CHECK: llvm.call_intrinsic "llvm.nvvm.cp.async.cg.shared.global.16.s"
// CHECK: llvm.store %{{.*}} {alignment = 16 : i64} : vector<8xbf16>, !llvm.ptr<3>
// CHECK: llvm.call_intrinsic "llvm.nvvm.cp.async.cg.shared.global.16.s"
// CHECK: llvm.store %{{.*}} {alignment = 16 : i64} : vector<8xbf16>, !llvm.ptr<3>
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.commit.group
// Each block of k: its copies waited for (all of them at the last block),
// a barrier, the block two ahead requested, then 2 x 16 k.
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: nvvm.cp.async.wait.group 1
// CHECK-NEXT: llvm.br
// CHECK-NEXT: ^{{.*}}:
// CHECK-NEXT: nvvm.barrier0
// CHECK: nvvm.cp.async.commit.group
// A warp's 64 x 64 results: per 16 k, 4 fragments of a (ldmatrix x4), 4
// pairs of b's (ldmatrix x4, transposed), 32 mma.
// CHECK-COUNT-4: nvvm.ldmatrix %{{.*}} {layout = #nvvm.mma_layout<row>, num = 4 : i32}
// CHECK-COUNT-4: nvvm.ldmatrix %{{.*}} {layout = #nvvm.mma_layout<col>, num = 4 : i32}
// CHECK-COUNT-64: llvm.call_intrinsic "llvm.nvvm.mma.m16n8k16.row.col.bf16"
// CHECK-NOT: llvm.nvvm.mma
// The sums rounded to bf16 for the result, or kept in f32 as a segment's
// value: two columns of a row as one store where aligned.
// CHECK: llvm.fptrunc %{{.*}} : f32 to bf16
// CHECK: llvm.store %{{.*}} {alignment = 4 : i64} : vector<2xbf16>, !llvm.ptr<1>
// CHECK: llvm.store %{{.*}} {alignment = 8 : i64} : vector<2xf32>, !llvm.ptr<1>
// CHECK: llvm.return

// 64 x 64: three stages of 64 x 32 and 32 x 64 in static shared memory; a
// warp 32 x 16, 2 x 2 mma per 16 k.
// CHECK: llvm.mlir.global internal @tessera_kernel_mm_k1_t64_shared(){{.*}}: !llvm.array<12288 x bf16>
// CHECK-LABEL: llvm.func @tessera_kernel_mm_k1_t64(
// CHECK-COUNT-8: llvm.nvvm.mma.m16n8k16.row.col.bf16
// CHECK-NOT: llvm.nvvm.mma
// CHECK: llvm.return

// 32 x 32: a warp 16 x 8, one mma per 16 k; b's fragments alone (x2).
// CHECK: llvm.mlir.global internal @tessera_kernel_mm_k1_t32_shared(){{.*}}: !llvm.array<6144 x bf16>
// CHECK-LABEL: llvm.func @tessera_kernel_mm_k1_t32(
// CHECK: nvvm.ldmatrix %{{.*}} {layout = #nvvm.mma_layout<col>, num = 2 : i32}
// CHECK-COUNT-2: llvm.nvvm.mma.m16n8k16.row.col.bf16
// CHECK-NOT: llvm.nvvm.mma
// CHECK: llvm.return
ttile.kernel @mm_k1 attributes {kind = "matmul", num_inputs = 3 : i64, num_sizes = 8 : i64, tile = 4 : i64, ttile.matmul = {accumulator = f32, element = bf16, fused = true, lhs_transposed = false, panel_width = 64 : i64, rhs_transposed = false, segment = 2048 : i64}, vector = 1 : i64} {
^bb0(%a: memref<?xbf16>, %p: memref<?xbf16>, %b: memref<?xbf16>, %values: memref<?xf32>, %c: memref<?xbf16>, %offset: index, %extent: index, %m: index, %n: index, %k: index, %stride: index, %rowBlocks: index, %panels: index, %segments: index, %bstride: index):
}

// a transposed ([k, m]): its fragments read transposed too; no segments,
// so the sums go to the result alone.
// CHECK-LABEL: llvm.func @tessera_kernel_mmt_k1(
// CHECK-COUNT-8: nvvm.ldmatrix %{{.*}} {layout = #nvvm.mma_layout<col>, num = 4 : i32}
// CHECK-COUNT-64: llvm.nvvm.mma.m16n8k16.row.col.bf16
// CHECK-NOT: vector<2xf32>
// CHECK: llvm.return
ttile.kernel @mmt_k1 attributes {kind = "matmul", num_inputs = 3 : i64, num_sizes = 7 : i64, tile = 4 : i64, ttile.matmul = {accumulator = f32, element = bf16, fused = true, lhs_transposed = true, panel_width = 64 : i64, rhs_transposed = false, segment = 0 : i64}, vector = 1 : i64} {
^bb0(%a: memref<?xbf16>, %p: memref<?xbf16>, %b: memref<?xbf16>, %c: memref<?xbf16>, %offset: index, %extent: index, %m: index, %n: index, %k: index, %stride: index, %rowBlocks: index, %panels: index, %bstride: index):
}

// Under a strict policy (fused = false) bf16 keeps the CPU's order: the
// float kernel, its operands widened to f32 as they are staged.
// CHECK-LABEL: llvm.func @tessera_kernel_strict_k1(
// CHECK-NOT: llvm.nvvm.mma
// CHECK: llvm.fpext %{{.*}} : bf16 to f32
// CHECK: llvm.fmul %{{.*}} : f32
// CHECK: llvm.fadd %{{.*}} : f32
// CHECK: llvm.fptrunc %{{.*}} : f32 to bf16
ttile.kernel @strict_k1 attributes {kind = "matmul", num_inputs = 3 : i64, num_sizes = 7 : i64, tile = 4 : i64, ttile.matmul = {accumulator = f32, element = bf16, fused = false, lhs_transposed = false, panel_width = 64 : i64, rhs_transposed = false, segment = 0 : i64}, vector = 1 : i64} {
^bb0(%a: memref<?xbf16>, %p: memref<?xbf16>, %b: memref<?xbf16>, %c: memref<?xbf16>, %offset: index, %extent: index, %m: index, %n: index, %k: index, %stride: index, %rowBlocks: index, %panels: index, %bstride: index):
}
