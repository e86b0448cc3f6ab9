// The parts of Tile IR -> LLVM dialect lowering that every target shares:
// a kernel's tile loop, Tessera's own math, and the conversion of what is
// left inside kernel bodies. The CPU backend wraps tile loops in the
// runtime's tessera_kernel_fn; the CUDA backend in a GPU kernel that runs
// one tile per thread.
#pragma once

#include "tessera/Dialect/TTile/TTile.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir {
class LLVMTypeConverter;
} // namespace mlir

namespace tessera {

mlir::Type llvmPtrType(mlir::MLIRContext *ctx);
// The bytes an element of `elem` takes in a buffer, at least 1: an index as
// an i64, a complex number as its two parts.
unsigned storageBytes(mlir::Type elem);
mlir::Value i64Const(mlir::OpBuilder &b, mlir::Location loc, int64_t v);
// Loads element `index` of an array of `type` at `base`.
mlir::Value loadElement(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value base, mlir::Type type, int64_t index);
// Stands in for an original (memref / index) value until the body
// conversion; reconcile-unrealized-casts removes the pairs it creates.
mlir::Value castTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                   mlir::Type t);

// Rewrites bf16, f16 and fp8 arithmetic inside kernel bodies into f32
// arithmetic whose results are rounded to the narrow type, and conversions
// to and from those types into integer operations
// (NarrowFloatEmulation.cpp). Runs before expandKernelMath, so that
// transcendentals on narrow types are Tessera's f32 ones.
mlir::LogicalResult emulateNarrowFloats(mlir::ModuleOp module);
// The same for the arithmetic of entry functions (the numbers an entry
// computes itself, HostScalars.cpp), for every target.
mlir::LogicalResult emulateNarrowFloatsInEntries(mlir::ModuleOp module);
// Narrow floats as integers of their width, their bits, in the LLVM
// dialect (kernels only move them by then): the conversion and the
// patterns for their constants and bitcasts. fp8 because LLVM has no fp8
// type; f16 because LLVM, given half values, computes a select of them
// through float and a compiler-runtime call on a CPU without half
// instructions, and on NVPTX folds the sign masks of the conversions into
// half operations that it computes through f32 (with NVPTX's NaNs); bf16
// where `bf16Bits` (the CPU, for the select): NVPTX moves bf16 natively,
// and the tensor-core kernels are LLVM dialect on bf16 already.
void addNarrowFloatStorage(mlir::LLVMTypeConverter &converter,
                           mlir::RewritePatternSet &patterns, bool bf16Bits);

// Rewrites transcendentals inside kernel bodies into Tessera's own
// polynomial approximations, with every multiply-add kept separate: no libm
// (or libdevice) call and the same bits on every machine (ARCHITECTURE.md
// §6).
mlir::LogicalResult expandKernelMath(mlir::ModuleOp module);

// Applies `patterns` greedily inside each ttile.kernel of `module`, leaving
// the kernels' structure (their regions) as it is.
mlir::LogicalResult applyInsideKernels(mlir::ModuleOp module,
                                       mlir::RewritePatternSet patterns);

// ttile.kernel -> void NAME(ptr args, ptr sizes, i64 tile_begin,
// i64 tile_end): a loop over the vector steps of tiles [begin, end) of
// `tilePoints` points each (a multiple of the kernel's vector). args holds
// the buffers' pointers, sizes the point count and then the kernel's extents.
// The kernel's body moves into the function; the kernel op stays, empty.
// `wholeStepCopy`: steps that end at or before the tile's end run a copy of
// the body whose loads and stores bounded by the point count are unmasked
// (the CPU's; a GPU thread runs one step, guarded on its own).
mlir::LLVM::LLVMFuncOp lowerKernelToTileLoop(ttile::KernelOp kernel,
                                             mlir::OpBuilder &moduleBuilder,
                                             llvm::StringRef name,
                                             int64_t tilePoints,
                                             bool wholeStepCopy = false);

// A matmul_pack kernel whose panel rows are read as rows of `b` (not
// transposed) and are whole 16-byte chunks runs on the GPU a chunk a
// thread (backend/lib/cuda/PanelPacking.cpp): how many chunks a point
// (panel row) has, or 0 when it runs as other kernels do.
int64_t gpuPackChunks(ttile::KernelOp kernel);

