// The matmul group. Each result element is the sum over k = 0, 1, ..., K-1
// of a[i,k] * b[k,j], accumulated in that order from zero, so its bits do
// not depend on the blocking, the tile size, the thread count, the vector
// width or the target. Under a non-strict policy (the default) a step is one
// fused multiply-add, rounded once (math.fma marked ttile.fused: every
// target computes it exactly, docs/ir/cpu-backend.md); a strict policy
// forbids the contraction, and the step is a multiply and an add. A sum
// over more than kMatmulSegment k is cut into segments of kMatmulSegment
// (of kShortSegment for a small static result: segmentLength), the last
// one shorter, each accumulated so from zero, and the segment values are
// added in ascending order from the first
// (docs/ir/cpu-backend.md, "Segments"): the segments of a small result with
// a long sum (a weight gradient over many points) run in parallel. bf16
// accumulates in f32 (accumulatorOf): the products of bf16 are exact in f32,
// the segments' values are f32, and each result is rounded to bf16 once.
//
// Two kernels. The first packs `b` (read as [k, n], or as [n, k] under
// transpose_rhs) into panels of kVectorsPerStep vectors' columns (fewer
// for a narrow result: BlockShape), each panel K contiguous rows: the second
// then reads `b` sequentially, whatever its layout and row length. Columns
// past N in the last panel are padding that only feeds results never stored.
//
// Panels keep the element type (bf16 stays bf16: half the bytes, and the
// CUDA backend's tensor cores read them as they are); the second kernel
// extends what it loads, its lanes a register's worth of accumulators.
//
// In the second, a point is a block of kRowsPerStep rows by one panel (more
// rows for a narrow panel): each scalar of `a` feeds a vector multiply per
// vector of the panel and each vector of `b` one per row, every accumulator
// in a register. Points run panel by panel down the rows of one batch, so a
// panel stays in cache while the rows go past. Blocks at the bottom edge
// compute their rows one at a time; at the right edge the rows stay blocked
// and the stores are masked. With segments, a point is also one
// segment, and a third kernel adds the segment values.
//
// A group with an epilogue (MatmulEpilogue.h: a bias, an activation, ...)
// applies it to each vector of sums as the second kernel stores it into c,
// and stores its values beside (or instead of) the product; sums folded
// from several segments, or a build whose targets run matmuls on their own
// schedule, pass through memory and get it from a kernel of its own.
#include "KernelBuilder.h"
#include "MatmulEpilogue.h"
#include "ReductionFold.h"
#include "tessera/Conversion/SymbolicShape.h"
#include "tessera/Dialect/TGraph/Transforms/NumericPolicy.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

using namespace mlir;

