// Adjoint validation (see AdjointCheck.h). The derivative functions are
// built with the same transformation the compiler uses, so what this checks
// is what users get.
#include "tessera/Reference/AdjointCheck.h"

#include "tessera/Dialect/TGraph/Derivatives.h"
#include "tessera/Dialect/TGraph/Transforms/Passes.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <random>

using namespace mlir;

namespace tessera::reference {

namespace {

bool isFloatLike(Type elem) { return isa<FloatType, ComplexType>(elem); }

double relativeError(double a, double b) {
  double scale = std::max({std::fabs(a), std::fabs(b), 1e-12});
  return std::fabs(a - b) / scale;
}

// Re <a, b> over all elements (complex as pairs).
double dot(const Tensor &a, const Tensor &b) {
  double s = 0;
  for (size_t i = 0; i < a.data.size(); ++i)
    s += a.data[i] * b.data[i];
  return s;
}

Tensor randomLike(const Tensor &t, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  Tensor r(t.elementType, t.shape);
  for (double &v : r.data)
    v = u(rng);
  roundInPlace(r);
  return r;
}

Tensor axpy(const Tensor &x, double a, const Tensor &v) {
  Tensor r = x;
  for (size_t i = 0; i < r.data.size(); ++i)
    r.data[i] = x.data[i] + a * v.data[i];
  roundInPlace(r);
  return r;
}

double defaultStep(Type elem) {
  if (auto c = dyn_cast<ComplexType>(elem))
    elem = c.getElementType();
  return elem.isF64() ? 1e-6 : 1e-2;
}

// A wrapper function at the end of the module: name(args) -> derivative op.
func::FuncOp wrapper(ModuleOp module, StringRef name, TypeRange inputs,
                     TypeRange results) {
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  auto fn = b.create<func::FuncOp>(module.getLoc(), name,
                                   b.getFunctionType(inputs, results));
  SymbolTable(module).insert(fn);
  fn.addEntryBlock();
  return fn;
}

} // namespace

std::vector<Tensor> randomInputs(func::FuncOp fn, uint64_t seed,
                                 int64_t dynamicExtent) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::uniform_int_distribution<int> idx(0, 2);
  std::vector<Tensor> inputs;
  for (Type t : fn.getArgumentTypes()) {
    auto tt = cast<RankedTensorType>(t);
    std::vector<int64_t> shape;
    for (int64_t d : tt.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? dynamicExtent : d);
    Tensor x(tt.getElementType(), shape);
    for (double &v : x.data)
      v = isFloatLike(tt.getElementType())   ? u(rng)
          : tt.getElementType().isInteger(1) ? double(idx(rng) % 2)
                                             : double(idx(rng));
    roundInPlace(x);
    inputs.push_back(std::move(x));
  }
  return inputs;
}

static Type toF64(Type t) {
  Builder b(t.getContext());
  if (isa<Float16Type, BFloat16Type, Float32Type>(t))
    return b.getF64Type();
  if (auto r = dyn_cast<RankedTensorType>(t))
    return RankedTensorType::get(r.getShape(), toF64(r.getElementType()),
                                 r.getEncoding());
  if (auto f = dyn_cast<FunctionType>(t)) {
    SmallVector<Type> ins, outs;
    for (Type i : f.getInputs())
      ins.push_back(toF64(i));
    for (Type o : f.getResults())
      outs.push_back(toF64(o));
    return b.getFunctionType(ins, outs);
  }
  return t;
}

bool promoteFloatsToF64(ModuleOp module) {
  bool needsF32 = false;
  module.walk([&](Operation *op) {
    needsF32 |= isa<tgraph::RFFTOp, tgraph::IRFFTOp>(op);
  });
  if (needsF32)
    return false;
  module.walk([&](Operation *op) {
    for (Value r : op->getResults())
      r.setType(toF64(r.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument a : block.getArguments())
          a.setType(toF64(a.getType()));
    for (NamedAttribute attr : op->getAttrs()) {
      Attribute v = attr.getValue();
      if (auto f = dyn_cast<FloatAttr>(v); f && !f.getType().isF64())
        op->setAttr(attr.getName(),
                    FloatAttr::get(Float64Type::get(op->getContext()),
                                   f.getValueAsDouble()));
      else if (auto t = dyn_cast<TypeAttr>(v))
        op->setAttr(attr.getName(), TypeAttr::get(toF64(t.getValue())));
    }
  });
  return true;
}

std::map<std::string, Tensor> randomParams(ModuleOp module, uint64_t seed,
                                           int64_t dynamicExtent) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::map<std::string, Tensor> params;
  module.walk([&](ml_program::GlobalOp global) {
    auto t = dyn_cast<RankedTensorType>(global.getType());
    if (!t)
      return;
    std::vector<int64_t> shape;
    for (int64_t d : t.getShape())
      shape.push_back(ShapedType::isDynamic(d) ? dynamicExtent : d);
    Tensor x(t.getElementType(), shape);
    for (double &v : x.data)
      v = u(rng);
    roundInPlace(x);
    params[global.getSymName().str()] = std::move(x);
  });
  return params;
}

