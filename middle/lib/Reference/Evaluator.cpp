// The reference evaluator's walk: binds a function's inputs, evaluates its
// ops in order (dispatching to the op families), rounds each result to its
// element type, and handles what needs the walk itself: func.call,
// tgraph.fixed_point and the ml_program globals.
#include "Internal.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <complex>
#include <limits>

using namespace mlir;
namespace tg = tessera::tgraph;

namespace tessera::reference {
namespace {

using detail::Operands;
using Env = llvm::DenseMap<Value, Tensor>;

class Interpreter {
public:
  explicit Interpreter(const Options &options) : options(options) {}

  FailureOr<std::vector<Tensor>> call(func::FuncOp fn, std::vector<Tensor> args,
                                      unsigned depth);

private:
  // Evaluates the ops of `block`, whose arguments `env` holds; returns the
  // operands of its terminator.
  FailureOr<std::vector<Tensor>> run(Block &block, Env &env, unsigned depth);
  FailureOr<std::vector<Tensor>> evalOp(Operation *op, Operands in,
                                        unsigned depth);
  FailureOr<Tensor> fixedPoint(tg::FixedPointOp op, Operands in,
                               unsigned depth);
  FailureOr<Tensor> loadGlobal(Operation *op, SymbolRefAttr name);

  const Options &options;
  SymbolTableCollection symbols;
};

// A result as its type says it is: the element type, the rank and every
// static dim; then rounded to the element type.
LogicalResult settle(Operation *op, unsigned i, Tensor &t) {
  Type type = op->getResult(i).getType();
  auto tensor = dyn_cast<RankedTensorType>(type);
  t.elementType = tensor ? tensor.getElementType() : type;
  bool fits = tensor ? tensor.getRank() == static_cast<int64_t>(t.shape.size())
                     : t.shape.empty();
  if (fits && tensor)
    for (auto [d, extent] : llvm::enumerate(tensor.getShape()))
      fits = fits && (ShapedType::isDynamic(extent) || extent == t.shape[d]);
  if (!fits)
    return op->emitError("result #")
           << i << " has shape " << t.shapeStr()
           << " at run time, which does not fit its type " << type;
  roundInPlace(t);
  return success();
}

FailureOr<std::vector<Tensor>>
Interpreter::call(func::FuncOp fn, std::vector<Tensor> args, unsigned depth) {
  if (fn.isExternal())
    return fn.emitError("cannot evaluate '@")
           << fn.getName() << "': it has no body";
  if (!fn.getBody().hasOneBlock())
    return fn.emitError("cannot evaluate '@")
           << fn.getName() << "': it has more than one block";
  if (depth > options.maxCallDepth)
    return fn.emitError("calls nest deeper than ")
           << options.maxCallDepth << " levels (recursion?)";
  Block &body = fn.getBody().front();
  Env env;
  for (auto [arg, value] : llvm::zip(body.getArguments(), args))
    env[arg] = std::move(value);
  return run(body, env, depth);
}

FailureOr<std::vector<Tensor>> Interpreter::run(Block &block, Env &env,
                                                unsigned depth) {
  SmallVector<const Tensor *> in;
  for (Operation &op : block) {
    in.clear();
    for (Value v : op.getOperands()) {
      auto it = env.find(v);
      if (it == env.end())
        return op.emitError("uses a value defined outside the evaluated "
                            "function");
      in.push_back(&it->second);
    }
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      if (!isa<func::ReturnOp, tg::YieldOp>(op))
        return op.emitError("'")
               << op.getName() << "' is not supported by the reference "
               << "evaluator";
      std::vector<Tensor> results;
      for (const Tensor *t : in)
        results.push_back(*t);
      return results;
    }
    FailureOr<std::vector<Tensor>> results = evalOp(&op, in, depth);
    if (failed(results))
      return failure();
    for (auto [i, t] : llvm::enumerate(*results)) {
      if (failed(settle(&op, i, t)))
        return failure();
      env[op.getResult(i)] = std::move(t);
    }
  }
  return block.getParentOp()->emitError("block has no terminator");
}

FailureOr<std::vector<Tensor>> Interpreter::evalOp(Operation *op, Operands in,
                                                   unsigned depth) {
  auto one = [](FailureOr<Tensor> t) -> FailureOr<std::vector<Tensor>> {
    if (failed(t))
      return failure();
    std::vector<Tensor> v;
    v.push_back(std::move(*t));
    return v;
  };
  for (auto family :
       {detail::evalElementwise, detail::evalLinalg, detail::evalLayout,
        detail::evalReduction, detail::evalFourier, detail::evalRandom,
        detail::evalStandard})
    if (detail::FamilyResult r = family(op, in))
      return one(std::move(*r));

  if (auto callOp = dyn_cast<func::CallOp>(op)) {
    auto fn = symbols.lookupNearestSymbolFrom<func::FuncOp>(
        op, callOp.getCalleeAttr());
    if (!fn)
      return op->emitError("calls unknown function '@")
             << callOp.getCallee() << "'";
    std::vector<Tensor> args;
    for (const Tensor *t : in)
      args.push_back(*t);
    return call(fn, std::move(args), depth + 1);
  }
  if (auto fp = dyn_cast<tg::FixedPointOp>(op))
    return one(fixedPoint(fp, in, depth));
  if (auto attention = dyn_cast<tg::AttentionOp>(op))
    return detail::evalAttention(attention, in);
  if (auto grad = dyn_cast<tg::AttentionGradOp>(op))
    return detail::evalAttentionGrad(grad, in);
  if (auto load = dyn_cast<ml_program::GlobalLoadOp>(op))
    return one(loadGlobal(op, load.getGlobal()));
  if (auto load = dyn_cast<ml_program::GlobalLoadConstOp>(op))
    return one(loadGlobal(op, load.getGlobal()));
  if (isa<tg::GradOp, tg::VjpOp, tg::JvpOp, tg::HvpOp, tg::PartialOp>(op))
    return op->emitError("'")
           << op->getName()
           << "' must be differentiated before evaluation (run "
              "--tgraph-differentiate)";
  return op->emitError("'")
         << op->getName() << "' is not supported by the reference evaluator";
}

// The iteration exactly as tgraph.fixed_point defines it: from x = init,
// x_next = body(x, captured...); stop once max |x_next - x| <= tol (a NaN
// change never stops it) or after max_iter evaluations of the body; the
// result is the last x_next.
FailureOr<Tensor> Interpreter::fixedPoint(tg::FixedPointOp op, Operands in,
                                          unsigned depth) {
  Block &body = op.getBody().front();
  double tol = op.getTol().convertToDouble();
  int64_t maxIter = op.getMaxIter();
  Tensor x = *in[0];
  for (int64_t iter = 0; iter < maxIter; ++iter) {
    Env env;
    env[body.getArgument(0)] = x;
    for (auto [arg, t] :
         llvm::zip(body.getArguments().drop_front(), in.drop_front()))
      env[arg] = *t;
    FailureOr<std::vector<Tensor>> next = run(body, env, depth);
    if (failed(next))
      return failure();
    Tensor &y = next->front();
    if (y.shape != x.shape)
      return op.emitError("the body yields shape ")
             << y.shapeStr() << " for an iterate of shape " << x.shapeStr();
    double change = 0;
    int64_t w = x.width();
    for (int64_t i = 0, n = x.numElements(); i < n; ++i) {
      double d = w == 2 ? std::abs(std::complex<double>(
                              y.data[2 * i] - x.data[2 * i],
                              y.data[2 * i + 1] - x.data[2 * i + 1]))
                        : std::fabs(y.data[i] - x.data[i]);
      change = std::isnan(d) || std::isnan(change)
                   ? std::numeric_limits<double>::quiet_NaN()
                   : std::max(change, d);
    }
    x = std::move(y);
    if (change <= tol)
      break;
  }
  return x;
}

FailureOr<Tensor> Interpreter::loadGlobal(Operation *op, SymbolRefAttr name) {
  auto global = symbols.lookupNearestSymbolFrom<ml_program::GlobalOp>(op, name);
  if (!global)
    return op->emitError("loads unknown global ") << name;
  auto type = cast<RankedTensorType>(global.getType());
  StringRef symbol = global.getSymName();
  auto given = options.params.find(symbol.str());
  if (given != options.params.end()) {
    const Tensor &t = given->second;
    if (t.elementType != type.getElementType() ||
        t.shape != std::vector<int64_t>(type.getShape()))
      return op->emitError("parameter '@")
             << symbol << "' is given as "
             << RankedTensorType::get(t.shape, t.elementType)
             << ", but it has type " << type;
    return t;
  }
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(
          global.getValue().value_or(Attribute())))
    if (std::optional<Tensor> t = detail::fromDenseAttr(dense))
      return std::move(*t);
  return op->emitError("no value for parameter '@") << symbol << "'";
}

