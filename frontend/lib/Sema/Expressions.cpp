// Checking expressions: names, arithmetic and broadcasting, indexing,
// members, lambdas, calls and the unification of symbolic dims.
#include "Checker.h"

namespace tessera::sema {

ExprType Checker::check(const ast::Expr &e) {
  ExprType t = infer(e);
  // One lookup, and no default-constructed entry to assign over.
  auto [it, fresh] = result.types.try_emplace(&e, t);
  if (!fresh) // checked before, as a lambda's body is at every use
    it->second = t;
  return t;
}

const Binding *Checker::lookup(const std::string &name) {
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it) {
    auto found = it->find(name);
    if (found != it->end()) {
      found->second.used = true;
      return &found->second;
    }
  }
  auto g = globals.find(name);
  return g == globals.end() ? nullptr : &g->second;
}

std::string Checker::suggestion(const std::string &name) {
  std::string best;
  size_t bestDist = name.size() <= 3 ? 1 : 2;
  auto consider = [&](const std::string &c) {
    size_t d = editDistance(name, c);
    if (d <= bestDist && d > 0) {
      bestDist = d;
      best = c;
    }
  };
  for (const auto &scope : scopes)
    for (const auto &[n, b] : scope)
      consider(n);
  for (const auto &[n, b] : globals)
    consider(n);
  for (const std::string &n : sema::builtinNames())
    consider(n);
  return best;
}