FailureOr<AdjointErrors> checkAdjoints(ModuleOp module, func::FuncOp fn,
                                       ArrayRef<Tensor> inputs,
                                       const AdjointCheckOptions &options) {
  MLIRContext *ctx = module.getContext();
  StringRef name = fn.getSymName();
  TypeRange ins = fn.getArgumentTypes(), outs = fn.getResultTypes();

  // jvp wrapper: (x..., v...) -> (y..., y_dot...)
  SmallVector<Type> jvpIns(ins), jvpOuts(outs);
  llvm::append_range(jvpIns, ins);
  llvm::append_range(jvpOuts, outs);
  func::FuncOp jvpFn =
      wrapper(module, (name + ".check_jvp").str(), jvpIns, jvpOuts);
  {
    OpBuilder b = OpBuilder::atBlockEnd(&jvpFn.front());
    auto args = jvpFn.getArguments();
    auto op = b.create<tgraph::JvpOp>(
        fn.getLoc(), jvpOuts, FlatSymbolRefAttr::get(ctx, name),
        args.take_front(ins.size()), args.drop_front(ins.size()));
    b.create<func::ReturnOp>(fn.getLoc(), op.getResults());
  }
  // vjp wrapper: (x..., w...) -> (x_bar...)
  SmallVector<Type> vjpIns(ins);
  llvm::append_range(vjpIns, outs);
  func::FuncOp vjpFn =
      wrapper(module, (name + ".check_vjp").str(), vjpIns, ins);
  {
    OpBuilder b = OpBuilder::atBlockEnd(&vjpFn.front());
    auto args = vjpFn.getArguments();
    auto op = b.create<tgraph::VjpOp>(
        fn.getLoc(), SmallVector<Type>(ins), FlatSymbolRefAttr::get(ctx, name),
        args.take_front(ins.size()), args.drop_front(ins.size()));
    b.create<func::ReturnOp>(fn.getLoc(), op.getResults());
  }
  PassManager pm(ctx);
  pm.addPass(tgraph::createDifferentiate());
  if (failed(pm.run(module)))
    return failure();

  Options evalOptions;
  evalOptions.params = options.params;
  std::mt19937_64 rng(options.seed);
  AdjointErrors errors;
  for (unsigned d = 0; d < options.directions; ++d) {
    // Directions: random for float inputs and outputs, zero for the rest.
    std::vector<Tensor> v, w;
    for (const Tensor &x : inputs)
      v.push_back(isFloatLike(x.elementType) ? randomLike(x, rng)
                                             : Tensor(x.elementType, x.shape));
    // Evaluate once to learn the outputs' shapes.
    FailureOr<std::vector<Tensor>> y = evaluate(fn, inputs, evalOptions);
    if (failed(y))
      return failure();
    for (const Tensor &out : *y)
      w.push_back(isFloatLike(out.elementType)
                      ? randomLike(out, rng)
                      : Tensor(out.elementType, out.shape));

    // Central differences of f along v.
    double h = options.step;
    if (h == 0)
      for (const Tensor &x : inputs)
        if (isFloatLike(x.elementType))
          h = std::max(h, defaultStep(x.elementType));
    std::vector<Tensor> plus, minus;
    for (size_t i = 0; i < inputs.size(); ++i) {
      plus.push_back(axpy(inputs[i], h, v[i]));
      minus.push_back(axpy(inputs[i], -h, v[i]));
    }
    FailureOr<std::vector<Tensor>> fp = evaluate(fn, plus, evalOptions);
    FailureOr<std::vector<Tensor>> fm = evaluate(fn, minus, evalOptions);
    if (failed(fp) || failed(fm))
      return failure();

    // The JVP.
    std::vector<Tensor> jvpArgs(inputs.begin(), inputs.end());
    jvpArgs.insert(jvpArgs.end(), v.begin(), v.end());
    FailureOr<std::vector<Tensor>> jv = evaluate(jvpFn, jvpArgs, evalOptions);
    if (failed(jv))
      return failure();
    double fdDot = 0, jvpDot = 0;
    for (size_t k = 0; k < outs.size(); ++k) {
      const Tensor &tangent = (*jv)[outs.size() + k];
      if (!isFloatLike(tangent.elementType))
        continue;
      for (size_t e = 0; e < tangent.data.size(); ++e) {
        double fd = ((*fp)[k].data[e] - (*fm)[k].data[e]) / (2 * h);
        double scale =
            std::max({std::fabs(fd), std::fabs(tangent.data[e]), 1e-3});
        errors.jvp =
            std::max(errors.jvp, std::fabs(fd - tangent.data[e]) / scale);
        fdDot += w[k].data[e] * fd;
      }
      jvpDot += dot(w[k], tangent);
    }

    // The VJP.
    std::vector<Tensor> vjpArgs(inputs.begin(), inputs.end());
    vjpArgs.insert(vjpArgs.end(), w.begin(), w.end());
    FailureOr<std::vector<Tensor>> xbar = evaluate(vjpFn, vjpArgs, evalOptions);
    if (failed(xbar))
      return failure();
    double vjpDot = 0;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (isFloatLike(inputs[i].elementType))
        vjpDot += dot((*xbar)[i], v[i]);
    errors.vjp = std::max(errors.vjp, relativeError(vjpDot, fdDot));
    errors.dual = std::max(errors.dual, relativeError(vjpDot, jvpDot));
  }
  return errors;
}

} // namespace tessera::reference
