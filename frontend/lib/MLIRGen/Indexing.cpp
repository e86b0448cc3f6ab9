// Indexing and slicing into Graph IR: tgraph.slice and reshape for
// constant subscripts and ranges, their bounds over dims known only at run
// time, steps, and gathers for tensor subscripts and numbers known at run
// time.
#include "Generator.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace tessera::mlirgen {

// x[i, a:b:s, :]: a `tgraph.slice` (an index is a slice of size 1), then a
// reshape that drops indexed dims. Over a dim whose extent is only known at
// run time, a bound that counts from the end (`x[-1]`, `x[:-1]`) and an
// extent that depends on it (`x[1:]`) are `index` values computed from the
// operand's extent; the entry checks at run time that the slice fits. A
// step there is a second slice (everyStep).
Value Generator::genIndex(const ast::IndexExpr &ix, const ExprType &t) {
  Value base = gen(*ix.base);
  if (!base)
    return {};
  Location where = loc(ix.range);
  // A tensor subscript (the others are `:`, as Sema checked): a gather.
  for (auto [axis, s] : llvm::enumerate(ix.slices)) {
    const ExprType *it = s.index ? typeOfExpr(*s.index) : nullptr;
    if (s.isRange || !it || !it->isTensor() || it->dims.empty())
      continue;
    Value indices = gen(*s.index);
    if (!indices)
      return {};
    return create("tgraph.gather", where, {base, indices}, tensorType(t),
                  {b.getNamedAttr("axis", b.getI64IntegerAttr(axis))});
  }
  // Numbers known only at run time (`x[k]`, k: i32[]): the one slice
  // gathered along its dim, then indexed at 0 like a constant.
  llvm::SmallDenseSet<int64_t> gathered;
  for (auto [axis, s] : llvm::enumerate(ix.slices)) {
    const ExprType *it = s.index ? typeOfExpr(*s.index) : nullptr;
    if (s.isRange || !it || !it->isTensor() || !it->dims.empty())
      continue;
    base = gatherOne(base, *s.index, axis, where);
    if (!base)
      return {};
    gathered.insert(axis);
  }
  auto type = cast<RankedTensorType>(base.getType());
  SmallVector<OpFoldResult> offsets, sizes;
  SmallVector<int64_t> strides, runtimeSteps(type.getRank(), 1);
  bool dropped = false;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    int64_t extent = type.getDimSize(i);
    const ast::Slice *s =
        i < static_cast<int64_t>(ix.slices.size()) ? &ix.slices[i] : nullptr;
    auto integer = [&](const ast::ExprPtr &p,
                       int64_t dflt) -> std::optional<int64_t> {
      if (!p)
        return dflt;
      std::optional<double> v = fold(*p);
      return v ? ast::exactInteger(*v) : std::nullopt;
    };
    // A bound: a negative one counts from the end.
    auto value = [&](const ast::ExprPtr &p,
                     int64_t dflt) -> std::optional<int64_t> {
      std::optional<int64_t> n = integer(p, dflt);
      return n && *n < 0 ? std::optional<int64_t>(*n + extent) : n;
    };
    auto known = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
    if (gathered.contains(i)) {
      offsets.push_back(known(0)), sizes.push_back(known(1)),
          strides.push_back(1);
      dropped = true;
      continue;
    }
    if (ShapedType::isDynamic(extent)) {
      if (mlir::failed(runtimeBounds(base, i, s, ix.range, offsets, sizes,
                                     strides, runtimeSteps[i], dropped)))
        return {};
      continue;
    }
    if (!s) {
      offsets.push_back(known(0)), sizes.push_back(known(extent)),
          strides.push_back(1);
      continue;
    }
    if (!s->isRange) {
      auto at = value(s->index, 0);
      if (!at || *at < 0 || *at >= extent) {
        unsupported(s->range, "this index");
        return {};
      }
      offsets.push_back(known(*at)), sizes.push_back(known(1)),
          strides.push_back(1);
      dropped = true;
      continue;
    }
    auto lo = value(s->lo, 0), hi = value(s->hi, extent),
         step = integer(s->step, 1);
    if (step && *step <= 0) {
      nonPositiveStep(s->step->range, *step);
      return {};
    }
    if (!lo || !hi || !step || *lo < 0 || *hi > extent) {
      unsupported(s->range, "this range");
      return {};
    }
    offsets.push_back(known(*lo));
    sizes.push_back(known(*hi > *lo ? (*hi - *lo + *step - 1) / *step : 0));
    strides.push_back(*step);
  }
  Value sliced;
  if (llvm::any_of(runtimeSteps, [](int64_t s) { return s != 1; })) {
    sliced = everyStep(takeRange(base, offsets, sizes, strides, where),
                       runtimeSteps, where);
  } else {
    sliced = b.create<tgraph::SliceOp>(where, base, offsets, sizes, strides);
  }
  if (!dropped)
    return sliced;
  // The kept dims' run-time extents, one per `?` of the result.
  auto dims = dynamicDims(t, where);
  if (!dims) {
    unsupported(ix.range, "indexing a tensor whose dims are not inputs' dims");
    return {};
  }
  SmallVector<Value> operands = {sliced};
  operands.append(dims->begin(), dims->end());
  return create("tgraph.reshape", where, operands, tensorType(t));
}