namespace tessera::tile {

static constexpr int64_t kRowsPerStep = 4;
static constexpr int64_t kVectorsPerStep = 4;

// A block's shape: rows by vectors of columns, rows * vectors accumulators.
// A result known to be narrower than kVectorsPerStep vectors (a layer of 10
// classes, a weight gradient of 10 columns) gets panels of as many vectors
// as it needs and proportionally more rows: the same accumulators, but no
// multiplies of padding (with 10 columns of 64, five of every six were).
// Only the blocking changes, so the bits do not.
struct BlockShape {
  int64_t rows = kRowsPerStep, vectors = kVectorsPerStep;
};
static BlockShape blockShapeFor(int64_t staticN, int64_t lanes) {
  BlockShape shape;
  if (ShapedType::isDynamic(staticN))
    return shape;
  shape.vectors =
      std::clamp<int64_t>((staticN + lanes - 1) / lanes, 1, kVectorsPerStep);
  shape.rows = std::max<int64_t>(kRowsPerStep, kRowsPerStep * kVectorsPerStep /
                                                   shape.vectors);
  return shape;
}

// Long enough that most matmuls are one segment (their K is a feature
// width) and a segment's start costs little; short enough that a weight
// gradient over 16 384 points has 8 segments to run in parallel.
static constexpr int64_t kMatmulSegment = 2048;
// A result of at most kSmallResult elements a batch, known when compiling,
// is cut into segments of kShortSegment instead once its sum is cut at all
// (K past kMatmulSegment or known only at run time): a weight gradient
// (256 x 256, or 2 x 256) over 16 384 points then runs 32 segments, not 8,
// and fills four times as many GPU blocks. The length follows from the
// types alone, so every target and thread count adds the same segments.
static constexpr int64_t kSmallResult = 65536;
static constexpr int64_t kShortSegment = 512;

// A result of at least kWholeSumResult elements (2048 x 2048) has tiles
// enough to fill every core of a CPU or SM of a GPU without cutting its
// sums: it is one segment whatever K, decided at run time from the shapes
// alone, and skips the segments' values (with K = 8192, four times the
// result in f32, written and read back).
static constexpr int64_t kWholeSumResult = int64_t(1) << 22;

static int64_t segmentLength(RankedTensorType result) {
  std::optional<int64_t> perBatch =
      staticCount(result, result.getRank() - 2, result.getRank());
  return perBatch && *perBatch <= kSmallResult ? kShortSegment : kMatmulSegment;
}

static Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return isa<FloatType>(getElementTypeOrSelf(x.getType()))
             ? b.create<arith::AddFOp>(loc, x, y).getResult()
             : b.create<arith::AddIOp>(loc, x, y).getResult();
}
static Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return isa<FloatType>(getElementTypeOrSelf(x.getType()))
             ? b.create<arith::MulFOp>(loc, x, y).getResult()
             : b.create<arith::MulIOp>(loc, x, y).getResult();
}
// acc + x * y: one rounding when `fused` (floats only), two otherwise.
static Value mulAdd(OpBuilder &b, Location loc, Value x, Value y, Value acc,
                    bool fused) {
  if (!fused)
    return add(b, loc, acc, mul(b, loc, x, y));
  auto fma = b.create<math::FmaOp>(loc, x, y, acc);
  fma->setAttr(ttile::kFusedMultiplyAddAttr, b.getUnitAttr());
  return fma;
}
static Value zeroOf(OpBuilder &b, Location loc, Type t) {
  Type elem = getElementTypeOrSelf(t);
  TypedAttr z = isa<FloatType>(elem) ? TypedAttr(b.getFloatAttr(elem, 0.0))
                                     : TypedAttr(b.getIntegerAttr(elem, 0));
  if (auto vt = dyn_cast<VectorType>(t))
    return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(vt, z));
  return b.create<arith::ConstantOp>(loc, z);
}
static Value addIdx(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::AddIOp>(loc, x, y);
}
static Value mulIdx(OpBuilder &b, Location loc, Value x, Value y) {
  return b.create<arith::MulIOp>(loc, x, y);
}

// The batch dims of an operand either match the result's or are absent.
static bool batchMatches(Value operand, Value result) {
  auto od = symbolicDims(operand), rd = symbolicDims(result);
  if (!od || !rd)
    return false;
  size_t ob = od->size() - 2, rb = rd->size() - 2;
  if (ob == 0)
    return true;
  if (ob != rb)
    return false;
  for (size_t i = 0; i < ob; ++i)
    if ((*od)[i].toAttr(operand.getContext()) !=
        (*rd)[i].toAttr(operand.getContext()))
      return false;
  return true;
}

namespace {

// What the product kernel's body reads: the buffers, the extents and where
// one batch's operands start.
struct Operands {
  Value A, P, C; // a, packed b, c (null: the product is not stored)
  Value values;  // with segments: their values, [batch, segment, m, n]
  Value single;  // with segments: whether there is one (stored in c)
  Value M, N, K;
  Value kBegin, kEnd;        // the segment's k
  Value aBase, pBase, cBase; // the batch's (and panel's) first elements
  Value cRowBase;            // the batch's first row of c, over all rows
  Value aStep;               // between a[i, k] and a[i, k+1]
  Value aRowStep;            // between a[i, k] and a[i+1, k]
  VectorType vt;             // of elements, as loaded
  VectorType accType;        // of accumulators (f32 for bf16)
  int64_t lanes;
  int64_t vectors; // a panel's vectors (BlockShape)
  bool fused;      // a step is one fused multiply-add
  // Applied to the sums as they are stored into c (MatmulEpilogue.h).
  MatmulEpilogue *epilogue = nullptr;
  const KernelBody *kernel = nullptr;
  mlir::Type product;                  // c's element type
  mutable bool epilogueFailed = false; // an operator had no lowering

