// Derivative rules of fixed points (implicit differentiation) and of
// dropout. At a fixed point r = f(r, c), the implicit function theorem
// gives the derivatives without differentiating the iterations:
//   reverse: w = r_bar + (df/dx)^T w, solved by iteration; c_bar = (df/dc)^T w
//   forward: r_dot = (df/dx) r_dot + (df/dc) c_dot, solved by iteration.
// Both iterations are tgraph.fixed_point ops with the primal's tolerance
// and iteration limit; their bodies are the rules of the primal body.
#include "tessera/Dialect/TGraph/Derivatives.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace tessera::tgraph {

namespace {
// Clones the body of `op` at the builder's insertion point with its block
// arguments replaced by `args`; returns the cloned ops and sets `next` to
// the clone of the yielded value.
SmallVector<Operation *> cloneBody(OpBuilder &b, FixedPointOp op,
                                   ValueRange args, Value &next) {
  Block &body = op.getBody().front();
  IRMapping map;
  for (auto [arg, v] : llvm::zip(body.getArguments(), args))
    map.map(arg, v);
  SmallVector<Operation *> ops;
  for (Operation &inner : body.without_terminator())
    ops.push_back(b.clone(inner, map));
  next = map.lookupOrDefault(body.getTerminator()->getOperand(0));
  return ops;
}

FixedPointOp createIteration(OpBuilder &b, FixedPointOp like, Value init,
                             ValueRange captured, Block *&block) {
  auto it =
      b.create<FixedPointOp>(like.getLoc(), init.getType(), init, captured,
                             like.getTolAttr(), like.getMaxIterAttr());
  block = new Block();
  it.getBody().push_back(block);
  block->addArgument(init.getType(), like.getLoc());
  for (Value c : captured)
    block->addArgument(c.getType(), like.getLoc());
  return it;
}
} // namespace

LogicalResult FixedPointOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                     SmallVectorImpl<Value> &dxs) {
  RuleBuilder rb(b, getLoc());
  Value rbar = dys[0], r = getResult();
  // w = rbar + (df/dx)^T w, captures (rbar, r, c...).
  SmallVector<Value> captured{rbar, r};
  llvm::append_range(captured, getCaptured());
  Block *block;
  FixedPointOp adjoint = createIteration(b, *this, rbar, captured, block);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(block);
    Value w = block->getArgument(0), rbarIn = block->getArgument(1),
          x = block->getArgument(2);
    Value next;
    SmallVector<Operation *> ops =
        cloneBody(b, *this, block->getArguments().drop_front(2), next);
    DenseSet<Value> active = activeValues(ops, {x});
    DenseMap<Value, Value> cot;
    cot[next] = w;
    if (failed(reverseSweep(b, ops, active, cot)))
      return failure();
    Value step = RuleBuilder(b, getLoc()).add(rbarIn, cot.lookup(x));
    b.create<YieldOp>(getLoc(), step);
  }
  Value w = adjoint.getResult();
  // c_bar = (df/dc)^T w at the fixed point.
  SmallVector<Value> args{r};
  llvm::append_range(args, getCaptured());
  Value next;
  SmallVector<Operation *> ops = cloneBody(b, *this, args, next);
  SmallVector<Value> seeds;
  for (Value c : getCaptured())
    if (isDifferentiableType(c.getType()))
      seeds.push_back(c);
  DenseSet<Value> active = activeValues(ops, seeds);
  DenseMap<Value, Value> cot;
  cot[next] = w;
  if (failed(reverseSweep(b, ops, active, cot)))
    return failure();
  dxs.push_back({}); // the initial guess does not move the fixed point
  for (Value c : getCaptured())
    dxs.push_back(cot.lookup(c));
  (void)rb;
  return success();
}

LogicalResult FixedPointOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                     SmallVectorImpl<Value> &dys) {
  RuleBuilder rb(b, getLoc());
  Value r = getResult();
  // u = (df/dx) u + (df/dc) c_dot, captures (r, c..., c_dot...).
  SmallVector<Value> captured{r};
  llvm::append_range(captured, getCaptured());
  SmallVector<int64_t> withTangent;
  for (auto [i, dc] : llvm::enumerate(dxs.drop_front()))
    if (dc) {
      captured.push_back(dc);
      withTangent.push_back(static_cast<int64_t>(i));
    }
  if (withTangent.empty()) {
    dys.push_back({}); // only the initial guess moved: the result does not
    return success();
  }
  Block *block;
  FixedPointOp tangent =
      createIteration(b, *this, rb.zerosLike(r), captured, block);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(block);
    size_t numCaptured = getCaptured().size();
    Value u = block->getArgument(0);
    ValueRange primal = block->getArguments().slice(1, 1 + numCaptured);
    Value next;
    SmallVector<Operation *> ops = cloneBody(b, *this, primal, next);
    DenseMap<Value, Value> tangents;
    tangents[primal[0]] = u;
    for (auto [k, i] : llvm::enumerate(withTangent))
      tangents[primal[1 + i]] = block->getArgument(2 + numCaptured + k);
    if (failed(forwardSweep(b, ops, tangents)))
      return failure();
    b.setInsertionPointToEnd(block);
    Value step = tangents.lookup(next);
    b.create<YieldOp>(getLoc(),
                      step ? step : RuleBuilder(b, getLoc()).zerosLike(next));
  }
  dys.push_back(tangent.getResult());
  return success();
}

// Dropout is linear in its operand with the same mask for the same seed,
// so its derivatives are dropout of the cotangent or tangent.
LogicalResult DropoutOp::buildVJP(OpBuilder &b, ArrayRef<Value> dys,
                                  SmallVectorImpl<Value> &dxs) {
  dxs.push_back(
      b.create<DropoutOp>(getLoc(), dys[0], getPAttr(), getSeedAttr()));
  return success();
}
LogicalResult DropoutOp::buildJVP(OpBuilder &b, ArrayRef<Value> dxs,
                                  SmallVectorImpl<Value> &dys) {
  dys.push_back(
      b.create<DropoutOp>(getLoc(), dxs[0], getPAttr(), getSeedAttr()));
  return success();
}

} // namespace tessera::tgraph
