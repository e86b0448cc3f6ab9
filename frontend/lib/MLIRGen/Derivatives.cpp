// Calls and derivatives into Graph IR: calls of ops with casts to their
// generic signatures, derived ops (grad, value_and_grad, differential
// operators) synthesized once as functions, hvp, vjp and jvp.
#include "Generator.h"

namespace tessera::mlirgen {

SmallVector<Value> Generator::callOp(const ast::CallExpr &c) {
  const std::string &n = static_cast<const ast::NameExpr &>(*c.callee).name;
  return callFunc(c, funcs[n]);
}

// Values of `exprs` cast to the exact types of `types` (a generic
// signature's `?` dims may be known at the call site).
SmallVector<Value> Generator::castArgs(ArrayRef<const ast::Expr *> exprs,
                                       TypeRange types) {
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
SmallVector<Value> Generator::refine(const ast::Expr &call, ValueRange values) {
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
      results[i] =
          b.create<tensor::CastOp>(loc(call.range), refined, results[i]);
  }
  return results;
}

// The function symbol an op-valued expression stands for: an op, or a
// derivative of one, synthesized once as a private function.
func::FuncOp Generator::functionSymbol(const ast::Expr &e) {
  if (e.kind == ast::Expr::Kind::Name) {
    auto it = funcs.find(static_cast<const ast::NameExpr &>(e).name);
    if (it != funcs.end())
      return it->second;
    unsupported(e.range, "this op value");
    return {};
  }
  if (e.kind == ast::Expr::Kind::Member) {
    // module.op: an op of an imported user module.
    const auto &m = static_cast<const ast::MemberExpr &>(e);
    if (m.base->kind == ast::Expr::Kind::Name) {
      auto mod =
          imported.find(static_cast<const ast::NameExpr &>(*m.base).name);
      if (mod != imported.end()) {
        auto fn = mod->second.find(m.member);
        if (fn != mod->second.end())
          return fn->second;
      }
    }
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
                        Twine(calleeType->order))
                           .str();
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
    std::string name =
        (f.getName() + (withValue ? ".vg" : ".grad") + Twine(wrt)).str();
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

int64_t Generator::wrtIndex(const ast::CallExpr &c, func::FuncOp f) {
  const ast::Expr *w = arg(c, 1, "wrt");
  if (!w)
    return 0;
  if (w->kind == ast::Expr::Kind::Number)
    return static_cast<const ast::NumberExpr &>(*w).integer().value_or(0);
  const std::string &n = static_cast<const ast::NameExpr &>(*w).name;
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    if (auto a = f.getArgAttrOfType<StringAttr>(i, tgraph::kNameAttr);
        a && a.getValue() == n)
      return i;
  return 0;
}

// hvp(f, wrt:, dir:)(args), or a call of any derived op value.
SmallVector<Value> Generator::callDerived(const ast::CallExpr &c) {
  if (c.callee->kind == ast::Expr::Kind::Call) {
    const auto &form = static_cast<const ast::CallExpr &>(*c.callee);
    if (form.callee->kind == ast::Expr::Kind::Name &&
        static_cast<const ast::NameExpr &>(*form.callee).name == "hvp") {
      func::FuncOp f = functionSymbol(*arg(form, 0, "f"));
      if (!f)
        return {};
      int64_t wrt = wrtIndex(form, f);
      SmallVector<Value> args =
          castArgs(positionalArgs(c, f), f.getArgumentTypes());
      SmallVector<Value> dir =
          castArgs({arg(form, 2, "dir")}, {f.getArgumentTypes()[wrt]});
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

std::vector<const ast::Expr *> Generator::positionalArgs(const ast::CallExpr &c,
                                                         func::FuncOp fn) {
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
SmallVector<Value> Generator::genVjpJvp(const ast::CallExpr &c, bool forward) {
  func::FuncOp f = functionSymbol(*arg(c, 0, "f"));
  if (!f)
    return {};
  auto elements = [](const ast::Expr *e) {
    std::vector<const ast::Expr *> out;
    if (e && e->kind == ast::Expr::Kind::Tuple)
      for (const ast::ExprPtr &x :
           static_cast<const ast::TupleExpr &>(*e).elements)
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
    auto op =
        b.create<tgraph::JvpOp>(where, results, f.getName(), primals, tangents);
    return refine(c, op->getResults());
  }
  SmallVector<Value> cotangents =
      castArgs(elements(arg(c, 2, "cotangent")), f.getResultTypes());
  auto op = b.create<tgraph::VjpOp>(where, f.getArgumentTypes(), f.getName(),
                                    primals, cotangents);
  return refine(c, op->getResults());
}

SmallVector<Value> Generator::callFunc(const ast::CallExpr &c,
                                       func::FuncOp callee) {
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

} // namespace tessera::mlirgen