  int64_t panelWidth() const { return vectors * lanes; }
  // a[row, k], extended to the accumulator's type.
  Value aAt(OpBuilder &b, Location loc, Value row, Value k) const {
    Value idx = addIdx(b, loc, aBase, mulIdx(b, loc, row, aRowStep));
    idx = addIdx(b, loc, idx, mulIdx(b, loc, k, aStep));
    return convertFloat(b, loc,
                        b.create<memref::LoadOp>(loc, A, ValueRange{idx}),
                        accType.getElementType());
  }
};

// Rows [i0, i0 + rows) of the panel's columns [j0, j0 + panel width): an
// accumulator per row and vector, summed over k in ascending order (in the
// accumulator's type: bf16 elements are extended as loaded, and the sums
// rounded to bf16 once, as stored into c). Packed rows are whole; stores
// mask columns at or past N unless `wholeColumns`.
void emitBlock(OpBuilder &b, Location loc, const Operands &o, Value i0,
               int64_t rows, Value j0, bool wholeColumns) {
  Value one = indexConst(b, loc, 1);
  Value width = indexConst(b, loc, o.panelWidth());
  SmallVector<Value> rowIdx;
  for (int64_t r = 0; r < rows; ++r)
    rowIdx.push_back(addIdx(b, loc, i0, indexConst(b, loc, r)));
  SmallVector<Value> init(rows * o.vectors, zeroOf(b, loc, o.accType));
  auto kLoop = b.create<scf::ForOp>(
      loc, o.kBegin, o.kEnd, one, init,
      [&](OpBuilder &b, Location loc, Value k, ValueRange acc) {
        Value pRow = addIdx(b, loc, o.pBase, mulIdx(b, loc, k, width));
        Value pEnd = addIdx(b, loc, pRow, width);
        SmallVector<Value> bv;
        for (int64_t v = 0; v < o.vectors; ++v) {
          auto load = b.create<ttile::LoadOp>(
              loc, o.vt, o.P,
              addIdx(b, loc, pRow, indexConst(b, loc, v * o.lanes)), pEnd);
          load->setAttr("ttile.in_bounds", b.getUnitAttr());
          bv.push_back(convertFloat(b, loc, load, o.accType.getElementType()));
        }
        SmallVector<Value> next;
        for (int64_t r = 0; r < rows; ++r) {
          Value a = b.create<vector::SplatOp>(loc, o.accType,
                                              o.aAt(b, loc, rowIdx[r], k));
          for (int64_t v = 0; v < o.vectors; ++v)
            next.push_back(
                mulAdd(b, loc, a, bv[v], acc[r * o.vectors + v], o.fused));
        }
        b.create<scf::YieldOp>(loc, next);
      });
  // Into c, or with several segments into their values (at the same place
  // of the batch and segment's [m, n]), each in its buffer's type. Into c,
  // the epilogue's operators apply to the sums rounded as c holds them.
  auto storeAll = [&](OpBuilder &b, Value into) {
    bool intoC = into == o.C;
    Type elem =
        intoC ? o.product : cast<MemRefType>(into.getType()).getElementType();
    for (int64_t r = 0; r < rows; ++r) {
      Value cRow = addIdx(b, loc, o.cBase, mulIdx(b, loc, rowIdx[r], o.N));
      Value cEnd = addIdx(b, loc, cRow, o.N);
      for (int64_t v = 0; v < o.vectors; ++v) {
        Value col = addIdx(b, loc, j0, indexConst(b, loc, v * o.lanes));
        Value at = addIdx(b, loc, cRow, col);
        Value sum =
            convertFloat(b, loc, kLoop.getResult(r * o.vectors + v), elem);
        if (into) {
          auto store = b.create<ttile::StoreOp>(loc, sum, into, at, cEnd);
          if (wholeColumns)
            store->setAttr("ttile.in_bounds", b.getUnitAttr());
        }
        if (!intoC || !o.epilogue)
          continue;
        MatmulEpilogue::Position position{addIdx(b, loc, o.cRowBase, rowIdx[r]),
                                          col, o.N};
        if (failed(o.epilogue->emitStep(b, loc, *o.kernel, sum, at, cEnd,
                                        wholeColumns, position)))
          o.epilogueFailed = true;
      }
    }
  };
  if (!o.values) {
    storeAll(b, o.C);
    return;
  }
  b.create<scf::IfOp>(
      loc, o.single,
      [&](OpBuilder &b, Location loc) {
        storeAll(b, o.C);
        b.create<scf::YieldOp>(loc);
      },
      [&](OpBuilder &b, Location loc) {
        storeAll(b, o.values);
        b.create<scf::YieldOp>(loc);
      });
}

// The pack kernel: point (batch, panel, k) copies row k of the panel's
// columns into packed[point * width, (point + 1) * width).
void emitPackKernel(EntryContext &ctx, Location loc, Value rhs, Value packed,
                    Value points, ArrayRef<Value> sizes, Type elem,
                    int64_t lanes, int64_t vectors, bool transposed) {
  KernelSpec spec{"matmul_pack",
                  64,
                  1,
                  {ctx.bufferOf(rhs)},
                  {packed},
                  points,
                  SmallVector<Value>(sizes)};
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &b = kb.builder;
  int64_t width = vectors * lanes;
  // What a target that packs panels on its own schedule needs (the CUDA
  // backend's copies of 16-byte chunks).
  kb.offset.getParentBlock()->getParentOp()->setAttr(
      "ttile.matmul_pack",
      b.getDictionaryAttr(
          {b.getNamedAttr("element", TypeAttr::get(elem)),
           b.getNamedAttr("rhs_transposed", b.getBoolAttr(transposed)),
           b.getNamedAttr("panel_width", b.getI64IntegerAttr(width))}));
  Value B = kb.inputs[0], P = kb.outputs[0];
  Value N = kb.sizes[0], K = kb.sizes[1], stride = kb.sizes[2],
        panels = kb.sizes[3];
  Value q = kb.offset;
  Value k = b.create<arith::RemUIOp>(loc, q, K);
  Value rest = b.create<arith::DivUIOp>(loc, q, K);
  Value j0 = mulIdx(b, loc, b.create<arith::RemUIOp>(loc, rest, panels),
                    indexConst(b, loc, width));
  Value base =
      mulIdx(b, loc, b.create<arith::DivUIOp>(loc, rest, panels), stride);
  Value dst = mulIdx(b, loc, q, indexConst(b, loc, width));
  if (!transposed) {
    // Row k of b, columns from j0: vector copies, masked past N.
    Value row = addIdx(b, loc, base, mulIdx(b, loc, k, N));
    Value end = addIdx(b, loc, row, N);
    auto vt = VectorType::get({lanes}, elem);
    for (int64_t v = 0; v < vectors; ++v) {
      Value col = indexConst(b, loc, v * lanes);
      Value x = b.create<ttile::LoadOp>(
          loc, vt, B, addIdx(b, loc, addIdx(b, loc, row, j0), col), end);
      auto store = b.create<ttile::StoreOp>(
          loc, x, P, addIdx(b, loc, dst, col),
          addIdx(b, loc, dst, indexConst(b, loc, width)));
      store->setAttr("ttile.in_bounds", b.getUnitAttr());
    }
  } else {
    // Column k of b read as [n, k]: one element per column; columns past N
    // repeat the last one (padding).
    Value last = b.create<arith::SubIOp>(loc, N, indexConst(b, loc, 1));
    for (int64_t c = 0; c < width; ++c) {
      Value j = b.create<arith::MinUIOp>(
          loc, addIdx(b, loc, j0, indexConst(b, loc, c)), last);
      Value src = addIdx(b, loc, base, addIdx(b, loc, mulIdx(b, loc, j, K), k));
      Value x = b.create<memref::LoadOp>(loc, B, ValueRange{src});
      b.create<memref::StoreOp>(
          loc, x, P, ValueRange{addIdx(b, loc, dst, indexConst(b, loc, c))});
    }
  }
  b.create<ttile::YieldOp>(loc);
}

} // namespace

