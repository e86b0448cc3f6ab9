// Expressions into Graph IR: names, arithmetic with explicit broadcasting,
// bools, builtin operators, fixed points (indexing: Indexing.cpp).
#include "Generator.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace tessera::mlirgen {

// An expression that may stand for several values (a tuple, or a call of
// an op with several results).
SmallVector<Value> Generator::genMulti(const ast::Expr &e) {
  if (e.kind == ast::Expr::Kind::Tuple) {
    SmallVector<Value> out;
    for (const ast::ExprPtr &x :
         static_cast<const ast::TupleExpr &>(e).elements)
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

Value Generator::gen(const ast::Expr &e) {
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
    if (u.op == "!")
      return logicalNot(u, *t);
    if (u.op != "-")
      break;
    return create("tgraph.neg", loc(e.range), {gen(*u.operand)},
                  tensorType(*t));
  }
  case ast::Expr::Kind::Binary:
    return genBinary(static_cast<const ast::BinaryExpr &>(e), *t);
  case ast::Expr::Kind::Call:
    return genCall(static_cast<const ast::CallExpr &>(e), *t);
  case ast::Expr::Kind::Member: {
    const auto &m = static_cast<const ast::MemberExpr &>(e);
    if (m.member == "T" && t->isTensor())
      return transpose(gen(*m.base), loc(m.memberRange));
    if (m.member == "H" && t->isTensor())
      return conjugate(transpose(gen(*m.base), loc(m.memberRange)),
                       loc(m.memberRange));
    break;
  }
  case ast::Expr::Kind::Index:
    return genIndex(static_cast<const ast::IndexExpr &>(e), *t);
  default:
    break;
  }
  unsupported(e.range, "this expression");
  return {};
}

// The predicate of a comparison operator (`<` is lt), if `op` is one.
static std::optional<tgraph::ComparePredicate>
comparePredicate(const std::string &op) {
  static const std::map<std::string, tgraph::ComparePredicate> predicates = {
      {"==", tgraph::ComparePredicate::eq},
      {"!=", tgraph::ComparePredicate::ne},
      {"<", tgraph::ComparePredicate::lt},
      {"<=", tgraph::ComparePredicate::le},
      {">", tgraph::ComparePredicate::gt},
      {">=", tgraph::ComparePredicate::ge}};
  auto it = predicates.find(op);
  if (it == predicates.end())
    return std::nullopt;
  return it->second;
}

Value Generator::transpose(Value v, Location where) {
  if (!v)
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < type.getRank(); ++i)
    perm.push_back(i);
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  return b.create<tgraph::TransposeOp>(where, v, perm);
}

// conj of a c64 value; a real value is its own conjugate.
Value Generator::conjugate(Value v, Location where) {
  if (!v ||
      !isa<ComplexType>(cast<RankedTensorType>(v.getType()).getElementType()))
    return v;
  return b.create<tgraph::ConjOp>(where, v);
}

Value Generator::genBinary(const ast::BinaryExpr &bin, const ExprType &t) {
  Location where = loc(bin.opRange);
  RankedTensorType result = tensorType(t);
  if (bin.op == "@")
    return create("tgraph.matmul", where, {gen(*bin.lhs), gen(*bin.rhs)},
                  result);
  if (bin.op == "&&" || bin.op == "||")
    return logicalBinary(bin, t);
  static const std::map<std::string, std::string> arith = {
      {"+", "tgraph.add"}, {"-", "tgraph.sub"}, {"*", "tgraph.mul"},
      {"/", "tgraph.div"}, {"%", "tgraph.rem"}, {"**", "tgraph.pow"}};
  // Operands: the element type of the tensor side; shapes broadcast to
  // the result (rank-0 operands are broadcast by the operator itself).
  const ExprType *lt = typeOfExpr(*bin.lhs), *rt = typeOfExpr(*bin.rhs);
  const ExprType *tensorSide = lt && lt->isTensor() ? lt : rt;
  if (!tensorSide || !tensorSide->isTensor()) {
    unsupported(bin.range, "'" + bin.op + "' here");
    return {};
  }
  Type elem = elementType(tensorSide->dtype);
  RankedTensorType operandShape =
      RankedTensorType::get(result.getShape(), elem);
  Value l = broadcastTo(operand(*bin.lhs, elem), operandShape, t, bin.range);
  Value r = broadcastTo(operand(*bin.rhs, elem), operandShape, t, bin.range);
  if (auto a = arith.find(bin.op); a != arith.end())
    return create(a->second, where, {l, r}, result);
  if (auto c = comparePredicate(bin.op))
    return create(
        "tgraph.compare", where, {l, r}, result,
        {b.getNamedAttr("predicate",
                        tgraph::ComparePredicateAttr::get(&ctx, *c))});
  unsupported(bin.opRange, "'" + bin.op + "'");
  return {};
}

