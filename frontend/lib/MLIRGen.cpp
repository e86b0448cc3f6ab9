// Checked AST -> Graph IR. Every op carries the FileLineColLoc of the source
// it came from. Types come from the checker's side table, so this file only
// decides which Graph IR operator expresses each construct; what has no
// Graph IR form yet is reported at its place (and nothing is emitted).
#include "tessera/Frontend/MLIRGen.h"

#include "tessera/Dialect/TGraph/TGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

#include <cmath>
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
    for (const ast::ParamDecl &p : m.params)
      unsupported(p.range, "a parameter");
    for (const ast::MeshDecl &me : m.meshes)
      unsupported(me.range, "a mesh");
    for (const ast::TrainDecl &t : m.trains)
      unsupported(t.nameRange, "a train step");
    for (const ast::AdjointDecl &a : m.adjoints)
      unsupported(a.nameRange, "a custom adjoint");
    // Constants fold where they are used; other module-level values (ops,
    // operators, policies) are reported only if code uses them.
    for (const ast::ValueDecl &v : m.values)
      if (v.kind == ast::ValueDecl::Kind::Const && isLiteral(*v.value))
        constants[v.name] = v.value.get();
    b.setInsertionPointToEnd(module->getBody());
    for (const ast::FuncDecl &f : m.funcs)
      declare(f);
    for (const ast::FuncDecl &f : m.funcs)
      define(f);
    if (failed)
      return nullptr;
    return module;
  }

private:
  // ---- helpers -----------------------------------------------------------

  Location loc(const SourceRange &r) {
    return FileLineColLoc::get(&ctx, r.file->path(), r.file->line(r.begin),
                               r.file->column(r.begin));
  }

  void unsupported(SourceRange r, const std::string &what) {
    diags.error(r, what + " is not supported by code generation yet");
    failed = true;
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
    if (!v) {
      unsupported(e.range, "a number that is only known at run time");
      return {};
    }
    TypedAttr attr = isa<FloatType>(elem)
                         ? TypedAttr(b.getFloatAttr(elem, *v))
                         : TypedAttr(b.getIntegerAttr(elem, static_cast<int64_t>(*v)));
    return b.create<tgraph::ConstantOp>(loc(e.range), RankedTensorType::get({}, elem), attr);
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
    for (const ast::Param &p : f.params) {
      if (p.type.layout)
        unsupported(p.type.layout->range, "a sharded layout");
      ins.push_back(tensorType(typeOf(p.type)));
    }
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

  void define(const ast::FuncDecl &f) {
    auto it = funcs.find(f.name);
    if (it == funcs.end())
      return;
    func::FuncOp fn = it->second;
    Block *entry = fn.addEntryBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(entry);
    scope.clear();
    staticDims.clear();
    for (auto [i, p] : llvm::enumerate(f.params)) {
      entry->getArgument(i).setLoc(loc(p.nameRange));
      scope[p.name] = entry->getArgument(i);
    }
    for (const ast::Stmt &s : f.body) {
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
          if (!values[k] && k < fn.getNumResults() && isLiteral(*s.values[k]))
            values[k] = constant(*s.values[k],
                                 cast<RankedTensorType>(fn.getResultTypes()[k]).getElementType());
        if (failed)
          return;
        b.create<func::ReturnOp>(loc(s.range), values);
        return;
      }
      case ast::Stmt::Kind::Minimize:
        unsupported(s.range, "`minimize`");
        return;
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
      if (c.callee->kind == ast::Expr::Kind::Name &&
          funcs.count(static_cast<const ast::NameExpr &>(*c.callee).name))
        return callOp(c);
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
    if (c.callee->kind != ast::Expr::Kind::Name) {
      unsupported(c.range, "calling this");
      return {};
    }
    const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
    Location where = loc(c.range);
    if (funcs.count(n)) {
      SmallVector<Value> r = callOp(c);
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

  SmallVector<Value> callOp(const ast::CallExpr &c) {
    const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
    func::FuncOp callee = funcs[n];
    // Arguments in parameter order (keywords by name).
    SmallVector<Value> args;
    std::vector<const ast::Expr *> ordered(callee.getNumArguments(), nullptr);
    size_t k = 0;
    for (const ast::Arg &a : c.args) {
      if (a.name.empty()) {
        if (k < ordered.size())
          ordered[k++] = a.value.get();
        continue;
      }
      for (unsigned i = 0; i < callee.getNumArguments(); ++i)
        if (callee.getArgAttrOfType<StringAttr>(i, tgraph::kNameAttr).getValue() == a.name)
          ordered[i] = a.value.get();
    }
    for (unsigned i = 0; i < ordered.size(); ++i) {
      auto want = cast<RankedTensorType>(callee.getArgumentTypes()[i]);
      Value v = operand(*ordered[i], want.getElementType());
      if (!v)
        return {};
      // The caller's static knowledge of a dim may differ from the callee's
      // generic signature; func.call needs the callee's exact types.
      if (v.getType() != want)
        v = b.create<tensor::CastOp>(loc(ordered[i]->range), want, v);
      args.push_back(v);
    }
    auto call = b.create<func::CallOp>(loc(c.range), callee, args);
    SmallVector<Value> results(call.getResults().begin(), call.getResults().end());
    // Refine the callee's generic result types to what the checker inferred.
    const ExprType *t = typeOfExpr(c);
    std::vector<ExprType> want;
    if (t && t->kind == ExprType::Kind::Tuple)
      want = t->elements;
    else if (t)
      want = {*t};
    for (size_t i = 0; i < results.size() && i < want.size(); ++i) {
      RankedTensorType refined = tensorType(want[i]);
      if (refined != results[i].getType())
        results[i] = b.create<tensor::CastOp>(loc(c.range), refined, results[i]);
    }
    return results;
  }

  MLIRContext &ctx;
  const SemaResult &types;
  DiagnosticEngine &diags;
  OpBuilder b;
  bool failed = false;
  std::map<std::string, func::FuncOp> funcs;
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
  return Generator(ctx, types, diags).run(module);
}

} // namespace tessera
