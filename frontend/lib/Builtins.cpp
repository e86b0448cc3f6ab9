// Type and shape rules of the builtin operators (the Standard Operator
// Library's primitives, autodiff forms, optimizers, policies and layouts).
// Each rule names its parameters once; binding positional and keyword
// arguments to them, and rejecting unknown ones, is shared (BuiltinCall.h);
// the autodiff forms' rules are in BuiltinAutodiff.cpp.
#include "BuiltinCall.h"

#include <algorithm>
#include <functional>

namespace tessera::sema {

ExprType builtin::function(std::shared_ptr<Signature> sig) {
  ExprType t = ExprType::make(Kind::Function);
  t.name = sig->name;
  t.sig = std::move(sig);
  return t;
}

namespace {

using namespace builtin;

using Rule = std::function<ExprType(Call &)>;

struct Builtin {
  std::vector<std::string> params;
  Rule rule;
  std::string doc;
};

ExprType unaryFloat(Call &c) {
  // On a number, a number: sqrt(D) of a dim stays a constant.
  if (c.has("x") && c.type("x").isLiteral())
    return ExprType::literal();
  auto x = c.tensor("x", true);
  return x ? *x : ExprType::error();
}

ExprType unaryAny(Call &c) {
  if (c.has("x") && c.type("x").isLiteral())
    return ExprType::literal();
  auto x = c.tensor("x");
  // relu, abs and square order or square real numbers; neg takes c64 too.
  if (x && x->dtype == "c64" && c.name != "neg")
    return c.fail(c.where("x"),
                  "'" + c.name + "' needs a real tensor, found " + x->str());
  return x ? *x : ExprType::error();
}

// An element count as a number times a product of dim names ("4*N*T"):
// (the number, the sorted names); nullopt when a dim is neither.
static std::optional<std::pair<int64_t, std::vector<std::string>>>
symbolicCount(const std::vector<ExprType::Dim> &dims) {
  std::pair<int64_t, std::vector<std::string>> r{1, {}};
  for (const auto &d : dims) {
    if (auto *n = std::get_if<int64_t>(&d)) {
      r.first *= *n;
      continue;
    }
    const std::string &s = std::get<std::string>(d);
    if (s.empty() ||
        s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
                            "klmnopqrstuvwxyz0123456789_") != std::string::npos)
      return std::nullopt;
    r.second.push_back(s);
  }
  std::sort(r.second.begin(), r.second.end());
  return r;
}

static std::string
countStr(const std::pair<int64_t, std::vector<std::string>> &c) {
  std::string s = std::to_string(c.first);
  for (const std::string &n : c.second)
    s += "*" + n;
  return s;
}

// Elementwise binary with broadcasting; a literal takes the other's dtype.
ExprType binaryElementwise(Call &c, const std::string &a,
                           const std::string &b) {
  if (!c.need(a) || !c.need(b))
    return ExprType::error();
  ExprType x = c.type(a), y = c.type(b);
  if (x.isLiteral() && y.isLiteral())
    return ExprType::literal();
  if (x.isLiteral())
    x = ExprType::tensor(y.dtype, {});
  if (y.isLiteral())
    y = ExprType::tensor(x.dtype, {});
  if (!x.isTensor() || !y.isTensor())
    return c.fail(c.args.call, "'" + c.name + "' expects tensors, found " +
                                   x.str() + " and " + y.str());
  if (x.dtype != y.dtype)
    return c.fail(c.args.call, "mismatched dtypes in '" + c.name +
                                   "': " + x.str() + " and " + y.str());
  std::string why;
  auto dims = broadcast(x.dims, y.dims, why);
  if (!dims)
    return c.fail(c.args.call, "shapes " + x.str() + " and " + y.str() +
                                   " do not broadcast in '" + c.name +
                                   "': " + why);
  return ExprType::tensor(x.dtype, *dims);
}

ExprType reduce(Call &c) {
  // A mean divides: defined on floating-point tensors only (an integer
  // mean would silently truncate).
  bool average = c.name == "mean" || c.name == "reduce_mean";
  bool sum = c.name == "sum" || c.name == "reduce_sum";
  // c64 sums and means are those of the two parts; max, min and prod of
  // complex numbers have no ordering or are not defined part by part.
  bool complex =
      c.has("x") && c.type("x").isTensor() && c.type("x").dtype == "c64";
  if (complex && !average && !sum)
    return c.fail(c.where("x"), "'" + c.name + "' needs a real tensor, found " +
                                    c.type("x").str());
  auto x = c.tensor("x", /*floatOnly=*/average && !complex);
  if (!x || !c.boolean("keepdims") || !c.boolean("stable"))
    return ExprType::error();
  if (!c.has("axis"))
    return ExprType::tensor(x->dtype, {});
  auto axis = c.axisOf("axis", 0, x->dims.size());
  if (!axis)
    return ExprType::error();
  std::vector<ExprType::Dim> dims = x->dims;
  bool keep = c.has("keepdims") &&
              c.expr("keepdims").kind == ast::Expr::Kind::Bool &&
              static_cast<const ast::BoolExpr &>(c.expr("keepdims")).value;
  if (keep)
    dims[*axis] = int64_t(1);
  else
    dims.erase(dims.begin() + *axis);
  return ExprType::tensor(x->dtype, dims);
}

// Softmax-like: same shape, along an axis.
ExprType alongAxis(Call &c) {
  auto x = c.tensor("x", true);
  if (!x || !c.axisOf("axis", -1, std::max<size_t>(x->dims.size(), 1)))
    return ExprType::error();
  return *x;
}

ExprType matmul(Call &c, const ExprType &a, const ExprType &b) {
  if (!a.isTensor() || !b.isTensor())
    return c.fail(c.args.call,
                  "'@' needs tensors, found " + a.str() + " and " + b.str());
  if (a.dtype != b.dtype)
    return c.fail(c.args.call, "mismatched dtypes in matmul: " + a.str() +
                                   " and " + b.str());
  if (a.dims.empty() || b.dims.empty())
    return c.fail(c.args.call,
                  "matmul needs operands of rank 1 or more, found " + a.str() +
                      " and " + b.str());
  // Contraction: last dim of a with the second-to-last (or only) dim of b.
  const ExprType::Dim &k1 = a.dims.back();
  const ExprType::Dim &k2 =
      b.dims.size() == 1 ? b.dims[0] : b.dims[b.dims.size() - 2];
  if (k1 != k2)
    return c.fail(c.args.call, "matmul contraction dims differ: " + a.str() +
                                   " @ " + b.str() + " contracts " +
                                   dimStr(k1) + " with " + dimStr(k2));
  std::vector<ExprType::Dim> batchA(
      a.dims.begin(), a.dims.end() - std::min<size_t>(2, a.dims.size()));
  std::vector<ExprType::Dim> batchB(
      b.dims.begin(), b.dims.end() - std::min<size_t>(2, b.dims.size()));
  std::string why;
  auto batch = broadcast(batchA, batchB, why);
  if (!batch)
    return c.fail(c.args.call, "matmul batch dims do not broadcast: " + why);
  std::vector<ExprType::Dim> out = *batch;
  if (a.dims.size() >= 2)
    out.push_back(a.dims[a.dims.size() - 2]);
  if (b.dims.size() >= 2)
    out.push_back(b.dims.back());
  return ExprType::tensor(a.dtype, out);
}

ExprType checkTile(Call &c) {
  if (!c.has("tile"))
    return ExprType::make(Kind::Tuple);
  const ast::Expr &t = c.expr("tile");
  if (t.kind != ast::Expr::Kind::Tuple ||
      static_cast<const ast::TupleExpr &>(t).elements.size() != 3)
    return c.fail(c.where("tile"), "tile must be three sizes (BM, BN, BK)");
  for (const ast::ExprPtr &e : static_cast<const ast::TupleExpr &>(t).elements)
    if (e->kind != ast::Expr::Kind::Number ||
        !static_cast<const ast::NumberExpr &>(*e).isInteger ||
        static_cast<const ast::NumberExpr &>(*e).value <= 0 ||
        !static_cast<const ast::NumberExpr &>(*e).integer())
      return c.fail(e->range, "a tile size must be a positive integer");
  return ExprType::make(Kind::Tuple);
}

ExprType mlpRule(Call &c) {
  auto in = c.integer("in", -1), out = c.integer("out", -1);
  auto dtype = c.dtype("dtype", "f32");
  if (!in || !out || !dtype || !c.need("in") || !c.need("out") ||
      !c.need("hidden"))
    return ExprType::error();
  if (c.type("hidden").kind != Kind::List)
    return c.fail(c.where("hidden"), "'hidden' must be a list of layer widths");
  if (c.has("activation") && c.type("activation").kind != Kind::Function)
    return c.fail(c.where("activation"),
                  "'activation' must be an op such as tanh");
  if (*in <= 0 || *out <= 0)
    return c.fail(c.args.call, "'in' and 'out' must be positive");
  auto sig = std::make_shared<Signature>();
  sig->name = "mlp";
  sig->dimParams = {"B"};
  sig->params = {{"x", ExprType::tensor(*dtype, {std::string("B"), *in})}};
  sig->results = {ExprType::tensor(*dtype, {std::string("B"), *out})};
  sig->where = c.args.call;
  sig->paramWhere = {c.args.call};
  return function(sig);
}

ExprType optimizer(Call &c) {
  for (const auto &[k, item] : c.bound)
    if (!c.number(k))
      return ExprType::error();
  ExprType t = ExprType::make(Kind::Optimizer);
  t.name = c.name;
  return t;
}

ExprType numericRule(Call &c) {
  auto dtype = c.dtype("dtype", "f32");
  auto accum = c.dtype("accum", dtype ? *dtype : "f32");
  if (!dtype || !accum || !c.boolean("deterministic") || !c.boolean("strict"))
    return ExprType::error();
  if (isFloatDType(*dtype) && dtypeRank(*accum) < dtypeRank(*dtype))
    return c.fail(c.where("accum"), "accumulation type " + *accum +
                                        " is narrower than the compute type " +
                                        *dtype);
  return ExprType::make(Kind::Policy);
}

ExprType shardRule(Call &c) {
  if (!c.need("mesh"))
    return ExprType::error();
  const ExprType &mesh = c.type("mesh");
  if (mesh.kind != Kind::Mesh)
    return c.fail(c.where("mesh"), "'shard' needs a mesh, found " + mesh.str());
  ExprType t = ExprType::make(Kind::Shard);
  t.name = mesh.name;
  t.axes = mesh.axes;
  // fields[i]: the mesh axis dim i is split over, "_" when replicated.
  auto axisName = [&](const std::string &p) -> std::optional<std::string> {
    const ast::Expr &e = c.expr(p);
    if (e.kind != ast::Expr::Kind::Name) {
      c.fail(e.range, "expected a mesh axis name");
      return std::nullopt;
    }
    std::string n = static_cast<const ast::NameExpr &>(e).name;
    if (n != "_" && !mesh.axes.count(n)) {
      std::string axes;
      for (const auto &[a, size] : mesh.axes)
        axes += (axes.empty() ? "" : ", ") + a;
      c.fail(e.range, "mesh '" + mesh.name + "' has no axis '" + n +
                          "'; its axes are " + axes);
      return std::nullopt;
    }
    return n;
  };
  if (c.has("rows")) {
    auto a = axisName("rows");
    if (!a)
      return ExprType::error();
    t.fields = {*a};
  }
  if (c.has("cols")) {
    auto a = axisName("cols");
    if (!a)
      return ExprType::error();
    t.fields.resize(2, "_");
    t.fields[1] = *a;
  }
  if (c.has("dims")) {
    const ast::Expr &e = c.expr("dims");
    if (e.kind != ast::Expr::Kind::List)
      return c.fail(c.where("dims"),
                    "'dims' must list one mesh axis (or _) per dim");
    for (const ast::ExprPtr &x :
         static_cast<const ast::ListExpr &>(e).elements) {
      if (x->kind != ast::Expr::Kind::Name)
        return c.fail(x->range, "expected a mesh axis name or _");
      std::string n = static_cast<const ast::NameExpr &>(*x).name;
      if (n != "_" && !mesh.axes.count(n))
        return c.fail(x->range,
                      "mesh '" + mesh.name + "' has no axis '" + n + "'");
      t.fields.push_back(n);
    }
  }
  return t;
}

const std::map<std::string, Builtin> &table() {
  static const std::map<std::string, Builtin> builtins = [] {
    std::map<std::string, Builtin> b;
    for (const char *n : {"exp", "log", "log1p", "sqrt", "rsqrt", "sin", "cos",
                          "tanh", "sigmoid", "gelu", "silu"})
      b[n] = {{"x"}, unaryFloat, "elementwise"};
    for (const char *n : {"relu", "abs", "neg", "square"})
      b[n] = {{"x"}, unaryAny, "elementwise"};
    b["pow"] = {{"x", "y"},
                [](Call &c) { return binaryElementwise(c, "x", "y"); },
                "elementwise power"};
    for (const char *n : {"max", "min"})
      b[n] = {{"x", "y", "axis", "keepdims"},
              [](Call &c) {
                // One tensor: a reduction; two: elementwise.
                if (c.has("y")) {
                  for (const char *p : {"axis", "keepdims"})
                    if (c.has(p))
                      return c.fail(c.keywordWhere(p),
                                    "'" + std::string(p) + "' applies to " +
                                        "the reduction " + c.name +
                                        "(x, axis: k), not to '" + c.name +
                                        "' of two tensors");
                  return binaryElementwise(c, "x", "y");
                }
                return reduce(c);
              },
              "elementwise of two tensors, or a reduction of one"};
    b["select"] = {
        {"cond", "a", "b"},
        [](Call &c) {
          // A bool (`N > 2`, known when the code runs) is a
          // rank-0 condition.
          auto cond =
              c.has("cond") && c.type("cond").kind == ExprType::Kind::Bool
                  ? std::optional<ExprType>(ExprType::tensor("bool", {}))
                  : c.tensor("cond");
          if (!cond)
            return ExprType::error();
          if (cond->dtype != "bool")
            return c.fail(c.where("cond"),
                          "'select' needs a bool condition, found " +
                              cond->str());
          ExprType r = binaryElementwise(c, "a", "b");
          if (!r.isTensor())
            return r;
          // The condition broadcasts with the values too.
          std::string why;
          auto dims = broadcast(cond->dims, r.dims, why);
          if (!dims)
            return c.fail(c.args.call, "the condition " + cond->str() +
                                           " does not broadcast with " +
                                           r.str() + " in 'select': " + why);
          return ExprType::tensor(r.dtype, *dims);
        },
        "elementwise choice"};
    for (const char *n : {"sum", "mean", "prod", "reduce_sum", "reduce_mean"})
      b[n] = {{"x", "axis", "keepdims", "stable"}, reduce, "reduction"};
    for (const char *n : {"softmax", "log_softmax"})
      b[n] = {{"x", "axis"}, alongAxis, "along an axis (log-sum-exp form)"};
    for (const char *n : {"layernorm", "rmsnorm"})
      b[n] = {{"x", "axis", "eps"},
              [](Call &c) {
                return c.number("eps") ? alongAxis(c) : ExprType::error();
              },
              "normalisation along an axis"};
    b["matmul"] = {{"a", "b", "tile"},
                   [](Call &c) {
                     auto a = c.tensor("a"), bb = c.tensor("b");
                     if (!a || !bb || checkTile(c).isError())
                       return ExprType::error();
                     return matmul(c, *a, *bb);
                   },
                   "matrix product; tile: (BM, BN, BK) hint"};
    b["transpose"] = {
        {"x"},
        [](Call &c) {
          auto x = c.tensor("x");
          if (!x)
            return ExprType::error();
          if (x->dims.size() < 2)
            return c.fail(c.where("x"),
                          "'transpose' needs rank 2 or more, found " +
                              x->str());
          std::swap(x->dims[x->dims.size() - 1], x->dims[x->dims.size() - 2]);
          return *x;
        },
        "swap the last two dims"};
    b["gather"] = {
        {"x", "indices", "axis"},
        [](Call &c) {
          auto x = c.tensor("x"), i = c.tensor("indices");
          if (!x || !i)
            return ExprType::error();
          if (x->dims.empty())
            return c.fail(c.where("x"),
                          "'gather' needs rank 1 or more, found " + x->str());
          auto axis = c.axisOf("axis", 0, x->dims.size());
          if (!axis)
            return ExprType::error();
          if (!sema::isIntDType(i->dtype))
            return c.fail(c.where("indices"),
                          "'gather' needs integer indices, found " + i->str());
          // x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]
          std::vector<ExprType::Dim> dims(x->dims.begin(),
                                          x->dims.begin() + *axis);
          dims.insert(dims.end(), i->dims.begin(), i->dims.end());
          dims.insert(dims.end(), x->dims.begin() + *axis + 1, x->dims.end());
          return ExprType::tensor(x->dtype, dims);
        },
        "the slices of x at the indices along an axis (NumPy's take; an "
        "index outside the dim is clamped into it)"};
    b["concat"] = {
        {"xs", "axis"},
        [](Call &c) {
          if (!c.need("xs"))
            return ExprType::error();
          const ExprType &xs = c.type("xs");
          if (xs.kind != ExprType::Kind::Tuple || xs.elements.empty() ||
              !std::all_of(xs.elements.begin(), xs.elements.end(),
                           [](const ExprType &e) { return e.isTensor(); }))
            return c.fail(c.where("xs"), "'concat' joins a tuple of tensors, "
                                         "as in concat((x, y), axis: 0), "
                                         "found " +
                                             xs.str());
          const ExprType &first = xs.elements[0];
          if (first.dims.empty())
            return c.fail(c.where("xs"),
                          "'concat' needs rank 1 or more, found " +
                              first.str());
          auto axis = c.axisOf("axis", 0, first.dims.size());
          if (!axis)
            return ExprType::error();
          // The other dims agree; along the axis the extents add (N+2,
          // M+N, 2*N): anything but a quotient and a dim (DimForms.cpp).
          ExprType::Dim total = int64_t(0);
          for (const ExprType &e : xs.elements) {
            if (e.dtype != first.dtype || e.dims.size() != first.dims.size())
              return c.fail(c.where("xs"), "'concat' joins tensors of one "
                                           "dtype and rank, found " +
                                               first.str() + " and " + e.str());
            for (size_t k = 0; k < e.dims.size(); ++k)
              if (k != static_cast<size_t>(*axis) && e.dims[k] != first.dims[k])
                return c.fail(c.where("xs"),
                              "'concat' along axis " + std::to_string(*axis) +
                                  " needs the other dims equal, found " +
                                  first.str() + " and " + e.str());
            std::optional<ExprType::Dim> sum = dimSum(total, e.dims[*axis]);
            if (!sum)
              return c.fail(c.where("xs"),
                            "'concat' along axis " + std::to_string(*axis) +
                                " adds the extents " + dimStr(total) + " and " +
                                dimStr(e.dims[*axis]) +
                                ", which is not an extent Tessera computes: " +
                                kQuotientRule);
            total = *sum;
          }
          std::vector<ExprType::Dim> dims = first.dims;
          dims[*axis] = total;
          return ExprType::tensor(first.dtype, dims);
        },
        "the tensors of a tuple joined along an axis (their other dims "
        "equal)"};
    b["pad"] = {
        {"x", "widths", "value"},
        [](Call &c) {
          auto x = c.tensor("x");
          if (!x || !c.need("widths"))
            return ExprType::error();
          auto widths = ast::integerPairs(c.expr("widths"));
          if (!widths || widths->size() != x->dims.size() ||
              std::any_of(widths->begin(), widths->end(),
                          [](auto &w) { return w.first < 0 || w.second < 0; }))
            return c.fail(c.where("widths"),
                          "'widths' of 'pad' must be one pair of whole numbers "
                          "(before, after), 0 or more, for each dim of " +
                              x->str() + ", as in ((1, 2), (0, 0))");
          if (c.has("value") && !c.type("value").isLiteral())
            return c.fail(c.where("value"),
                          "'value' of 'pad' must be a number");
          std::vector<ExprType::Dim> dims = x->dims;
          for (size_t i = 0; i < dims.size(); ++i)
            dims[i] =
                dimPlus(dims[i], (*widths)[i].first + (*widths)[i].second);
          return ExprType::tensor(x->dtype, dims);
        },
        "x with borders of `value` (0 by default), widths ((before, after), "
        "...) one pair a dim"};
    b["reshape"] = {
        {"x", "shape"},
        [](Call &c) {
          auto x = c.tensor("x");
          auto s = c.shape("shape");
          if (!x || !s)
            return ExprType::error();
          auto count = [](const std::vector<ExprType::Dim> &d)
              -> std::optional<int64_t> {
            int64_t n = 1;
            for (const auto &e : d) {
              if (!std::holds_alternative<int64_t>(e))
                return std::nullopt;
              n *= std::get<int64_t>(e);
            }
            return n;
          };
          auto a = count(x->dims), bb = count(*s);
          if (a && bb && *a != *bb)
            return c.fail(c.where("shape"),
                          "cannot reshape " + x->str() + " (" +
                              std::to_string(*a) + " elements) to " +
                              std::to_string(*bb) + " elements");
          // Counts such as 4*N and 3*N differ whatever N is;
          // others are checked when the entry runs.
          auto sa = symbolicCount(x->dims), sb = symbolicCount(*s);
          if (sa && sb && sa->second == sb->second && sa->first != sb->first)
            return c.fail(c.where("shape"),
                          "cannot reshape " + x->str() + " (" + countStr(*sa) +
                              " elements) to " + countStr(*sb) + " elements");
          return ExprType::tensor(x->dtype, *s);
        },
        "same elements, new shape"};
    b["cross_entropy"] = {
        {"logits", "labels"},
        [](Call &c) {
          auto l = c.tensor("logits", true), y = c.tensor("labels");
          if (!l || !y)
            return ExprType::error();
          if (!isIntDType(y->dtype))
            return c.fail(c.where("labels"),
                          "labels must be integer class indices, found " +
                              y->str());
          if (l->dims.size() != y->dims.size() + 1 ||
              !std::equal(y->dims.begin(), y->dims.end(), l->dims.begin()))
            return c.fail(c.args.call, "labels " + y->str() +
                                           " must have the shape of logits " +
                                           l->str() + " without its last dim");
          return ExprType::tensor(l->dtype, {});
        },
        "mean cross entropy of logits against class labels"};
    b["mse"] = {{"pred", "target"},
                [](Call &c) {
                  ExprType t = binaryElementwise(c, "pred", "target");
                  return t.isTensor() ? ExprType::tensor(t.dtype, {}) : t;
                },
                "mean squared error"};
    b["cast"] = {{"x", "dtype"},
                 [](Call &c) {
                   auto x = c.tensor("x");
                   auto d = c.dtype("dtype", "");
                   if (!x || !d || !c.need("dtype"))
                     return ExprType::error();
                   return ExprType::tensor(*d, x->dims);
                 },
                 "convert to another dtype"};
    for (const char *n : {"fft", "ifft"})
      b[n] = {{"x"},
              [](Call &c) {
                auto x = c.tensor("x");
                if (!x)
                  return ExprType::error();
                if (x->dtype != "c64")
                  return c.fail(c.where("x"),
                                "'" + c.name + "' needs a c64 tensor, found " +
                                    x->str());
                return *x;
              },
              "discrete Fourier transform along the last dim"};
    // Complex parts. conj and real of a real tensor are that tensor.
    b["conj"] = {{"x"},
                 [](Call &c) {
                   auto x = c.tensor("x");
                   if (!x)
                     return ExprType::error();
                   if (x->dtype != "c64" && !isFloatDType(x->dtype))
                     return c.fail(c.where("x"),
                                   "'conj' needs a c64 or floating-point "
                                   "tensor, found " +
                                       x->str());
                   return *x;
                 },
                 "complex conjugate"};
    for (const char *n : {"real", "imag"})
      b[n] = {{"x"},
              [](Call &c) {
                auto x = c.tensor("x");
                if (!x)
                  return ExprType::error();
                if (x->dtype == "c64")
                  return ExprType::tensor("f32", x->dims);
                if (c.name == "real" && isFloatDType(x->dtype))
                  return *x;
                return c.fail(c.where("x"), "'" + c.name +
                                                "' needs a c64 tensor, found " +
                                                x->str());
              },
              "real or imaginary part"};
    b["complex"] = {{"re", "im"},
                    [](Call &c) {
                      ExprType t = binaryElementwise(c, "re", "im");
                      if (t.isLiteral())
                        t = ExprType::tensor("f32", {});
                      if (!t.isTensor())
                        return t;
                      if (t.dtype != "f32")
                        return c.fail(c.args.call,
                                      "'complex' needs f32 parts, found " +
                                          t.str());
                      return ExprType::tensor("c64", t.dims);
                    },
                    "a c64 tensor from its real and imaginary parts"};
    b["rfft"] = {{"x"},
                 [](Call &c) {
                   auto x = c.tensor("x", true);
                   if (!x || x->dims.empty())
                     return x ? c.fail(c.where("x"),
                                       "'rfft' needs rank 1 or more")
                              : ExprType::error();
                   auto dims = x->dims;
                   if (auto *n = std::get_if<int64_t>(&dims.back()))
                     dims.back() = *n / 2 + 1;
                   else
                     dims.back() = std::get<std::string>(dims.back()) + "/2+1";
                   return ExprType::tensor("c64", dims);
                 },
                 "real-input FFT"};
    b["irfft"] = {{"x", "n"},
                  [](Call &c) {
                    auto x = c.tensor("x");
                    auto n = c.integer("n", -1);
                    if (!x || !n || !c.need("n"))
                      return ExprType::error();
                    auto dims = x->dims;
                    dims.back() = *n;
                    return ExprType::tensor("f32", dims);
                  },
                  "inverse of rfft"};
    b["solve"] = {
        {"A", "b"},
        [](Call &c) {
          auto a = c.tensor("A", true), bb = c.tensor("b", true);
          if (!a || !bb)
            return ExprType::error();
          // A [n, n] or a batch [b..., n, n]; b [b..., n] or [b..., n, k].
          size_t rank = a->dims.size();
          if (rank < 2 || a->dims[rank - 2] != a->dims[rank - 1])
            return c.fail(c.where("A"),
                          "'solve' needs a square matrix, found " + a->str());
          bool fits =
              (bb->dims.size() == rank - 1 || bb->dims.size() == rank) &&
              std::equal(a->dims.begin(), a->dims.end() - 1, bb->dims.begin());
          if (!fits) {
            std::string lead;
            for (size_t d = 0; d + 1 < rank; ++d)
              lead += dimStr(a->dims[d]) + ", ";
            lead.resize(lead.size() - 2);
            return c.fail(c.where("b"), "right-hand side " + bb->str() +
                                            " does not match " + a->str() +
                                            ": it needs [" + lead + "] or [" +
                                            lead + ", k]");
          }
          return *bb;
        },
        "x with A x = b; its adjoint by the implicit function theorem"};
    b["fixed_point"] = {
        {"f", "init", "tol", "max_iter"},
        [](Call &c) {
          if (!c.need("f") || !c.need("init") || !c.number("tol"))
            return ExprType::error();
          auto iters = c.integer("max_iter", 100);
          if (!iters)
            return ExprType::error();
          ExprType x = c.type("init");
          CallArgs inner;
          inner.call = c.args.call;
          inner.callee = c.args.callee;
          inner.positional.push_back({c.bound.at("init")->arg, x});
          ExprType next = c.host.callFunction(c.type("f"), inner);
          if (next.isError())
            return next;
          if (next != x)
            return c.fail(c.where("f"),
                          "the iteration maps " + x.str() + " to " +
                              next.str() +
                              "; a fixed point needs the same type");
          return x;
        },
        "x with f(x) = x; its adjoint by the implicit function theorem"};
    for (const char *n : {"uniform", "normal"})
      b[n] = {{"shape", "seed", "dtype"},
              [](Call &c) {
                auto s = c.shape("shape");
                auto d = c.dtype("dtype", "f32");
                if (!s || !d)
                  return ExprType::error();
                if (!c.has("seed"))
                  return c.fail(c.args.call,
                                "'" + c.name +
                                    "' needs an explicit seed (seed: 0)");
                return ExprType::tensor(*d, *s);
              },
              "stateless random numbers"};
    b["dropout"] = {{"x", "p", "seed"},
                    [](Call &c) {
                      auto x = c.tensor("x", true);
                      if (!x || !c.number("p"))
                        return ExprType::error();
                      if (!c.has("seed"))
                        return c.fail(
                            c.args.call,
                            "'dropout' needs an explicit seed (seed: 0)");
                      return *x;
                    },
                    "stateless dropout"};
    for (const char *n : {"zeros", "ones"})
      b[n] = {{"shape", "dtype"},
              [](Call &c) {
                if (!c.has("shape")) {
                  // An initialiser takes the parameter's dtype.
                  if (c.has("dtype"))
                    return c.fail(c.keywordWhere("dtype"),
                                  "'" + c.name +
                                      "()' as an initialiser takes the "
                                      "parameter's dtype; 'dtype' goes with "
                                      "a shape");
                  ExprType t = ExprType::make(Kind::Initializer);
                  t.name = c.name;
                  return t;
                }
                auto s = c.shape("shape");
                auto d = c.dtype("dtype", "f32");
                if (!s || !d)
                  return ExprType::error();
                return ExprType::tensor(*d, *s);
              },
              "a constant tensor, or an initialiser"};
    for (const char *n : {"glorot", "he", "lecun"})
      b[n] = {{"seed"},
              [](Call &c) {
                if (!c.has("seed"))
                  return c.fail(c.args.call,
                                "'" + c.name +
                                    "' needs an explicit seed (seed: 0)");
                ExprType t = ExprType::make(Kind::Initializer);
                t.name = c.name;
                return t;
              },
              "a random initialiser"};
    b["grad"] = {{"f", "wrt"},
                 [](Call &c) { return gradRule(c, false); },
                 "gradient (reverse mode)"};
    b["value_and_grad"] = {{"f", "wrt"},
                           [](Call &c) { return gradRule(c, true); },
                           "value and gradient"};
    b["vjp"] = {{"f", "primals", "cotangent"},
                [](Call &c) { return vjpRule(c, false); },
                "vector-Jacobian product"};
    b["jvp"] = {{"f", "primals", "tangents"},
                [](Call &c) { return vjpRule(c, true); },
                "Jacobian-vector product: (outputs, tangents)"};
    b["hvp"] = {{"f", "wrt", "dir"},
                hvpRule,
                "Hessian-vector product (forward over reverse)"};
    b["partial"] = {
        {"axis", "order"},
        [](Call &c) {
          auto axis = c.integer("axis", 0), order = c.integer("order", 1);
          if (!axis || !order || !c.need("axis"))
            return ExprType::error();
          if (*axis < 0 || *order < 1)
            return c.fail(c.args.call,
                          "'partial' needs axis >= 0 and order >= 1");
          ExprType t = ExprType::make(Kind::DiffOperator);
          t.axis = *axis;
          t.order = *order;
          return t;
        },
        "partial derivative operator on fields"};
    b["mlp"] = {{"in", "hidden", "out", "activation", "seed", "dtype"},
                mlpRule,
                "multi-layer perceptron: an op with parameters"};
    b["sgd"] = {{"lr", "momentum"}, optimizer, "optimizer"};
    b["adam"] = {{"lr", "beta1", "beta2", "eps"}, optimizer, "optimizer"};
    b["adamw"] = {{"lr", "beta1", "beta2", "eps", "weight_decay"},
                  optimizer,
                  "optimizer"};
    b["numeric"] = {{"dtype", "accum", "deterministic", "strict"},
                    numericRule,
                    "numerics policy"};
    b["shard"] = {{"mesh", "rows", "cols", "dims"},
                  shardRule,
                  "how a tensor is split over a mesh"};
    return b;
  }();
  return builtins;
}

} // namespace

