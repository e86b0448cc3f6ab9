#include "SemaTypes.h"

#include <algorithm>
#include <set>

namespace tessera {

using sema::dimStr;

bool isKnownDType(const std::string &name) {
  static const std::set<std::string> known = {
      "f64", "f32", "f16", "bf16", "fp8_e4m3", "fp8_e5m2",
      "i64", "i32", "i8",  "bool", "c64"};
  return known.count(name) != 0;
}

ExprType typeOf(const ast::TensorType &t) {
  std::vector<ExprType::Dim> dims;
  for (const ast::Dim &d : t.dims)
    dims.push_back(d.value);
  return ExprType::tensor(t.dtype, std::move(dims));
}

std::string ExprType::str() const {
  auto list = [](const std::vector<ExprType> &xs) {
    std::string s;
    for (size_t i = 0; i < xs.size(); ++i)
      s += (i ? ", " : "") + xs[i].str();
    return s;
  };
  switch (kind) {
  case Kind::Error:
    return "<error>";
  case Kind::Literal:
    return "number";
  case Kind::Bool:
    return "bool";
  case Kind::String:
    return "string";
  case Kind::Tensor: {
    std::string s = dtype + "[";
    for (size_t i = 0; i < dims.size(); ++i)
      s += (i ? ", " : "") + dimStr(dims[i]);
    return s + "]";
  }
  case Kind::Tuple:
    return "(" + list(elements) + ")";
  case Kind::List:
    return "[" + list(elements) + "]";
  case Kind::Record: {
    std::string s = "{";
    for (size_t i = 0; i < fields.size(); ++i)
      s += (i ? ", " : "") + fields[i];
    return s + "}";
  }
  case Kind::Function: {
    if (!sig)
      return name.rfind("train ", 0) == 0 ? name : "op " + name;
    std::string s = "op " + sig->name;
    if (!sig->dimParams.empty()) {
      s += "[";
      for (size_t i = 0; i < sig->dimParams.size(); ++i)
        s += (i ? ", " : "") + sig->dimParams[i];
      s += "]";
    }
    s += "(";
    for (size_t i = 0; i < sig->params.size(); ++i)
      s += (i ? ", " : "") + sig->params[i].first + ": " +
           sig->params[i].second.str();
    s += ") -> ";
    return s + (sig->results.size() == 1 ? sig->results[0].str()
                                         : "(" + list(sig->results) + ")");
  }
  case Kind::DiffOperator:
    return "partial(axis: " + std::to_string(axis) +
           ", order: " + std::to_string(order) + ")";
  case Kind::Policy:
    return "policy";
  case Kind::Mesh:
    return "mesh " + name;
  case Kind::Shard:
    return "shard";
  case Kind::Optimizer:
    return "optimizer " + name;
  case Kind::Initializer:
    return "initializer " + name;
  case Kind::Module:
    return "module " + name;
  case Kind::DType:
    return "dtype " + dtype;
  }
  return "?";
}

bool ExprType::operator==(const ExprType &o) const {
  if (kind != o.kind)
    return false;
  switch (kind) {
  case Kind::Tensor:
    return dtype == o.dtype && dims == o.dims;
  case Kind::Tuple:
  case Kind::List:
    return elements == o.elements;
  case Kind::Function:
    return sig == o.sig && name == o.name;
  default:
    return true;
  }
}

namespace sema {

std::string dimStr(const Dim &d) {
  return std::holds_alternative<int64_t>(d)
             ? std::to_string(std::get<int64_t>(d))
             : std::get<std::string>(d);
}

bool isFloatDType(const std::string &d) {
  return d == "f64" || d == "f32" || d == "f16" || d == "bf16" ||
         d == "fp8_e4m3" || d == "fp8_e5m2" || d == "c64";
}

bool isIntDType(const std::string &d) {
  return d == "i64" || d == "i32" || d == "i8";
}

int dtypeRank(const std::string &d) {
  if (d == "f64" || d == "c64")
    return 53;
  if (d == "f32")
    return 24;
  if (d == "f16")
    return 11;
  if (d == "bf16")
    return 8;
  if (d == "fp8_e4m3")
    return 4;
  if (d == "fp8_e5m2")
    return 3;
  return 0;
}

std::optional<std::vector<Dim>> broadcast(const std::vector<Dim> &a,
                                          const std::vector<Dim> &b,
                                          std::string &why) {
  size_t n = std::max(a.size(), b.size());
  std::vector<Dim> out(n);
  const Dim one = int64_t(1);
  for (size_t i = 0; i < n; ++i) {
    // Align at the trailing dim.
    const Dim *x = i + a.size() >= n ? &a[i + a.size() - n] : nullptr;
    const Dim *y = i + b.size() >= n ? &b[i + b.size() - n] : nullptr;
    if (!x || *x == one)
      out[i] = y ? *y : *x;
    else if (!y || *y == one || *x == *y)
      out[i] = *x;
    else {
      why = "dim " + dimStr(*x) + " cannot broadcast with " + dimStr(*y);
      return std::nullopt;
    }
  }
  return out;
}

size_t editDistance(const std::string &a, const std::string &b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] =
          std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] != b[j - 1])});
      prev = cur;
    }
  }
  return row[b.size()];
}

std::string closestName(const std::string &name,
                        const std::vector<std::string> &candidates) {
  std::string best;
  size_t bestDist = name.size() <= 3 ? 1 : 2;
  for (const std::string &c : candidates) {
    size_t d = editDistance(name, c);
    if (d <= bestDist && d > 0) {
      bestDist = d;
      best = c;
    }
  }
  return best;
}

std::string argumentList(const std::vector<std::string> &params) {
  std::string s;
  for (size_t i = 0; i < params.size(); ++i)
    s += (i ? ", " : "") + params[i];
  return s.empty() ? "no arguments" : s;
}

std::string unknownArgument(const std::string &callee, const std::string &key,
                            const std::vector<std::string> &params) {
  std::string message = "unknown argument '" + key + "' for '" + callee + "'";
  std::string hint = closestName(key, params);
  if (hint.empty())
    return message + "; it takes " + argumentList(params);
  return message + "; did you mean '" + hint + "'? ('" + callee + "' takes " +
         argumentList(params) + ")";
}

} // namespace sema
} // namespace tessera
