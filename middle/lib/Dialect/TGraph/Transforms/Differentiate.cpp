// --tgraph-differentiate: derivative operators become calls of derivative
// functions synthesized from their callees.
//
//   f.vjp(x..., y_bar...) -> (y..., x_bar...)   reverse mode: f's body, then
//                                              the rules of its ops in
//                                              reverse (intermediates saved)
//   f.jvp(x..., x_dot...) -> (y..., y_dot...)   forward mode
//   grad = f.vjp with y_bar = 1; hvp = the jvp of the gradient (forward over
//   reverse); partial(axis, order) = `order` nested jvps along the unit
//   vector of the axis (forward over forward: one pass, no reverse mode).
// A function with a custom adjoint (`tgraph.adjoint`, declared in the
// source) gets that adjoint as its vjp. Calls inside a differentiated
// function are differentiated through the callee's own derivative functions;
// derivative operators inside a callee are replaced first, so derivatives
// compose to any order.
#include "tessera/Dialect/TGraph/Derivatives.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/ScopeExit.h"

#include <map>

namespace tessera::tgraph {
#define GEN_PASS_DEF_DIFFERENTIATE
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"
} // namespace tessera::tgraph

using namespace mlir;

namespace tessera::tgraph {
namespace {

class Differentiator {
public:
  explicit Differentiator(ModuleOp module) : module(module), symbols(module) {}

  // Replaces every derivative operator of `fn`.
  LogicalResult lowerIn(func::FuncOp fn);

private:
  LogicalResult lower(Operation *op);
  FailureOr<func::FuncOp> vjpOf(func::FuncOp f);
  FailureOr<func::FuncOp> jvpOf(func::FuncOp f);
  FailureOr<func::FuncOp> gradientOf(func::FuncOp f, int64_t wrt);
  FailureOr<func::FuncOp> partialOf(func::FuncOp f, int64_t axis,
                                    int64_t order);
  FailureOr<func::FuncOp> callee(Operation *use, StringRef name);
  func::FuncOp newFunction(func::FuncOp like, StringRef suffix,
                           TypeRange inputs, TypeRange results);
  SweepHooks hooks();

