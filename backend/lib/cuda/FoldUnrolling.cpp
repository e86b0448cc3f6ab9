// A GPU thread folding a long run of elements (a column of a reduction, a
// lane of a row) waits on each load before its add: one element in flight
// per thread, and a few hundred threads cannot hide the memory's latency.
// Unrolled, the loads of `factor` iterations stand side by side in one
// block and ptxas issues them together; the adds still follow one another
// in the same order, so the bits do not change. A rows kernel's loop that
// writes the row (RowGroupKernel.cpp) waits the same way on each chunk's
// loads; its iterations are independent, and unrolled alike.
#include "FoldUnrolling.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace tessera {

// The longest loop unrolled whole: a row of 1024 elements in chunks of 32.
constexpr int64_t kWholeUnroll = 32;

// Moves the loads of an unrolled fold's body, and what their addresses are
// computed from, ahead of everything else in it: LLVM and ptxas keep a
// load where it stands behind the previous iteration's arithmetic (a tanh
// of the element, say), so each would still wait for the one before. Only
// a body of loads and pure ops without regions is reordered; its values
// and the order of its adds do not change.
static void loadsFirst(scf::ForOp loop) {
  Block *body = loop.getBody();
  auto isLoad = [](Operation *op) {
    return hasSingleEffect<MemoryEffects::Read>(op);
  };
  for (Operation &op : body->without_terminator())
    if (op.getNumRegions() || !(isMemoryEffectFree(&op) || isLoad(&op)))
      return;
  // The loads and, walking back, every op of the body whose results they
  // use.
  llvm::SmallPtrSet<Operation *, 32> early;
  for (Operation &op : llvm::reverse(body->without_terminator()))
    if (isLoad(&op) || llvm::any_of(op.getUsers(), [&](Operation *user) {
          return early.contains(user);
        }))
      early.insert(&op);
  Operation *firstLate = nullptr;
  for (Operation &op : llvm::make_early_inc_range(body->without_terminator())) {
    if (!early.contains(&op))
      firstLate = firstLate ? firstLate : &op;
    else if (firstLate)
      op.moveBefore(firstLate);
  }
}

void unrollFoldLoops(ttile::KernelOp kernel, uint64_t factor, bool writeLoops) {
  SmallVector<scf::ForOp> folds;
  kernel.walk([&](scf::ForOp loop) {
    bool innermost = true;
    loop.getBody()->walk([&](scf::ForOp) { innermost = false; });
    if (innermost && (loop.getNumRegionIterArgs() > 0 || writeLoops))
      folds.push_back(loop);
  });
  for (scf::ForOp loop : folds) {
    // A short loop of a known trip count (a row of known length) unrolls
    // whole: its loads are then values that a later pass over the same
    // elements can reuse.
    std::optional<int64_t> trips = constantTripCount(
        loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
    if (trips && *trips <= kWholeUnroll) {
      (void)loopUnrollByFactor(loop, static_cast<uint64_t>(*trips));
      continue;
    }
    // A loop it cannot unroll stays.
    if (succeeded(loopUnrollByFactor(loop, factor)))
      loadsFirst(loop);
  }
}

} // namespace tessera
