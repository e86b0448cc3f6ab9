// Checked AST -> Graph IR. Every op carries the FileLineColLoc of the source
// it came from. Types come from the checker's side table, so this file only
// decides which Graph IR operator expresses each construct; what has no
// Graph IR form yet is reported at its place (and nothing is emitted).
#include "tessera/Frontend/MLIRGen.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "SemaTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Mesh/IR/MeshDialect.h"
#include "mlir/Dialect/Mesh/IR/MeshOps.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace mlir;

namespace tessera {
namespace {

// Builtins that map one-to-one onto an elementwise Graph IR operator.
const std::map<std::string, std::string> kUnary = {
    {"exp", "tgraph.exp"},     {"log", "tgraph.log"},       {"log1p", "tgraph.log1p"},
    {"sqrt", "tgraph.sqrt"},   {"rsqrt", "tgraph.rsqrt"},   {"sin", "tgraph.sin"},
    {"cos", "tgraph.cos"},     {"tanh", "tgraph.tanh"},     {"sigmoid", "tgraph.sigmoid"},
    {"gelu", "tgraph.gelu"},   {"silu", "tgraph.silu"},     {"abs", "tgraph.abs"},
    {"relu", "tgraph.relu"},   {"square", "tgraph.square"}, {"neg", "tgraph.neg"},
    {"fft", "tgraph.fft"},     {"ifft", "tgraph.ifft"},     {"rfft", "tgraph.rfft"}};

const std::map<std::string, std::string> kReductions = {
    {"sum", "tgraph.reduce_sum"},         {"reduce_sum", "tgraph.reduce_sum"},
    {"mean", "tgraph.reduce_mean"},       {"reduce_mean", "tgraph.reduce_mean"},
    {"prod", "tgraph.reduce_prod"},       {"max", "tgraph.reduce_max"},
    {"min", "tgraph.reduce_min"}};

class Generator {
public:
  Generator(MLIRContext &c, const SemaResult &t, DiagnosticEngine &d)
      : ctx(c), types(t), diags(d), b(&c) {}

  OwningOpRef<ModuleOp> run(const ast::Module &m) {
    OwningOpRef<ModuleOp> module = ModuleOp::create(
        m.nameRange.valid() ? loc(m.nameRange) : UnknownLoc::get(&ctx),
        m.name.empty() ? std::optional<StringRef>() : StringRef(m.name));
    for (const ast::ImportDecl &i : m.imports)
      if (i.path != "nn" && i.path != "std")
        unsupported(i.range, "importing a user module");
    // Constants fold where they are used; other module-level values (ops,
    // operators, policies) are reported only if code uses them.
    for (const ast::ValueDecl &v : m.values)
      if (v.kind == ast::ValueDecl::Kind::Const && isLiteral(*v.value))
        constants[v.name] = v.value.get();
    b.setInsertionPointToEnd(module->getBody());
    for (const ast::MeshDecl &me : m.meshes)
      declareMesh(me);
    for (const ast::ParamDecl &p : m.params)
      declareParam(p);
    for (const ast::FuncDecl &f : m.funcs)
      declare(f);
    for (const ast::TrainDecl &t : m.trains)
      defineTrain(t);
    for (const ast::FuncDecl &f : m.funcs)
      define(f);
    for (const ast::AdjointDecl &a : m.adjoints)
      defineAdjoint(a);
    for (auto [t, fn] : pendingTrains) {
      std::vector<std::pair<std::string, SourceRange>> names;
      for (const ast::Param &p : t->params)
        names.emplace_back(p.name, p.nameRange);
      emitBody(fn, names, t->body);
    }
    if (anyFailed)
      return nullptr;
    return module;
  }

private:
  // ---- helpers -----------------------------------------------------------

  Location loc(const SourceRange &r) {
    return FileLineColLoc::get(&ctx, r.file->path(), r.file->line(r.begin),
                               r.file->column(r.begin));
  }

  // Reports a construct with no Graph IR form yet. The rest of the function
  // is skipped (its values would be missing); other functions go on, so
  // each reports its own constructs.
  void unsupported(SourceRange r, const std::string &what) {
    diags.error(r, what + " is not supported by code generation yet");
    failed = anyFailed = true;
  }

  Type elementType(const std::string &dtype) {
    if (dtype == "f64") return b.getF64Type();
    if (dtype == "f16") return b.getF16Type();
    if (dtype == "bf16") return b.getBF16Type();
    if (dtype == "fp8_e4m3") return b.getFloat8E4M3FNType();
    if (dtype == "fp8_e5m2") return b.getFloat8E5M2Type();
    if (dtype == "i64") return b.getI64Type();
    if (dtype == "i32") return b.getI32Type();
    if (dtype == "i8") return b.getI8Type();
    if (dtype == "bool") return b.getI1Type();
    if (dtype == "c64") return ComplexType::get(b.getF32Type());
    return b.getF32Type();
  }

  RankedTensorType tensorType(const ExprType &t) {
    SmallVector<int64_t> shape;
    for (const auto &d : t.dims)
      shape.push_back(std::holds_alternative<int64_t>(d) ? std::get<int64_t>(d)
                                                         : ShapedType::kDynamic);
    return RankedTensorType::get(shape, elementType(t.dtype));
  }

  const ExprType *typeOfExpr(const ast::Expr &e) {
    auto it = types.types.find(&e);
    return it == types.types.end() ? nullptr : &it->second;
  }

  bool isLiteral(const ast::Expr &e) {
    const ExprType *t = typeOfExpr(e);
    return t && t->isLiteral();
  }

  // The value of a number-literal expression, folded here because a literal
  // has no dtype of its own until it meets a tensor.
  std::optional<double> fold(const ast::Expr &e) {
    switch (e.kind) {
    case ast::Expr::Kind::Number:
      return static_cast<const ast::NumberExpr &>(e).value;
    case ast::Expr::Kind::Name: {
      auto c = constants.find(static_cast<const ast::NameExpr &>(e).name);
      if (c != constants.end())
        return fold(*c->second);
      auto d = staticDims.find(static_cast<const ast::NameExpr &>(e).name);
      if (d != staticDims.end())
        return static_cast<double>(d->second);
      return std::nullopt;
    }
    case ast::Expr::Kind::Unary: {
      auto v = fold(*static_cast<const ast::UnaryExpr &>(e).operand);
      return v ? std::optional<double>(-*v) : std::nullopt;
    }
    case ast::Expr::Kind::Binary: {
      const auto &bin = static_cast<const ast::BinaryExpr &>(e);
      auto l = fold(*bin.lhs), r = fold(*bin.rhs);
      if (!l || !r)
        return std::nullopt;
      if (bin.op == "+") return *l + *r;
      if (bin.op == "-") return *l - *r;
      if (bin.op == "*") return *l * *r;
      if (bin.op == "/") return *l / *r;
      if (bin.op == "**") return std::pow(*l, *r);
      return std::nullopt;
    }
    case ast::Expr::Kind::Call: {
      const auto &c = static_cast<const ast::CallExpr &>(e);
      if (c.callee->kind != ast::Expr::Kind::Name || c.args.size() != 1)
        return std::nullopt;
      auto v = fold(*c.args[0].value);
      const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
      if (!v)
        return std::nullopt;
      if (n == "sqrt") return std::sqrt(*v);
      if (n == "exp") return std::exp(*v);
      if (n == "log") return std::log(*v);
      return std::nullopt;
    }
    default:
      return std::nullopt;
    }
  }