ExprType Checker::inferName(const ast::NameExpr &n) {
  if (const Binding *b = lookup(n.name)) {
    result.definitions[&n] = b->where;
    return b->type;
  }
  if (sema::isBuiltin(n.name)) {
    ExprType t = ExprType::make(Kind::Function);
    t.name = n.name;
    return t;
  }
  // A dim of the enclosing function used as a value: a number.
  if (auto d = dimsInScope.find(n.name); d != dimsInScope.end()) {
    result.definitions[&n] = d->second;
    return ExprType::literal();
  }
  if (isKnownDType(n.name)) {
    ExprType t = ExprType::make(Kind::DType);
    t.dtype = n.name;
    return t;
  }
  if (n.name == "_") {
    error(n.range, "'_' discards a value in a let and cannot be read");
    return ExprType::error();
  }
  std::string hint = suggestion(n.name);
  error(n.range, "unknown name '" + n.name + "'" +
                     (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  return ExprType::error();
}

ExprType Checker::infer(const ast::Expr &e) {
  switch (e.kind) {
  case ast::Expr::Kind::Number:
    return ExprType::literal();
  case ast::Expr::Kind::String:
    return ExprType::make(Kind::String);
  case ast::Expr::Kind::Bool:
    return ExprType::make(Kind::Bool);
  case ast::Expr::Kind::Name:
    return inferName(static_cast<const ast::NameExpr &>(e));
  case ast::Expr::Kind::Unary:
    return inferUnary(static_cast<const ast::UnaryExpr &>(e));
  case ast::Expr::Kind::Binary:
    return inferBinary(static_cast<const ast::BinaryExpr &>(e));
  case ast::Expr::Kind::Call:
    return inferCall(static_cast<const ast::CallExpr &>(e));
  case ast::Expr::Kind::Index:
    return inferIndex(static_cast<const ast::IndexExpr &>(e));
  case ast::Expr::Kind::Member:
    return inferMember(static_cast<const ast::MemberExpr &>(e));
  case ast::Expr::Kind::Tuple:
  case ast::Expr::Kind::List: {
    bool tuple = e.kind == ast::Expr::Kind::Tuple;
    const auto &elems = tuple ? static_cast<const ast::TupleExpr &>(e).elements
                              : static_cast<const ast::ListExpr &>(e).elements;
    ExprType t = ExprType::make(tuple ? Kind::Tuple : Kind::List);
    for (const ast::ExprPtr &x : elems) {
      // Lists hold configuration: dims and names are allowed unresolved.
      if (!tuple && x->kind == ast::Expr::Kind::Name &&
          !lookup(static_cast<const ast::NameExpr &>(*x).name)) {
        t.elements.push_back(ExprType::make(Kind::String));
        continue;
      }
      ExprType et = check(*x);
      if (et.isError())
        return et;
      t.elements.push_back(et);
    }
    return t;
  }
  case ast::Expr::Kind::Record: {
    ExprType t = ExprType::make(Kind::Record);
    for (const ast::Arg &f : static_cast<const ast::RecordExpr &>(e).fields) {
      check(*f.value);
      t.fields.push_back(f.name);
    }
    return t;
  }
  case ast::Expr::Kind::Lambda:
    return inferLambda(static_cast<const ast::LambdaExpr &>(e));
  }
  return ExprType::error();
}

ExprType Checker::inferUnary(const ast::UnaryExpr &u) {
  ExprType t = check(*u.operand);
  if (t.isError() || t.isLiteral())
    return t;
  if (u.op == "!") {
    if (t.kind == Kind::Bool || (t.isTensor() && t.dtype == "bool"))
      return t;
    error(u.range, "'!' needs a bool, found " + t.str());
    return ExprType::error();
  }
  if (!t.isTensor() || t.dtype == "bool") {
    error(u.range, "cannot negate " + t.str());
    return ExprType::error();
  }
  return t;
}

// Literals adopt the tensor's dtype; tensors must agree in dtype and
// broadcast in shape (docs/language.md, "Arithmetic").
ExprType Checker::inferBinary(const ast::BinaryExpr &b) {
  ExprType l = check(*b.lhs);
  ExprType r = check(*b.rhs);
  if (l.isError() || r.isError())
    return ExprType::error();
  if (b.op == "@") {
    CallArgs args;
    args.call = b.opRange;
    return sema::checkMatmulOperator(l, r, args, *this);
  }
  bool logical = b.op == "&&" || b.op == "||";
  bool compare = b.op == "==" || b.op == "!=" || b.op == "<" || b.op == "<=" ||
                 b.op == ">" || b.op == ">=";
  if (l.isLiteral() && r.isLiteral())
    return compare ? ExprType::make(Kind::Bool) : ExprType::literal();
  if (logical) {
    auto isBool = [](const ExprType &t) {
      return t.kind == Kind::Bool || (t.isTensor() && t.dtype == "bool");
    };
    if (!isBool(l) || !isBool(r)) {
      error(b.opRange,
            "'" + b.op + "' needs bools, found " + l.str() + " and " + r.str());
      return ExprType::error();
    }
    return l.isTensor() ? l : r;
  }
  auto adopt = [&](const ExprType &lit, const ast::Expr &litExpr,
                   ExprType other) -> ExprType {
    if (!other.isTensor()) {
      error(b.opRange, "'" + b.op + "' needs tensors, found " + other.str());
      return ExprType::error();
    }
    if (sema::isIntDType(other.dtype) &&
        litExpr.kind == ast::Expr::Kind::Number &&
        !static_cast<const ast::NumberExpr &>(litExpr).isInteger) {
      error(litExpr.range,
            "the fractional number " +
                static_cast<const ast::NumberExpr &>(litExpr).text +
                " cannot take the integer dtype " + other.dtype);
      return ExprType::error();
    }
    (void)lit;
    if (compare)
      return ExprType::tensor("bool", std::move(other.dims));
    return other;
  };
  if (l.isLiteral())
    return adopt(l, *b.lhs, std::move(r));
  if (r.isLiteral())
    return adopt(r, *b.rhs, std::move(l));
  if (!l.isTensor() || !r.isTensor()) {
    error(b.opRange,
          "'" + b.op + "' needs tensors, found " + l.str() + " and " + r.str());
    return ExprType::error();
  }
  if (l.dtype != r.dtype) {
    error(b.opRange,
          "mismatched dtypes in '" + b.op + "': " + l.str() + " and " + r.str())
        .note(b.lhs->range, "left operand is " + l.str())
        .note(b.rhs->range, "right operand is " + r.str());
    return ExprType::error();
  }
  std::string why;
  auto dims = sema::broadcast(l.dims, r.dims, why);
  if (!dims) {
    error(b.opRange,
          "shape mismatch in '" + b.op + "': " + l.str() + " and " + r.str())
        .note(b.lhs->range, "left operand is " + l.str())
        .note(b.rhs->range, "right operand is " + r.str());
    return ExprType::error();
  }
  return ExprType::tensor(compare ? "bool" : l.dtype, std::move(*dims));
}

// A subscript written as an integer literal, maybe negated; nullopt for
// any other expression.
static std::optional<int64_t> literalInteger(const ast::ExprPtr &p) {
  if (!p)
    return std::nullopt;
  const ast::Expr *e = p.get();
  int64_t sign = 1;
  if (e->kind == ast::Expr::Kind::Unary &&
      static_cast<const ast::UnaryExpr &>(*e).op == "-") {
    sign = -1;
    e = static_cast<const ast::UnaryExpr &>(*e).operand.get();
  }
  if (e->kind != ast::Expr::Kind::Number)
    return std::nullopt;
  std::optional<int64_t> v = static_cast<const ast::NumberExpr &>(*e).integer();
  return v ? std::optional<int64_t>(sign * *v) : std::nullopt;
}

// The extent of `lo:hi:step` over a dim of extent `dim`. Bounds are
// integer constants; a negative one counts from the end. Over a symbolic
// dim N the extent is symbolic where it depends on N (`x[1:]` is N-1,
// `x[1:-1]` N-2, `x[-3:2]` -N+5, `x[::2]` (N+1)/2, DimForms.cpp) and a
// number where it does not (`x[-3:]` is 3); `?` where it is not known here
// (a bound or step that is not a literal); nullopt where a step divides an
// extent the family has no quotient of (`x[::2]` of M+N, DimForms.cpp).
static std::optional<ExprType::Dim> rangeExtent(const ast::Slice &s,
                                                const ExprType::Dim &dim) {
  std::optional<int64_t> step =
      s.step ? literalInteger(s.step) : std::optional<int64_t>(1);
  std::optional<int64_t> lo =
      s.lo ? literalInteger(s.lo) : std::optional<int64_t>(0);
  if (!s.hi && lo == 0 && step == 1) // the whole dim: `:`, `0:`, `::1`
    return dim;
  if (!lo || !step || *step <= 0 || (s.hi && !literalInteger(s.hi)))
    return ExprType::Dim(std::string("?"));
  // Each bound as (from the end?, offset): `-1` is (true, -1), `2` (false, 2).
  auto bound = [](int64_t c) { return std::make_pair(c < 0, c); };
  auto [loEnd, loAt] = bound(*lo);
  auto [hiEnd, hiAt] =
      s.hi ? bound(*literalInteger(s.hi)) : std::make_pair(true, 0L);
  if (auto *n = std::get_if<int64_t>(&dim)) {
    int64_t from = loEnd ? *n + loAt : loAt, to = hiEnd ? *n + hiAt : hiAt;
    return ExprType::Dim(std::max<int64_t>(0, (to - from + *step - 1) / *step));
  }
  if (loEnd == hiEnd)
    return ExprType::Dim(
        std::max<int64_t>(0, (hiAt - loAt + *step - 1) / *step));
  if (!std::holds_alternative<std::string>(dim) ||
      !sema::parseDimForm(std::get<std::string>(dim)))
    return ExprType::Dim(std::string("?"));
  // From the start to a place from the end, N + hi - lo elements; the
  // other way round, hi - (N + lo). Run-time checks keep both from being
  // negative, so the step divides a count.
  ExprType::Dim span = loEnd ? sema::dimPlus(sema::dimNegate(dim), hiAt - loAt)
                             : sema::dimPlus(dim, hiAt - loAt);
  return sema::dimCeilDiv(span, *step);
}

ExprType Checker::inferIndex(const ast::IndexExpr &ix) {
  ExprType base = check(*ix.base);
  if (base.isError())
    return base;
  if (!base.isTensor()) {
    error(ix.base->range, "cannot index " + base.str());
    return ExprType::error();
  }
  if (ix.slices.size() > base.dims.size()) {
    error(ix.range, std::to_string(ix.slices.size()) + " subscripts for " +
                        base.str() + " of rank " +
                        std::to_string(base.dims.size()));
    return ExprType::error();
  }
  std::vector<ExprType::Dim> dims;
  for (size_t i = 0; i < base.dims.size(); ++i) {
    if (i >= ix.slices.size()) {
      dims.push_back(base.dims[i]);
      continue;
    }
    const ast::Slice &s = ix.slices[i];
    // A tensor of integers as the subscript: a gather along this dim
    // (`gather(x, i, axis: k)`), its dims in place of the dim's.
    if (!s.isRange && s.index) {
      ExprType it = check(*s.index);
      if (it.isTensor() && !it.dims.empty() && sema::isIntDType(it.dtype)) {
        for (size_t j = 0; j < ix.slices.size(); ++j) {
          const ast::Slice &o = ix.slices[j];
          if (j != i && !(o.isRange && !o.lo && !o.hi && !o.step)) {
            error(o.range, "a tensor subscript can only be combined with "
                           "`:` (use gather(x, indices, axis:) on a slice)");
            return ExprType::error();
          }
        }
        dims.insert(dims.end(), it.dims.begin(), it.dims.end());
        continue;
      }
    }
    for (const ast::ExprPtr &part : {s.index, s.lo, s.hi, s.step})
      if (part) {
        ExprType pt = check(*part);
        if (!pt.isError() && !pt.isLiteral() &&
            !(pt.isScalarTensor() && sema::isIntDType(pt.dtype)))
          error(part->range,
                "a subscript must be an integer, found " + pt.str());
      }
    if (!s.isRange)
      continue; // an index drops the dim
    if (auto step = literalInteger(s.step); step && *step <= 0) {
      error(s.step->range, "the step of a range must be a positive integer, "
                           "found " +
                               std::to_string(*step));
      return ExprType::error();
    }
    std::optional<ExprType::Dim> extent = rangeExtent(s, base.dims[i]);
    if (!extent) {
      error(s.range,
            "a slice with step " + std::to_string(*literalInteger(s.step)) +
                " of a dim of extent " + dimStr(base.dims[i]) +
                " has an extent Tessera does not compute: " + kQuotientRule);
      return ExprType::error();
    }
    dims.push_back(*extent);
  }
  return ExprType::tensor(base.dtype, dims);
}

ExprType Checker::inferMember(const ast::MemberExpr &m) {
  ExprType base = check(*m.base);
  if (base.isError())
    return base;
  if (base.kind == Kind::Module) {
    auto mod =
        modules.find(m.base->kind == ast::Expr::Kind::Name
                         ? static_cast<const ast::NameExpr &>(*m.base).name
                         : "");
    if (mod == modules.end()) { // the standard library: builtins
      if (sema::isBuiltin(m.member)) {
        ExprType t = ExprType::make(Kind::Function);
        t.name = m.member;
        return t;
      }
      error(m.memberRange,
            "module '" + base.name + "' has no '" + m.member + "'");
      return ExprType::error();
    }
    auto g = mod->second->result.globals.find(m.member);
    if (g == mod->second->result.globals.end()) {
      error(m.memberRange,
            "module '" + base.name + "' has no '" + m.member + "'");
      return ExprType::error();
    }
    return g->second;
  }
  // x.T swaps the last two dims; x.H is its conjugate (x.T of a real x).
  if (base.isTensor() && (m.member == "T" || m.member == "H")) {
    if (base.dims.size() < 2) {
      error(m.memberRange,
            "'." + m.member + "' needs rank 2 or more, found " + base.str());
      return ExprType::error();
    }
    std::swap(base.dims[base.dims.size() - 1], base.dims[base.dims.size() - 2]);
    return base;
  }
  error(m.memberRange, base.str() + " has no member '" + m.member + "'");
  return ExprType::error();
}

ExprType Checker::inferLambda(const ast::LambdaExpr &l) {
  ExprType t = ExprType::make(Kind::Function);
  t.name = "lambda";
  bool typed =
      std::all_of(l.params.begin(), l.params.end(),
                  [](const ast::LambdaParam &p) { return p.type.has_value(); });
  lambdaScopes[&l] = scopes;
  if (!typed) {
    t.lambda = &l;
    return t;
  }
  // Fully typed: its signature is known now.
  auto sig = std::make_shared<Signature>();
  sig->name = "lambda";
  sig->where = l.range;
  for (const ast::LambdaParam &p : l.params) {
    checkType(*p.type, currentDims());
    sig->params.emplace_back(p.name, typeOf(*p.type));
    sig->paramWhere.push_back(p.range);
  }
  std::vector<ExprType> args;
  for (const auto &p : sig->params)
    args.push_back(p.second);
  ExprType body = applyLambda(l, args);
  if (body.isError())
    return body;
  sig->results =
      body.kind == Kind::Tuple ? body.elements : std::vector<ExprType>{body};
  t.sig = sig;
  return t;
}

ExprType Checker::applyLambda(const ast::LambdaExpr &l,
                              const std::vector<ExprType> &args) {
  if (args.size() != l.params.size()) {
    error(l.range, "this lambda takes " + std::to_string(l.params.size()) +
                       " arguments, given " + std::to_string(args.size()));
    return ExprType::error();
  }
  std::vector<std::map<std::string, Binding>> saved = std::move(scopes);
  scopes = lambdaScopes[&l];
  scopes.emplace_back();
  for (size_t i = 0; i < args.size(); ++i)
    scopes.back()[l.params[i].name] = {args[i], l.params[i].range, true, false};
  ExprType t = check(*l.body);
  scopes = std::move(saved);
  return t;
}

ExprType Checker::inferCall(const ast::CallExpr &c) {
  // A builtin called by name (unless a local shadows it).
  std::string builtin;
  if (c.callee->kind == ast::Expr::Kind::Name) {
    const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
    if (sema::isBuiltin(n) && !lookup(n))
      builtin = n;
  } else if (c.callee->kind == ast::Expr::Kind::Member) {
    const auto &m = static_cast<const ast::MemberExpr &>(*c.callee);
    if (m.base->kind == ast::Expr::Kind::Name && sema::isBuiltin(m.member)) {
      const Binding *b =
          lookup(static_cast<const ast::NameExpr &>(*m.base).name);
      if (b && b->type.kind == Kind::Module &&
          !modules.count(static_cast<const ast::NameExpr &>(*m.base).name))
        builtin = m.member;
    }
  }
  CallArgs args;
  args.call = c.range;
  args.callee = c.callee->range;
  bool argError = false;
  for (const ast::Arg &a : c.args) {
    ExprType t;
    if (!builtin.empty() && !a.name.empty() &&
        sema::takesNameArgument(builtin, a.name))
      t = ExprType::make(Kind::String);
    else
      t = check(*a.value);
    argError |= t.isError();
    if (a.name.empty())
      args.positional.push_back({&a, t});
    else if (!args.keyword.emplace(a.name, CallArgs::Item{&a, t}).second) {
      error(a.nameRange, "argument '" + a.name + "' given twice");
      argError = true;
    }
  }
  if (!builtin.empty()) {
    result.types[c.callee.get()] =
        inferName(ast::NameExpr(c.callee->range, builtin));
    return argError ? ExprType::error()
                    : sema::checkBuiltin(builtin, args, *this);
  }
  ExprType fn = check(*c.callee);
  if (fn.isError() || argError)
    return ExprType::error();
  if (fn.kind == Kind::DiffOperator)
    return applyDiffOperator(fn, args);
  return callFunction(fn, args);
}

// Dx(u): a derivative of a field u is a field with u's signature.
ExprType Checker::applyDiffOperator(const ExprType &op, CallArgs &args) {
  if (args.positional.size() != 1 || !args.keyword.empty()) {
    error(args.call, "a differential operator applies to one op");
    return ExprType::error();
  }
  const ExprType &f = args.positional[0].type;
  if (f.kind != Kind::Function || !f.sig || f.sig->params.size() != 1 ||
      f.sig->results.size() != 1) {
    error(args.positional[0].arg->value->range,
          "a differential operator applies to an op of one input and one "
          "output, found " +
              f.str());
    return ExprType::error();
  }
  const ExprType &in = f.sig->params[0].second;
  if (in.isTensor() && !in.dims.empty())
    if (auto *n = std::get_if<int64_t>(&in.dims.back()); n && op.axis >= *n) {
      error(args.call, "partial(axis: " + std::to_string(op.axis) +
                           ") of an op whose "
                           "points have " +
                           std::to_string(*n) + " coordinates");
      return ExprType::error();
    }
  return f;
}

// Binds the callee's dim parameters by matching argument shapes against
// parameter shapes; every use of a dim must agree with its first binding.
ExprType Checker::unify(const Signature &sig, CallArgs &args) {
  std::vector<const CallArgs::Item *> bound(sig.params.size(), nullptr);
  if (args.positional.size() > sig.params.size()) {
    error(args.call, "'" + sig.name + "' takes " +
                         std::to_string(sig.params.size()) + " argument" +
                         (sig.params.size() == 1 ? "" : "s") + ", given " +
                         std::to_string(args.positional.size()))
        .note(sig.where, "'" + sig.name + "' declared here");
    return ExprType::error();
  }
  for (size_t i = 0; i < args.positional.size(); ++i)
    bound[i] = &args.positional[i];
  for (auto &[name, item] : args.keyword) {
    size_t i = 0;
    while (i < sig.params.size() && sig.params[i].first != name)
      ++i;
    if (i == sig.params.size()) {
      std::vector<std::string> names;
      for (const auto &p : sig.params)
        names.push_back(p.first);
      error(item.arg->nameRange, unknownArgument(sig.name, name, names))
          .note(sig.where, "'" + sig.name + "' declared here");
      return ExprType::error();
    }
    if (bound[i]) {
      error(item.arg->nameRange, "argument '" + name + "' of '" + sig.name +
                                     "' given twice, by position and by name")
          .note(bound[i]->arg->value->range, "given by position here");
      return ExprType::error();
    }
    bound[i] = &item;
  }
  std::map<std::string, std::pair<ExprType::Dim, SourceRange>> dims;
  struct Computed {
    DimForm form;
    std::string text;
    ExprType::Dim got;
    SourceRange where;
    std::string param;
    size_t axis;
  };
  std::vector<Computed> computed;
  for (size_t i = 0; i < sig.params.size(); ++i) {
    const auto &[pname, ptype] = sig.params[i];
    if (!bound[i]) {
      error(args.call, "missing argument '" + pname + "' of '" + sig.name + "'")
          .note(sig.where, "'" + sig.name + "' declared here");
      return ExprType::error();
    }
    const ExprType &a = bound[i]->type;
    SourceRange where = bound[i]->arg->value->range;
    if (a.isLiteral() && ptype.isScalarTensor())
      continue;
    if (!ptype.isTensor()) {
      if (a != ptype) {
        error(where, "argument '" + pname + "' of '" + sig.name + "' expects " +
                         ptype.str() + ", found " + a.str());
        return ExprType::error();
      }
      continue;
    }
    if (!a.isTensor() || a.dtype != ptype.dtype ||
        a.dims.size() != ptype.dims.size()) {
      auto &d =
          error(where, "argument '" + pname + "' of '" + sig.name +
                           "' expects " + ptype.str() + ", found " + a.str());
      if (i < sig.paramWhere.size())
        d.note(sig.paramWhere[i], "parameter declared here");
      return ExprType::error();
    }
    for (size_t k = 0; k < ptype.dims.size(); ++k) {
      const ExprType::Dim &want = ptype.dims[k];
      const ExprType::Dim &got = a.dims[k];
      // An extent computed from dims (N-1, M+N): checked once every dim
      // is bound.
      if (auto *sym = std::get_if<std::string>(&want)) {
        auto form = parseDimForm(*sym);
        std::vector<std::string> symbols =
            form ? form->symbols() : std::vector<std::string>{};
        if (form && !form->isDim() &&
            std::all_of(
                symbols.begin(), symbols.end(), [&](const std::string &s) {
                  return std::find(sig.dimParams.begin(), sig.dimParams.end(),
                                   s) != sig.dimParams.end();
                })) {
          computed.push_back({*form, *sym, got, where, pname, k});
          continue;
        }
      }
      if (auto *sym = std::get_if<std::string>(&want);
          sym && std::find(sig.dimParams.begin(), sig.dimParams.end(), *sym) !=
                     sig.dimParams.end()) {
        auto [it, fresh] = dims.emplace(*sym, std::make_pair(got, where));
        if (!fresh && it->second.first != got &&
            got != ExprType::Dim(std::string("?")) &&
            it->second.first != ExprType::Dim(std::string("?"))) {
          error(where, "dim " + *sym + " of '" + sig.name + "' is " +
                           dimStr(got) + " from argument '" + pname + "' but " +
                           dimStr(it->second.first) + " earlier")
              .note(it->second.second,
                    *sym + " bound to " + dimStr(it->second.first) + " here");
          return ExprType::error();
        }
        continue;
      }
      if (want != got && got != ExprType::Dim(std::string("?"))) {
        auto &d = error(where, "dim " + std::to_string(k) + " of argument '" +
                                   pname + "' of '" + sig.name + "' is " +
                                   dimStr(got) + ", expected " + dimStr(want));
        if (i < sig.paramWhere.size())
          d.note(sig.paramWhere[i], "parameter declared here");
        return ExprType::error();
      }
    }
  }
  // The dims of a form as the call binds them; false where one is not
  // bound (its argument was reported).
  auto valuesOf = [&](const DimForm &form,
                      std::map<std::string, ExprType::Dim> &values) {
    for (const std::string &symbol : form.symbols()) {
      auto it = dims.find(symbol);
      if (it == dims.end())
        return false;
      values[symbol] = it->second.first;
    }
    return true;
  };
  // "N = M-1, K = 2", for messages.
  auto bindings = [](const std::map<std::string, ExprType::Dim> &values) {
    std::string s;
    for (const auto &[symbol, value] : values)
      s += (s.empty() ? "" : ", ") + symbol + " = " + dimStr(value);
    return s;
  };
  for (const Computed &c : computed) {
    std::map<std::string, ExprType::Dim> values;
    if (!valuesOf(c.form, values))
      continue;
    std::optional<ExprType::Dim> want = dimApply(c.form, values);
    if (!want) {
      error(c.where,
            "dim " + std::to_string(c.axis) + " of argument '" + c.param +
                "' of '" + sig.name + "' expects " + c.text + " for " +
                bindings(values) +
                ", which is not an extent Tessera computes: " + kQuotientRule);
      return ExprType::error();
    }
    const ExprType::Dim unknown = std::string("?");
    if (*want != c.got && *want != unknown && c.got != unknown) {
      auto &d = error(
          c.where, "dim " + std::to_string(c.axis) + " of argument '" +
                       c.param + "' of '" + sig.name + "' is " + dimStr(c.got) +
                       ", expected " + c.text +
                       (dimStr(*want) == c.text ? "" : " = " + dimStr(*want)));
      for (const auto &[symbol, value] : values)
        d.note(dims[symbol].second,
               symbol + " bound to " + dimStr(value) + " here");
      return ExprType::error();
    }
  }
  std::vector<ExprType> results;
  for (ExprType r : sig.results) {
    for (size_t k = 0; k < r.dims.size(); ++k) {
      ExprType::Dim &d = r.dims[k];
      auto *sym = std::get_if<std::string>(&d);
      if (!sym)
        continue;
      if (dims.count(*sym)) {
        d = dims[*sym].first;
        continue;
      }
      // An extent computed from dims the call binds.
      auto form = parseDimForm(*sym);
      std::map<std::string, ExprType::Dim> values;
      if (!form || !valuesOf(*form, values))
        continue;
      std::optional<ExprType::Dim> value = dimApply(*form, values);
      if (!value) {
        error(
            args.call,
            "dim " + std::to_string(k) + " of the result of '" + sig.name +
                "' is " + *sym + " for " + bindings(values) +
                ", which is not an extent Tessera computes: " + kQuotientRule);
        return ExprType::error();
      }
      d = *value;
    }
    results.push_back(r);
  }
  if (results.size() == 1)
    return results[0];
  ExprType t = ExprType::make(Kind::Tuple);
  t.elements = results;
  return t;
}

} // namespace tessera::sema
