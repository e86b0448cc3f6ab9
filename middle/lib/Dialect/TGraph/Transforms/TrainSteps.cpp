// --tgraph-train-steps: each `train` function (its body computes the loss,
// calls already inlined) becomes an entry that runs one optimizer step:
//
//   step(param:W..., state:..., data...) -> (loss, param:W'..., state:...')
//
// The loss is first restated as a function of the parameters
// (`step.objective`: every parameter load becomes an argument), whose
// gradient is one `tgraph.vjp`; the optimizer's update is written out in
// Graph IR. The runtime feeds the `param:`/`state:` outputs back to the
// same-named inputs (docs/training.md).
//
// Derivative operators in the loss must be lowered (and their code inlined)
// first: a parameter read only by the callee of `partial @u`, `grad @f`, ...
// is not in the body, so it would stay a constant of the objective and its
// gradient would be lost.
#include "Parameters.h"
#include "tessera/Dialect/TGraph/Derivatives.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/MapVector.h"
#include <sstream>

namespace tessera::tgraph {
#define GEN_PASS_DEF_TRAINSTEPS
#include "tessera/Dialect/TGraph/Transforms/Passes.h.inc"
} // namespace tessera::tgraph

using namespace mlir;

namespace tessera::tgraph {

namespace {

// The optimizer's hyperparameters, with the usual defaults.
struct Optimizer {
  std::string name;
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0,
         momentum = 0;

  static FailureOr<Optimizer> from(func::FuncOp fn) {
    auto dict = fn->getAttrOfType<DictionaryAttr>("tgraph.train");
    Optimizer o;
    auto name = dict ? dict.getAs<StringAttr>("name") : StringAttr();
    if (!name)
      return fn.emitError("train step without an optimizer");
    o.name = name.str();
    auto number = [&](StringRef key, double &out) {
      if (auto f = dict.getAs<FloatAttr>(key))
        out = f.getValueAsDouble();
    };
    number("lr", o.lr);
    number("beta1", o.beta1);
    number("beta2", o.beta2);
    number("eps", o.eps);
    number("weight_decay", o.weightDecay);
    number("momentum", o.momentum);
    if (o.name != "sgd" && o.name != "adam" && o.name != "adamw")
      return fn.emitError("unknown optimizer '")
             << o.name << "' (expected sgd, adam or adamw)";
    return o;
  }

  // Shortest round-trip form of each number ("0.999", "1e-08").
  std::string describe() const {
    std::ostringstream os;
    os << name << " lr=" << lr;
    if (name != "sgd")
      os << " beta1=" << beta1 << " beta2=" << beta2 << " eps=" << eps;
    if (weightDecay != 0)
      os << " weight_decay=" << weightDecay;
    if (momentum != 0)
      os << " momentum=" << momentum;
    return os.str();
  }
};

DictionaryAttr namedArg(MLIRContext *ctx, StringRef name, RankedTensorType t) {
  return namedStaticArg(ctx, name, t).getDictionary(ctx);
}

class StepBuilder {
public:
  StepBuilder(ModuleOp module, func::FuncOp train)
      : module(module), train(train), ctx(train.getContext()) {}