// A bool known here: `true`, `false`, a comparison of numbers known here
// (`1 < 2`), and `!`, `&&`, `||` of those.
std::optional<bool> Generator::foldBool(const ast::Expr &e) {
  if (e.kind == ast::Expr::Kind::Bool)
    return static_cast<const ast::BoolExpr &>(e).value;
  if (e.kind == ast::Expr::Kind::Unary) {
    const auto &u = static_cast<const ast::UnaryExpr &>(e);
    auto v = u.op == "!" ? foldBool(*u.operand) : std::nullopt;
    return v ? std::optional<bool>(!*v) : std::nullopt;
  }
  if (e.kind != ast::Expr::Kind::Binary)
    return std::nullopt;
  const auto &bin = static_cast<const ast::BinaryExpr &>(e);
  if (bin.op == "&&" || bin.op == "||") {
    auto l = foldBool(*bin.lhs), r = foldBool(*bin.rhs);
    if (!l || !r)
      return std::nullopt;
    return bin.op == "&&" ? *l && *r : *l || *r;
  }
  // Numbers compare as the doubles they fold to (IEEE: NaN is unordered).
  auto l = fold(*bin.lhs), r = fold(*bin.rhs);
  if (!l || !r)
    return std::nullopt;
  if (bin.op == "==")
    return *l == *r;
  if (bin.op == "!=")
    return *l != *r;
  if (bin.op == "<")
    return *l < *r;
  if (bin.op == "<=")
    return *l <= *r;
  if (bin.op == ">")
    return *l > *r;
  if (bin.op == ">=")
    return *l >= *r;
  return std::nullopt;
}

// A bool operand: a tensor, a bool known here as a rank-0 constant, or one
// known when the code runs (a comparison of dims, `N > 2`) as a rank-0
// tensor computed then.
Value Generator::boolOperand(const ast::Expr &e) {
  const ExprType *t = typeOfExpr(e);
  if (t && !t->isTensor()) {
    if (auto v = foldBool(e))
      return boolConstant(*v, loc(e.range));
    bool reported = failed;
    if (Value v = runtimeBool(e))
      return v;
    if (reported || !failed) // one error where a part already had one
      unsupported(e.range, "this bool");
    return {};
  }
  return gen(e);
}

// A bool that depends on symbolic dims: its comparisons of numbers (each
// side folded here or computed from the dims as an i64, runtimeNumber),
// and `!`, `&&`, `||` of those as selections on rank-0 tensors.
Value Generator::runtimeBool(const ast::Expr &e) {
  Location where = loc(e.range);
  auto scalar = RankedTensorType::get({}, b.getI1Type());
  if (auto v = foldBool(e))
    return boolConstant(*v, where);
  if (e.kind == ast::Expr::Kind::Name) {
    // A let bound to one.
    auto it = scope.find(static_cast<const ast::NameExpr &>(e).name);
    return it != scope.end() ? it->second : Value();
  }
  if (e.kind == ast::Expr::Kind::Unary) {
    const auto &u = static_cast<const ast::UnaryExpr &>(e);
    Value v = u.op == "!" ? runtimeBool(*u.operand) : Value();
    if (!v)
      return {};
    return create("tgraph.select", where,
                  {v, boolConstant(false, where), boolConstant(true, where)},
                  scalar);
  }
  if (e.kind != ast::Expr::Kind::Binary)
    return {};
  const auto &bin = static_cast<const ast::BinaryExpr &>(e);
  if (bin.op == "&&" || bin.op == "||") {
    Value l = runtimeBool(*bin.lhs), r = runtimeBool(*bin.rhs);
    if (!l || !r)
      return {};
    return bin.op == "&&" ? create("tgraph.select", where,
                                   {l, r, boolConstant(false, where)}, scalar)
                          : create("tgraph.select", where,
                                   {l, boolConstant(true, where), r}, scalar);
  }
  auto c = comparePredicate(bin.op);
  if (!c)
    return {};
  // As the doubles that numbers are (`N / 2` is a true quotient); dims
  // below 2^53 are exact there.
  Type elem = b.getF64Type();
  auto side = [&](const ast::Expr &s) -> Value {
    if (fold(s))
      return constant(s, elem);
    return runtimeNumber(s, elem);
  };
  Value l = side(*bin.lhs), r = side(*bin.rhs);
  if (!l || !r)
    return {};
  return create("tgraph.compare", where, {l, r}, scalar,
                {b.getNamedAttr("predicate",
                                tgraph::ComparePredicateAttr::get(&ctx, *c))});
}