  Value constant(const ast::Expr &e, Type elem) {
    std::optional<double> v = fold(e);
    if (!v)
      return runtimeNumber(e, elem);
    TypedAttr attr = isa<FloatType>(elem)
                         ? TypedAttr(b.getFloatAttr(elem, *v))
                         : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(*v)));
    return b.create<tgraph::ConstantOp>(loc(e.range), RankedTensorType::get({}, elem), attr);
  }

  // The run-time extent of symbolic dim `name`, read from an input of the
  // function being generated that has it.
  Value dimIndex(const std::string &name, Location where) {
    Block *entry = &b.getInsertionBlock()->getParent()->front();
    auto fn = dyn_cast<func::FuncOp>(entry->getParentOp());
    if (!fn)
      return {};
    for (BlockArgument arg : entry->getArguments()) {
      auto shape = fn.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), tgraph::kShapeAttr);
      if (!shape)
        continue;
      for (auto [axis, d] : llvm::enumerate(shape))
        if (auto sym = dyn_cast<StringAttr>(d); sym && sym.getValue() == name)
          return b.create<tensor::DimOp>(where, arg, axis);
    }
    return {};
  }

  // The `?` extents of a result type, as index values, in order.
  std::optional<SmallVector<Value>> dynamicDims(const ExprType &t, Location where) {
    SmallVector<Value> dims;
    for (const auto &d : t.dims)
      if (auto *sym = std::get_if<std::string>(&d)) {
        Value v = dimIndex(*sym, where);
        if (!v)
          return std::nullopt;
        dims.push_back(v);
      }
    return dims;
  }

  // A number that depends on a symbolic dim (sqrt(D)): computed at run time
  // as a rank-0 tensor, the dim read from an input that has it.
  Value runtimeNumber(const ast::Expr &e, Type elem) {
    if (failed)
      return {};
    Location where = loc(e.range);
    auto scalar = RankedTensorType::get({}, elem);
    switch (e.kind) {
    case ast::Expr::Kind::Name: {
      Value dim = dimIndex(static_cast<const ast::NameExpr &>(e).name, where);
      if (!dim)
        break;
      Value i64 = b.create<arith::IndexCastOp>(where, b.getI64Type(), dim);
      Value number = isa<FloatType>(elem)
                         ? b.create<arith::SIToFPOp>(where, elem, i64).getResult()
                         : b.create<arith::TruncIOp>(where, elem, i64).getResult();
      return b.create<tensor::FromElementsOp>(where, scalar, number);
    }
    case ast::Expr::Kind::Binary: {
      const auto &bin = static_cast<const ast::BinaryExpr &>(e);
      static const std::map<std::string, std::string> ops = {
          {"+", "tgraph.add"}, {"-", "tgraph.sub"}, {"*", "tgraph.mul"},
          {"/", "tgraph.div"}, {"**", "tgraph.pow"}};
      if (auto op = ops.find(bin.op); op != ops.end())
        return create(op->second, where, {constant(*bin.lhs, elem), constant(*bin.rhs, elem)},
                      scalar);
      break;
    }
    case ast::Expr::Kind::Unary:
      return create("tgraph.neg", where,
                    {constant(*static_cast<const ast::UnaryExpr &>(e).operand, elem)}, scalar);
    case ast::Expr::Kind::Call: {
      const auto &c = static_cast<const ast::CallExpr &>(e);
      if (c.callee->kind == ast::Expr::Kind::Name && c.args.size() == 1) {
        auto u = kUnary.find(static_cast<const ast::NameExpr &>(*c.callee).name);
        if (u != kUnary.end())
          return create(u->second, where, {constant(*c.args[0].value, elem)}, scalar);
      }
      break;
    }
    default:
      break;
    }
    unsupported(e.range, "this number");
    return {};
  }

  // A tensor operand of `want`'s element type: literals become constants.
  Value operand(const ast::Expr &e, Type elem) {
    if (isLiteral(e))
      return constant(e, elem);
    return gen(e);
  }

  // Broadcasts `v` to `type` when its shape differs (rank 0 stays: the
  // elementwise operators broadcast scalars themselves).
  Value broadcastTo(Value v, RankedTensorType type, Location where) {
    if (!v)
      return v;
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() == 0 || t.getShape() == type.getShape())
      return v;
    return b.create<tgraph::BroadcastOp>(
        where, RankedTensorType::get(type.getShape(), t.getElementType()), v);
  }

  Value create(const std::string &name, Location where, ValueRange operands,
               Type result, ArrayRef<NamedAttribute> attrs = {}) {
    for (Value v : operands)
      if (!v)
        return {};
    OperationState state(where, name);
    state.addOperands(operands);
    state.addTypes(result);
    state.addAttributes(attrs);
    return b.create(state)->getResult(0);
  }

  // ---- functions ---------------------------------------------------------

  DictionaryAttr signatureAttrs(const std::string &name, const ExprType &t) {
    SmallVector<Attribute> shape;
    for (const auto &d : t.dims)
      shape.push_back(std::holds_alternative<std::string>(d)
                          ? Attribute(b.getStringAttr(std::get<std::string>(d)))
                          : Attribute(b.getI64IntegerAttr(std::get<int64_t>(d))));
    return b.getDictionaryAttr(
        {b.getNamedAttr(tgraph::kNameAttr, b.getStringAttr(name)),
         b.getNamedAttr(tgraph::kShapeAttr, b.getArrayAttr(shape))});
  }

  std::vector<ExprType> resultTypes(const ast::FuncDecl &f) {
    auto g = types.globals.find(f.name);
    if (g != types.globals.end() && g->second.sig)
      return g->second.sig->results;
    std::vector<ExprType> r;
    for (const ast::Param &p : f.results)
      r.push_back(typeOf(p.type));
    return r;
  }

  void declare(const ast::FuncDecl &f) {
    SmallVector<Type> ins, outs;
    for (const ast::Param &p : f.params)
      ins.push_back(tensorType(typeOf(p.type)));
    std::vector<ExprType> results = resultTypes(f);
    for (const ExprType &r : results) {
      if (!r.isTensor()) {
        unsupported(f.nameRange, "a result of type " + r.str());
        return;
      }
      outs.push_back(tensorType(r));
    }
    auto fn = b.create<func::FuncOp>(loc(f.nameRange), f.name, b.getFunctionType(ins, outs));
    if (f.isEntry)
      fn->setAttr(tgraph::kEntryAttr, b.getUnitAttr());
    else
      fn.setPrivate();
    SmallVector<Attribute> dims;
    for (const auto &d : f.dimParams)
      dims.push_back(b.getStringAttr(d.first));
    fn->setAttr(tgraph::kDimsAttr, b.getArrayAttr(dims));
    for (auto [i, p] : llvm::enumerate(f.params))
      fn.setArgAttrs(i, signatureAttrs(p.name, typeOf(p.type)));
    for (auto [i, r] : llvm::enumerate(results)) {
      std::string name = i < f.results.size() ? f.results[i].name : "out" + std::to_string(i);
      fn.setResultAttrs(i, signatureAttrs(name, r));
    }
    if (f.policy)
      fn->setAttr("tgraph.policy", b.getStringAttr(
                                       f.policy->range.file->text().substr(
                                           f.policy->range.begin,
                                           f.policy->range.end - f.policy->range.begin)));
    funcs[f.name] = fn;
  }

  // ---- meshes and shardings -----------------------------------------------

  // mesh M = mesh(axes: {dp: 4, tp: 2}): an upstream `mesh.mesh` of that
  // shape; the axis names, in order, are kept for the shardings.
  void declareMesh(const ast::MeshDecl &m) {
    SmallVector<int64_t> shape;
    std::vector<std::string> names;
    for (const ast::Arg &f :
         static_cast<const ast::RecordExpr &>(*m.args[0].value).fields) {
      names.push_back(f.name);
      shape.push_back(static_cast<int64_t>(fold(*f.value).value_or(1)));
    }
    OperationState state(loc(m.nameRange), "mesh.mesh");
    state.addAttribute("sym_name", b.getStringAttr(m.name));
    state.addAttribute("shape", b.getDenseI64ArrayAttr(shape));
    b.create(state);
    meshAxes[m.name] = names;
  }

  // `x: T @ shard(M, ...)`: the argument passes through `mesh.shard`, the
  // annotation sharding propagation and spmdization start from.
  Value shard(Value arg, const ast::TensorType &type) {
    const ExprType *s = typeOfExpr(*type.layout);
    if (!s || s->kind != ExprType::Kind::Shard || !meshAxes.count(s->name)) {
      unsupported(type.layout->range, "this layout");
      return arg;
    }
    const std::vector<std::string> &axes = meshAxes[s->name];
    std::string text = "#mesh.shard<@" + s->name + ", [";
    for (size_t d = 0; d < type.dims.size(); ++d) {
      text += d ? ", [" : "[";
      if (d < s->fields.size() && s->fields[d] != "_")
        text += std::to_string(std::find(axes.begin(), axes.end(), s->fields[d]) -
                               axes.begin());
      text += "]";
    }
    text += "]>";
    Attribute sharding = parseAttribute(text, &ctx);
    OperationState state(loc(type.layout->range), "mesh.shard");
    state.addOperands(arg);
    state.addAttribute("shard", sharding);
    state.addTypes(arg.getType());
    return b.create(state)->getResult(0);
  }

  // ---- parameters and training ------------------------------------------

  // A trainable tensor: an `ml_program.global`, its initialiser recorded
  // as attributes for the runtime.
  void declareGlobal(const std::string &name, RankedTensorType type,
                     const std::string &init, int64_t seed, Location where) {
    OperationState state(where, "ml_program.global");
    state.addAttribute("sym_name", b.getStringAttr(name));
    state.addAttribute("type", TypeAttr::get(type));
    state.addAttribute("is_mutable", b.getUnitAttr());
    state.addAttribute("sym_visibility", b.getStringAttr("private"));
    state.addAttribute("tgraph.init", b.getStringAttr(init));
    state.addAttribute("tgraph.seed", b.getI64IntegerAttr(seed));
    b.create(state);
    globals[name] = type;
  }

  Value loadGlobal(const std::string &name, Location where) {
    OperationState state(where, "ml_program.global_load");
    state.addAttribute("global", FlatSymbolRefAttr::get(&ctx, name));
    state.addTypes(globals.at(name));
    return b.create(state)->getResult(0);
  }

  void declareParam(const ast::ParamDecl &p) {
    Location where = loc(p.nameRange);
    if (p.type) {
      std::string init = "zeros";
      int64_t seed = 0;
      if (p.init && p.init->kind == ast::Expr::Kind::Call) {
        const auto &c = static_cast<const ast::CallExpr &>(*p.init);
        if (c.callee->kind == ast::Expr::Kind::Name)
          init = static_cast<const ast::NameExpr &>(*c.callee).name;
        seed = intArg(c, 0, "seed", 0).value_or(0);
      } else if (p.init) {
        unsupported(p.init->range, "this initialiser");
        return;
      }
      declareGlobal(p.name, tensorType(typeOf(*p.type)), init, seed, where);
      return;
    }
    const ExprType *t = typeOfExpr(*p.ctor);
    const auto &c = static_cast<const ast::CallExpr &>(*p.ctor);
    if (!t || !t->sig || t->sig->name != "mlp") {
      unsupported(p.ctor->range, "this operator parameter");
      return;
    }
    declareMlp(p.name, c, *t->sig, where);
  }

  // mlp(in:, hidden:, out:, activation:, seed:): one weight and one bias
  // per layer, and a function applying them; the last layer is linear.
  void declareMlp(const std::string &name, const ast::CallExpr &c, const Signature &sig,
                  Location where) {
    SmallVector<int64_t> widths = {*intArg(c, 0, "in", 1)};
    if (const ast::Expr *h = arg(c, 1, "hidden"))
      for (const ast::ExprPtr &w : static_cast<const ast::ListExpr &>(*h).elements)
        widths.push_back(static_cast<int64_t>(fold(*w).value_or(1)));
    widths.push_back(*intArg(c, 2, "out", 1));
    std::string activation = "tanh";
    if (const ast::Expr *a = arg(c, 3, "activation"))
      activation = static_cast<const ast::NameExpr &>(*a).name;
    int64_t seed = intArg(c, 4, "seed", 0).value_or(0);
    RankedTensorType in = tensorType(sig.params[0].second);
    Type elem = in.getElementType();
    for (size_t l = 0; l + 1 < widths.size(); ++l) {
      declareGlobal(name + ".W" + std::to_string(l),
                    RankedTensorType::get({widths[l], widths[l + 1]}, elem), "glorot",
                    seed * 1000 + static_cast<int64_t>(l), where);
      declareGlobal(name + ".b" + std::to_string(l),
                    RankedTensorType::get({widths[l + 1]}, elem), "zeros", 0, where);
    }
    RankedTensorType out = tensorType(sig.results[0]);
    auto fn = b.create<func::FuncOp>(where, name, b.getFunctionType({in}, {out}));
    fn.setPrivate();
    fn.setArgAttrs(0, signatureAttrs("x", sig.params[0].second));
    fn->setAttr(tgraph::kDimsAttr, b.getArrayAttr({b.getStringAttr("B")}));
    funcs[name] = fn;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(fn.addEntryBlock());
    Value h = fn.getArgument(0);
    for (size_t l = 0; l + 1 < widths.size(); ++l) {
      auto type = RankedTensorType::get({ShapedType::kDynamic, widths[l + 1]}, elem);
      Value W = loadGlobal(name + ".W" + std::to_string(l), where);
      Value bias = loadGlobal(name + ".b" + std::to_string(l), where);
      Value z = create("tgraph.matmul", where, {h, W}, type);
      z = b.create<tgraph::AddOp>(where, type, z,
                                  b.create<tgraph::BroadcastOp>(where, type, bias));
      bool last = l + 2 == widths.size();
      h = last ? z : create("tgraph." + activation, where, {z}, type);
    }
    b.create<func::ReturnOp>(where, h);
  }

  // train step(...) with OPT { ... minimize LOSS }: a function returning the
  // loss, marked with its optimizer; the update of every parameter the
  // loss reaches is the autodiff and optimizer passes' to add.
  void defineTrain(const ast::TrainDecl &t) {
    SmallVector<Type> ins;
    for (const ast::Param &p : t.params)
      ins.push_back(tensorType(typeOf(p.type)));
    auto fn = b.create<func::FuncOp>(loc(t.nameRange), t.name, b.getFunctionType(ins, {}));
    SmallVector<Attribute> dims;
    for (const auto &d : t.dimParams)
      dims.push_back(b.getStringAttr(d.first));
    fn->setAttr(tgraph::kDimsAttr, b.getArrayAttr(dims));
    for (auto [i, p] : llvm::enumerate(t.params))
      fn.setArgAttrs(i, signatureAttrs(p.name, typeOf(p.type)));
    SmallVector<NamedAttribute> optimizer;
    if (t.optimizer->kind == ast::Expr::Kind::Call) {
      const auto &c = static_cast<const ast::CallExpr &>(*t.optimizer);
      optimizer.push_back(b.getNamedAttr(
          "name", b.getStringAttr(static_cast<const ast::NameExpr &>(*c.callee).name)));
      for (const ast::Arg &a : c.args)
        if (auto v = fold(*a.value))
          optimizer.push_back(b.getNamedAttr(a.name, b.getF64FloatAttr(*v)));
    }
    fn->setAttr("tgraph.train", b.getDictionaryAttr(optimizer));
    funcs[t.name] = fn;
    pendingTrains.push_back({&t, fn});
  }

  void define(const ast::FuncDecl &f) {
    auto it = funcs.find(f.name);
    if (it == funcs.end())
      return;
    std::vector<std::pair<std::string, SourceRange>> names;
    for (const ast::Param &p : f.params)
      names.emplace_back(p.name, p.nameRange);
    emitBody(it->second, names, f.body, &f.params);
  }

  // adjoint f(x..., g): a private function `f.adjoint` from f's inputs and
  // the cotangent to one gradient per input, named by f's `tgraph.adjoint`.
  void defineAdjoint(const ast::AdjointDecl &a) {
    auto it = funcs.find(a.name);
    if (it == funcs.end())
      return;
    func::FuncOp f = it->second;
    SmallVector<Type> ins(f.getArgumentTypes());
    ins.append(f.getResultTypes().begin(), f.getResultTypes().end());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(f);
    std::string name = (f.getName() + ".adjoint").str();
    auto adj = b.create<func::FuncOp>(loc(a.nameRange), name,
                                      b.getFunctionType(ins, f.getArgumentTypes()));
    adj.setPrivate();
    if (auto dims = f->getAttr(tgraph::kDimsAttr))
      adj->setAttr(tgraph::kDimsAttr, dims);
    f->setAttr("tgraph.adjoint", FlatSymbolRefAttr::get(&ctx, name));
    funcs[name] = adj;
    emitBody(adj, a.params, a.body);
  }

  void emitBody(func::FuncOp fn,
                const std::vector<std::pair<std::string, SourceRange>> &params,
                const std::vector<ast::Stmt> &body,
                const std::vector<ast::Param> *typed = nullptr) {
    Block *entry = fn.addEntryBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(entry);
    scope.clear();
    literalLets.clear();
    staticDims.clear();
    failed = false;
    for (auto [i, p] : llvm::enumerate(params)) {
      entry->getArgument(i).setLoc(loc(p.second));
      scope[p.first] = entry->getArgument(i);
      if (typed && (*typed)[i].type.layout)
        scope[p.first] = shard(entry->getArgument(i), (*typed)[i].type);
    }
    for (const ast::Stmt &s : body) {
      switch (s.kind) {
      case ast::Stmt::Kind::Let:
        if (isLiteral(*s.values[0]))
          literalLets[s.names[0].first] = s.values[0].get();
        else
          scope[s.names[0].first] = gen(*s.values[0]);
        break;
      case ast::Stmt::Kind::TupleLet: {
        SmallVector<Value> parts = genMulti(*s.values[0]);
        for (size_t k = 0; k < s.names.size() && k < parts.size(); ++k)
          scope[s.names[k].first] = parts[k];
        break;
      }
      case ast::Stmt::Kind::Return: {
        SmallVector<Value> values;
        for (const ast::ExprPtr &v : s.values)
          for (Value x : genMulti(*v))
            values.push_back(x);
        // A returned literal takes the declared result's dtype.
        for (size_t k = 0; k < values.size(); ++k)
          if (!failed && !values[k] && k < fn.getNumResults() && k < s.values.size() &&
              isLiteral(*s.values[k]))
            values[k] = constant(*s.values[k],
                                 cast<RankedTensorType>(fn.getResultTypes()[k]).getElementType());
        if (failed)
          return;
        b.create<func::ReturnOp>(loc(s.range), values);
        return;
      }
      case ast::Stmt::Kind::Minimize: {
        Value loss = gen(*s.values[0]);
        if (!loss)
          return;
        b.create<func::ReturnOp>(loc(s.range), loss);
        fn.setType(b.getFunctionType(fn.getArgumentTypes(), {loss.getType()}));
        return;
      }
      }
      if (failed)
        return;
    }
  }

  // ---- expressions -------------------------------------------------------

  // An expression that may stand for several values (a tuple, or a call of
  // an op with several results).
  SmallVector<Value> genMulti(const ast::Expr &e) {
    if (e.kind == ast::Expr::Kind::Tuple) {
      SmallVector<Value> out;
      for (const ast::ExprPtr &x : static_cast<const ast::TupleExpr &>(e).elements)
        out.push_back(gen(*x));
      return out;
    }
    if (e.kind == ast::Expr::Kind::Call) {
      const auto &c = static_cast<const ast::CallExpr &>(e);
      if (c.callee->kind == ast::Expr::Kind::Name) {
        const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
        if (funcs.count(n))
          return callOp(c);
        if (n == "vjp" || n == "jvp")
          return genVjpJvp(c, n == "jvp");
      } else {
        return callDerived(c);
      }
    }
    if (isLiteral(e))
      return {Value()};
    return {gen(e)};
  }

  Value gen(const ast::Expr &e) {
    if (failed)
      return {};
    const ExprType *t = typeOfExpr(e);
    if (!t || t->isError()) {
      unsupported(e.range, "this expression");
      return {};
    }
    switch (e.kind) {
    case ast::Expr::Kind::Name: {
      const std::string &n = static_cast<const ast::NameExpr &>(e).name;
      auto it = scope.find(n);
      if (it != scope.end())
        return it->second;
      auto lit = literalLets.find(n);
      if (lit != literalLets.end() && t->isTensor())
        return constant(*lit->second, elementType(t->dtype));
      if (globals.count(n))
        return loadGlobal(n, loc(e.range));
      unsupported(e.range, "this use of '" + n + "'");
      return {};
    }
    case ast::Expr::Kind::Number:
      if (t->isTensor())
        return constant(e, elementType(t->dtype));
      break;
    case ast::Expr::Kind::Unary: {
      const auto &u = static_cast<const ast::UnaryExpr &>(e);
      if (u.op != "-")
        break;
      return create("tgraph.neg", loc(e.range), {gen(*u.operand)}, tensorType(*t));
    }
    case ast::Expr::Kind::Binary:
      return genBinary(static_cast<const ast::BinaryExpr &>(e), *t);
    case ast::Expr::Kind::Call:
      return genCall(static_cast<const ast::CallExpr &>(e), *t);
    case ast::Expr::Kind::Member: {
      const auto &m = static_cast<const ast::MemberExpr &>(e);
      if (m.member == "T" && t->isTensor())
        return transpose(gen(*m.base), loc(m.memberRange));
      break;
    }
    default:
      break;
    }
    unsupported(e.range, "this expression");
    return {};
  }

  Value transpose(Value v, Location where) {
    if (!v)
      return v;
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> perm;
    for (int64_t i = 0; i < type.getRank(); ++i)
      perm.push_back(i);
    std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
    return b.create<tgraph::TransposeOp>(where, v, perm);
  }

  Value genBinary(const ast::BinaryExpr &bin, const ExprType &t) {
    Location where = loc(bin.opRange);
    RankedTensorType result = tensorType(t);
    if (bin.op == "@")
      return create("tgraph.matmul", where, {gen(*bin.lhs), gen(*bin.rhs)}, result);
    static const std::map<std::string, std::string> arith = {
        {"+", "tgraph.add"}, {"-", "tgraph.sub"}, {"*", "tgraph.mul"},
        {"/", "tgraph.div"}, {"**", "tgraph.pow"}};
    static const std::map<std::string, tgraph::ComparePredicate> compare = {
        {"==", tgraph::ComparePredicate::eq}, {"!=", tgraph::ComparePredicate::ne},
        {"<", tgraph::ComparePredicate::lt},  {"<=", tgraph::ComparePredicate::le},
        {">", tgraph::ComparePredicate::gt},  {">=", tgraph::ComparePredicate::ge}};
    // Operands: the element type of the tensor side; shapes broadcast to
    // the result (rank-0 operands are broadcast by the operator itself).
    const ExprType *lt = typeOfExpr(*bin.lhs), *rt = typeOfExpr(*bin.rhs);
    const ExprType *tensorSide = lt && lt->isTensor() ? lt : rt;
    if (!tensorSide || !tensorSide->isTensor()) {
      unsupported(bin.range, "'" + bin.op + "' here");
      return {};
    }
    Type elem = elementType(tensorSide->dtype);
    RankedTensorType operandShape = RankedTensorType::get(result.getShape(), elem);
    Value l = broadcastTo(operand(*bin.lhs, elem), operandShape, where);
    Value r = broadcastTo(operand(*bin.rhs, elem), operandShape, where);
    if (auto a = arith.find(bin.op); a != arith.end())
      return create(a->second, where, {l, r}, result);
    if (auto c = compare.find(bin.op); c != compare.end())
      return create("tgraph.compare", where, {l, r}, result,
                    {b.getNamedAttr("predicate",
                                    tgraph::ComparePredicateAttr::get(&ctx, c->second))});
    unsupported(bin.opRange, "'" + bin.op + "'");
    return {};
  }

  const ast::Expr *arg(const ast::CallExpr &c, size_t index, const std::string &name) {
    for (const ast::Arg &a : c.args)
      if (a.name == name)
        return a.value.get();
    size_t k = 0;
    for (const ast::Arg &a : c.args)
      if (a.name.empty() && k++ == index)
        return a.value.get();
    return nullptr;
  }

  std::optional<int64_t> intArg(const ast::CallExpr &c, size_t index,
                                const std::string &name, int64_t dflt) {
    const ast::Expr *e = arg(c, index, name);
    if (!e)
      return dflt;
    std::optional<double> v = fold(*e);
    if (!v)
      return std::nullopt;
    return static_cast<int64_t>(*v);
  }

  bool boolArg(const ast::CallExpr &c, const std::string &name) {
    const ast::Expr *e = arg(c, 99, name);
    return e && e->kind == ast::Expr::Kind::Bool &&
           static_cast<const ast::BoolExpr &>(*e).value;
  }

  Value genCall(const ast::CallExpr &c, const ExprType &t) {
    if (c.callee->kind != ast::Expr::Kind::Name ||
        !sema::isBuiltin(static_cast<const ast::NameExpr &>(*c.callee).name) ||
        funcs.count(static_cast<const ast::NameExpr &>(*c.callee).name)) {
      SmallVector<Value> r = c.callee->kind == ast::Expr::Kind::Name &&
                                     funcs.count(static_cast<const ast::NameExpr &>(
                                                     *c.callee).name)
                                 ? callOp(c)
                                 : callDerived(c);
      if (r.size() != 1) {
        if (!failed)
          unsupported(c.range, "using several results as one value");
        return {};
      }
      return r[0];
    }
    const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
    Location where = loc(c.range);
    if (n == "vjp" || n == "jvp") {
      SmallVector<Value> r = genVjpJvp(c, n == "jvp");
      if (r.size() != 1) {
        unsupported(c.range, "using several results as one value");
        return {};
      }
      return r[0];
    }
    if (!t.isTensor()) {
      unsupported(c.range, "'" + n + "' as a value");
      return {};
    }
    RankedTensorType result = tensorType(t);
    auto x = [&](size_t i, const std::string &name) -> Value {
      const ast::Expr *e = arg(c, i, name);
      return e ? operand(*e, result.getElementType()) : Value();
    };
    if (auto u = kUnary.find(n); u != kUnary.end())
      return create(u->second, where, {x(0, "x")}, result);
    if ((n == "max" || n == "min") && arg(c, 1, "y"))
      return create("tgraph." + n, where, {x(0, "x"), x(1, "y")}, result);
    if (n == "pow")
      return create("tgraph.pow", where, {x(0, "x"), x(1, "y")}, result);
    if (auto r = kReductions.find(n); r != kReductions.end()) {
      const ast::Expr *in = arg(c, 0, "x");
      auto inType = cast<RankedTensorType>(tensorType(*typeOfExpr(*in)));
      SmallVector<int64_t> axes;
      if (arg(c, 1, "axis")) {
        auto a = intArg(c, 1, "axis", 0);
        axes.push_back(*a < 0 ? *a + inType.getRank() : *a);
      } else {
        for (int64_t i = 0; i < inType.getRank(); ++i)
          axes.push_back(i);
      }
      return create(r->second, where, {gen(*in)}, result,
                    {b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
                     b.getNamedAttr("keepdims", b.getBoolAttr(boolArg(c, "keepdims"))),
                     b.getNamedAttr("stable", b.getBoolAttr(boolArg(c, "stable")))});
    }
    auto axisOf = [&](int64_t dflt) {
      int64_t a = *intArg(c, 1, "axis", dflt);
      return a < 0 ? a + result.getRank() : a;
    };
    if (n == "softmax" || n == "log_softmax")
      return create("tgraph." + n, where, {x(0, "x")}, result,
                    {b.getNamedAttr("axis", b.getI64IntegerAttr(axisOf(-1)))});
    if (n == "layernorm" || n == "rmsnorm") {
      std::optional<double> eps = arg(c, 2, "eps") ? fold(*arg(c, 2, "eps")) : 1e-5;
      Value in = x(0, "x");
      if (!in || !eps)
        return {};
      if (n == "layernorm")
        return b.create<tgraph::LayerNormOp>(where, result, in, Value(), Value(),
                                             b.getI64IntegerAttr(axisOf(-1)),
                                             b.getF64FloatAttr(*eps));
      return b.create<tgraph::RMSNormOp>(where, result, in, Value(), Value(),
                                         b.getI64IntegerAttr(axisOf(-1)),
                                         b.getF64FloatAttr(*eps));
    }
    if (n == "matmul") {
      SmallVector<NamedAttribute> attrs;
      if (const ast::Expr *tile = arg(c, 2, "tile")) {
        SmallVector<int64_t> sizes;
        for (const ast::ExprPtr &s : static_cast<const ast::TupleExpr &>(*tile).elements)
          sizes.push_back(static_cast<int64_t>(*fold(*s)));
        attrs.push_back(b.getNamedAttr("tile", b.getDenseI64ArrayAttr(sizes)));
      }
      return create("tgraph.matmul", where, {x(0, "a"), x(1, "b")}, result, attrs);
    }
    if (n == "transpose")
      return transpose(x(0, "x"), where);
    if (n == "cast")
      return create("tgraph.cast", where, {gen(*arg(c, 0, "x"))}, result);
    if (n == "select")
      return create("tgraph.select", where,
                    {gen(*arg(c, 0, "cond")), x(1, "a"), x(2, "b")}, result);
    if (n == "cross_entropy")
      return create("tgraph.cross_entropy", where,
                    {gen(*arg(c, 0, "logits")), gen(*arg(c, 1, "labels"))}, result);
    if (n == "mse")
      return create("tgraph.mse", where, {x(0, "pred"), x(1, "target")}, result);
    if (n == "solve")
      return create("tgraph.solve", where, {x(0, "A"), x(1, "b")}, result);
    if (n == "irfft")
      return create("tgraph.irfft", where, {gen(*arg(c, 0, "x"))}, result,
                    {b.getNamedAttr("n", b.getI64IntegerAttr(*intArg(c, 1, "n", 0)))});
    if (n == "reshape" && result.hasStaticShape())
      return create("tgraph.reshape", where, {x(0, "x")}, result);
    if (n == "zeros" || n == "ones") {
      Value c = b.create<tgraph::ConstantOp>(
          where, RankedTensorType::get({}, result.getElementType()),
          isa<FloatType>(result.getElementType())
              ? TypedAttr(b.getFloatAttr(result.getElementType(), n == "ones"))
              : TypedAttr(b.getIntegerAttr(result.getElementType(), n == "ones")));
      return b.create<tgraph::BroadcastOp>(where, result, c);
    }
    if (n == "normal" || n == "uniform") {
      auto seed = intArg(c, 1, "seed", 0);
      auto dims = dynamicDims(t, where);
      if (!seed || !dims) {
        unsupported(c.range, "a random tensor whose dims are not inputs' dims");
        return {};
      }
      return create(n == "normal" ? "tgraph.random_normal" : "tgraph.random_uniform",
                    where, *dims, result, {b.getNamedAttr("seed", b.getI64IntegerAttr(*seed))});
    }
    if (n == "fixed_point")
      return genFixedPoint(c, result);
    if (n == "dropout") {
      std::optional<double> p = fold(*arg(c, 1, "p"));
      auto seed = intArg(c, 2, "seed", 0);
      if (!p || !seed)
        return {};
      return create("tgraph.dropout", where, {x(0, "x")}, result,
                    {b.getNamedAttr("p", b.getF64FloatAttr(*p)),
                     b.getNamedAttr("seed", b.getI64IntegerAttr(*seed))});
    }
    unsupported(c.range, "'" + n + "'");
    return {};
  }

  // fixed_point(x => body, init:, tol:, max_iter:): the lambda's body is the
  // region; the tensors it uses from outside are captured operands.
  Value genFixedPoint(const ast::CallExpr &c, RankedTensorType result) {
    const ast::Expr *f = arg(c, 0, "f");
    if (!f || f->kind != ast::Expr::Kind::Lambda) {
      unsupported(c.range, "a fixed point of a function that is not a lambda");
      return {};
    }
    const auto &lambda = static_cast<const ast::LambdaExpr &>(*f);
    Value init = gen(*arg(c, 1, "init"));
    std::optional<double> tol = arg(c, 2, "tol") ? fold(*arg(c, 2, "tol")) : 1e-6;
    auto maxIter = intArg(c, 3, "max_iter", 100);
    if (!init || !tol || !maxIter || lambda.params.size() != 1)
      return {};
    // Free tensors of the body, in first-use order.
    std::vector<std::string> captured;
    std::function<void(const ast::Expr &)> walk = [&](const ast::Expr &e) {
      if (e.kind == ast::Expr::Kind::Name) {
        const std::string &n = static_cast<const ast::NameExpr &>(e).name;
        if (n != lambda.params[0].name && scope.count(n) &&
            std::find(captured.begin(), captured.end(), n) == captured.end())
          captured.push_back(n);
      }
      forEachChild(e, walk);
    };
    walk(*lambda.body);
    SmallVector<Value> captures;
    for (const std::string &n : captured)
      captures.push_back(scope[n]);
    Location where = loc(c.range);
    auto op = b.create<tgraph::FixedPointOp>(where, init.getType(), init, captures,
                                             b.getF64FloatAttr(*tol),
                                             b.getI64IntegerAttr(*maxIter));
    Block *body = new Block();
    op.getBody().push_back(body);
    std::map<std::string, Value> saved = scope;
    scope[lambda.params[0].name] = body->addArgument(init.getType(), loc(lambda.params[0].range));
    for (auto [n, v] : llvm::zip(captured, captures))
      scope[n] = body->addArgument(v.getType(), v.getLoc());
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(body);
      Value next = gen(*lambda.body);
      if (next && next.getType() != init.getType())
        next = b.create<tensor::CastOp>(where, init.getType(), next);
      if (next)
        b.create<tgraph::YieldOp>(where, next);
    }
    scope = saved;
    if (failed)
      return {};
    Value r = op.getResult();
    return r.getType() == result ? r : b.create<tensor::CastOp>(where, result, r);
  }

  static void forEachChild(const ast::Expr &e,
                           const std::function<void(const ast::Expr &)> &f) {
    switch (e.kind) {
    case ast::Expr::Kind::Unary:
      return f(*static_cast<const ast::UnaryExpr &>(e).operand);
    case ast::Expr::Kind::Binary:
      f(*static_cast<const ast::BinaryExpr &>(e).lhs);
      return f(*static_cast<const ast::BinaryExpr &>(e).rhs);
    case ast::Expr::Kind::Call:
      f(*static_cast<const ast::CallExpr &>(e).callee);
      for (const ast::Arg &a : static_cast<const ast::CallExpr &>(e).args)
        f(*a.value);
      return;
    case ast::Expr::Kind::Index:
      return f(*static_cast<const ast::IndexExpr &>(e).base);
    case ast::Expr::Kind::Member:
      return f(*static_cast<const ast::MemberExpr &>(e).base);
    case ast::Expr::Kind::Tuple:
      for (const ast::ExprPtr &x : static_cast<const ast::TupleExpr &>(e).elements)
        f(*x);
      return;
    case ast::Expr::Kind::Lambda:
      return f(*static_cast<const ast::LambdaExpr &>(e).body);
    default:
      return;
    }
  }

  SmallVector<Value> callOp(const ast::CallExpr &c) {
    const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
    return callFunc(c, funcs[n]);
  }

  // Values of `exprs` cast to the exact types of `types` (a generic
  // signature's `?` dims may be known at the call site).
  SmallVector<Value> castArgs(ArrayRef<const ast::Expr *> exprs, TypeRange types) {
    SmallVector<Value> out;
    for (auto [e, want] : llvm::zip(exprs, types)) {
      auto wantTensor = cast<RankedTensorType>(want);
      Value v = operand(*e, wantTensor.getElementType());
      if (!v)
        return {};
      if (v.getType() != want)
        v = b.create<tensor::CastOp>(loc(e->range), want, v);
      out.push_back(v);
    }
    return out;
  }

  // Refines results of a generic callee to the types the checker inferred.
  SmallVector<Value> refine(const ast::Expr &call, ValueRange values) {
    SmallVector<Value> results(values.begin(), values.end());
    const ExprType *t = typeOfExpr(call);
    std::vector<ExprType> want;
    if (t && t->kind == ExprType::Kind::Tuple)
      want = t->elements;
    else if (t)
      want = {*t};
    for (size_t i = 0; i < results.size() && i < want.size(); ++i) {
      if (!want[i].isTensor())
        continue;
      RankedTensorType refined = tensorType(want[i]);
      if (refined != results[i].getType())
        results[i] = b.create<tensor::CastOp>(loc(call.range), refined, results[i]);
    }
    return results;
  }

  // --- derivatives ----------------------------------------------------------

  // The function symbol an op-valued expression stands for: an op, or a
  // derivative of one, synthesized once as a private function.
  func::FuncOp functionSymbol(const ast::Expr &e) {
    if (e.kind == ast::Expr::Kind::Name) {
      auto it = funcs.find(static_cast<const ast::NameExpr &>(e).name);
      if (it != funcs.end())
        return it->second;
      unsupported(e.range, "this op value");
      return {};
    }
    if (e.kind != ast::Expr::Kind::Call) {
      unsupported(e.range, "this op value");
      return {};
    }
    const auto &c = static_cast<const ast::CallExpr &>(e);
    const ExprType *calleeType = typeOfExpr(*c.callee);
    // Dx(u): a differential operator applied to a field.
    if (calleeType && calleeType->kind == ExprType::Kind::DiffOperator) {
      func::FuncOp u = functionSymbol(*c.args[0].value);
      if (!u)
        return {};
      std::string name = (u.getName() + ".d" + Twine(calleeType->axis) + "_" +
                          Twine(calleeType->order)).str();
      return derived(name, u, loc(c.range), [&](OpBuilder &fb, ValueRange args) {
        return SmallVector<Value>{fb.create<tgraph::PartialOp>(
            loc(c.range), u.getResultTypes()[0], u.getName(), calleeType->axis,
            calleeType->order, args[0])};
      });
    }
    std::string form = c.callee->kind == ast::Expr::Kind::Name
                           ? static_cast<const ast::NameExpr &>(*c.callee).name
                           : "";
    if (form == "grad" || form == "value_and_grad") {
      func::FuncOp f = functionSymbol(*arg(c, 0, "f"));
      if (!f)
        return {};
      int64_t wrt = wrtIndex(c, f);
      bool withValue = form == "value_and_grad";
      std::string name = (f.getName() + (withValue ? ".vg" : ".grad") + Twine(wrt)).str();
      return derived(name, f, loc(c.range), [&](OpBuilder &fb, ValueRange args) {
        SmallVector<Type> results;
        if (withValue)
          results.push_back(f.getResultTypes()[0]);
        results.push_back(f.getArgumentTypes()[wrt]);
        auto g = fb.create<tgraph::GradOp>(loc(c.range), results, f.getName(),
                                           wrt, withValue, args);
        return SmallVector<Value>(g.getResults().begin(), g.getResults().end());
      });
    }
    unsupported(e.range, "this op value");
    return {};
  }

  int64_t wrtIndex(const ast::CallExpr &c, func::FuncOp f) {
    const ast::Expr *w = arg(c, 1, "wrt");
    if (!w)
      return 0;
    if (w->kind == ast::Expr::Kind::Number)
      return static_cast<int64_t>(static_cast<const ast::NumberExpr &>(*w).value);
    const std::string &n = static_cast<const ast::NameExpr &>(*w).name;
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      if (auto a = f.getArgAttrOfType<StringAttr>(i, tgraph::kNameAttr); a && a.getValue() == n)
        return i;
    return 0;
  }

  // A private function with `base`'s inputs whose body `build` fills.
  template <typename Body>
  func::FuncOp derived(const std::string &name, func::FuncOp base, Location where,
                       Body build) {
    auto it = funcs.find(name);
    if (it != funcs.end())
      return it->second;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(base);
    // Results are decided by the body; make a placeholder type first.
    auto fn = b.create<func::FuncOp>(where, name, b.getFunctionType(base.getArgumentTypes(), {}));
    fn.setPrivate();
    for (unsigned i = 0; i < base.getNumArguments(); ++i)
      if (auto attrs = base.getArgAttrDict(i))
        fn.setArgAttrs(i, attrs);
    if (auto dims = base->getAttr(tgraph::kDimsAttr))
      fn->setAttr(tgraph::kDimsAttr, dims);
    Block *entry = fn.addEntryBlock();
    OpBuilder fb = OpBuilder::atBlockEnd(entry);
    SmallVector<Value> results = build(fb, entry->getArguments());
    fb.create<func::ReturnOp>(where, results);
    SmallVector<Type> types;
    for (Value v : results)
      types.push_back(v.getType());
    fn.setType(fb.getFunctionType(base.getArgumentTypes(), types));
    funcs[name] = fn;
    return fn;
  }

  // hvp(f, wrt:, dir:)(args), or a call of any derived op value.
  SmallVector<Value> callDerived(const ast::CallExpr &c) {
    if (c.callee->kind == ast::Expr::Kind::Call) {
      const auto &form = static_cast<const ast::CallExpr &>(*c.callee);
      if (form.callee->kind == ast::Expr::Kind::Name &&
          static_cast<const ast::NameExpr &>(*form.callee).name == "hvp") {
        func::FuncOp f = functionSymbol(*arg(form, 0, "f"));
        if (!f)
          return {};
        int64_t wrt = wrtIndex(form, f);
        SmallVector<Value> args = castArgs(positionalArgs(c, f), f.getArgumentTypes());
        SmallVector<Value> dir = castArgs({arg(form, 2, "dir")},
                                          {f.getArgumentTypes()[wrt]});
        if (args.size() != f.getNumArguments() || dir.empty())
          return {};
        auto h = b.create<tgraph::HvpOp>(loc(c.range), f.getArgumentTypes()[wrt],
                                         f.getName(), wrt, args, dir[0]);
        return refine(c, h->getResults());
      }
    }
    func::FuncOp fn = functionSymbol(*c.callee);
    if (!fn)
      return {};
    return callFunc(c, fn);
  }

  std::vector<const ast::Expr *> positionalArgs(const ast::CallExpr &c, func::FuncOp fn) {
    std::vector<const ast::Expr *> ordered(fn.getNumArguments(), nullptr);
    size_t k = 0;
    for (const ast::Arg &a : c.args) {
      if (a.name.empty()) {
        if (k < ordered.size())
          ordered[k++] = a.value.get();
        continue;
      }
      for (unsigned i = 0; i < fn.getNumArguments(); ++i)
        if (auto n = fn.getArgAttrOfType<StringAttr>(i, tgraph::kNameAttr);
            n && n.getValue() == a.name)
          ordered[i] = a.value.get();
    }
    return ordered;
  }

  // vjp(f, primals, cotangent) and jvp(f, primals, tangents).
  SmallVector<Value> genVjpJvp(const ast::CallExpr &c, bool forward) {
    func::FuncOp f = functionSymbol(*arg(c, 0, "f"));
    if (!f)
      return {};
    auto elements = [](const ast::Expr *e) {
      std::vector<const ast::Expr *> out;
      if (e && e->kind == ast::Expr::Kind::Tuple)
        for (const ast::ExprPtr &x : static_cast<const ast::TupleExpr &>(*e).elements)
          out.push_back(x.get());
      else if (e)
        out.push_back(e);
      return out;
    };
    SmallVector<Value> primals =
        castArgs(elements(arg(c, 1, "primals")), f.getArgumentTypes());
    if (primals.size() != f.getNumArguments())
      return {};
    Location where = loc(c.range);
    if (forward) {
      SmallVector<Value> tangents =
          castArgs(elements(arg(c, 2, "tangents")), f.getArgumentTypes());
      SmallVector<Type> results(f.getResultTypes());
      results.append(f.getResultTypes().begin(), f.getResultTypes().end());
      auto op = b.create<tgraph::JvpOp>(where, results, f.getName(), primals, tangents);
      return refine(c, op->getResults());
    }
    SmallVector<Value> cotangents =
        castArgs(elements(arg(c, 2, "cotangent")), f.getResultTypes());
    auto op = b.create<tgraph::VjpOp>(where, f.getArgumentTypes(), f.getName(),
                                      primals, cotangents);
    return refine(c, op->getResults());
  }

  SmallVector<Value> callFunc(const ast::CallExpr &c, func::FuncOp callee) {
    std::vector<const ast::Expr *> ordered = positionalArgs(c, callee);
    for (const ast::Expr *e : ordered)
      if (!e) {
        unsupported(c.range, "this call");
        return {};
      }
    SmallVector<Value> args = castArgs(ordered, callee.getArgumentTypes());
    if (args.size() != callee.getNumArguments())
      return {};
    auto call = b.create<func::CallOp>(loc(c.range), callee, args);
    return refine(c, call.getResults());
  }

  MLIRContext &ctx;
  const SemaResult &types;
  DiagnosticEngine &diags;
  OpBuilder b;
  bool failed = false, anyFailed = false;
  std::map<std::string, func::FuncOp> funcs;
  std::map<std::string, RankedTensorType> globals;
  std::map<std::string, std::vector<std::string>> meshAxes;
  std::vector<std::pair<const ast::TrainDecl *, func::FuncOp>> pendingTrains;
  std::map<std::string, Value> scope;
  std::map<std::string, const ast::Expr *> constants, literalLets;
  std::map<std::string, int64_t> staticDims;
};

} // namespace

OwningOpRef<ModuleOp> mlirGen(MLIRContext &ctx, const ast::Module &module,
                              const SemaResult &types, DiagnosticEngine &diags) {
  ctx.getOrLoadDialect<tgraph::TGraphDialect>();
  ctx.getOrLoadDialect<func::FuncDialect>();
  ctx.getOrLoadDialect<tensor::TensorDialect>();
  ctx.getOrLoadDialect<arith::ArithDialect>();
  ctx.getOrLoadDialect<ml_program::MLProgramDialect>();
  ctx.getOrLoadDialect<mesh::MeshDialect>();
  return Generator(ctx, types, diags).run(module);
}

} // namespace tessera
