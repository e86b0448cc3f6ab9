// Checking function bodies: ops and entries, train steps, adjoints,
// statements and warnings.
#include "Checker.h"

namespace tessera::sema {

std::map<std::string, SourceRange>
Checker::declareDims(const ast::DimParams &dps) {
  std::map<std::string, SourceRange> dims;
  for (const auto &[name, where] : dps) {
    auto [it, inserted] = dims.emplace(name, where);
    if (!inserted)
      error(where, "duplicate dim '" + name + "'")
          .note(it->second, "'" + name + "' first declared here");
  }
  return dims;
}

void Checker::bindParams(const std::vector<ast::Param> &params,
                         const std::map<std::string, SourceRange> &dims) {
  // A parameter's extent computed from a dim (y: f32[N-1]) needs the dim
  // itself as another parameter's dim, which binds it.
  std::set<std::string> bound;
  for (const ast::Param &p : params)
    for (const ast::Dim &d : p.type.dims)
      if (d.isSymbolic())
        bound.insert(d.symbol());
  for (const ast::Param &p : params) {
    checkType(p.type, dims, /*isResult=*/false, &bound);
    ExprType t = typeOf(p.type);
    if (!isKnownDType(t.dtype))
      t = ExprType::error(); // reported once, at the type
    auto &scope = scopes.back();
    if (scope.count(p.name)) {
      error(p.nameRange, "duplicate parameter '" + p.name + "'")
          .note(scope[p.name].where, "'" + p.name + "' first declared here");
      continue;
    }
    scope[p.name] = {t, p.nameRange, true, false};
  }
}

void Checker::checkFunction(const ast::FuncDecl &f) {
  if (checked.count(&f))
    return;
  checked.insert(&f);
  currentName = f.name;
  auto dims = declareDims(f.dimParams);
  dimsInScope = dims;
  scopes.assign(1, {});
  bindParams(f.params, dims);
  std::map<std::string, SourceRange> resultNames;
  for (const ast::Param &r : f.results) {
    checkType(r.type, dims, /*isResult=*/true);
    auto [it, fresh] = resultNames.emplace(r.name, r.nameRange);
    if (!fresh)
      error(r.nameRange, "duplicate result name '" + r.name + "'")
          .note(it->second, "'" + r.name + "' first declared here");
  }
  if (f.isEntry)
    checkOutputDimsBound(f);
  if (f.policy) {
    ExprType p = check(*f.policy);
    if (!p.isError() && p.kind != Kind::Policy)
      error(f.policy->range, "a policy must be numeric(...), found " + p.str());
  }
  std::vector<ExprType> inferred;
  bool returned =
      checkBody(f.body, f.hasResultType ? &f.results : nullptr, inferred,
                /*isTrain=*/false);
  if (!returned)
    error(f.nameRange, std::string(f.isEntry ? "entry" : "op") + " '" + f.name +
                           "' does not return a value");
  if (!f.hasResultType && returned) {
    auto sig = signatures[&f];
    sig->results = inferred;
  }
  finishScope();
}

// The runtime binds symbolic dims from the inputs' shapes, so every dim an
// output uses must appear in some input.
void Checker::checkOutputDimsBound(const ast::FuncDecl &f) {
  std::set<std::string> bound;
  for (const ast::Param &p : f.params)
    for (const ast::Dim &d : p.type.dims)
      if (d.isSymbolic())
        bound.insert(d.symbol());
  std::set<std::string> declared;
  for (const auto &d : f.dimParams)
    declared.insert(d.first);
  for (const ast::Param &r : f.results)
    for (const ast::Dim &d : r.type.dims) {
      // An extent computed from dims needs each of them.
      std::optional<DimForm> form =
          d.isSymbolic() ? parseDimForm(d.symbol()) : std::nullopt;
      for (const std::string &symbol :
           form ? form->symbols() : std::vector<std::string>{})
        if (declared.count(symbol) && !bound.count(symbol))
          error(d.range,
                "output dim '" + symbol + "' is not bound by any input");
    }
}

void Checker::checkTrain(const ast::TrainDecl &t) {
  currentName = t.name;
  auto dims = declareDims(t.dimParams);
  dimsInScope = dims;
  scopes.assign(1, {});
  bindParams(t.params, dims);
  ExprType opt = check(*t.optimizer);
  if (!opt.isError() && opt.kind != Kind::Optimizer)
    error(t.optimizer->range,
          "'with' takes an optimizer such as adamw(lr: 1e-3), found " +
              opt.str());
  if (t.policy)
    check(*t.policy);
  std::vector<ExprType> inferred;
  bool minimized = checkBody(t.body, nullptr, inferred, /*isTrain=*/true);
  if (!minimized)
    error(t.nameRange, "train step '" + t.name + "' has no `minimize LOSS`");
  finishScope();
}

// adjoint f(x..., g): the cotangent g has f's result type; the body
// returns one gradient per input, each of that input's type.
void Checker::checkAdjoint(const ast::AdjointDecl &a) {
  currentName = a.name;
  dimsInScope.clear();
  auto it = funcByName.find(a.name);
  if (it == funcByName.end()) {
    error(a.nameRange, "adjoint of unknown op '" + a.name + "'");
    return;
  }
  const ast::FuncDecl &f = *it->second;
  checkFunction(f);
  const Signature &sig = *signatures[&f];
  if (a.params.size() != sig.params.size() + 1) {
    error(a.range, "the adjoint of '" + a.name + "' takes its " +
                       std::to_string(sig.params.size()) +
                       (sig.params.size() == 1 ? " input" : " inputs") +
                       " and the cotangent (" +
                       std::to_string(sig.params.size() + 1) + " names), not " +
                       std::to_string(a.params.size()))
        .note(f.nameRange, "'" + a.name + "' declared here");
    return;
  }
  scopes.assign(1, {});
  for (size_t i = 0; i < sig.params.size(); ++i)
    scopes.back()[a.params[i].first] = {sig.params[i].second,
                                        a.params[i].second, true, false};
  ExprType g = sig.results.size() == 1 ? sig.results[0] : ExprType::error();
  scopes.back()[a.params.back().first] = {g, a.params.back().second, true,
                                          false};
  std::vector<ast::Param> grads;
  for (const ast::Param &p : f.params)
    grads.push_back({p.name, p.nameRange, p.type});
  std::vector<ExprType> inferred;
  if (!checkBody(a.body, &grads, inferred, false))
    error(a.nameRange, "adjoint '" + a.name + "' does not return a value");
  finishScope();
}

void Checker::finishScope() {
  for (const auto &[name, b] : scopes.back())
    if (b.isLocal && !b.used)
      pendingUnused.push_back(b.where);
  std::sort(pendingUnused.begin(), pendingUnused.end(),
            [](const SourceRange &a, const SourceRange &b) {
              return a.begin < b.begin;
            });
  for (const SourceRange &r : pendingUnused)
    diags.warning(r, "unused let '" +
                         r.file->text().substr(r.begin, r.end - r.begin) + "'");
  pendingUnused.clear();
}

// Returns whether the body returned (or, in a train step, minimized).
bool Checker::checkBody(const std::vector<ast::Stmt> &body,
                        const std::vector<ast::Param> *results,
                        std::vector<ExprType> &inferred, bool isTrain) {
  bool done = false;
  for (const ast::Stmt &s : body) {
    if (done) {
      diags.warning(s.range, "statement after return is never run");
      break;
    }
    switch (s.kind) {
    case ast::Stmt::Kind::Let:
      checkLet(s);
      break;
    case ast::Stmt::Kind::TupleLet:
      checkTupleLet(s);
      break;
    case ast::Stmt::Kind::Return:
      if (isTrain)
        error(s.range, "a train step ends with `minimize LOSS`, not return");
      checkReturn(s, results, inferred);
      done = true;
      break;
    case ast::Stmt::Kind::Minimize: {
      ExprType t = check(*s.values[0]);
      if (!isTrain)
        error(s.range, "`minimize` is only allowed in a train step");
      else if (!t.isError() &&
               !(t.isScalarTensor() && sema::isFloatDType(t.dtype)))
        error(s.values[0]->range,
              "the loss must be a floating-point scalar, found " + t.str());
      done = true;
      break;
    }
    }
  }
  return done;
}

void Checker::bindLocal(const std::string &name, SourceRange where,
                        ExprType t) {
  // `_` discards a value: nothing is bound, so it is never unused, never
  // shadows and cannot be read.
  if (name == "_")
    return;
  auto &scope = scopes.back();
  auto it = scope.find(name);
  if (it != scope.end()) {
    diags.warning(where, "'" + name + "' shadows an earlier binding")
        .note(it->second.where, "previous binding of '" + name + "' here");
    if (it->second.isLocal && !it->second.used)
      pendingUnused.push_back(it->second.where);
  }
  scope[name] = {std::move(t), where, false, true};
}

void Checker::checkLet(const ast::Stmt &s) {
  ExprType t = check(*s.values[0]);
  if (s.type) {
    // Every dim of the body is bound by now: a computed extent (N-1) is as
    // welcome as in a result type.
    checkType(*s.type, currentDims(), /*isResult=*/true);
    ExprType want = typeOf(*s.type);
    if (!t.isError() && !(t.isLiteral() && want.dims.empty()) && t != want)
      error(s.values[0]->range, "'" + s.names[0].first + "' is declared " +
                                    want.str() + " but its value is " + t.str())
          .note(s.type->range, "declared here");
    t = want;
  }
  bindLocal(s.names[0].first, s.names[0].second, std::move(t));
}

void Checker::checkTupleLet(const ast::Stmt &s) {
  ExprType t = check(*s.values[0]);
  if (!t.isError() &&
      (t.kind != Kind::Tuple || t.elements.size() != s.names.size())) {
    error(s.values[0]->range, "cannot unpack " + t.str() + " into " +
                                  std::to_string(s.names.size()) + " names");
    t = ExprType::error();
  }
  for (size_t i = 0; i < s.names.size(); ++i)
    bindLocal(s.names[i].first, s.names[i].second,
              t.isError() ? t : t.elements[i]);
}

void Checker::checkReturn(const ast::Stmt &s,
                          const std::vector<ast::Param> *results,
                          std::vector<ExprType> &inferred) {
  std::vector<ExprType> types;
  for (const ast::ExprPtr &v : s.values)
    types.push_back(check(*v));
  if (!results) {
    // An inferred result: a returned tuple is several results.
    if (types.size() == 1 && types[0].kind == Kind::Tuple)
      types = types[0].elements;
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i].isLiteral())
        types[i] = ExprType::tensor("f32", {});
      // Results are tensors, as declared ones are. A function would also let
      // an op's signature hold itself (`return f`), a type without end.
      if (!types[i].isTensor() && !types[i].isError()) {
        const ast::Expr *value = s.values[s.values.size() == 1 ? 0 : i].get();
        if (s.values.size() == 1 && value->kind == ast::Expr::Kind::Tuple) {
          const auto &tuple = static_cast<const ast::TupleExpr &>(*value);
          if (i < tuple.elements.size())
            value = tuple.elements[i].get();
        }
        error(value->range, "'" + currentName + "' returns " + types[i].str() +
                                ": an op's results are tensors");
        types[i] = ExprType::error();
      }
    }
    inferred = types;
    return;
  }
  // One tuple for several results (`return vjp(f, (a, b), dy)`, a call of
  // an op with several results): its elements are the results.
  bool spread = s.values.size() == 1 && results->size() != 1 &&
                types[0].kind == Kind::Tuple;
  if (spread)
    types = types[0].elements;
  if (types.size() != results->size()) {
    error(s.range,
          "'" + currentName + "' returns " + std::to_string(results->size()) +
              " value" + (results->size() == 1 ? "" : "s") +
              ", but this return gives " + std::to_string(types.size()));
    return;
  }
  for (size_t i = 0; i < types.size(); ++i) {
    const ExprType &t = types[i];
    const ast::Expr &value = *s.values[spread ? 0 : i];
    if (t.isError())
      continue;
    ExprType want = typeOf((*results)[i].type);
    if (!isKnownDType(want.dtype))
      continue;
    if (t.isLiteral()) {
      if (spread) {
        error(value.range,
              "cannot return a number inside a tuple: return it on its own");
        continue;
      }
      if (!want.dims.empty())
        error(value.range, "cannot return a number as " + want.str());
      result.types[&value] = want;
      continue;
    }
    if (t != want)
      error(value.range, "return type mismatch: expected " + want.str() +
                             ", found " + t.str() +
                             (spread ? " (result " + std::to_string(i) + ")"
                                     : std::string()))
          .note((*results)[i].type.range, "return type declared here");
  }
}

} // namespace tessera::sema