bool isBuiltin(const std::string &name) { return table().count(name) != 0; }

bool takesNameArgument(const std::string &builtin, const std::string &keyword) {
  if (keyword == "wrt")
    return builtin == "grad" || builtin == "value_and_grad" || builtin == "hvp";
  return builtin == "shard" &&
         (keyword == "rows" || keyword == "cols" || keyword == "dims");
}

std::vector<std::string> builtinNames() {
  std::vector<std::string> names;
  for (const auto &[n, b] : table())
    names.push_back(n);
  return names;
}

const std::vector<std::string> &builtinParams(const std::string &name) {
  return table().at(name).params;
}

std::string builtinSignature(const std::string &name) {
  auto it = table().find(name);
  if (it == table().end())
    return name;
  return name + "(" + argumentList(it->second.params) + ") — " + it->second.doc;
}

ExprType checkBuiltin(const std::string &name, CallArgs &args,
                      BuiltinHost &host) {
  const Builtin &b = table().at(name);
  Call call(name, b.params, args, host);
  if (call.failed)
    return ExprType::error();
  for (const auto &[k, item] : call.bound)
    if (item->type.isError())
      return ExprType::error();
  return b.rule(call);
}

ExprType checkMatmulOperator(const ExprType &a, const ExprType &b,
                             CallArgs &args, BuiltinHost &host) {
  static const std::vector<std::string> params = {"a", "b"};
  std::string name = "@";
  Call call(name, params, args, host);
  return matmul(call, a, b);
}

} // namespace tessera::sema