// `base` with dim `axis` reduced to the one slice at `index`, a rank-0
// integer tensor known at run time: counted from the end when negative (as
// a constant subscript is), and clamped into the dim as gather's indices
// are, since a kernel cannot stop the program.
Value Generator::gatherOne(Value base, const ast::Expr &index, int64_t axis,
                           Location where) {
  Value k = gen(index);
  if (!k)
    return {};
  auto type = cast<RankedTensorType>(base.getType());
  Type elem = cast<RankedTensorType>(k.getType()).getElementType();
  auto scalar = RankedTensorType::get({}, elem);
  auto number = [&](Value i64) -> Value {
    Value v = elem.isInteger(64)
                  ? i64
                  : b.create<arith::TruncIOp>(where, elem, i64).getResult();
    return b.create<tensor::FromElementsOp>(where, scalar, v);
  };
  auto constant = [&](int64_t v) -> Value {
    return b.create<tgraph::ConstantOp>(where, scalar,
                                        b.getIntegerAttr(elem, v));
  };
  int64_t extent = type.getDimSize(axis);
  Value n = ShapedType::isDynamic(extent)
                ? number(b.create<arith::IndexCastOp>(
                      where, b.getI64Type(),
                      b.create<tensor::DimOp>(where, base, axis)))
                : constant(extent);
  Value negative = create(
      "tgraph.compare", where, {k, constant(0)},
      RankedTensorType::get({}, b.getI1Type()),
      {b.getNamedAttr("predicate", tgraph::ComparePredicateAttr::get(
                                       &ctx, tgraph::ComparePredicate::lt))});
  Value at = create("tgraph.select", where,
                    {negative, create("tgraph.add", where, {k, n}, scalar), k},
                    scalar);
  Value indices =
      create("tgraph.reshape", where, {at}, RankedTensorType::get({1}, elem));
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 1;
  return create("tgraph.gather", where, {base, indices},
                RankedTensorType::get(shape, type.getElementType()),
                {b.getNamedAttr("axis", b.getI64IntegerAttr(axis))});
}

// One subscript over dim `axis` of `base`, whose extent N is only known at
// run time. Bounds are integer constants; a negative one counts from the
// end, so it is N minus a number. The range itself steps by 1: its step, a
// positive constant, is returned in `step` for everyStep.
LogicalResult Generator::runtimeBounds(Value base, int64_t axis,
                                       const ast::Slice *s, SourceRange range,
                                       SmallVectorImpl<OpFoldResult> &offsets,
                                       SmallVectorImpl<OpFoldResult> &sizes,
                                       SmallVectorImpl<int64_t> &strides,
                                       int64_t &step, bool &dropped) {
  Location where = loc(s ? s->range : range);
  Value n;
  auto extent = [&]() -> Value {
    if (!n)
      n = b.create<tensor::DimOp>(where, base, axis);
    return n;
  };
  auto index = [&](int64_t c) -> Value {
    return b.create<arith::ConstantIndexOp>(where, c);
  };
  auto plus = [&](Value v, int64_t c) -> Value {
    if (c == 0)
      return v;
    return b.create<arith::AddIOp>(where, v, index(c));
  };
  // A bound: counted from the start, or from the end (N + c, c < 0).
  auto at = [&](int64_t c) -> OpFoldResult {
    if (c >= 0)
      return b.getIndexAttr(c);
    return plus(extent(), c);
  };
  auto constant = [&](const ast::ExprPtr &p) -> std::optional<int64_t> {
    std::optional<double> v = p ? fold(*p) : std::nullopt;
    std::optional<int64_t> i = v ? ast::exactInteger(*v) : std::nullopt;
    if (!i)
      unsupported(p ? p->range : range,
                  "a subscript that is not an integer constant");
    return i;
  };
  strides.push_back(1);
  if (!s) {
    offsets.push_back(b.getIndexAttr(0)), sizes.push_back(extent());
    return success();
  }
  if (!s->isRange) {
    auto i = constant(s->index);
    if (!i)
      return failure();
    offsets.push_back(at(*i)), sizes.push_back(b.getIndexAttr(1));
    dropped = true;
    return success();
  }
  std::optional<int64_t> by = s->step ? constant(s->step) : 1;
  std::optional<int64_t> lo = s->lo ? constant(s->lo) : 0;
  if (!by || !lo)
    return failure();
  if (*by <= 0) {
    nonPositiveStep(s->step->range, *by);
    return failure();
  }
  step = *by;
  if (!s->hi) {
    // To the end: N - lo elements from lo, or -lo from N + lo.
    offsets.push_back(at(*lo));
    sizes.push_back(*lo < 0 ? OpFoldResult(b.getIndexAttr(-*lo))
                            : OpFoldResult(plus(extent(), -*lo)));
    return success();
  }
  std::optional<int64_t> hi = constant(s->hi);
  if (!hi)
    return failure();
  offsets.push_back(at(*lo));
  if ((*lo < 0) == (*hi < 0)) {
    sizes.push_back(b.getIndexAttr(std::max<int64_t>(0, *hi - *lo)));
    return success();
  }
  // From the start to a place from the end, N + hi - lo elements; from the
  // end to a place from the start, hi - (N + lo). Either may come out
  // negative, which the entry's check reports.
  if (*lo < 0) {
    sizes.push_back(
        b.create<arith::SubIOp>(where, index(*hi - *lo), extent()).getResult());
    return success();
  }
  sizes.push_back(plus(extent(), *hi - *lo));
  return success();
}

