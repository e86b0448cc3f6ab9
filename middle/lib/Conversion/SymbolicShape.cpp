#include "tessera/Conversion/SymbolicShape.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "tessera/Dialect/TGraph/TGraph.h"
#include "tessera/Dialect/TSched/TSched.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace tessera {

//===----------------------------------------------------------------------===//
// SymbolicDim
//===----------------------------------------------------------------------===//

SymbolicDim SymbolicDim::constant(int64_t c) {
  SymbolicDim d;
  d.termMap[{}] = c;
  d.normalise();
  return d;
}

SymbolicDim SymbolicDim::symbol(StringRef name) {
  SymbolicDim d;
  d.termMap[{name.str()}] = 1;
  return d;
}

void SymbolicDim::normalise() {
  for (auto it = termMap.begin(); it != termMap.end();)
    it = it->second == 0 ? termMap.erase(it) : std::next(it);
}

SymbolicDim SymbolicDim::operator+(const SymbolicDim &o) const {
  SymbolicDim r = *this;
  for (const auto &[syms, c] : o.termMap)
    r.termMap[syms] += c;
  r.normalise();
  return r;
}

SymbolicDim SymbolicDim::operator*(const SymbolicDim &o) const {
  SymbolicDim r;
  for (const auto &[a, ca] : termMap)
    for (const auto &[b, cb] : o.termMap) {
      std::vector<std::string> syms = a;
      syms.insert(syms.end(), b.begin(), b.end());
      llvm::sort(syms);
      r.termMap[syms] += ca * cb;
    }
  r.normalise();
  return r;
}

std::optional<SymbolicDim> SymbolicDim::divideBy(int64_t d) const {
  if (d <= 0)
    return std::nullopt;
  SymbolicDim r = *this;
  for (auto &[syms, c] : r.termMap) {
    if (c % d != 0)
      return std::nullopt;
    c /= d;
  }
  return r;
}

std::optional<int64_t> SymbolicDim::asConstant() const {
  if (termMap.empty())
    return 0;
  if (termMap.size() == 1 && termMap.begin()->first.empty())
    return termMap.begin()->second;
  return std::nullopt;
}

std::string SymbolicDim::str() const {
  if (auto c = asConstant())
    return std::to_string(*c);
  // Highest-degree terms first, the constant last: "B*T+2".
  std::vector<std::pair<std::vector<std::string>, int64_t>> sorted(
      termMap.begin(), termMap.end());
  // Ties keep the map's order of the symbols (std::sort with that as the
  // second key: std::stable_sort's temporary buffer is deprecated).
  std::sort(sorted.begin(), sorted.end(), [](auto &a, auto &b) {
    if (a.first.size() != b.first.size())
      return a.first.size() > b.first.size();
    return a.first < b.first;
  });
  std::string text;
  for (const auto &[syms, c] : sorted) {
    if (!text.empty())
      text += c < 0 ? "-" : "+";
    else if (c < 0)
      text += "-";
    int64_t mag = c < 0 ? -c : c;
    std::vector<std::string> factors;
    if (mag != 1 || syms.empty())
      factors.push_back(std::to_string(mag));
    factors.insert(factors.end(), syms.begin(), syms.end());
    text += llvm::join(factors, "*");
  }
  return text;
}

Attribute SymbolicDim::toAttr(MLIRContext *ctx) const {
  if (auto c = asConstant())
    return IntegerAttr::get(IntegerType::get(ctx, 64), *c);
  return StringAttr::get(ctx, str());
}

namespace {

// Reads the text of a SymbolicDim: terms joined by '+' and '-', factors by
// '*'. A factor is an integer or a symbol, or a parenthesised sum, and
// either may be divided, rounding down, by an integer (`N/2`, `(N+1)/2`).
class Reader {
public:
  explicit Reader(StringRef text) : rest(text) {}
  bool atEnd() const { return rest.empty(); }

  std::optional<SymbolicDim> sum() {
    SymbolicDim total;
    for (bool first = true;; first = false) {
      int64_t sign = 1;
      if (rest.consume_front("-"))
        sign = -1;
      else if (!rest.consume_front("+") && !first)
        return total;
      auto t = term();
      if (!t)
        return std::nullopt;
      total = total + SymbolicDim::constant(sign) * *t;
    }
  }

private:
  std::optional<SymbolicDim> term() {
    auto product = factor();
    while (product && rest.consume_front("*")) {
      auto next = factor();
      if (!next)
        return std::nullopt;
      product = *product * *next;
    }
    return product;
  }

