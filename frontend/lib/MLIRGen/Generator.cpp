// Declarations into Graph IR: functions, meshes, parameters, train steps,
// custom adjoints, bodies and statements, and the helpers they share.
#include "Generator.h"

namespace tessera::mlirgen {

const std::map<std::string, std::string> kUnary = {
    {"exp", "tgraph.exp"},         {"log", "tgraph.log"},
    {"log1p", "tgraph.log1p"},     {"sqrt", "tgraph.sqrt"},
    {"rsqrt", "tgraph.rsqrt"},     {"sin", "tgraph.sin"},
    {"cos", "tgraph.cos"},         {"tanh", "tgraph.tanh"},
    {"sigmoid", "tgraph.sigmoid"}, {"gelu", "tgraph.gelu"},
    {"silu", "tgraph.silu"},       {"abs", "tgraph.abs"},
    {"relu", "tgraph.relu"},       {"square", "tgraph.square"},
    {"neg", "tgraph.neg"},         {"fft", "tgraph.fft"},
    {"ifft", "tgraph.ifft"},       {"rfft", "tgraph.rfft"}};

const std::map<std::string, std::string> kReductions = {
    {"sum", "tgraph.reduce_sum"},   {"reduce_sum", "tgraph.reduce_sum"},
    {"mean", "tgraph.reduce_mean"}, {"reduce_mean", "tgraph.reduce_mean"},
    {"prod", "tgraph.reduce_prod"}, {"max", "tgraph.reduce_max"},
    {"min", "tgraph.reduce_min"}};

OwningOpRef<ModuleOp> Generator::run(const ast::Module &m) {
  OwningOpRef<ModuleOp> module = ModuleOp::create(
      m.nameRange.valid() ? loc(m.nameRange) : UnknownLoc::get(&ctx),
      m.name.empty() ? std::optional<StringRef>() : StringRef(m.name));
  std::set<std::string> emitted;
  emit(*module, m, "", emitted);
  if (anyFailed)
    return nullptr;
  return module;
}

void Generator::emit(ModuleOp module, const ast::Module &m,
                     const std::string &symbolPrefix,
                     std::set<std::string> &emitted) {
  prefix = symbolPrefix;
  // Imported user modules first, each once, their symbols prefixed by path.
  for (const SemaResult::Import &imp : types.imports) {
    Generator child(ctx, *imp.types, diags);
    if (emitted.insert(imp.path).second) {
      child.emit(module, *imp.module, imp.path + ".", emitted);
      anyFailed |= child.hasFailed();
    } else {
      // Already emitted through another import: find its functions.
      for (auto fn : module.getOps<func::FuncOp>())
        if (fn.getName().starts_with(imp.path + "."))
          child.funcs[fn.getName().drop_front(imp.path.size() + 1).str()] = fn;
    }
    imported[imp.alias] = child.functions();
  }
  // Constants fold where they are used; other module-level values (ops,
  // operators, policies) are reported only if code uses them.
  for (const ast::ValueDecl &v : m.values) {
    if (v.kind == ast::ValueDecl::Kind::Const && isLiteral(*v.value))
      constants[v.name] = v.value.get();
    if (v.kind != ast::ValueDecl::Kind::Policy)
      moduleValues[v.name] = v.value.get();
    else
      policies[v.name] = v.value.get();
  }
  b.setInsertionPointToEnd(module.getBody());
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
}

Location Generator::loc(const SourceRange &r) {
  return FileLineColLoc::get(&ctx, r.file->path(), r.file->line(r.begin),
                             r.file->column(r.begin));
}

// Reports a construct with no Graph IR form yet. The rest of the function
// is skipped (its values would be missing); other functions go on, so
// each reports its own constructs.
void Generator::unsupported(SourceRange r, const std::string &what) {
  diags.error(r, what + " is not supported by code generation yet");
  failed = anyFailed = true;
}

Type Generator::elementType(const std::string &dtype) {
  if (dtype == "f64")
    return b.getF64Type();
  if (dtype == "f16")
    return b.getF16Type();
  if (dtype == "bf16")
    return b.getBF16Type();
  if (dtype == "fp8_e4m3")
    return b.getFloat8E4M3FNType();
  if (dtype == "fp8_e5m2")
    return b.getFloat8E5M2Type();
  if (dtype == "i64")
    return b.getI64Type();
  if (dtype == "i32")
    return b.getI32Type();
  if (dtype == "i8")
    return b.getI8Type();
  if (dtype == "bool")
    return b.getI1Type();
  if (dtype == "c64")
    return ComplexType::get(b.getF32Type());
  return b.getF32Type();
}

RankedTensorType Generator::tensorType(const ExprType &t) {
  SmallVector<int64_t> shape;
  for (const auto &d : t.dims)
    shape.push_back(std::holds_alternative<int64_t>(d) ? std::get<int64_t>(d)
                                                       : ShapedType::kDynamic);
  return RankedTensorType::get(shape, elementType(t.dtype));
}

const ExprType *Generator::typeOfExpr(const ast::Expr &e) {
  auto it = types.types.find(&e);
  return it == types.types.end() ? nullptr : &it->second;
}

bool Generator::isLiteral(const ast::Expr &e) {
  const ExprType *t = typeOfExpr(e);
  return t && t->isLiteral();
}

// The value of a number-literal expression, folded here because a literal
// has no dtype of its own until it meets a tensor.
std::optional<double> Generator::fold(const ast::Expr &e) {
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
    if (bin.op == "+")
      return *l + *r;
    if (bin.op == "-")
      return *l - *r;
    if (bin.op == "*")
      return *l * *r;
    if (bin.op == "/")
      return *l / *r;
    if (bin.op == "**")
      return std::pow(*l, *r);
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
    if (n == "sqrt")
      return std::sqrt(*v);
    if (n == "exp")
      return std::exp(*v);
    if (n == "log")
      return std::log(*v);
    return std::nullopt;
  }
  default:
    return std::nullopt;
  }
}