// Whether `kernel` has loops marked ttile::kLanesAttr (it carries the
// attribute itself: backend/lib/cuda/LaneLoops.cpp).
bool hasLaneLoops(ttile::KernelOp kernel);

// GPU threads that run one tile (one vector step) of `kernel`: a warp (32)
// for a row reduction, whose 32 lanes are the warp's threads
// (backend/lib/cuda/WarpLanes.cpp), and for a body with loops marked
// ttile.lanes, whose iterations the warp's threads share
// (backend/lib/cuda/LaneLoops.cpp); a thread a chunk of a panel row
// (gpuPackChunks), one for every other kernel.
inline int64_t gpuThreadsPerTile(ttile::KernelOp kernel) {
  if (kernel.getKind() == "row_reduction" || hasLaneLoops(kernel))
    return 32;
  int64_t chunks = gpuPackChunks(kernel);
  return chunks ? chunks : 1;
}

// A matmul kernel of floats runs on the GPU as block tiles: a block of
// kGpuMatmulThreads threads computes a tile of one batch's result
// (backend/lib/cuda/MatmulTiles.cpp, TensorCoreMatmul.cpp), not one thread
// a point. It comes in one variant per tile size, largest first, named by
// gpuMatmulVariant after its rows; the entry launches the largest that
// still makes gpuMatmulBlocks blocks (the smallest otherwise), so that
// small results with long sums keep the GPU busy. Every variant computes
// the same bits. The kernel says how to read its operands (its ttile.matmul
// attribute); one that does not keeps the CPU's schedule.
constexpr int64_t kGpuMatmulTiles[] = {128, 64, 32};
constexpr int64_t kGpuMatmulThreads = 256;
std::string gpuMatmulVariant(llvm::StringRef kernelSymbol, int64_t tile);
bool runsAsGpuMatmulTiles(ttile::KernelOp kernel);
// The rows and columns of variant `tile`'s tiles: square, but for tensor
// cores' largest (128 x 256).
std::pair<int64_t, int64_t> gpuMatmulTileShape(ttile::KernelOp kernel,
                                               int64_t tile);
// Blocks that fill the GPU: two an SM of CUDA-core tiles, one of tensor
// cores' largest.
int64_t gpuMatmulBlocks(ttile::KernelOp kernel);
// Whether the GPU kernel reads `b` itself rather than its packed panels
// (every block-tile kernel but the tensor cores' with a transposed `b`:
// MatmulTiles.cpp); the host then skips the packing.
bool gpuMatmulReadsRhs(ttile::KernelOp kernel);

// A bf16 or f16 attention kernel (and its adjoint's three) also runs on the GPU
// on tensor cores, flash attention's schedule (backend/lib/cuda/
// FlashAttention.cpp, FlashAttentionGrad.cpp), when its key and value widths
// are both one of kFlashWidths: a variant for each, named by
// flashAttentionVariant, which the entry launches with a block of 256
// threads for each `blockRows` of extent `rowsSize` (0: the queries, 1: the
// keys) of each batch (flashAttentionGrid). Other widths run the kernel
// itself, a thread a row.
constexpr int64_t kFlashWidths[] = {64, 128};
constexpr int64_t kFlashThreads = 256;
struct FlashGrid {
  unsigned rowsSize;
  int64_t blockRows;
};
bool runsAsFlashAttention(ttile::KernelOp kernel);
FlashGrid flashAttentionGrid(ttile::KernelOp kernel);
std::string flashAttentionVariant(llvm::StringRef kernelSymbol, int64_t width);

// Once kernels and entries are LLVM functions: loops become branches, and
// what is left inside (arith, math, vector, memref, ttile loads and stores)
// becomes LLVM dialect. `runPipeline` is the calling pass's; `bf16Bits`:
// bf16 becomes i16 (addNarrowFloatStorage; f16 and fp8 always become
// integers).
mlir::LogicalResult convertBodiesToLLVM(
    mlir::ModuleOp module,
    llvm::function_ref<mlir::LogicalResult(mlir::OpPassManager &)> runPipeline,
    bool bf16Bits);

} // namespace tessera