  std::optional<SymbolicDim> factor() {
    std::optional<SymbolicDim> base;
    if (rest.consume_front("(")) {
      base = sum();
      if (!base || !rest.consume_front(")"))
        return std::nullopt;
    } else {
      StringRef word = token();
      if (word.empty())
        return std::nullopt;
      int64_t c;
      base = word.getAsInteger(10, c) ? SymbolicDim::symbol(word)
                                      : SymbolicDim::constant(c);
    }
    if (!rest.consume_front("/"))
      return base;
    int64_t d;
    if (token().getAsInteger(10, d))
      return std::nullopt;
    return base->floorDivBy(d);
  }

  // A symbol or an integer: up to the next operator or parenthesis.
  StringRef token() {
    size_t end = rest.find_first_of("+-*/()");
    StringRef word = rest.substr(0, end);
    rest = rest.substr(word.size());
    return word;
  }

  StringRef rest;
};

} // namespace

std::optional<SymbolicDim> SymbolicDim::parse(StringRef text) {
  Reader reader(text);
  auto d = reader.sum();
  if (!d || !reader.atEnd())
    return std::nullopt;
  return d;
}

std::optional<SymbolicDim> SymbolicDim::fromAttr(Attribute attr) {
  if (auto i = dyn_cast<IntegerAttr>(attr))
    return constant(i.getInt());
  auto s = dyn_cast<StringAttr>(attr);
  if (!s || s.getValue().empty())
    return std::nullopt;
  return parse(s.getValue());
}

//===----------------------------------------------------------------------===//
// Shape rules
//===----------------------------------------------------------------------===//

using Dims = SmallVector<SymbolicDim>;

static std::optional<Dims> dimsFromAttr(ArrayAttr shape) {
  if (!shape)
    return std::nullopt;
  Dims dims;
  for (Attribute a : shape) {
    auto d = SymbolicDim::fromAttr(a);
    if (!d)
      return std::nullopt;
    dims.push_back(*d);
  }
  return dims;
}

std::optional<SymbolicDim> indexExtent(Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v))
    if (auto group =
            dyn_cast<tsched::FusionGroupOp>(arg.getOwner()->getParentOp()))
      return indexExtent(group.getInputs()[arg.getArgNumber()]);
  if (auto c = v.getDefiningOp<arith::ConstantIndexOp>())
    return SymbolicDim::constant(c.value());
  // Sums, differences and products of extents (a slice's `N - 1`).
  Operation *def = v.getDefiningOp();
  if (isa_and_nonnull<arith::AddIOp, arith::SubIOp, arith::MulIOp>(def)) {
    auto l = indexExtent(def->getOperand(0)),
         r = indexExtent(def->getOperand(1));
    if (!l || !r)
      return std::nullopt;
    if (isa<arith::AddIOp>(def))
      return *l + *r;
    if (isa<arith::SubIOp>(def))
      return *l + SymbolicDim::constant(-1) * *r;
    return *l * *r;
  }
  // A quotient by a positive constant (a strided slice's ceil(M / step),
  // written floor((M + step - 1) / step)). Extents are not negative where
  // they are used, so the truncating division rounds down.
  if (auto div = v.getDefiningOp<arith::DivSIOp>()) {
    auto n = indexExtent(div.getLhs()), d = indexExtent(div.getRhs());
    std::optional<int64_t> divisor = d ? d->asConstant() : std::nullopt;
    if (!n || !divisor)
      return std::nullopt;
    return n->floorDivBy(*divisor);
  }
  if (auto dim = v.getDefiningOp<tensor::DimOp>()) {
    auto axis = dim.getConstantIndex();
    auto source = symbolicDims(dim.getSource());
    if (!axis || !source || *axis >= static_cast<int64_t>(source->size()))
      return std::nullopt;
    return (*source)[*axis];
  }
  return std::nullopt;
}

// A result type's dims: static extents as they are, each `?` from the next
// `index` operand.
static std::optional<Dims> fromTypeAndOperands(RankedTensorType type,
                                               ValueRange dynamic) {
  Dims dims;
  unsigned next = 0;
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d)) {
      dims.push_back(SymbolicDim::constant(d));
      continue;
    }
    if (next >= dynamic.size())
      return std::nullopt;
    auto e = indexExtent(dynamic[next++]);
    if (!e)
      return std::nullopt;
    dims.push_back(*e);
  }
  return dims;
}