Value Generator::boolConstant(bool value, Location where) {
  return b.create<tgraph::ConstantOp>(
      where, RankedTensorType::get({}, b.getI1Type()), b.getBoolAttr(value));
}

// The logical operators are selections on bool tensors, which the
// elementwise kernels compute in registers: `a && b` is `a ? b : false`,
// `a || b` is `a ? true : b`, `!a` is `a ? false : true`. Both operands are
// computed (they have no effects to skip).
Value Generator::logicalBinary(const ast::BinaryExpr &bin, const ExprType &t) {
  Location where = loc(bin.opRange);
  RankedTensorType result = tensorType(t);
  Value l = broadcastBool(boolOperand(*bin.lhs), result, t, bin.range);
  Value r = broadcastBool(boolOperand(*bin.rhs), result, t, bin.range);
  if (!l || !r)
    return {};
  bool isAnd = bin.op == "&&";
  Value constant = boolConstant(!isAnd, where);
  return create("tgraph.select", where,
                {l, isAnd ? r : constant, isAnd ? constant : r}, result);
}

Value Generator::logicalNot(const ast::UnaryExpr &u, const ExprType &t) {
  Location where = loc(u.range);
  Value x = boolOperand(*u.operand);
  if (!x)
    return {};
  return create("tgraph.select", where,
                {x, boolConstant(false, where), boolConstant(true, where)},
                tensorType(t));
}

const ast::Expr *Generator::arg(const ast::CallExpr &c, size_t index,
                                const std::string &name) {
  for (const ast::Arg &a : c.args)
    if (a.name == name)
      return a.value.get();
  size_t k = 0;
  for (const ast::Arg &a : c.args)
    if (a.name.empty() && k++ == index)
      return a.value.get();
  return nullptr;
}

std::optional<int64_t> Generator::intArg(const ast::CallExpr &c, size_t index,
                                         const std::string &name,
                                         int64_t dflt) {
  const ast::Expr *e = arg(c, index, name);
  if (!e)
    return dflt;
  std::optional<double> v = fold(*e);
  return v ? ast::exactInteger(*v) : std::nullopt;
}

bool Generator::boolArg(const ast::CallExpr &c, const std::string &name) {
  const ast::Expr *e = arg(c, 99, name);
  return e && e->kind == ast::Expr::Kind::Bool &&
         static_cast<const ast::BoolExpr &>(*e).value;
}