  LogicalResult run() {
    auto opt = Optimizer::from(train);
    if (failed(opt))
      return failure();
    if (train.getNumResults() != 1 ||
        cast<RankedTensorType>(train.getResultTypes()[0]).getRank() != 0)
      return train.emitError("a train step minimizes one scalar loss");
    for (Operation &op : train.getBody().front())
      if (isa<func::CallOp>(op))
        return op.emitError("calls must be inlined before train steps");
    WalkResult derivatives = train.walk([](Operation *op) {
      if (!isa<GradOp, VjpOp, JvpOp, HvpOp, PartialOp>(op))
        return WalkResult::advance();
      op->emitError("derivative operators must be lowered before train "
                    "steps (--tgraph-differentiate, then --inline)");
      return WalkResult::interrupt();
    });
    if (derivatives.wasInterrupted())
      return failure();

    // The parameters the loss reads, in order of first use.
    llvm::MapVector<StringRef, RankedTensorType> params;
    train.walk([&](Operation *op) {
      if (isParameterLoad(op))
        params.insert({parameterName(op),
                       cast<RankedTensorType>(op->getResult(0).getType())});
    });
    if (params.empty())
      return train.emitError("the loss of this train step reads no parameter");

    func::FuncOp objective = buildObjective(params);
    buildEntry(*opt, params, objective);
    return success();
  }

private:
  // step.objective(params..., data...) -> loss
  func::FuncOp
  buildObjective(const llvm::MapVector<StringRef, RankedTensorType> &params) {
    OpBuilder b(train);
    SmallVector<Type> inputs;
    for (auto &[name, type] : params)
      inputs.push_back(type);
    llvm::append_range(inputs, train.getArgumentTypes());
    auto fn = b.create<func::FuncOp>(
        train.getLoc(), (train.getName() + ".objective").str(),
        b.getFunctionType(inputs, train.getResultTypes()));
    fn.setPrivate();
    fn->setAttr(kDimsAttr, train->getAttr(kDimsAttr));
    unsigned p = params.size();
    for (unsigned i = 0; i < train.getNumArguments(); ++i)
      fn.setArgAttrs(p + i, train.getArgAttrDict(i));
    Block *body = fn.addEntryBlock();
    IRMapping map;
    for (unsigned i = 0; i < train.getNumArguments(); ++i)
      map.map(train.getArgument(i), body->getArgument(p + i));
    OpBuilder ib = OpBuilder::atBlockEnd(body);
    for (Operation &op : train.getBody().front()) {
      if (isParameterLoad(&op)) {
        unsigned index = params.find(parameterName(&op)) - params.begin();
        map.map(op.getResult(0), body->getArgument(index));
        continue;
      }
      ib.clone(op, map);
    }
    return fn;
  }