static SymbolicDim product(ArrayRef<SymbolicDim> dims) {
  SymbolicDim p = SymbolicDim::constant(1);
  for (const SymbolicDim &d : dims)
    p = p * d;
  return p;
}

static std::optional<Dims> matmulDims(tgraph::MatmulOp op) {
  auto lhs = symbolicDims(op.getLhs()), rhs = symbolicDims(op.getRhs());
  if (!lhs || !rhs || lhs->size() < 2 || rhs->size() < 2)
    return std::nullopt;
  SymbolicDim m = op.getTransposeLhs() ? lhs->back() : (*lhs)[lhs->size() - 2];
  SymbolicDim n = op.getTransposeRhs() ? (*rhs)[rhs->size() - 2] : rhs->back();
  // Batch dims broadcast; the longer batch wins where one side has 1.
  ArrayRef<SymbolicDim> lb(lhs->data(), lhs->size() - 2),
      rb(rhs->data(), rhs->size() - 2);
  size_t rank = std::max(lb.size(), rb.size());
  Dims dims;
  for (size_t i = 0; i < rank; ++i) {
    auto at = [&](ArrayRef<SymbolicDim> b) -> std::optional<SymbolicDim> {
      size_t lead = rank - b.size();
      return i < lead ? std::nullopt : std::optional(b[i - lead]);
    };
    auto l = at(lb), r = at(rb);
    if (l && r)
      dims.push_back(l->asConstant() == 1 ? *r : *l);
    else
      dims.push_back(l ? *l : *r);
  }
  dims.push_back(m);
  dims.push_back(n);
  return dims;
}