// The name of input `i` for messages: its `tgraph.name`, else its number.
std::string inputName(func::FuncOp fn, unsigned i) {
  if (auto name = fn.getArgAttrOfType<StringAttr>(i, tg::kNameAttr))
    return "'" + name.str() + "'";
  return "#" + std::to_string(i);
}

// The inputs have the function's input types, and equal symbols in their
// `tgraph.shape` have equal extents.
LogicalResult checkArgs(func::FuncOp fn, ArrayRef<Tensor> args) {
  if (args.size() != fn.getNumArguments())
    return fn.emitError("'@")
           << fn.getName() << "' takes " << fn.getNumArguments()
           << " inputs, got " << args.size();
  llvm::StringMap<std::pair<int64_t, unsigned>> symbols; // extent, input
  for (auto [i, t] : llvm::enumerate(args)) {
    auto type = dyn_cast<RankedTensorType>(fn.getArgumentTypes()[i]);
    if (!type)
      return fn.emitError("input ")
             << i << " has type " << fn.getArgumentTypes()[i]
             << ", which is not a ranked tensor";
    std::string name = inputName(fn, i);
    if (t.elementType != type.getElementType())
      return fn.emitError("input ")
             << name << " has element type " << t.elementType << ", expected "
             << type.getElementType();
    if (static_cast<int64_t>(t.shape.size()) != type.getRank())
      return fn.emitError("input ")
             << name << " has shape " << t.shapeStr() << ", but its type "
             << type << " has rank " << type.getRank();
    for (auto [d, extent] : llvm::enumerate(type.getShape()))
      if (!ShapedType::isDynamic(extent) && extent != t.shape[d])
        return fn.emitError("input ")
               << name << " has shape " << t.shapeStr() << ", but its type "
               << type << " has " << extent << " in dim " << d;
    if (static_cast<int64_t>(t.data.size()) != t.numElements() * t.width())
      return fn.emitError("input ")
             << name << " holds " << t.data.size() << " values, its shape "
             << t.shapeStr() << " needs " << t.numElements() * t.width();
    auto shape = fn.getArgAttrOfType<ArrayAttr>(i, tg::kShapeAttr);
    if (!shape || shape.size() != t.shape.size())
      continue;
    for (auto [d, dim] : llvm::enumerate(shape)) {
      auto sym = dyn_cast<StringAttr>(dim);
      if (!sym)
        continue;
      auto [it, fresh] = symbols.try_emplace(sym.getValue(), t.shape[d],
                                             static_cast<unsigned>(i));
      if (!fresh && it->second.first != t.shape[d])
        return fn.emitError("input ")
               << name << " has " << sym.getValue() << " = " << t.shape[d]
               << " (dim " << d << "), but input "
               << inputName(fn, it->second.second) << " has " << sym.getValue()
               << " = " << it->second.first;
    }
  }
  return success();
}

} // namespace

FailureOr<std::vector<Tensor>> evaluate(func::FuncOp fn, ArrayRef<Tensor> args,
                                        const Options &options) {
  if (failed(checkArgs(fn, args)))
    return failure();
  std::vector<Tensor> inputs(args.begin(), args.end());
  for (Tensor &t : inputs)
    roundInPlace(t);
  Interpreter interpreter(options);
  return interpreter.call(fn, std::move(inputs), 0);
}

} // namespace tessera::reference