  // The entry: loss and gradients by one vjp, then the update.
  void buildEntry(const Optimizer &opt,
                  const llvm::MapVector<StringRef, RankedTensorType> &params,
                  func::FuncOp objective) {
    OpBuilder b(train);
    Location loc = train.getLoc();
    bool adam = opt.name != "sgd";
    bool momentum = opt.name == "sgd" && opt.momentum != 0;
    auto scalarType = RankedTensorType::get({}, b.getF32Type());

    SmallVector<Type> inputs;
    SmallVector<DictionaryAttr> inputAttrs;
    // A parameter input carries its initialiser, for the parameter table.
    SymbolTable symbols(module);
    for (auto &[name, type] : params) {
      inputs.push_back(type);
      inputAttrs.push_back(
          parameterInput(ctx, symbols.lookup(name), name, type));
    }
    // Optimizer state: adam's moments and step count, sgd's velocity.
    for (auto &[name, type] : params) {
      if (adam) {
        for (StringRef moment : {".m", ".v"}) {
          inputs.push_back(type);
          inputAttrs.push_back(
              namedArg(ctx, ("state:" + name + moment).str(), type));
        }
      } else if (momentum) {
        inputs.push_back(type);
        inputAttrs.push_back(
            namedArg(ctx, ("state:" + name + ".velocity").str(), type));
      }
    }
    if (adam) {
      inputs.push_back(scalarType);
      inputAttrs.push_back(namedArg(ctx, "state:step", scalarType));
    }
    unsigned firstData = inputs.size();
    llvm::append_range(inputs, train.getArgumentTypes());
    for (unsigned i = 0; i < train.getNumArguments(); ++i)
      inputAttrs.push_back(train.getArgAttrDict(i));

    SmallVector<Type> results = {train.getResultTypes()[0]};
    SmallVector<DictionaryAttr> resultAttrs = {
        namedArg(ctx, "loss", cast<RankedTensorType>(results[0]))};
    for (unsigned i = 0; i < firstData; ++i) {
      results.push_back(inputs[i]);
      resultAttrs.push_back(inputAttrs[i]);
    }

    std::string name = train.getName().str();
    auto dims = train->getAttr(kDimsAttr);
    train.setName(name + ".loss");
    train.setPrivate();
    auto entry =
        b.create<func::FuncOp>(loc, name, b.getFunctionType(inputs, results));
    entry->setAttr(kEntryAttr, b.getUnitAttr());
    entry->setAttr(kDimsAttr, dims);
    entry->setAttr("tgraph.train", train->getAttr("tgraph.train"));
    entry->setAttr("tgraph.optimizer", b.getStringAttr(opt.describe()));
    for (auto [i, a] : llvm::enumerate(inputAttrs))
      entry.setArgAttrs(i, a);
    for (auto [i, a] : llvm::enumerate(resultAttrs))
      entry.setResultAttrs(i, a);

    Block *body = entry.addEntryBlock();
    b.setInsertionPointToStart(body);
    RuleBuilder rb(b, loc);
    unsigned np = params.size();
    SmallVector<Value> args(body->getArguments().take_front(np));
    llvm::append_range(args, body->getArguments().drop_front(firstData));
    Value loss = b.create<func::CallOp>(loc, objective, args).getResult(0);
    Value one = rb.scalarLike(loss, 1.0);
    auto vjp = b.create<VjpOp>(loc, objective.getArgumentTypes(),
                               objective.getName(), args, ValueRange{one});

    SmallVector<Value> updated = {loss};
    SmallVector<Value> states;
    Value step, c1, c2;
    if (adam) {
      Value t = body->getArgument(firstData - 1);
      step = rb.add(t, rb.scalar(b.getF32Type(), 1.0));
      auto powOf = [&](double base) {
        Value x = rb.scalar(b.getF32Type(), base);
        return b.create<PowOp>(loc, scalarType, x, step).getResult();
      };
      Value oneF = rb.scalar(b.getF32Type(), 1.0);
      c1 = rb.sub(oneF, powOf(opt.beta1));
      c2 = rb.sub(oneF, powOf(opt.beta2));
    }
    unsigned nextState = np;
    for (unsigned i = 0; i < np; ++i) {
      Value p = body->getArgument(i), g = vjp.getResult(i);
      Value lr = rb.scalarLike(p, opt.lr);
      if (opt.name == "sgd") {
        Value direction = g;
        if (momentum) {
          Value v = body->getArgument(nextState++);
          direction = rb.add(rb.mul(rb.scalarLike(p, opt.momentum), v), g);
          states.push_back(direction);
        }
        if (opt.weightDecay != 0)
          direction =
              rb.add(direction, rb.mul(rb.scalarLike(p, opt.weightDecay), p));
        updated.push_back(rb.sub(p, rb.mul(lr, direction)));
        continue;
      }
      Value m = body->getArgument(nextState++);
      Value v = body->getArgument(nextState++);
      // adam's weight decay is an L2 term of the gradient; adamw's is
      // decoupled from the moments (applied to the step below).
      if (opt.name == "adam" && opt.weightDecay != 0)
        g = rb.add(g, rb.mul(rb.scalarLike(p, opt.weightDecay), p));
      Value m2 = rb.add(rb.mul(rb.scalarLike(p, opt.beta1), m),
                        rb.mul(rb.scalarLike(p, 1 - opt.beta1), g));
      Value v2 = rb.add(rb.mul(rb.scalarLike(p, opt.beta2), v),
                        rb.mul(rb.scalarLike(p, 1 - opt.beta2), rb.mul(g, g)));
      Value mhat = rb.div(m2, c1), vhat = rb.div(v2, c2);
      Value direction = rb.div(
          mhat, rb.add(b.create<SqrtOp>(loc, vhat), rb.scalarLike(p, opt.eps)));
      if (opt.name == "adamw" && opt.weightDecay != 0)
        direction =
            rb.add(direction, rb.mul(rb.scalarLike(p, opt.weightDecay), p));
      updated.push_back(rb.sub(p, rb.mul(lr, direction)));
      states.push_back(m2);
      states.push_back(v2);
    }
    llvm::append_range(updated, states);
    if (adam)
      updated.push_back(step);
    b.create<func::ReturnOp>(loc, updated);
  }

  ModuleOp module;
  func::FuncOp train;
  MLIRContext *ctx;
};

struct TrainStepsPass : impl::TrainStepsBase<TrainStepsPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> trains;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (fn->hasAttr("tgraph.train") && !fn->hasAttr(kEntryAttr))
        trains.push_back(fn);
    for (auto fn : trains)
      if (failed(StepBuilder(getOperation(), fn).run()))
        return signalPassFailure();
  }
};

} // namespace
} // namespace tessera::tgraph