Value Generator::constant(const ast::Expr &e, Type elem) {
  std::optional<double> v = fold(e);
  if (!v)
    return runtimeNumber(e, elem);
  std::optional<int64_t> whole = ast::exactInteger(*v);
  if (!isa<FloatType, ComplexType>(elem) && !whole) {
    diags.error(e.range, "an integer constant must be a whole number of at "
                         "most 2^53 in magnitude");
    failed = anyFailed = true;
    return {};
  }
  // A number next to c64 values is a real one: v + 0i.
  TypedAttr attr =
      isa<ComplexType>(elem)
          ? TypedAttr(complex::NumberAttr::get(cast<ComplexType>(elem), *v, 0))
      : isa<FloatType>(elem) ? TypedAttr(b.getFloatAttr(elem, *v))
                             : TypedAttr(b.getIntegerAttr(elem, *whole));
  return b.create<tgraph::ConstantOp>(loc(e.range),
                                      RankedTensorType::get({}, elem), attr);
}

// The run-time extent of symbolic dim `name`, read from an input of the
// function being generated that has it.
Value Generator::dimIndex(const std::string &name, Location where) {
  Block *entry = &b.getInsertionBlock()->getParent()->front();
  auto fn = dyn_cast<func::FuncOp>(entry->getParentOp());
  if (!fn)
    return {};
  for (BlockArgument arg : entry->getArguments()) {
    auto shape =
        fn.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), tgraph::kShapeAttr);
    if (!shape)
      continue;
    for (auto [axis, d] : llvm::enumerate(shape))
      if (auto sym = dyn_cast<StringAttr>(d); sym && sym.getValue() == name)
        return b.create<tensor::DimOp>(where, arg, axis);
  }
  // An extent computed from dims (a slice's `N-1`, `-N+5`, `(N+1)/2`, a
  // concat's `M+N`): index arithmetic on them. The numerator of a division
  // is not negative where the slice fits, which the entry checks before it
  // uses the extent, so a truncating division rounds down as the form
  // means.
  std::optional<sema::DimForm> form = sema::parseDimForm(name);
  if (!form || form->isDim())
    return {};
  auto index = [&](int64_t c) -> Value {
    return b.create<arith::ConstantIndexOp>(where, c);
  };
  Value v;
  for (const tbin::DimTerm &t : form->terms) {
    Value term = dimIndex(t.symbol, where);
    if (!term)
      return {};
    // |coefficient| * dim, added or subtracted by its sign.
    int64_t magnitude = t.coefficient < 0 ? -t.coefficient : t.coefficient;
    if (magnitude != 1)
      term = b.create<arith::MulIOp>(where, index(magnitude), term);
    if (t.coefficient < 0)
      v = b.create<arith::SubIOp>(where, v ? v : index(0), term);
    else
      v = v ? b.create<arith::AddIOp>(where, v, term).getResult() : term;
  }
  if (form->rest != 0)
    v = b.create<arith::AddIOp>(where, v, index(form->rest));
  if (form->divisor != 1)
    v = b.create<arith::DivSIOp>(where, v, index(form->divisor));
  if (form->offset != 0)
    v = b.create<arith::AddIOp>(where, v, index(form->offset));
  return v;
}

