// What sm_90a's attention kernels share (WgmmaFlash.cpp forward,
// WgmmaFlashGrad.cpp adjoint): operands in shared memory as wgmma reads
// them with the 128-byte swizzle, and the two products of a flash step by
// a warpgroup of 64 rows: rows by rows (s = a bᵀ over the width, both
// k-major) and registers by rows (o += p b, p in registers as wgmma's a,
// b MN-major).
//
// A region of `rows` rows of W elements lies as groups of 64 columns, each
// `rows` rows of 128 bytes in which chunk c of row r sits at c ^ (r % 8),
// regions from a 1024-byte aligned start. The sums of a product lie as
// mma.sync's fragments do (each warp 16 rows, each 8 columns a fragment
// of 4), so FlashTiles' softmax arithmetic applies to them.
#pragma once

#include "FlashTiles.h"

namespace tessera {

constexpr int64_t kGroupRows = 64;        // a warpgroup's own rows
constexpr int64_t kSwizzleRowBytes = 128; // a row of a 64-column group
constexpr int64_t kSwizzleAtomBytes = 8 * kSwizzleRowBytes;

struct WgmmaFlashTiles {
  using Sums = llvm::SmallVector<mlir::Value>;
  // p's a registers: four i32 (pairs) for each 16 of its columns.
  using Registers = llvm::SmallVector<llvm::SmallVector<mlir::Value>>;

  FlashTiles &f;
  mlir::Value address = {}; // the aligned start, a shared-space address (i64)
  mlir::Value skew = {};    // its bytes past the shared memory's start
  // rowsByRows computes a's descriptors where each product issues, from
  // one base, instead of letting LLVM hoist all W / 16 of them (2
  // registers each) out of a kernel's loop: for kernels short of registers
  // (the adjoint's dq on an H100: 248 → 230 registers, 1.61 → 1.55 ms;
  // the forward was slower so, 1.29 → 1.35 ms, and keeps them hoisted).
  bool aDescriptorsAtUse = false;

  // Bytes of a region of `rows` rows of W.
  int64_t regionBytes(int64_t rows) const { return rows * f.W * 2; }
  // The shared memory to declare, in bf16 elements, for regions of
  // `bytes`: 1 KiB more, to align them.
  static int64_t sharedElements(int64_t bytes) {
    return (bytes + kSwizzleAtomBytes) / 2;
  }
  // Sets `address` and `skew` (f.shared declared).
  void alignShared();
  // Byte `offset` past the aligned start as a pointer into shared memory.
  mlir::Value pointer(mlir::Value offset);

  // Rows [0, rows) of W elements into the region at byte `region`: row r
  // from src[base + index(r) W] where inside(r), else zeros; by cp.async
  // when f.fast (no commit). The block's threads share the copies, or
  // `threads` of them numbered by `thread` when given.
  void stage(int64_t rows, mlir::Value region, mlir::Value src,
             mlir::Value base,
             llvm::function_ref<mlir::Value(mlir::Value)> index,
             llvm::function_ref<mlir::Value(mlir::Value)> inside,
             int64_t threads = kFlashThreads, mlir::Value thread = {});

  // Runs `issue` (products) between wgmma's fence and the wait for all it
  // issued: one group. `sums` are every accumulator they write.
  void products(llvm::ArrayRef<Sums *> sums, llvm::function_ref<void()> issue);
  // The same in steps, for groups that overlap other work: `fence` pins
  // the sums about to be read and written (their registers hold their
  // values before wgmma's fence), `commit` closes a group, and `wait`
  // lets `pending` groups still run, pinning the sums of those done (LLVM
  // must see the wait as writing them).
  void fence(llvm::ArrayRef<Sums *> sums);
  void commit();
  void wait(int64_t pending, llvm::ArrayRef<Sums *> done);
  // `n` / 2 zero sums a thread: a product's n columns.
  Sums zeros(int64_t n);
  // sums = a bᵀ over the width (sums zero before): a the 64 rows from
  // `aRow` of the region at byte `aRegion` of `aRows` rows, b the region of
  // `n` rows at `bRegion`. Within products().
  void rowsByRows(Sums &sums, mlir::Value aRegion, int64_t aRows,
                  mlir::Value aRow, mlir::Value bRegion, int64_t n);
  // p (rows by rows' sums over `depth` columns) rounded to the operand
  // type as a's registers; before products().
  Registers registers(const Sums &p);
  // sums (W / 2 a thread) += p b, b the region of `depth` rows (p's
  // columns) at `bRegion` read MN-major. Within products().
  void registersByRows(Sums &sums, const Registers &p, mlir::Value bRegion,
                       int64_t depth);

  // Sums as one row tile of fragments (4 a fragment, in column order), and
  // back.
  static FlashTiles::Fragments fragments(const Sums &sums);
  static Sums flat(const FlashTiles::Fragments &fragments);

  // The thread's own row h (0 or 1) of its warpgroup's 64 from `first`:
  // first + 16 (warp % 4) + g + 8 h.
  mlir::Value ownRow(mlir::Value first, int64_t h);
  // Stores W / 2 sums a thread (times `by`, when given) as the rows of W
  // from `first` (ownRow's) below `extent` of out[base...], two columns a
  // store.
  void storeRows(const Sums &sums, mlir::Value by, mlir::Value out,
                 mlir::Value base, mlir::Value first, mlir::Value extent);

  std::string type(); // the operands' type in wgmma's words
};

} // namespace tessera
