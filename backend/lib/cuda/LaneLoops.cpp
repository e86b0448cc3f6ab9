// A point run by a warp (ttile::kLanesAttr): every lane runs the body, and
// splits the marked loops' iterations with the others. What a lane computes
// outside them is the same in every lane (their inputs are the point's), so
// only the marked loops' stores differ, and each iteration's bits are the
// CPU's. A loop's results reach the other lanes through memory: the warp
// barrier after it orders them (bar.warp.sync, CUDA's __syncwarp).
//
// In a nest of two marked loops (the Fourier butterflies: j < m outside,
// q < stride inside, m * stride fixed), the lanes take the outer loop when
// it has 32 iterations or more, else the inner one, so that early stages
// (stride 1) and late ones (m 1) both keep the warp busy.
#include "LaneLoops.h"
#include "../common/TileLowering.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera {
namespace {

constexpr int64_t kWarp = 32;

bool marked(Operation *op) {
  return isa<scf::ForOp>(op) && op->hasAttr(ttile::kLanesAttr);
}

// The marked loop directly in `loop`'s body, if there is one.
scf::ForOp markedInside(scf::ForOp loop) {
  for (Operation &op : loop.getBody()->without_terminator())
    if (marked(&op))
      return cast<scf::ForOp>(&op);
  return nullptr;
}

// `loop` from lower bound + `share` * step by `lanes` * step, where `share`
// is the lane (0 for a loop the lanes do not split) and `lanes` 32 or 1.
void spread(scf::ForOp loop, Value share, Value lanes) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  Value step = loop.getStep();
  loop.getLowerBoundMutable().assign(b.create<arith::AddIOp>(
      loc, loop.getLowerBound(), b.create<arith::MulIOp>(loc, share, step)));
  loop.getStepMutable().assign(b.create<arith::MulIOp>(loc, lanes, step));
}

} // namespace

bool hasLaneLoops(ttile::KernelOp kernel) {
  return kernel->hasAttr(ttile::kLanesAttr);
}

void spreadLoopsOverLanes(ttile::KernelOp kernel) {
  SmallVector<scf::ForOp> outermost;
  kernel.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (!marked(op))
      return WalkResult::advance();
    outermost.push_back(cast<scf::ForOp>(op));
    return WalkResult::skip();
  });
  for (scf::ForOp loop : outermost) {
    OpBuilder b(loop);
    Location loc = loop.getLoc();
    Value lane = b.create<arith::IndexCastUIOp>(
        loc, b.getIndexType(), b.create<NVVM::LaneIdOp>(loc, b.getI32Type()));
    Value zero = b.create<arith::ConstantIndexOp>(loc, 0);
    Value one = b.create<arith::ConstantIndexOp>(loc, 1);
    Value warp = b.create<arith::ConstantIndexOp>(loc, kWarp);
    if (scf::ForOp inner = markedInside(loop)) {
      // Whether the outer loop runs 32 steps or more.
      Value span = b.create<arith::SubIOp>(loc, loop.getUpperBound(),
                                           loop.getLowerBound());
      Value outerWide = b.create<arith::CmpIOp>(
          loc, arith::CmpIPredicate::sge, span,
          b.create<arith::MulIOp>(loc, warp, loop.getStep()));
      auto pick = [&](Value c, Value x, Value y) -> Value {
        return b.create<arith::SelectOp>(loc, c, x, y);
      };
      Value outerLane = pick(outerWide, lane, zero);
      Value outerLanes = pick(outerWide, warp, one);
      Value innerLane = pick(outerWide, zero, lane);
      Value innerLanes = pick(outerWide, one, warp);
      spread(inner, innerLane, innerLanes);
      spread(loop, outerLane, outerLanes);
    } else {
      spread(loop, lane, warp);
    }
    b.setInsertionPointAfter(loop);
    b.create<NVVM::SyncWarpOp>(
        loc, b.create<arith::ConstantIntOp>(loc, -1, b.getI32Type()));
  }
}

} // namespace tessera