Value Generator::genCall(const ast::CallExpr &c, const ExprType &t) {
  if (c.callee->kind != ast::Expr::Kind::Name ||
      !sema::isBuiltin(static_cast<const ast::NameExpr &>(*c.callee).name) ||
      funcs.count(static_cast<const ast::NameExpr &>(*c.callee).name)) {
    SmallVector<Value> r =
        c.callee->kind == ast::Expr::Kind::Name &&
                funcs.count(static_cast<const ast::NameExpr &>(*c.callee).name)
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
    SmallVector<NamedAttribute> attrs{
        b.getNamedAttr("axes", b.getDenseI64ArrayAttr(axes)),
        b.getNamedAttr("keepdims", b.getBoolAttr(boolArg(c, "keepdims"))),
        b.getNamedAttr("stable", b.getBoolAttr(boolArg(c, "stable")))};
    Value operand = gen(*in);
    if (!operand || !isa<ComplexType>(inType.getElementType()))
      return create(r->second, where, {operand}, result, attrs);
    // A sum or mean of c64 is that of its real parts and of its imaginary
    // parts, each an f32 reduction in the usual order.
    Type f32 = b.getF32Type();
    auto parts = RankedTensorType::get(inType.getShape(), f32);
    auto reduced = RankedTensorType::get(result.getShape(), f32);
    Value re = create(r->second, where,
                      {create("tgraph.cast", where, {operand}, parts)}, reduced,
                      attrs);
    Value im = create(r->second, where,
                      {create("tgraph.imag", where, {operand}, parts)}, reduced,
                      attrs);
    return create("tgraph.complex", where, {re, im}, result);
  }
  auto axisOf = [&](int64_t dflt) {
    int64_t a = *intArg(c, 1, "axis", dflt);
    return a < 0 ? a + result.getRank() : a;
  };
  if (n == "softmax" || n == "log_softmax")
    return create("tgraph." + n, where, {x(0, "x")}, result,
                  {b.getNamedAttr("axis", b.getI64IntegerAttr(axisOf(-1)))});
  if (n == "layernorm" || n == "rmsnorm") {
    std::optional<double> eps =
        arg(c, 2, "eps") ? fold(*arg(c, 2, "eps")) : 1e-5;
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
      for (const ast::ExprPtr &s :
           static_cast<const ast::TupleExpr &>(*tile).elements)
        sizes.push_back(ast::exactInteger(*fold(*s)).value_or(1));
      attrs.push_back(b.getNamedAttr("tile", b.getDenseI64ArrayAttr(sizes)));
    }
    return create("tgraph.matmul", where, {x(0, "a"), x(1, "b")}, result,
                  attrs);
  }
  if (n == "transpose")
    return transpose(x(0, "x"), where);
  if (n == "conj")
    return conjugate(x(0, "x"), where);
  // real of a c64 tensor is its cast to f32 (and of a real tensor, itself).
  if (n == "real") {
    Value z = x(0, "x");
    if (!z ||
        !isa<ComplexType>(cast<RankedTensorType>(z.getType()).getElementType()))
      return z;
    return create("tgraph.cast", where, {z}, result);
  }
  if (n == "imag")
    return create("tgraph.imag", where, {x(0, "x")}, result);
  if (n == "complex") {
    Type f32 = b.getF32Type();
    // Parts of other shapes broadcast to the result's (rank 0 stays).
    auto part = [&](size_t i, const char *name) -> Value {
      const ast::Expr *e = arg(c, i, name);
      if (!e)
        return {};
      return broadcastTo(operand(*e, f32),
                         RankedTensorType::get(result.getShape(), f32), t,
                         e->range);
    };
    return create("tgraph.complex", where, {part(0, "re"), part(1, "im")},
                  result);
  }
  if (n == "gather") {
    Value operand = x(0, "x"), indices = x(1, "indices");
    if (!operand || !indices)
      return {};
    int64_t axis = intArg(c, 2, "axis", 0).value_or(0);
    if (axis < 0)
      axis += cast<RankedTensorType>(operand.getType()).getRank();
    return create("tgraph.gather", where, {operand, indices}, result,
                  {b.getNamedAttr("axis", b.getI64IntegerAttr(axis))});
  }
  if (n == "concat") {
    SmallVector<Value> parts = genMulti(*arg(c, 0, "xs"));
    if (llvm::any_of(parts, [](Value v) { return !v; }))
      return {};
    int64_t rank = cast<RankedTensorType>(parts[0].getType()).getRank();
    int64_t axis = intArg(c, 1, "axis", 0).value_or(0);
    if (axis < 0)
      axis += rank;
    return create("tgraph.concat", where, parts, result,
                  {b.getNamedAttr("axis", b.getI64IntegerAttr(axis))});
  }
  if (n == "pad") {
    Value operand = x(0, "x");
    auto widths = ast::integerPairs(*arg(c, 1, "widths"));
    if (!operand || !widths)
      return {};
    SmallVector<int64_t> low, high;
    for (auto [before, after] : *widths)
      low.push_back(before), high.push_back(after);
    Type elem = result.getElementType();
    const ast::Expr *value = arg(c, 2, "value");
    double v = value ? fold(*value).value_or(0.0) : 0.0;
    TypedAttr fill = isa<FloatType>(elem)
                         ? TypedAttr(b.getFloatAttr(elem, v))
                         : TypedAttr(b.getIntegerAttr(
                               elem, ast::exactInteger(v).value_or(0)));
    return b.create<tgraph::PadOp>(where, operand, low, high, fill);
  }
  if (n == "cast")
    return create("tgraph.cast", where, {gen(*arg(c, 0, "x"))}, result);
  if (n == "select") {
    // The condition and both values broadcast to the result, as the
    // operands of arithmetic do (rank 0 is broadcast by the operator).
    Value cond =
        broadcastBool(boolOperand(*arg(c, 0, "cond")), result, t, c.range);
    Value a = broadcastTo(x(1, "a"), result, t, c.range);
    Value bv = broadcastTo(x(2, "b"), result, t, c.range);
    if (!a || !bv || !isa<ComplexType>(result.getElementType()))
      return create("tgraph.select", where, {cond, a, bv}, result);
    // c64 values: each part selected as f32 (kernels compute on vectors,
    // which hold no complex numbers), then put together.
    auto parts = RankedTensorType::get(result.getShape(), b.getF32Type());
    auto pick = [&](StringRef part) {
      auto of = [&](Value z) {
        return create(
            part == "re" ? "tgraph.cast" : "tgraph.imag", where, {z},
            cast<RankedTensorType>(z.getType()).clone(b.getF32Type()));
      };
      return create("tgraph.select", where, {cond, of(a), of(bv)}, parts);
    };
    return create("tgraph.complex", where, {pick("re"), pick("im")}, result);
  }
  if (n == "cross_entropy")
    return create("tgraph.cross_entropy", where,
                  {gen(*arg(c, 0, "logits")), gen(*arg(c, 1, "labels"))},
                  result);
  if (n == "mse")
    return create("tgraph.mse", where, {x(0, "pred"), x(1, "target")}, result);
  if (n == "solve")
    return create("tgraph.solve", where, {x(0, "A"), x(1, "b")}, result);
  if (n == "irfft")
    return create(
        "tgraph.irfft", where, {gen(*arg(c, 0, "x"))}, result,
        {b.getNamedAttr("n", b.getI64IntegerAttr(*intArg(c, 1, "n", 0)))});
  if (n == "reshape") {
    // Symbolic dims of the new shape are read from the inputs that have
    // them; the entry checks that the element counts agree at run time.
    auto dims = dynamicDims(t, where);
    if (!dims) {
      unsupported(c.range, "a reshape to dims that no input has");
      return {};
    }
    SmallVector<Value> operands = {x(0, "x")};
    operands.append(dims->begin(), dims->end());
    return create("tgraph.reshape", where, operands, result);
  }
  if (n == "zeros" || n == "ones") {
    Value fill = b.create<tgraph::ConstantOp>(
        where, RankedTensorType::get({}, result.getElementType()),
        isa<FloatType>(result.getElementType())
            ? TypedAttr(b.getFloatAttr(result.getElementType(), n == "ones"))
            : TypedAttr(
                  b.getIntegerAttr(result.getElementType(), n == "ones")));
    auto dims = dynamicDims(t, where);
    if (!dims) {
      unsupported(c.range, "a filled tensor whose dims are not inputs' dims");
      return {};
    }
    return b.create<tgraph::BroadcastOp>(where, result, fill, *dims);
  }
  if (n == "normal" || n == "uniform") {
    auto seed = intArg(c, 1, "seed", 0);
    auto dims = dynamicDims(t, where);
    if (!seed || !dims) {
      unsupported(c.range, "a random tensor whose dims are not inputs' dims");
      return {};
    }
    return create(
        n == "normal" ? "tgraph.random_normal" : "tgraph.random_uniform", where,
        *dims, result, {b.getNamedAttr("seed", b.getI64IntegerAttr(*seed))});
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
Value Generator::genFixedPoint(const ast::CallExpr &c,
                               RankedTensorType result) {
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
  auto op = b.create<tgraph::FixedPointOp>(where, init.getType(), init,
                                           captures, b.getF64FloatAttr(*tol),
                                           b.getI64IntegerAttr(*maxIter));
  Block *body = new Block();
  op.getBody().push_back(body);
  std::map<std::string, Value> saved = scope;
  scope[lambda.params[0].name] =
      body->addArgument(init.getType(), loc(lambda.params[0].range));
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

void Generator::forEachChild(const ast::Expr &e,
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
    for (const ast::ExprPtr &x :
         static_cast<const ast::TupleExpr &>(e).elements)
      f(*x);
    return;
  case ast::Expr::Kind::Lambda:
    return f(*static_cast<const ast::LambdaExpr &>(e).body);
  default:
    return;
  }
}

} // namespace tessera::mlirgen