// The `?` extents of a result type, as index values, in order.
std::optional<SmallVector<Value>> Generator::dynamicDims(const ExprType &t,
                                                         Location where) {
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
Value Generator::runtimeNumber(const ast::Expr &e, Type elem) {
  if (failed)
    return {};
  Location where = loc(e.range);
  auto scalar = RankedTensorType::get({}, elem);
  switch (e.kind) {
  case ast::Expr::Kind::Name: {
    const std::string &name = static_cast<const ast::NameExpr &>(e).name;
    Value dim = dimIndex(name, where);
    if (!dim) {
      unsupported(e.range, "the value of '" + name +
                               "', a dim that no input of the function has,");
      return {};
    }
    Value i64 = b.create<arith::IndexCastOp>(where, b.getI64Type(), dim);
    // bf16, f16 and fp8: the dim stays an integer and a Graph IR cast
    // converts it (rounded once, through f64, as in kernels; the entry
    // computes that cast itself, HostScalars.cpp).
    if (isa<FloatType>(elem) && elem.getIntOrFloatBitWidth() <= 16)
      return create("tgraph.cast", where,
                    {b.create<tensor::FromElementsOp>(
                        where, RankedTensorType::get({}, b.getI64Type()), i64)},
                    scalar);
    Value number =
        isa<FloatType>(elem)
            ? b.create<arith::SIToFPOp>(where, elem, i64).getResult()
            : b.create<arith::TruncIOp>(where, elem, i64).getResult();
    return b.create<tensor::FromElementsOp>(where, scalar, number);
  }
  case ast::Expr::Kind::Binary: {
    const auto &bin = static_cast<const ast::BinaryExpr &>(e);
    static const std::map<std::string, std::string> ops = {
        {"+", "tgraph.add"},
        {"-", "tgraph.sub"},
        {"*", "tgraph.mul"},
        {"/", "tgraph.div"},
        {"**", "tgraph.pow"}};
    if (auto op = ops.find(bin.op); op != ops.end())
      return create(op->second, where,
                    {constant(*bin.lhs, elem), constant(*bin.rhs, elem)},
                    scalar);
    break;
  }
  case ast::Expr::Kind::Unary:
    return create(
        "tgraph.neg", where,
        {constant(*static_cast<const ast::UnaryExpr &>(e).operand, elem)},
        scalar);
  case ast::Expr::Kind::Call: {
    const auto &c = static_cast<const ast::CallExpr &>(e);
    if (c.callee->kind == ast::Expr::Kind::Name && c.args.size() == 1) {
      auto u = kUnary.find(static_cast<const ast::NameExpr &>(*c.callee).name);
      if (u != kUnary.end())
        return create(u->second, where, {constant(*c.args[0].value, elem)},
                      scalar);
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
Value Generator::operand(const ast::Expr &e, Type elem) {
  if (isLiteral(e))
    return constant(e, elem);
  return gen(e);
}

// Broadcasts `v` to `type` when its shape differs (rank 0 stays: the
// elementwise operators broadcast scalars themselves). The `?` extents of
// `type` are the symbolic dims of `symbolic`, read from the inputs.
Value Generator::broadcastTo(Value v, RankedTensorType type,
                             const ExprType &symbolic, SourceRange range) {
  Location where = loc(range);
  if (!v)
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getRank() == 0 || t.getShape() == type.getShape())
    return v;
  auto dims = dynamicDims(symbolic, where);
  if (!dims) {
    unsupported(range, "a broadcast to dims that no input has");
    return {};
  }
  return b.create<tgraph::BroadcastOp>(
      where, RankedTensorType::get(type.getShape(), t.getElementType()), v,
      *dims);
}

// A bool computed when the code runs (`N > 2`) is rank 0: broadcast
// explicitly all the same, since a bool must not leave its fusion group
// and a broadcast of one moves 0/1 instead (FormFusionGroups.cpp).
Value Generator::broadcastBool(Value v, RankedTensorType type,
                               const ExprType &symbolic, SourceRange range) {
  if (!v || cast<RankedTensorType>(v.getType()).getRank() != 0 ||
      type.getRank() == 0 || v.getDefiningOp<tgraph::ConstantOp>())
    return broadcastTo(v, type, symbolic, range);
  Location where = loc(range);
  auto dims = dynamicDims(symbolic, where);
  if (!dims) {
    unsupported(range, "a broadcast to dims that no input has");
    return {};
  }
  return b.create<tgraph::BroadcastOp>(
      where, RankedTensorType::get(type.getShape(), b.getI1Type()), v, *dims);
}

Value Generator::create(const std::string &name, Location where,
                        ValueRange operands, Type result,
                        ArrayRef<NamedAttribute> attrs) {
  for (Value v : operands)
    if (!v)
      return {};
  OperationState state(where, name);
  state.addOperands(operands);
  state.addTypes(result);
  state.addAttributes(attrs);
  return b.create(state)->getResult(0);
}

DictionaryAttr Generator::signatureAttrs(const std::string &name,
                                         const ExprType &t) {
  SmallVector<Attribute> shape;
  for (const auto &d : t.dims)
    shape.push_back(std::holds_alternative<std::string>(d)
                        ? Attribute(b.getStringAttr(std::get<std::string>(d)))
                        : Attribute(b.getI64IntegerAttr(std::get<int64_t>(d))));
  return b.getDictionaryAttr(
      {b.getNamedAttr(tgraph::kNameAttr, b.getStringAttr(name)),
       b.getNamedAttr(tgraph::kShapeAttr, b.getArrayAttr(shape))});
}

std::vector<ExprType> Generator::resultTypes(const ast::FuncDecl &f) {
  auto g = types.globals.find(f.name);
  if (g != types.globals.end() && g->second.sig)
    return g->second.sig->results;
  std::vector<ExprType> r;
  for (const ast::Param &p : f.results)
    r.push_back(typeOf(p.type));
  return r;
}

void Generator::declare(const ast::FuncDecl &f) {
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
  auto fn = b.create<func::FuncOp>(loc(f.nameRange), sym(f.name),
                                   b.getFunctionType(ins, outs));
  if (f.isEntry && prefix.empty())
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
    std::string name =
        i < f.results.size() ? f.results[i].name : "out" + std::to_string(i);
    fn.setResultAttrs(i, signatureAttrs(name, r));
  }
  if (f.policy) {
    // The text of the `numeric(...)` call, that of the declaration where
    // the function names a policy of this module (one imported stays a
    // name, which the passes read as strict).
    const ast::Expr *policy = f.policy.get();
    if (policy->kind == ast::Expr::Kind::Name) {
      auto declared =
          policies.find(static_cast<const ast::NameExpr &>(*policy).name);
      if (declared != policies.end())
        policy = declared->second;
    }
    fn->setAttr(
        "tgraph.policy",
        b.getStringAttr(policy->range.file->text().substr(
            policy->range.begin, policy->range.end - policy->range.begin)));
  }
  funcs[f.name] = fn;
}

// mesh M = mesh(axes: {dp: 4, tp: 2}): an upstream `mesh.mesh` of that
// shape; the axis names, in order, are kept for the shardings.
void Generator::declareMesh(const ast::MeshDecl &m) {
  SmallVector<int64_t> shape;
  std::vector<std::string> names;
  for (const ast::Arg &f :
       static_cast<const ast::RecordExpr &>(*m.args[0].value).fields) {
    names.push_back(f.name);
    shape.push_back(ast::exactInteger(fold(*f.value).value_or(1)).value_or(1));
  }
  OperationState state(loc(m.nameRange), "mesh.mesh");
  state.addAttribute("sym_name", b.getStringAttr(sym(m.name)));
  state.addAttribute("shape", b.getDenseI64ArrayAttr(shape));
  b.create(state);
  meshAxes[m.name] = names;
}

// `x: T @ shard(M, ...)`: the argument passes through `mesh.shard`, the
// annotation sharding propagation and spmdization start from.
Value Generator::shard(Value arg, const ast::TensorType &type) {
  const ExprType *s = typeOfExpr(*type.layout);
  if (!s || s->kind != ExprType::Kind::Shard || !meshAxes.count(s->name)) {
    unsupported(type.layout->range, "this layout");
    return arg;
  }
  const std::vector<std::string> &axes = meshAxes[s->name];
  std::string text = "#mesh.shard<@" + sym(s->name) + ", [";
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

// A trainable tensor: an `ml_program.global`, its initialiser recorded
// as attributes for the runtime.
void Generator::declareGlobal(const std::string &name, RankedTensorType type,
                              const std::string &init, int64_t seed,
                              Location where) {
  OperationState state(where, "ml_program.global");
  state.addAttribute("sym_name", b.getStringAttr(sym(name)));
  state.addAttribute("type", TypeAttr::get(type));
  state.addAttribute("is_mutable", b.getUnitAttr());
  state.addAttribute("sym_visibility", b.getStringAttr("private"));
  state.addAttribute("tgraph.init", b.getStringAttr(init));
  state.addAttribute("tgraph.seed", b.getI64IntegerAttr(seed));
  b.create(state);
  globals[name] = type;
}

Value Generator::loadGlobal(const std::string &name, Location where) {
  OperationState state(where, "ml_program.global_load");
  state.addAttribute("global", FlatSymbolRefAttr::get(&ctx, sym(name)));
  state.addTypes(globals.at(name));
  return b.create(state)->getResult(0);
}

void Generator::declareParam(const ast::ParamDecl &p) {
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
void Generator::declareMlp(const std::string &name, const ast::CallExpr &c,
                           const Signature &sig, Location where) {
  SmallVector<int64_t> widths = {*intArg(c, 0, "in", 1)};
  if (const ast::Expr *h = arg(c, 1, "hidden"))
    for (const ast::ExprPtr &w :
         static_cast<const ast::ListExpr &>(*h).elements)
      widths.push_back(ast::exactInteger(fold(*w).value_or(1)).value_or(1));
  widths.push_back(*intArg(c, 2, "out", 1));
  std::string activation = "tanh";
  if (const ast::Expr *a = arg(c, 3, "activation"))
    activation = static_cast<const ast::NameExpr &>(*a).name;
  int64_t seed = intArg(c, 4, "seed", 0).value_or(0);
  RankedTensorType in = tensorType(sig.params[0].second);
  Type elem = in.getElementType();
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    declareGlobal(name + ".W" + std::to_string(l),
                  RankedTensorType::get({widths[l], widths[l + 1]}, elem),
                  "glorot", seed * 1000 + static_cast<int64_t>(l), where);
    declareGlobal(name + ".b" + std::to_string(l),
                  RankedTensorType::get({widths[l + 1]}, elem), "zeros", 0,
                  where);
  }
  RankedTensorType out = tensorType(sig.results[0]);
  auto fn =
      b.create<func::FuncOp>(where, sym(name), b.getFunctionType({in}, {out}));
  fn.setPrivate();
  fn.setArgAttrs(0, signatureAttrs("x", sig.params[0].second));
  fn->setAttr(tgraph::kDimsAttr, b.getArrayAttr({b.getStringAttr("B")}));
  funcs[name] = fn;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(fn.addEntryBlock());
  Value h = fn.getArgument(0);
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    auto type =
        RankedTensorType::get({ShapedType::kDynamic, widths[l + 1]}, elem);
    Value W = loadGlobal(name + ".W" + std::to_string(l), where);
    Value bias = loadGlobal(name + ".b" + std::to_string(l), where);
    Value z = create("tgraph.matmul", where, {h, W}, type);
    z = b.create<tgraph::AddOp>(
        where, type, z,
        b.create<tgraph::BroadcastOp>(
            where, type, bias,
            ValueRange{b.create<tensor::DimOp>(where, h, 0).getResult()}));
    bool last = l + 2 == widths.size();
    h = last ? z : create("tgraph." + activation, where, {z}, type);
  }
  b.create<func::ReturnOp>(where, h);
}

// train step(...) with OPT { ... minimize LOSS }: a function returning the
// loss, marked with its optimizer; the update of every parameter the
// loss reaches is the autodiff and optimizer passes' to add.
void Generator::defineTrain(const ast::TrainDecl &t) {
  SmallVector<Type> ins;
  for (const ast::Param &p : t.params)
    ins.push_back(tensorType(typeOf(p.type)));
  auto fn = b.create<func::FuncOp>(loc(t.nameRange), sym(t.name),
                                   b.getFunctionType(ins, {}));
  SmallVector<Attribute> dims;
  for (const auto &d : t.dimParams)
    dims.push_back(b.getStringAttr(d.first));
  fn->setAttr(tgraph::kDimsAttr, b.getArrayAttr(dims));
  for (auto [i, p] : llvm::enumerate(t.params))
    fn.setArgAttrs(i, signatureAttrs(p.name, typeOf(p.type)));
  SmallVector<NamedAttribute> optimizer;
  // `with opt` where `let opt = adam(lr: 0.1)` at module level: the call.
  // Sema has checked that the chain of names ends in an optimizer.
  const ast::Expr *with = t.optimizer.get();
  for (int hops = 0; with->kind == ast::Expr::Kind::Name && hops < 64; ++hops) {
    auto it = moduleValues.find(static_cast<const ast::NameExpr &>(*with).name);
    if (it == moduleValues.end())
      break;
    with = it->second;
  }
  if (with->kind == ast::Expr::Kind::Call) {
    const auto &c = static_cast<const ast::CallExpr &>(*with);
    const std::string &kind =
        static_cast<const ast::NameExpr &>(*c.callee).name;
    optimizer.push_back(b.getNamedAttr("name", b.getStringAttr(kind)));
    // Positional arguments by their parameter names: sgd(0.1) is lr 0.1.
    const std::vector<std::string> &params = sema::builtinParams(kind);
    size_t position = 0;
    for (const ast::Arg &a : c.args)
      if (auto v = fold(*a.value))
        optimizer.push_back(
            b.getNamedAttr(a.name.empty() ? params.at(position++) : a.name,
                           b.getF64FloatAttr(*v)));
      else if (a.name.empty())
        ++position;
  }
  fn->setAttr("tgraph.train", b.getDictionaryAttr(optimizer));
  funcs[t.name] = fn;
  pendingTrains.push_back({&t, fn});
}

void Generator::define(const ast::FuncDecl &f) {
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
void Generator::defineAdjoint(const ast::AdjointDecl &a) {
  auto it = funcs.find(a.name);
  if (it == funcs.end())
    return;
  func::FuncOp f = it->second;
  SmallVector<Type> ins(f.getArgumentTypes());
  ins.append(f.getResultTypes().begin(), f.getResultTypes().end());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointAfter(f);
  std::string name = (f.getName() + ".adjoint").str();
  auto adj = b.create<func::FuncOp>(
      loc(a.nameRange), name, b.getFunctionType(ins, f.getArgumentTypes()));
  adj.setPrivate();
  if (auto dims = f->getAttr(tgraph::kDimsAttr))
    adj->setAttr(tgraph::kDimsAttr, dims);
  f->setAttr("tgraph.adjoint", FlatSymbolRefAttr::get(&ctx, name));
  funcs[name] = adj;
  emitBody(adj, a.params, a.body);
}

void Generator::emitBody(
    func::FuncOp fn,
    const std::vector<std::pair<std::string, SourceRange>> &params,
    const std::vector<ast::Stmt> &body, const std::vector<ast::Param> *typed) {
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
      else if (const ExprType *t = typeOfExpr(*s.values[0]);
               t && t->kind == ExprType::Kind::Bool)
        scope[s.names[0].first] = boolOperand(*s.values[0]);
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
        if (!failed && !values[k] && k < fn.getNumResults() &&
            k < s.values.size() && isLiteral(*s.values[k]))
          values[k] = constant(
              *s.values[k],
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

} // namespace tessera::mlirgen