static std::optional<Dims> rulesFor(Operation *def, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.hasStaticShape()) {
    Dims dims;
    for (int64_t d : type.getShape())
      dims.push_back(SymbolicDim::constant(d));
    return dims;
  }
  if (auto group = dyn_cast<tsched::FusionGroupOp>(def)) {
    if (auto d = dimsFromAttr(group.getShape());
        d && group.getKind() == "elementwise")
      return d;
    auto yield = cast<tsched::YieldOp>(group.getBody().front().getTerminator());
    return symbolicDims(
        yield.getValues()[cast<OpResult>(value).getResultNumber()]);
  }
  if (auto mm = dyn_cast<tgraph::MatmulOp>(def))
    return matmulDims(mm);
  // A solve's result has its right-hand side's shape (the matrix, first,
  // may have the same rank and other dims).
  if (auto solve = dyn_cast<tgraph::SolveOp>(def))
    return symbolicDims(solve.getRhs());
  if (auto fp = dyn_cast<tgraph::FixedPointOp>(def))
    return symbolicDims(fp.getInit());
  // Attention: the queries' rows of the value's width, and their
  // log-sum-exp (the queries without their width); its cotangents have
  // their operands' shapes.
  if (auto att = dyn_cast<tgraph::AttentionOp>(def)) {
    auto q = symbolicDims(att.getQuery()), v = symbolicDims(att.getValue());
    if (!q || !v)
      return std::nullopt;
    if (value == att.getLse())
      q->pop_back();
    else
      q->back() = v->back();
    return q;
  }
  if (auto grad = dyn_cast<tgraph::AttentionGradOp>(def))
    return symbolicDims(
        grad->getOperand(cast<OpResult>(value).getResultNumber()));
  if (auto t = dyn_cast<tgraph::TransposeOp>(def)) {
    auto in = symbolicDims(t.getOperand());
    if (!in)
      return std::nullopt;
    Dims dims;
    for (int64_t p : t.getPermutation())
      dims.push_back((*in)[p]);
    return dims;
  }
  if (auto b = dyn_cast<tgraph::BroadcastOp>(def))
    return fromTypeAndOperands(type, b.getDynamicDims());
  if (auto i = dyn_cast<tgraph::IotaOp>(def))
    return fromTypeAndOperands(type, i.getDynamicDims());
  if (isa<tgraph::RandomUniformOp, tgraph::RandomNormalOp>(def))
    return fromTypeAndOperands(type, def->getOperands());
  if (auto r = dyn_cast<tgraph::ReshapeOp>(def)) {
    if (!r.getDynamicDims().empty())
      return fromTypeAndOperands(type, r.getDynamicDims());
    // One `?`: the operand's element count over the known extents.
    auto in = symbolicDims(r.getOperand());
    if (!in)
      return std::nullopt;
    int64_t known = 1;
    for (int64_t d : type.getShape())
      if (!ShapedType::isDynamic(d))
        known *= d;
    auto rest = product(*in).divideBy(known);
    if (!rest)
      return std::nullopt;
    Dims dims;
    for (int64_t d : type.getShape())
      dims.push_back(ShapedType::isDynamic(d) ? *rest
                                              : SymbolicDim::constant(d));
    return dims;
  }
  if (auto c = dyn_cast<tgraph::ConcatOp>(def)) {
    std::optional<Dims> dims;
    for (Value in : c.getInputs()) {
      auto d = symbolicDims(in);
      if (!d)
        return std::nullopt;
      if (!dims)
        dims = d;
      else
        (*dims)[c.getAxis()] = (*dims)[c.getAxis()] + (*d)[c.getAxis()];
    }
    return dims;
  }
  if (auto s = dyn_cast<tgraph::SliceOp>(def))
    return fromTypeAndOperands(type, s.getDynamicSizes());
  if (auto p = dyn_cast<tgraph::PadOp>(def)) {
    auto dims = symbolicDims(p.getOperand());
    if (!dims)
      return std::nullopt;
    for (size_t i = 0; i < dims->size(); ++i)
      (*dims)[i] =
          (*dims)[i] + SymbolicDim::constant(p.getLow()[i] + p.getHigh()[i]);
    return dims;
  }
  // rfft keeps n / 2 + 1 frequencies of the last dim; irfft makes n.
  if (isa<tgraph::RFFTOp, tgraph::IRFFTOp>(def)) {
    auto in = symbolicDims(def->getOperand(0));
    if (!in || in->empty())
      return std::nullopt;
    std::optional<SymbolicDim> last;
    if (auto irfft = dyn_cast<tgraph::IRFFTOp>(def))
      last = SymbolicDim::constant(irfft.getN());
    else if (auto half = in->back().floorDivBy(2))
      last = *half + SymbolicDim::constant(1);
    if (!last)
      return std::nullopt;
    in->back() = *last;
    return in;
  }
  if (auto g = dyn_cast<tgraph::GatherOp>(def)) {
    auto in = symbolicDims(g.getOperand()), ids = symbolicDims(g.getIndices());
    if (!in || !ids)
      return std::nullopt;
    int64_t axis = g.getAxis();
    Dims dims(in->begin(), in->begin() + axis);
    dims.append(ids->begin(), ids->end());
    dims.append(in->begin() + axis + 1, in->end());
    return dims;
  }
  // Reductions: the reduced dims dropped or kept as 1.
  if (auto axes = def->getAttrOfType<DenseI64ArrayAttr>("axes")) {
    auto in = symbolicDims(def->getOperand(0));
    if (!in)
      return std::nullopt;
    bool keep = false;
    if (auto k = def->getAttrOfType<BoolAttr>("keepdims"))
      keep = k.getValue();
    Dims dims;
    for (auto [i, d] : llvm::enumerate(*in)) {
      if (!llvm::is_contained(axes.asArrayRef(), static_cast<int64_t>(i)))
        dims.push_back(d);
      else if (keep)
        dims.push_back(SymbolicDim::constant(1));
    }
    return dims;
  }
  // Everything else keeps the shape of its first operand of the same rank
  // (elementwise operators, compare, select, cast, softmax, norms).
  for (Value operand : def->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(operand.getType());
    if (t && t.getRank() == type.getRank())
      return symbolicDims(operand);
  }
  return std::nullopt;
}

std::optional<Dims> symbolicDims(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type)
    return std::nullopt;
  if (type.getRank() == 0)
    return Dims{};
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (auto fn = dyn_cast<func::FuncOp>(owner))
      return dimsFromAttr(fn.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(),
                                                         tgraph::kShapeAttr));
    if (auto group = dyn_cast<tsched::FusionGroupOp>(owner))
      return symbolicDims(group.getInputs()[arg.getArgNumber()]);
    // A fixed point's body: the iterate, then the captured values.
    if (auto fp = dyn_cast<tgraph::FixedPointOp>(owner))
      return symbolicDims(fp->getOperand(arg.getArgNumber()));
    return std::nullopt;
  }
  return rulesFor(value.getDefiningOp(), value);
}

ArrayAttr symbolicShape(Value value) {
  auto dims = symbolicDims(value);
  if (!dims)
    return {};
  SmallVector<Attribute> attrs;
  for (const SymbolicDim &d : *dims)
    attrs.push_back(d.toAttr(value.getContext()));
  return ArrayAttr::get(value.getContext(), attrs);
}

} // namespace tessera