LogicalResult lowerMatmulGroup(tsched::FusionGroupOp group,
                               ArrayRef<Value> results, EntryContext &ctx,
                               int64_t vectorBytes, bool epilogueInKernel) {
  std::optional<MatmulEpilogue> epilogue = MatmulEpilogue::of(group, results);
  auto mm =
      epilogue ? epilogue->matmul() : cast<tgraph::MatmulOp>(singleOp(group));
  Location loc = mm.getLoc();
  Value lhs = groupInput(group, mm.getLhs()),
        rhs = groupInput(group, mm.getRhs());
  // Every result has the product's shape (an epilogue's too).
  Value result = group.getResult(0);
  Type elem = elementOf(mm.getResult());
  if (!isSupportedElement(elem))
    return mm.emitError("matmul on ")
           << elem << " is not supported by the CPU backend yet";
  auto lt = cast<RankedTensorType>(lhs.getType()),
       rt = cast<RankedTensorType>(rhs.getType());
  if (lt.getRank() < 2 || rt.getRank() < 2)
    return mm.emitError("a matmul with a vector operand is not supported by "
                        "the CPU backend yet");
  if (!batchMatches(lhs, result) || !batchMatches(rhs, result))
    return mm.emitError("a matmul whose batch dims broadcast is not "
                        "supported by the CPU backend yet");

  OpBuilder &eb = ctx.entryBuilder();
  auto ld = ctx.extentsOf(lhs, loc), rd = ctx.extentsOf(rhs, loc),
       od = ctx.extentsOf(result, loc);
  if (failed(ld) || failed(rd) || failed(od))
    return failure();
  bool tl = mm.getTransposeLhs(), tr = mm.getTransposeRhs();
  bool fused = isa<FloatType>(elem) && !tgraph::isStrict(mm);
  Type acc = accumulatorOf(elem);
  size_t lr = ld->size(), rr = rd->size(), orank = od->size();
  Value m = (*od)[orank - 2], n = (*od)[orank - 1];
  Value k = tl ? (*ld)[lr - 2] : (*ld)[lr - 1];
  Value lhsStride = lr > 2 ? mulIdx(eb, loc, m, k) : indexConst(eb, loc, 0);
  Value rhsStride = rr > 2 ? mulIdx(eb, loc, k, n) : indexConst(eb, loc, 0);
  Value batches = product(eb, loc, ArrayRef<Value>(*od).drop_back(2));
  // Segments of k, unless K is known to be one; at least one (K = 0 still
  // stores zeros).
  int64_t staticK = lt.getDimSize(tl ? lr - 2 : lr - 1);
  bool segmented = ShapedType::isDynamic(staticK) || staticK > kMatmulSegment;
  int64_t segment = segmentLength(cast<RankedTensorType>(mm.getType()));
  Value segments, values, several, productBatches = batches;
  if (segmented) {
    Value large = eb.create<arith::CmpIOp>(
        loc, arith::CmpIPredicate::uge,
        mulIdx(eb, loc, batches, mulIdx(eb, loc, m, n)),
        indexConst(eb, loc, kWholeSumResult));
    segments = eb.create<arith::SelectOp>(
        loc, large, indexConst(eb, loc, 1),
        eb.create<arith::MaxUIOp>(loc, ceilDiv(eb, loc, k, segment),
                                  indexConst(eb, loc, 1)));
    productBatches = mulIdx(eb, loc, batches, segments);
    several = eb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ugt, segments,
                                       indexConst(eb, loc, 1));
    values = ctx.scratchBuffer(
        acc,
        eb.create<arith::SelectOp>(
            loc, several,
            mulIdx(eb, loc, productBatches, mulIdx(eb, loc, m, n)),
            indexConst(eb, loc, 1)),
        loc);
  }

  // Where the product goes: the group's result that is the product; with
  // an epilogue that is not, scratch space where the sums pass through
  // memory (folded segments; an epilogue in a kernel of its own), else
  // nowhere.
  bool inKernel = epilogue && epilogueInKernel;
  Value total = mulIdx(eb, loc, batches, mulIdx(eb, loc, m, n));
  Value productOut = epilogue ? epilogue->productResult() : results[0];
  Value cBuffer = productOut, scratchC;
  if (epilogue && !cBuffer && (!inKernel || segmented)) {
    Value count = inKernel ? eb.create<arith::SelectOp>(loc, several, total,
                                                        indexConst(eb, loc, 1))
                                 .getResult()
                           : total;
    cBuffer = scratchC = ctx.scratchBuffer(elem, count, loc);
  }
  Value kernelC = inKernel ? productOut : cBuffer;

  // Lanes: a vector of accumulators per register.
  int64_t bytes = std::max<int64_t>(1, acc.getIntOrFloatBitWidth() / 8);
  int64_t lanes = std::max<int64_t>(1, vectorBytes / bytes);
  BlockShape shape = blockShapeFor(
      cast<RankedTensorType>(mm.getType()).getShape().back(), lanes);
  int64_t width = shape.vectors * lanes;
  Value rowBlocks = ceilDiv(eb, loc, m, shape.rows);
  Value panels = ceilDiv(eb, loc, n, width);
  Value panelRows = mulIdx(eb, loc, batches, mulIdx(eb, loc, panels, k));
  Value packed = ctx.scratchBuffer(
      elem, mulIdx(eb, loc, panelRows, indexConst(eb, loc, width)), loc);
  emitPackKernel(ctx, loc, rhs, packed, panelRows, {n, k, rhsStride, panels},
                 elem, lanes, shape.vectors, tr);

  // Points: batch, then panel, then row block (fastest). The tile hint's
  // rows (BM) make a tile of row blocks.
  int64_t rowsPerTile = group.getTile()[0];
  int64_t tile =
      std::max<int64_t>(1, (rowsPerTile + shape.rows - 1) / shape.rows);
  // With segments the batches are (batch, segment) pairs, segment fastest.
  KernelSpec spec{
      "matmul",
      tile,
      1,
      {ctx.bufferOf(lhs), packed, ctx.bufferOf(rhs)},
      {},
      mulIdx(eb, loc, productBatches, mulIdx(eb, loc, panels, rowBlocks)),
      {m, n, k, lhsStride, rowBlocks, panels}};
  if (segmented) {
    spec.outputs.push_back(values);
    spec.sizes.push_back(segments);
  }
  if (kernelC)
    spec.outputs.push_back(kernelC);
  if (inKernel && failed(epilogue->addTo(spec, ctx, loc)))
    return failure();
  // `b` itself and its batch stride, last: this body reads the panels, but
  // a target may read `b` (the CUDA backend's tensor cores, whose host then
  // skips the packing).
  spec.sizes.push_back(rhsStride);
  KernelBody kb = createKernel(ctx, spec, loc);
  // What a target that runs matmuls on its own schedule needs to read the
  // operands (the CUDA backend's block tiles).
  Operation *kernel = kb.offset.getParentBlock()->getParentOp();
  SmallVector<NamedAttribute> info{
      eb.getNamedAttr("element", TypeAttr::get(elem)),
      eb.getNamedAttr("accumulator", TypeAttr::get(acc)),
      eb.getNamedAttr("lhs_transposed", eb.getBoolAttr(tl)),
      eb.getNamedAttr("rhs_transposed", eb.getBoolAttr(tr)),
      eb.getNamedAttr("fused", eb.getBoolAttr(fused)),
      eb.getNamedAttr("segment", eb.getI64IntegerAttr(segmented ? segment : 0)),
      eb.getNamedAttr("panel_width", eb.getI64IntegerAttr(width))};
  // Freed at once: a live buffer costs every later failure path a free.
  eb.create<memref::DeallocOp>(loc, packed);
  OpBuilder &b = kb.builder;
  Operands o;
  o.A = kb.inputs[0];
  o.P = kb.inputs[1];
  if (kernelC)
    o.C = kb.outputs[segmented ? 1 : 0];
  if (segmented)
    o.values = kb.outputs[0];
  o.product = elem;
  if (inKernel) {
    o.epilogue = &*epilogue;
    o.kernel = &kb;
  }
  o.M = kb.sizes[0];
  o.N = kb.sizes[1];
  o.K = kb.sizes[2];
  o.vt = VectorType::get({lanes}, elem);
  o.accType = VectorType::get({lanes}, acc);
  o.lanes = lanes;
  o.vectors = shape.vectors;
  o.fused = fused;
  o.aStep = tl ? o.M : indexConst(b, loc, 1);
  o.aRowStep = tl ? indexConst(b, loc, 1) : o.K;
  Value p = kb.offset, kRowBlocks = kb.sizes[4], kPanels = kb.sizes[5];
  Value rest = b.create<arith::DivUIOp>(loc, p, kRowBlocks);
  Value i0 = mulIdx(b, loc, b.create<arith::RemUIOp>(loc, p, kRowBlocks),
                    indexConst(b, loc, shape.rows));
  Value panel = b.create<arith::RemUIOp>(loc, rest, kPanels);
  Value j0 = mulIdx(b, loc, panel, indexConst(b, loc, width));
  // With segments a (batch, segment) pair; its values are at the pair's
  // [m, n] (with one segment, at the batch's [m, n] of c).
  Value pair = b.create<arith::DivUIOp>(loc, rest, kPanels);
  Value batch = pair;
  o.kBegin = indexConst(b, loc, 0);
  o.kEnd = o.K;
  if (segmented) {
    Value S = kb.sizes[6];
    Value which = b.create<arith::RemUIOp>(loc, pair, S);
    batch = b.create<arith::DivUIOp>(loc, pair, S);
    o.single = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, S,
                                       indexConst(b, loc, 1));
    o.kBegin = mulIdx(b, loc, which, indexConst(b, loc, segment));
    // One segment is the whole sum (kWholeSumResult).
    o.kEnd = b.create<arith::SelectOp>(
        loc, o.single, o.K,
        b.create<arith::MinUIOp>(
            loc, o.K, addIdx(b, loc, o.kBegin, indexConst(b, loc, segment))));
  }
  o.aBase = mulIdx(b, loc, batch, kb.sizes[3]);
  // The panel's packed rows: (batch * panels + panel) * K rows of `width`.
  o.pBase =
      mulIdx(b, loc,
             mulIdx(b, loc,
                    addIdx(b, loc, mulIdx(b, loc, batch, kPanels), panel), o.K),
             indexConst(b, loc, width));
  o.cBase = mulIdx(b, loc, pair, mulIdx(b, loc, o.M, o.N));
  if (o.epilogue)
    o.cRowBase = mulIdx(b, loc, pair, o.M);

  auto le = [&](Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ule, x, y);
  };
  Value rowsEnd = addIdx(b, loc, i0, indexConst(b, loc, shape.rows));
  Value wholeRows = le(rowsEnd, o.M);
  Value wholeColumns = le(addIdx(b, loc, j0, indexConst(b, loc, width)), o.N);
  // Whole blocks store whole vectors; at the right edge (every block of a
  // result narrower than its panel) the stores are masked; at the bottom
  // edge the rows go one at a time, simplicity winning there: edges are a
  // thin share of the rows.
  auto block = [&](OpBuilder &b, Location loc, bool columns) {
    emitBlock(b, loc, o, i0, shape.rows, j0, columns);
    b.create<scf::YieldOp>(loc);
  };
  b.create<scf::IfOp>(
      loc, wholeRows,
      [&](OpBuilder &b, Location loc) {
        b.create<scf::IfOp>(
            loc, wholeColumns,
            [&](OpBuilder &b, Location loc) { block(b, loc, true); },
            [&](OpBuilder &b, Location loc) { block(b, loc, false); });
        b.create<scf::YieldOp>(loc);
      },
      [&](OpBuilder &b, Location loc) {
        Value last = b.create<arith::MinUIOp>(loc, rowsEnd, o.M);
        b.create<scf::ForOp>(
            loc, i0, last, indexConst(b, loc, 1), ValueRange{},
            [&](OpBuilder &b, Location loc, Value i, ValueRange) {
              emitBlock(b, loc, o, i, 1, j0, /*wholeColumns=*/false);
              b.create<scf::YieldOp>(loc);
            });
        b.create<scf::YieldOp>(loc);
      });
  b.create<ttile::YieldOp>(loc);
  if (o.epilogueFailed)
    return failure();

  if (segmented)
    foldSegmentValues(ctx, loc, group.getTile()[0], Fold::Sum, acc, values,
                      cBuffer, segments, batches, mulIdx(eb, loc, m, n), k);
  // The epilogue of sums that went through memory: all of them, or (in
  // the kernel otherwise) those folded from several segments.
  if (epilogue && (!inKernel || segmented)) {
    Value points = inKernel ? eb.create<arith::SelectOp>(loc, several, total,
                                                         indexConst(eb, loc, 0))
                                  .getResult()
                            : total;
    if (failed(epilogue->emitKernel(ctx, loc, cBuffer, points, vectorBytes)))
      return failure();
  }
  if (scratchC)
    eb.create<memref::DeallocOp>(loc, scratchC);
  // Its stores apply the epilogue too: a target that builds its own matmul
  // kernels applies the element kernel's.
  if (inKernel) {
    FailureOr<StringAttr> element =
        epilogue->emitElementKernel(ctx, loc, kb.kernel().getSymName());
    if (failed(element))
      return failure();
    info.push_back(
        eb.getNamedAttr("epilogue", FlatSymbolRefAttr::get(*element)));
  }
  kernel->setAttr("ttile.matmul", eb.getDictionaryAttr(info));
  return success();
}

} // namespace tessera::tile