  ModuleOp module;
  SymbolTable symbols;
  DenseSet<Operation *> lowered, inProgress;
  std::map<std::pair<Operation *, std::string>, func::FuncOp> made;
  // The derivative operator being lowered: errors point at it.
  SmallVector<Operation *> useSites;
};

FailureOr<func::FuncOp> Differentiator::callee(Operation *use, StringRef name) {
  auto fn = symbols.lookup<func::FuncOp>(name);
  if (!fn || fn.isExternal()) {
    use->emitError("no function body for @") << name << " to differentiate";
    return failure();
  }
  if (failed(lowerIn(fn)))
    return failure();
  return fn;
}

func::FuncOp Differentiator::newFunction(func::FuncOp like, StringRef suffix,
                                         TypeRange inputs, TypeRange results) {
  OpBuilder b(module.getContext());
  b.setInsertionPointAfter(like);
  auto fn = b.create<func::FuncOp>(like.getLoc(),
                                   (like.getSymName() + "." + suffix).str(),
                                   b.getFunctionType(inputs, results));
  fn.setPrivate();
  if (auto dims = like->getAttr(kDimsAttr))
    fn->setAttr(kDimsAttr, dims);
  if (auto policy = like->getAttr("tgraph.policy"))
    fn->setAttr("tgraph.policy", policy);
  symbols.insert(fn); // renames on a clash
  fn.addEntryBlock();
  return fn;
}

SweepHooks Differentiator::hooks() {
  SweepHooks h;
  h.missingRule = [this](Operation *op) {
    Operation *use = useSites.empty() ? op : useSites.back();
    InFlightDiagnostic d = use->emitError("cannot differentiate: '")
                           << op->getName() << "' has no derivative rule";
    if (use != op)
      d.attachNote(op->getLoc()) << "'" << op->getName() << "' is used here";
  };
  // Through a call: call the callee's derivative function with the call's
  // operands, then one direction per result (reverse) or operand (forward),
  // zeros where none; its results after the primal ones are the answer.
  auto throughCall = [this, h](bool reverse, OpBuilder &b, Operation *op,
                               ArrayRef<Value> in,
                               SmallVectorImpl<Value> &out) -> LogicalResult {
    auto call = dyn_cast<func::CallOp>(op);
    if (!call) {
      h.missingRule(op);
      return failure();
    }
    FailureOr<func::FuncOp> g = callee(op, call.getCallee());
    if (failed(g))
      return failure();
    FailureOr<func::FuncOp> d = reverse ? vjpOf(*g) : jvpOf(*g);
    if (failed(d))
      return failure();
    SmallVector<Value> args(call.getOperands());
    RuleBuilder rb(b, op->getLoc());
    ValueRange shapes = reverse ? ValueRange(call.getResults())
                                : ValueRange(call.getOperands());
    for (auto [like, dir] : llvm::zip(shapes, in))
      args.push_back(dir ? dir : rb.zerosLike(like));
    auto c = b.create<func::CallOp>(op->getLoc(), *d, args);
    llvm::append_range(out, c.getResults().drop_front(call.getNumResults()));
    return success();
  };
  h.reverseOther = [throughCall](OpBuilder &b, Operation *op,
                                 ArrayRef<Value> dys,
                                 SmallVectorImpl<Value> &dxs) {
    return throughCall(true, b, op, dys, dxs);
  };
  h.forwardOther = [throughCall](OpBuilder &b, Operation *op,
                                 ArrayRef<Value> dxs,
                                 SmallVectorImpl<Value> &dys) {
    return throughCall(false, b, op, dxs, dys);
  };
  return h;
}

// Clones `f`'s body into `fn`'s entry block with f's arguments mapped to
// the first arguments of fn; returns the cloned ops and f's results.
static SmallVector<Operation *> cloneBody(OpBuilder &b, func::FuncOp f,
                                          func::FuncOp fn,
                                          SmallVectorImpl<Value> &results) {
  IRMapping map;
  for (auto [from, to] : llvm::zip(f.getArguments(), fn.getArguments()))
    map.map(from, to);
  b.setInsertionPointToEnd(&fn.front());
  SmallVector<Operation *> ops;
  for (Operation &op : f.front().without_terminator())
    ops.push_back(b.clone(op, map));
  for (Value v : f.front().getTerminator()->getOperands())
    results.push_back(map.lookupOrDefault(v));
  return ops;
}

static void removeDeadCode(func::FuncOp fn) {
  (void)applyPatternsAndFoldGreedily(fn, RewritePatternSet(fn.getContext()));
}

FailureOr<func::FuncOp> Differentiator::vjpOf(func::FuncOp f) {
  auto key = std::make_pair(f.getOperation(), std::string("vjp"));
  if (auto it = made.find(key); it != made.end())
    return it->second;
  SmallVector<Type> inputs(f.getArgumentTypes());
  llvm::append_range(inputs, f.getResultTypes());
  SmallVector<Type> results(f.getResultTypes());
  llvm::append_range(results, f.getArgumentTypes());
  func::FuncOp fn = newFunction(f, "vjp", inputs, results);
  made[key] = fn;
  OpBuilder b(fn.getContext());
  // A custom adjoint declared in the source replaces the rules of f's body:
  // adjoint(x..., y_bar...) -> x_bar...
  if (auto custom = f->getAttrOfType<FlatSymbolRefAttr>("tgraph.adjoint")) {
    auto adjoint = symbols.lookup<func::FuncOp>(custom.getValue());
    if (!adjoint || adjoint.getNumResults() != f.getNumArguments()) {
      f.emitError("custom adjoint @")
          << custom.getValue() << " must return one cotangent per input";
      return failure();
    }
    b.setInsertionPointToEnd(&fn.front());
    auto args = fn.getArguments();
    auto primal = b.create<func::CallOp>(f.getLoc(), f,
                                         args.take_front(f.getNumArguments()));
    auto bar = b.create<func::CallOp>(f.getLoc(), adjoint, args);
    SmallVector<Value> out(primal.getResults());
    llvm::append_range(out, bar.getResults());
    b.create<func::ReturnOp>(f.getLoc(), out);
    return fn;
  }
  SmallVector<Value> ys;
  SmallVector<Operation *> ops = cloneBody(b, f, fn, ys);
  SmallVector<Value> xs(fn.getArguments().take_front(f.getNumArguments()));
  SmallVector<Value> seeds;
  for (Value x : xs)
    if (isDifferentiableType(x.getType()))
      seeds.push_back(x);
  DenseSet<Value> active = activeValues(ops, seeds);
  DenseMap<Value, Value> cot;
  for (auto [y, ybar] :
       llvm::zip(ys, fn.getArguments().drop_front(f.getNumArguments()))) {
    if (!active.contains(y))
      continue;
    Value &slot = cot[y];
    slot = slot ? b.create<AddOp>(f.getLoc(), slot, ybar).getResult()
                : Value(ybar);
  }
  if (failed(reverseSweep(b, ops, active, cot, hooks())))
    return failure();
  RuleBuilder rb(b, f.getLoc());
  SmallVector<Value> out(ys);
  for (Value x : xs) {
    Value dx = cot.lookup(x);
    out.push_back(dx ? dx : rb.zerosLike(x));
  }
  b.create<func::ReturnOp>(f.getLoc(), out);
  removeDeadCode(fn);
  return fn;
}

FailureOr<func::FuncOp> Differentiator::jvpOf(func::FuncOp f) {
  auto key = std::make_pair(f.getOperation(), std::string("jvp"));
  if (auto it = made.find(key); it != made.end())
    return it->second;
  SmallVector<Type> inputs(f.getArgumentTypes());
  llvm::append_range(inputs, f.getArgumentTypes());
  SmallVector<Type> results(f.getResultTypes());
  llvm::append_range(results, f.getResultTypes());
  func::FuncOp fn = newFunction(f, "jvp", inputs, results);
  made[key] = fn;
  OpBuilder b(fn.getContext());
  SmallVector<Value> ys;
  SmallVector<Operation *> ops = cloneBody(b, f, fn, ys);
  DenseMap<Value, Value> tangents;
  unsigned n = f.getNumArguments();
  for (unsigned i = 0; i < n; ++i)
    if (isDifferentiableType(fn.getArgument(i).getType()))
      tangents[fn.getArgument(i)] = fn.getArgument(n + i);
  if (failed(forwardSweep(b, ops, tangents, hooks())))
    return failure();
  b.setInsertionPointToEnd(&fn.front());
  RuleBuilder rb(b, f.getLoc());
  SmallVector<Value> out(ys);
  for (Value y : ys) {
    Value dy = tangents.lookup(y);
    out.push_back(dy ? dy : rb.zerosLike(y));
  }
  b.create<func::ReturnOp>(f.getLoc(), out);
  removeDeadCode(fn);
  return fn;
}

// f.grad<k>(x...) -> (y, x_bar_k): the value and the gradient of a scalar
// function, by reverse mode with y_bar = 1.
FailureOr<func::FuncOp> Differentiator::gradientOf(func::FuncOp f,
                                                   int64_t wrt) {
  std::string suffix = "grad" + std::to_string(wrt);
  auto key = std::make_pair(f.getOperation(), suffix);
  if (auto it = made.find(key); it != made.end())
    return it->second;
  FailureOr<func::FuncOp> v = vjpOf(f);
  if (failed(v))
    return failure();
  Type y = f.getResultTypes()[0], dx = f.getArgumentTypes()[wrt];
  func::FuncOp fn = newFunction(f, suffix, f.getArgumentTypes(), {y, dx});
  made[key] = fn;
  OpBuilder b = OpBuilder::atBlockEnd(&fn.front());
  RuleBuilder rb(b, f.getLoc());
  SmallVector<Value> args(fn.getArguments());
  args.push_back(rb.scalar(cast<RankedTensorType>(y).getElementType(), 1.0));
  auto call = b.create<func::CallOp>(f.getLoc(), *v, args);
  b.create<func::ReturnOp>(
      f.getLoc(),
      ValueRange{call.getResult(0), call.getResult(f.getNumResults() + wrt)});
  return fn;
}

// f.partial<axis>.<order>(p) -> d^order f / dp_axis^order at each point:
// the tangent output of the jvp of the previous order along the unit
// vector e_axis (the field maps each point on its own, so one jvp along
// e_axis at every point gives every point's partial).
FailureOr<func::FuncOp> Differentiator::partialOf(func::FuncOp f, int64_t axis,
                                                  int64_t order) {
  if (order == 0)
    return f;
  std::string suffix =
      "d" + std::to_string(order) + "_x" + std::to_string(axis);
  auto key = std::make_pair(f.getOperation(), suffix);
  if (auto it = made.find(key); it != made.end())
    return it->second;
  FailureOr<func::FuncOp> previous = partialOf(f, axis, order - 1);
  if (failed(previous))
    return failure();
  FailureOr<func::FuncOp> forward = jvpOf(*previous);
  if (failed(forward))
    return failure();
  func::FuncOp fn =
      newFunction(f, suffix, f.getArgumentTypes(), f.getResultTypes());
  made[key] = fn;
  OpBuilder b = OpBuilder::atBlockEnd(&fn.front());
  RuleBuilder rb(b, f.getLoc());
  Value points = fn.getArgument(0);
  auto pt = cast<RankedTensorType>(points.getType());
  auto iotaType = RankedTensorType::get(pt.getShape(), b.getI64Type());
  Value iota = b.create<IotaOp>(f.getLoc(), iotaType,
                                b.getI64IntegerAttr(pt.getRank() - 1),
                                rb.dynamicDims(points));
  Value hot = rb.compare(ComparePredicate::eq, iota,
                         rb.scalar(b.getI64Type(), static_cast<double>(axis)));
  Value unit = b.create<CastOp>(f.getLoc(), hot, pt.getElementType());
  auto call =
      b.create<func::CallOp>(f.getLoc(), *forward, ValueRange{points, unit});
  b.create<func::ReturnOp>(f.getLoc(), call.getResult(1));
  return fn;
}

LogicalResult Differentiator::lower(Operation *op) {
  useSites.push_back(op);
  auto done = llvm::make_scope_exit([&] { useSites.pop_back(); });
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto callOf = [&](func::FuncOp fn, ValueRange args) {
    return b.create<func::CallOp>(loc, fn, args);
  };
  if (auto grad = dyn_cast<GradOp>(op)) {
    FailureOr<func::FuncOp> f = callee(op, grad.getCallee());
    if (failed(f))
      return failure();
    FailureOr<func::FuncOp> g = gradientOf(*f, grad.getWrt());
    if (failed(g))
      return failure();
    auto call = callOf(*g, grad.getArgs());
    op->replaceAllUsesWith(grad.getWithValue()
                               ? call.getResults()
                               : call.getResults().drop_front());
  } else if (auto vjp = dyn_cast<VjpOp>(op)) {
    FailureOr<func::FuncOp> f = callee(op, vjp.getCallee());
    if (failed(f))
      return failure();
    FailureOr<func::FuncOp> v = vjpOf(*f);
    if (failed(v))
      return failure();
    SmallVector<Value> args(vjp.getPrimals());
    llvm::append_range(args, vjp.getCotangents());
    auto call = callOf(*v, args);
    op->replaceAllUsesWith(call.getResults().drop_front(f->getNumResults()));
  } else if (auto jvp = dyn_cast<JvpOp>(op)) {
    FailureOr<func::FuncOp> f = callee(op, jvp.getCallee());
    if (failed(f))
      return failure();
    FailureOr<func::FuncOp> j = jvpOf(*f);
    if (failed(j))
      return failure();
    SmallVector<Value> args(jvp.getPrimals());
    llvm::append_range(args, jvp.getTangents());
    op->replaceAllUsesWith(callOf(*j, args).getResults());
  } else if (auto hvp = dyn_cast<HvpOp>(op)) {
    // Forward over reverse: the jvp of the gradient function along `dir`
    // in input `wrt` (zero in the others).
    FailureOr<func::FuncOp> f = callee(op, hvp.getCallee());
    if (failed(f))
      return failure();
    FailureOr<func::FuncOp> g = gradientOf(*f, hvp.getWrt());
    if (failed(g))
      return failure();
    FailureOr<func::FuncOp> j = jvpOf(*g);
    if (failed(j))
      return failure();
    RuleBuilder rb(b, loc);
    SmallVector<Value> args(hvp.getArgs());
    for (auto [i, x] : llvm::enumerate(hvp.getArgs()))
      args.push_back(i == hvp.getWrt() ? hvp.getDir() : rb.zerosLike(x));
    // Results of g.jvp: (y, grad, y_dot, grad_dot).
    op->replaceAllUsesWith(ValueRange{callOf(*j, args).getResult(3)});
  } else if (auto partial = dyn_cast<PartialOp>(op)) {
    FailureOr<func::FuncOp> f = callee(op, partial.getCallee());
    if (failed(f))
      return failure();
    FailureOr<func::FuncOp> d =
        partialOf(*f, partial.getAxis(), partial.getOrder());
    if (failed(d))
      return failure();
    op->replaceAllUsesWith(callOf(*d, partial.getPoints()).getResults());
  } else {
    return success();
  }
  op->erase();
  return success();
}

LogicalResult Differentiator::lowerIn(func::FuncOp fn) {
  if (lowered.contains(fn))
    return success();
  if (!inProgress.insert(fn).second)
    return fn.emitError("cannot differentiate @")
           << fn.getSymName() << ": it reaches its own derivative";
  SmallVector<Operation *> ops;
  fn.walk([&](Operation *op) {
    if (isa<GradOp, VjpOp, JvpOp, HvpOp, PartialOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops)
    if (failed(lower(op)))
      return failure();
  inProgress.erase(fn);
  lowered.insert(fn);
  return success();
}

struct DifferentiatePass : impl::DifferentiateBase<DifferentiatePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    Differentiator d(module);
    SmallVector<func::FuncOp> fns(module.getOps<func::FuncOp>());
    for (func::FuncOp fn : fns)
      if (failed(d.lowerIn(fn)))
        return signalPassFailure();
  }
};

} // namespace
} // namespace tessera::tgraph
