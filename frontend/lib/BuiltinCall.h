// One call of a builtin operator, with its arguments bound to parameter
// names, and what the type rules in Builtins.cpp and BuiltinAutodiff.cpp
// share.
#pragma once

#include "SemaTypes.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace tessera::sema::builtin {

using Kind = ExprType::Kind;

// One call of one builtin, with its arguments bound to parameter names.
class Call {
public:
  Call(const std::string &name, const std::vector<std::string> &params,
       CallArgs &args, BuiltinHost &host)
      : name(name), args(args), host(host) {
    for (size_t i = 0; i < args.positional.size(); ++i) {
      if (i >= params.size()) {
        fail(args.positional[i].arg->value->range,
             "'" + name + "' takes at most " + std::to_string(params.size()) +
                 " argument" + (params.size() == 1 ? "" : "s"));
        break;
      }
      bound[params[i]] = &args.positional[i];
    }
    for (auto &[key, item] : args.keyword) {
      if (std::find(params.begin(), params.end(), key) == params.end()) {
        fail(item.arg->nameRange, unknownArgument(name, key, params));
        continue;
      }
      if (bound.count(key)) {
        if (!failed)
          host.error(item.arg->nameRange,
                     "argument '" + key + "' of '" + name +
                         "' given twice, by position and by name")
              .note(bound[key]->arg->value->range, "given by position here");
        failed = true;
        continue;
      }
      bound[key] = &item;
    }
  }

  bool failed = false;
  ExprType fail(SourceRange where, const std::string &msg) {
    if (!failed)
      host.error(where, msg);
    failed = true;
    return ExprType::error();
  }

  bool has(const std::string &p) const { return bound.count(p) != 0; }
  const ExprType &type(const std::string &p) const { return bound.at(p)->type; }
  SourceRange where(const std::string &p) const {
    return has(p) ? bound.at(p)->arg->value->range : args.call;
  }
  // The keyword of a keyword argument (the value of a positional one).
  SourceRange keywordWhere(const std::string &p) const {
    const ast::Arg *a = bound.at(p)->arg;
    return a->name.empty() ? a->value->range : a->nameRange;
  }
  const ast::Expr &expr(const std::string &p) const {
    return *bound.at(p)->arg->value;
  }

  // A required argument; reports its absence once.
  bool need(const std::string &p) {
    if (has(p))
      return !type(p).isError();
    fail(args.call, "'" + name + "' needs argument '" + p + "'");
    return false;
  }

  // A tensor argument (a literal counts as a scalar of `fallback` dtype).
  std::optional<ExprType> tensor(const std::string &p, bool floatOnly = false,
                                 const std::string &fallback = "f32") {
    if (!need(p))
      return std::nullopt;
    ExprType t = type(p);
    if (t.isLiteral())
      return ExprType::tensor(fallback, {});
    if (!t.isTensor()) {
      fail(where(p),
           "'" + name + "' expects a tensor for '" + p + "', found " + t.str());
      return std::nullopt;
    }
    if (floatOnly && !isFloatDType(t.dtype)) {
      fail(where(p),
           "'" + name + "' needs a floating-point tensor, found " + t.str());
      return std::nullopt;
    }
    return t;
  }

  // An integer constant argument (for axes, orders, sizes).
  std::optional<int64_t> integer(const std::string &p, int64_t dflt) {
    if (!has(p))
      return dflt;
    const ast::Expr *e = &expr(p);
    bool negative = false;
    if (e->kind == ast::Expr::Kind::Unary) {
      negative = true;
      e = static_cast<const ast::UnaryExpr *>(e)->operand.get();
    }
    if (e->kind != ast::Expr::Kind::Number ||
        !static_cast<const ast::NumberExpr *>(e)->isInteger) {
      fail(where(p),
           "'" + p + "' of '" + name + "' must be an integer constant");
      return std::nullopt;
    }
    std::optional<int64_t> v =
        static_cast<const ast::NumberExpr *>(e)->integer();
    if (!v) {
      fail(where(p), "'" + p + "' of '" + name + "' is too large");
      return std::nullopt;
    }
    return negative ? -*v : *v;
  }

  // An axis in [-rank, rank), normalised to [0, rank).
  std::optional<int64_t> axisOf(const std::string &p, int64_t dflt,
                                size_t rank) {
    std::optional<int64_t> a = integer(p, dflt);
    if (!a)
      return std::nullopt;
    auto r = static_cast<int64_t>(rank);
    if (*a < -r || *a >= r) {
      fail(where(p), "axis " + std::to_string(*a) +
                         " is out of range for a tensor of rank " +
                         std::to_string(rank));
      return std::nullopt;
    }
    return *a < 0 ? *a + r : *a;
  }

  bool boolean(const std::string &p) {
    if (has(p) && type(p).kind != Kind::Bool && !type(p).isError()) {
      fail(where(p), "'" + p + "' of '" + name + "' must be true or false");
      return false;
    }
    return true;
  }

  bool number(const std::string &p) {
    if (has(p) && !type(p).isLiteral() && !type(p).isScalarTensor() &&
        !type(p).isError()) {
      fail(where(p), "'" + p + "' of '" + name + "' must be a number");
      return false;
    }
    return true;
  }

  // A dtype given by name (dtype: f32).
  std::optional<std::string> dtype(const std::string &p,
                                   const std::string &dflt) {
    if (!has(p))
      return dflt;
    if (type(p).kind != Kind::DType) {
      fail(where(p),
           "'" + p + "' of '" + name + "' must be a dtype such as f32");
      return std::nullopt;
    }
    return type(p).dtype;
  }

  // A shape given as a list of integers and dim names: [N, 4].
  std::optional<std::vector<ExprType::Dim>> shape(const std::string &p) {
    if (!need(p))
      return std::nullopt;
    const ast::Expr &e = expr(p);
    if (e.kind != ast::Expr::Kind::List && e.kind != ast::Expr::Kind::Tuple) {
      fail(where(p),
           "'" + p + "' of '" + name + "' must be a shape like [N, 4]");
      return std::nullopt;
    }
    const auto &elems = e.kind == ast::Expr::Kind::List
                            ? static_cast<const ast::ListExpr &>(e).elements
                            : static_cast<const ast::TupleExpr &>(e).elements;
    std::vector<ExprType::Dim> dims;
    for (const ast::ExprPtr &x : elems) {
      if (x->kind == ast::Expr::Kind::Number &&
          static_cast<const ast::NumberExpr &>(*x).isInteger) {
        std::optional<int64_t> d =
            static_cast<const ast::NumberExpr &>(*x).integer();
        if (!d) {
          fail(x->range, "the dimension " +
                             static_cast<const ast::NumberExpr &>(*x).text +
                             " is too large");
          return std::nullopt;
        }
        dims.push_back(*d);
      } else if (x->kind == ast::Expr::Kind::Name)
        dims.push_back(static_cast<const ast::NameExpr &>(*x).name);
      else {
        fail(x->range, "a dimension must be an integer or a dim name");
        return std::nullopt;
      }
    }
    return dims;
  }

  const std::string &name;
  CallArgs &args;
  BuiltinHost &host;
  std::map<std::string, const CallArgs::Item *> bound;
};

// The type of a function value with signature `sig`.
ExprType function(std::shared_ptr<Signature> sig);

// The autodiff forms (BuiltinAutodiff.cpp): grad and value_and_grad
// (`withValue`), vjp and jvp (`forward`), hvp.
ExprType gradRule(Call &c, bool withValue);
ExprType vjpRule(Call &c, bool forward);
ExprType hvpRule(Call &c);

} // namespace tessera::sema::builtin
