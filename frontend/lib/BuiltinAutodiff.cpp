// Type rules of the autodiff forms: grad, value_and_grad, vjp, jvp and hvp
// take a function with a signature and differentiate it with respect to its
// floating-point parameters.
#include "BuiltinCall.h"

namespace tessera::sema::builtin {

// Autodiff forms take a function with a signature.
static const Signature *diffSignature(Call &c, const std::string &p) {
  if (!c.need(p))
    return nullptr;
  const ExprType &f = c.type(p);
  if (f.kind != Kind::Function || !f.sig) {
    c.fail(c.where(p), "'" + c.name +
                           "' needs an op with a declared signature, found " +
                           f.str());
    return nullptr;
  }
  return f.sig.get();
}

// Differentiation is with respect to floating-point tensors.
static bool differentiable(Call &c, const Signature &sig, size_t i) {
  const auto &[n, t] = sig.params[i];
  if (t.isTensor() && isFloatDType(t.dtype))
    return true;
  c.fail(c.where("f"), "'" + c.name +
                           "' differentiates with respect to floating-point "
                           "tensors; parameter '" +
                           n + "' of '" + sig.name + "' is " + t.str());
  return false;
}

// `wrt:` names a parameter of the differentiated op; default: the first.
static std::optional<size_t> wrtIndex(Call &c, const Signature &sig) {
  if (!c.has("wrt"))
    return 0;
  const ast::Expr &w = c.expr("wrt");
  if (w.kind == ast::Expr::Kind::Name)
    for (size_t i = 0; i < sig.params.size(); ++i)
      if (sig.params[i].first == static_cast<const ast::NameExpr &>(w).name)
        return i;
  if (w.kind == ast::Expr::Kind::Number) {
    std::optional<int64_t> i =
        static_cast<const ast::NumberExpr &>(w).integer();
    if (i && *i >= 0 && static_cast<size_t>(*i) < sig.params.size())
      return static_cast<size_t>(*i);
  }
  c.fail(w.range, "'wrt' must name a parameter of '" + sig.name + "'");
  return std::nullopt;
}

static ExprType resultOf(const Signature &sig) {
  if (sig.results.size() == 1)
    return sig.results[0];
  ExprType t = ExprType::make(Kind::Tuple);
  t.elements = sig.results;
  return t;
}

ExprType gradRule(Call &c, bool withValue) {
  const Signature *sig = diffSignature(c, "f");
  if (!sig)
    return ExprType::error();
  if (sig->results.size() != 1 || !sig->results[0].isScalarTensor())
    return c.fail(c.where("f"), "'" + c.name +
                                    "' needs a function with one scalar "
                                    "result; '" +
                                    sig->name + "' returns " +
                                    resultOf(*sig).str());
  auto i = wrtIndex(c, *sig);
  if (!i || !differentiable(c, *sig, *i))
    return ExprType::error();
  auto g = std::make_shared<Signature>(*sig);
  g->name = c.name + "(" + sig->name + ")";
  ExprType grad = sig->params[*i].second;
  g->results = withValue ? std::vector<ExprType>{sig->results[0], grad}
                         : std::vector<ExprType>{grad};
  return function(g);
}

// The primals or tangents of vjp/jvp: one tensor, or a tuple of them.
static std::vector<ExprType> flatten(const ExprType &t) {
  return t.kind == Kind::Tuple ? t.elements : std::vector<ExprType>{t};
}

ExprType vjpRule(Call &c, bool forward) {
  const Signature *sig = diffSignature(c, "f");
  if (!sig || !c.need("primals") || !c.need(forward ? "tangents" : "cotangent"))
    return ExprType::error();
  for (size_t i = 0; i < sig->params.size(); ++i)
    if (!differentiable(c, *sig, i))
      return ExprType::error();
  CallArgs inner;
  inner.call = c.args.call;
  inner.callee = c.args.callee;
  std::vector<ExprType> primals = flatten(c.type("primals"));
  if (primals.size() != sig->params.size())
    return c.fail(c.where("primals"),
                  "'" + sig->name + "' takes " +
                      std::to_string(sig->params.size()) + " inputs, but " +
                      std::to_string(primals.size()) + " primals are given");
  ast::Arg dummy;
  dummy.value = std::make_shared<ast::NameExpr>(c.where("primals"), "primals");
  for (const ExprType &p : primals)
    inner.positional.push_back({&dummy, p});
  ExprType out = c.host.callFunction(c.type("f"), inner);
  if (out.isError())
    return out;
  if (forward) {
    std::vector<ExprType> tangents = flatten(c.type("tangents"));
    if (tangents != primals)
      return c.fail(c.where("tangents"),
                    "tangents " + c.type("tangents").str() +
                        " must match the primals " + c.type("primals").str());
    ExprType t = ExprType::make(Kind::Tuple);
    t.elements = {out, out};
    return t;
  }
  if (c.type("cotangent") != out)
    return c.fail(c.where("cotangent"),
                  "the cotangent " + c.type("cotangent").str() +
                      " must have the output's type " + out.str());
  if (primals.size() == 1)
    return primals[0];
  ExprType t = ExprType::make(Kind::Tuple);
  t.elements = primals;
  return t;
}

ExprType hvpRule(Call &c) {
  const Signature *sig = diffSignature(c, "f");
  if (!sig || !c.need("dir"))
    return ExprType::error();
  if (sig->results.size() != 1 || !sig->results[0].isScalarTensor())
    return c.fail(c.where("f"),
                  "'hvp' needs a function with one scalar result; '" +
                      sig->name + "' returns " + resultOf(*sig).str());
  auto i = wrtIndex(c, *sig);
  if (!i || !differentiable(c, *sig, *i))
    return ExprType::error();
  const ExprType &x = sig->params[*i].second;
  // Dims are the callee's symbols here; the call of the result unifies them.
  const ExprType &dir = c.type("dir");
  if (!dir.isError() && (!dir.isTensor() || dir.dtype != x.dtype ||
                         dir.dims.size() != x.dims.size()))
    return c.fail(c.where("dir"), "the direction " + c.type("dir").str() +
                                      " must have the type of '" +
                                      sig->params[*i].first + "', " + x.str());
  auto h = std::make_shared<Signature>(*sig);
  h->name = "hvp(" + sig->name + ")";
  h->results = {x};
  return function(h);
}

} // namespace tessera::sema::builtin