// The slice of `base` that the bounds give, or `base` itself where they
// take every dim whole (x[::2] steps through all of x): no copy of it.
Value Generator::takeRange(Value base, ArrayRef<OpFoldResult> offsets,
                           ArrayRef<OpFoldResult> sizes,
                           ArrayRef<int64_t> strides, Location where) {
  auto type = cast<RankedTensorType>(base.getType());
  auto whole = [&](int64_t i) {
    if (getConstantIntValue(offsets[i]) != 0 || strides[i] != 1)
      return false;
    if (!type.isDynamicDim(i))
      return getConstantIntValue(sizes[i]) == type.getDimSize(i);
    auto size = dyn_cast<Value>(sizes[i]);
    auto dim = size ? size.getDefiningOp<tensor::DimOp>() : nullptr;
    return dim && dim.getSource() == base && dim.getConstantIndex() == i;
  };
  if (!llvm::all_of(llvm::seq<int64_t>(0, type.getRank()), whole))
    return b.create<tgraph::SliceOp>(where, base, offsets, sizes, strides);
  // The extents read for the sizes are not used now.
  for (OpFoldResult size : sizes)
    if (auto v = dyn_cast<Value>(size); v && v.use_empty()) {
      Operation *dim = v.getDefiningOp();
      Value axis = dim->getOperand(1);
      dim->erase();
      if (axis.use_empty())
        axis.getDefiningOp()->erase();
    }
  return base;
}

// x[lo:hi:step] over run-time dims is x[lo:hi] (which the entry checks as
// any unit-step slice: hi within N, hi - lo not negative), then every
// step-th of its M elements from the first: ceil(M / step) of them, which
// always fit, written floor((M + step - 1) / step). M is not negative once
// the first slice is checked, so a truncating division is that floor.
Value Generator::everyStep(Value sliced, ArrayRef<int64_t> steps,
                           Location where) {
  auto type = cast<RankedTensorType>(sliced.getType());
  SmallVector<OpFoldResult> offsets, sizes;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    int64_t step = steps[i];
    offsets.push_back(b.getIndexAttr(0));
    if (!type.isDynamicDim(i)) {
      sizes.push_back(b.getIndexAttr((type.getDimSize(i) + step - 1) / step));
      continue;
    }
    Value m = b.create<tensor::DimOp>(where, sliced, i);
    if (step == 1) {
      sizes.push_back(m);
      continue;
    }
    Value up = b.create<arith::AddIOp>(
        where, m, b.create<arith::ConstantIndexOp>(where, step - 1));
    sizes.push_back(
        b.create<arith::DivSIOp>(where, up,
                                 b.create<arith::ConstantIndexOp>(where, step))
            .getResult());
  }
  return b.create<tgraph::SliceOp>(where, sliced, offsets, sizes, steps);
}

// A step of 0 or less, from a constant the checker could not read.
void Generator::nonPositiveStep(SourceRange r, int64_t step) {
  diags.error(r, "the step of a range must be a positive integer, found " +
                     std::to_string(step));
  failed = anyFailed = true;
}

} // namespace tessera::mlirgen
