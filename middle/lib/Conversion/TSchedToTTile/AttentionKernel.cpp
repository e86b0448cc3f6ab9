// The attention groups: tgraph.attention and tgraph.attention_grad, as
// kernels that never store the [s, t] scores (flash attention's idea).
//
// A point is a block of `lanes` rows (queries, or keys for the key
// cotangents), one vector lane each; a lane computes exactly what one row
// alone would, with no operation across lanes, so the bits do not depend
// on the vector width, the thread count or the target. Rows past the end
// repeat the last row and are not stored. A point first copies its rows
// into scratch space transposed ([width][lanes], f32), so that the lanes'
// elements of one column are one vector.
//
// Forward, one query row (every sum in ascending order, each step one
// fused multiply-add, rounded once):
//   for each key j: z = (q · k_j) scale; m' = max(m, z); c = exp(m - m');
//   p = exp(z - m'); l = l c + p; acc = p v_j + acc c; m = m'
//   result = acc / l (0 for no keys)
// from m = -inf, l = 0, acc = 0; exp(0) is 1 and exp(-inf) is 0 exactly.
//
// With the op's lse result the forward kernel also stores each query's
// log-sum-exp L = m + log(l).
//
// Reverse: `attention_delta` gives each query δ = Σ result_grad · result,
// and L is the forward op's; without it (hand-written Graph IR),
// `attention_stats` computes both, L by the forward loop without v (the
// same operations, so the same L); then
// with p_ij = exp((q_i · k_j) scale - L_i) and ds_ij = p_ij (result_grad_i
// · v_j - δ_i), `attention_dkv` sums each key's value_grad += p_ij
// result_grad_i and key_grad += ds_ij q_i over the queries in order, and
// `attention_dq` each query's query_grad += ds_ij k_j over the keys; key_grad
// and query_grad are then multiplied by scale. Both compute p_ij and ds_ij
// with the same operations in the same order, so they agree to the bit.
#include "KernelBuilder.h"
#include "ScalarOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <limits>

using namespace mlir;

namespace tessera::tile {
namespace {

// Vector arithmetic on a point's lanes, in f32.
struct Lanes {
  OpBuilder &b;
  Location loc;
  VectorType vt;
  int64_t count;

  Value splat(Value scalar) {
    return b.create<vector::SplatOp>(loc, vt, scalar);
  }
  Value constant(double v) {
    return b.create<arith::ConstantOp>(
        loc, DenseElementsAttr::get(vt, b.getF32FloatAttr(v)));
  }
  // acc + x * y, rounded once on every target.
  Value fma(Value x, Value y, Value acc) {
    auto op = b.create<math::FmaOp>(loc, x, y, acc);
    op->setAttr(ttile::kFusedMultiplyAddAttr, b.getUnitAttr());
    return op;
  }
  Value mul(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  Value add(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value exp(Value x) { return b.create<math::ExpOp>(loc, x); }
  // The lanes of scratch `buffer` at `offset` (always whole).
  Value load(Value buffer, Value offset) {
    Value end = b.create<arith::AddIOp>(loc, offset, indexConst(b, loc, count));
    auto op = b.create<ttile::LoadOp>(loc, vt, buffer, offset, end);
    op->setAttr("ttile.in_bounds", b.getUnitAttr());
    return op;
  }
  void store(Value v, Value buffer, Value offset) {
    Value end = b.create<arith::AddIOp>(loc, offset, indexConst(b, loc, count));
    auto op = b.create<ttile::StoreOp>(loc, v, buffer, offset, end);
    op->setAttr("ttile.in_bounds", b.getUnitAttr());
  }
  Value lane(Value v, int64_t i) {
    return b.create<vector::ExtractOp>(loc, v, i);
  }
};

// One point's view: its lanes' rows of one batch, and where its scratch
// blocks start.
struct Block {
  Value batch;   // which problem
  Value row0;    // its first row
  Value rows;    // how many rows the problem has
  Value scratch; // the point's index, for scratch offsets
};

// Element `i` of an input buffer, as f32.
Value loadF32(Scalars &s, Value buffer, Value i) {
  return convertFloat(s.b, s.loc, s.load(buffer, i), s.b.getF32Type());
}

// The point's rows of `src` (rows of `width` elements from `base`) into
// `dst` at `at`, transposed: dst[at + c * lanes + lane] = src row
// min(row0 + lane, rows - 1), column c.
void stageTransposed(Scalars &s, Lanes &v, const Block &blk, Value src,
                     Value base, Value width, Value dst, Value at) {
  Value last = s.sub(blk.rows, s.idx(1));
  s.loop(s.idx(0), width, [&](Value c) {
    Value to = s.add(at, s.mul(c, s.idx(v.count)));
    for (int64_t lane = 0; lane < v.count; ++lane) {
      Value row =
          s.b.create<arith::MinUIOp>(s.loc, s.add(blk.row0, s.idx(lane)), last);
      s.store(loadF32(s, src, s.add(base, s.at(row, width, c))), dst,
              s.add(to, s.idx(lane)));
    }
  });
}

// Rows a loop step takes from the other operand (keys for a block of
// queries, queries for a block of keys): each staged vector loaded feeds
// that many products, and the running maximum changes once a step.
constexpr int64_t kStepRows = 4;

// A step's rows: first + r for r < kStepRows, clamped to the last of
// `count`, and whether each exists.
struct StepRows {
  SmallVector<Value> index, exists;
};

StepRows stepRows(Scalars &s, Value first, Value count) {
  StepRows rows;
  Value last = s.sub(count, s.idx(1));
  for (int64_t r = 0; r < kStepRows; ++r) {
    Value i = s.add(first, s.idx(r));
    rows.index.push_back(s.b.create<arith::MinUIOp>(s.loc, i, last));
    rows.exists.push_back(s.cmpi(arith::CmpIPredicate::ult, i, count));
  }
  return rows;
}

// The steps over `count` rows: first = 0, kStepRows, ... below `count`,
// carrying `init`.
scf::ForOp stepLoop(
    Scalars &s, Value count, ValueRange init,
    function_ref<void(OpBuilder &, Location, Value first, ValueRange carried)>
        body) {
  Value steps = s.div(s.add(count, s.idx(kStepRows - 1)), s.idx(kStepRows));
  return s.b.create<scf::ForOp>(
      s.loc, s.idx(0), steps, s.idx(1), init,
      [&](OpBuilder &b, Location l, Value step, ValueRange carried) {
        body(b, l,
             b.create<arith::MulIOp>(l, step, indexConst(b, l, kStepRows)),
             carried);
      });
}

// For each base in `bases`, Σ_c x[c] y[c] in ascending c from 0: x the
// staged columns at `at`, y the row of `input` from that base (each
// element splat across the lanes).
SmallVector<Value> dotsWithRows(Scalars &s, Lanes &v, Value staged, Value at,
                                Value input, ArrayRef<Value> bases,
                                Value width) {
  SmallVector<Value> init(bases.size(), v.constant(0.0));
  auto loop = s.b.create<scf::ForOp>(
      s.loc, s.idx(0), width, s.idx(1), init,
      [&](OpBuilder &ib, Location l, Value c, ValueRange acc) {
        Scalars t{ib, l};
        Lanes u{ib, l, v.vt, v.count};
        Value x = u.load(staged, t.add(at, t.mul(c, t.idx(v.count))));
        SmallVector<Value> next;
        for (auto [base, a] : llvm::zip(bases, acc))
          next.push_back(
              u.fma(x, u.splat(loadF32(t, input, t.add(base, c))), a));
        ib.create<scf::YieldOp>(l, next);
      });
  return SmallVector<Value>(loop.getResults());
}

// Each of the `width` staged columns at `at`, first times `factor` when
// given, plus Σ_r terms[r] y_r[c] in ascending r, y_r the row of `input`
// from bases[r].
void accumulateColumns(Scalars &s, Lanes &v, Value staged, Value at,
                       Value width, Value factor, ArrayRef<Value> terms,
                       Value input, ArrayRef<Value> bases) {
  s.loop(s.idx(0), width, [&](Value c) {
    Value where = s.add(at, s.mul(c, s.idx(v.count)));
    Value a = v.load(staged, where);
    if (factor)
      a = v.mul(a, factor);
    for (auto [term, base] : llvm::zip(terms, bases))
      a = v.fma(term, v.splat(loadF32(s, input, s.add(base, c))), a);
    v.store(a, staged, where);
  });
}

// The bases of rows `index` of a buffer of rows of `width` from `base`.
SmallVector<Value> rowBases(Scalars &s, ArrayRef<Value> index, Value base,
                            Value width) {
  SmallVector<Value> bases;
  for (Value i : index)
    bases.push_back(s.add(base, s.mul(i, width)));
  return bases;
}

// Zeroes `width` staged columns at `at`.
void zeroColumns(Scalars &s, Lanes &v, Value buffer, Value at, Value width) {
  s.loop(s.idx(0), width, [&](Value c) {
    v.store(v.constant(0.0), buffer, s.add(at, s.mul(c, s.idx(v.count))));
  });
}

// Row (row0 + lane) of `out` (rows of `width` from `base`) from the staged
// columns at `at`, each times `factor` (when given), for the lanes whose
// rows exist.
void storeRows(Scalars &s, Lanes &v, const Block &blk, Value staged, Value at,
               Value width, Value factor, Value out, Value base) {
  Type elem = cast<MemRefType>(out.getType()).getElementType();
  s.loop(s.idx(0), width, [&](Value c) {
    Value x = v.load(staged, s.add(at, s.mul(c, s.idx(v.count))));
    if (factor)
      x = v.mul(x, factor);
    for (int64_t lane = 0; lane < v.count; ++lane) {
      Value row = s.add(blk.row0, s.idx(lane));
      s.when(s.cmpi(arith::CmpIPredicate::ult, row, blk.rows), [&] {
        s.store(convertFloat(s.b, s.loc, v.lane(x, lane), elem), out,
                s.add(base, s.at(row, width, c)));
      });
    }
  });
}

// The point's block: points run over `blocks` row blocks of each batch.
Block blockOf(Scalars &s, Value point, Value blocks, Value rows,
              int64_t lanes) {
  return Block{s.div(point, blocks), s.mul(s.rem(point, blocks), s.idx(lanes)),
               rows, point};
}

// Each lane's log-sum-exp L = m + log(l) into out[batch S + row], for the
// lanes whose rows exist.
void storeLogSumExp(Scalars &s, Lanes &u, const Block &blk, Value m, Value l,
                    Value out) {
  Value L = u.add(m, s.b.create<math::LogOp>(s.loc, l));
  for (int64_t lane = 0; lane < u.count; ++lane) {
    Value row = s.add(blk.row0, s.idx(lane));
    s.when(s.cmpi(arith::CmpIPredicate::ult, row, blk.rows), [&] {
      s.store(u.lane(L, lane), out, s.add(s.mul(blk.batch, blk.rows), row));
    });
  }
}

// Each lane's δ = Σ_e result_grad · result in ascending e, one fused
// multiply-add a step, into out[batch S + row] (rows of `width`), for the
// lanes whose rows exist.
void storeDeltas(Scalars &s, const Block &blk, int64_t lanes, Value result,
                 Value resultGrad, Value width, Value out) {
  OpBuilder &b = s.b;
  for (int64_t lane = 0; lane < lanes; ++lane) {
    Value row = s.add(blk.row0, s.idx(lane));
    s.when(s.cmpi(arith::CmpIPredicate::ult, row, blk.rows), [&] {
      Value at = s.add(s.mul(blk.batch, blk.rows), row);
      Value base = s.mul(at, width);
      auto sum = b.create<scf::ForOp>(
          s.loc, s.idx(0), width, s.idx(1),
          ValueRange{b.create<arith::ConstantOp>(s.loc, b.getF32FloatAttr(0))},
          [&](OpBuilder &ib, Location l, Value e, ValueRange acc) {
            Scalars t{ib, l};
            auto f = ib.create<math::FmaOp>(
                l, loadF32(t, resultGrad, t.add(base, e)),
                loadF32(t, result, t.add(base, e)), acc[0]);
            f->setAttr(ttile::kFusedMultiplyAddAttr, ib.getUnitAttr());
            ib.create<scf::YieldOp>(l, ValueRange{f});
          });
      s.store(sum.getResult(0), out, at);
    });
  }
}

// The running maximum and sum over the keys, kStepRows keys a step (keys
// past the end score -inf, so they add 0), for the forward kernel and the
// log-sum-exp; `perStep` (when given) updates the accumulators with the
// step's keys, their probability numerators p and the correction c.
std::pair<Value, Value>
onlineSoftmax(Scalars &s, Lanes &v, Value keys, Value staged, Value at, Value K,
              Value kBase, Value d, Value scale,
              function_ref<void(Scalars &, Lanes &, const StepRows &,
                                ArrayRef<Value> p, Value c)>
                  perStep) {
  Value init[] = {v.constant(-std::numeric_limits<double>::infinity()),
                  v.constant(0.0)};
  auto loop = stepLoop(
      s, keys, init, [&](OpBuilder &ib, Location l, Value j0, ValueRange ml) {
        Scalars t{ib, l};
        Lanes u{ib, l, v.vt, v.count};
        StepRows rows = stepRows(t, j0, keys);
        SmallVector<Value> z = dotsWithRows(
            t, u, staged, at, K, rowBases(t, rows.index, kBase, d), d);
        Value m = ml[0];
        for (auto [zr, exists] : llvm::zip(z, rows.exists)) {
          zr = ib.create<arith::SelectOp>(
              l, exists, u.mul(zr, scale),
              u.constant(-std::numeric_limits<double>::infinity()));
          m = ib.create<arith::MaximumFOp>(l, m, zr);
        }
        Value c = u.exp(u.sub(ml[0], m));
        SmallVector<Value> p;
        for (Value zr : z)
          p.push_back(u.exp(u.sub(zr, m)));
        Value sum = u.fma(ml[1], c, p[0]);
        for (Value pr : ArrayRef(p).drop_front())
          sum = u.add(sum, pr);
        if (perStep)
          perStep(t, u, rows, p, c);
        ib.create<scf::YieldOp>(l, ValueRange{m, sum});
      });
  return {loop.getResult(0), loop.getResult(1)};
}

// A reverse kernel's block: its rows of two operands of one batch
// (widths d and e: q or k, and result_grad or v) staged transposed, at dAt
// and eAt of their scratch buffers.
struct StagedPair {
  Block blk;
  Value dAt, eAt;
};

StagedPair stagePair(Scalars &s, Lanes &u, Value point, Value blocks,
                     Value rows, Value dInput, Value dStaged, Value D,
                     Value eInput, Value eStaged, Value E) {
  StagedPair st{blockOf(s, point, blocks, rows, u.count), {}, {}};
  st.dAt = s.mul(point, s.mul(D, s.idx(u.count)));
  st.eAt = s.mul(point, s.mul(E, s.idx(u.count)));
  Value batchRows = s.mul(st.blk.batch, rows);
  stageTransposed(s, u, st.blk, dInput, s.mul(batchRows, D), D, dStaged,
                  st.dAt);
  stageTransposed(s, u, st.blk, eInput, s.mul(batchRows, E), E, eStaged,
                  st.eAt);
  return st;
}

// One step of a reverse kernel: kStepRows rows of the other operand (of
// `count` a batch) against the block's staged pair. For each row: its
// index in the whole buffer, its bases in the inputs of widths d and e,
// its scaled score z = (q · k) scale and dp = result_grad · v, each dot
// product in the order onlineSoftmax uses, so both reverse kernels and
// the forward one compute the same z.
struct PairStep {
  StepRows rows;
  SmallVector<Value> whole, dBases, eBases, z, dp;
};

PairStep pairStep(Scalars &t, Lanes &w, const StagedPair &st, Value first,
                  Value count, Value dStaged, Value dInput, Value D,
                  Value eStaged, Value eInput, Value E, Value scale) {
  PairStep step{stepRows(t, first, count), {}, {}, {}, {}, {}};
  for (Value i : step.rows.index)
    step.whole.push_back(t.add(t.mul(st.blk.batch, count), i));
  step.dBases = rowBases(t, step.whole, t.idx(0), D);
  step.eBases = rowBases(t, step.whole, t.idx(0), E);
  for (Value z : dotsWithRows(t, w, dStaged, st.dAt, dInput, step.dBases, D))
    step.z.push_back(w.mul(z, scale));
  step.dp = dotsWithRows(t, w, eStaged, st.eAt, eInput, step.eBases, E);
  return step;
}

// The operands' extents: `batches` problems of s queries, t keys, key width
// d and value width e.
struct Shape {
  Value batches, s, t, d, e;
};

FailureOr<Shape> shapeOf(EntryContext &ctx, Value q, Value k, Value v,
                         Location loc) {
  auto qd = ctx.extentsOf(q, loc), kd = ctx.extentsOf(k, loc),
       vd = ctx.extentsOf(v, loc);
  if (failed(qd) || failed(kd) || failed(vd))
    return failure();
  size_t r = qd->size();
  return Shape{product(ctx.entryBuilder(), loc, ArrayRef(*qd).drop_back(2)),
               (*qd)[r - 2], (*kd)[r - 2], (*qd)[r - 1], (*vd)[r - 1]};
}

// The buffer of result `r` of the group's op: the group's result that
// yields it, or scratch space when nothing reads it.
Value resultBuffer(tsched::FusionGroupOp group, ArrayRef<Value> results,
                   Value r, EntryContext &ctx, SmallVectorImpl<Value> &freed,
                   Value count, Location loc) {
  auto yield = cast<tsched::YieldOp>(group.getBody().front().getTerminator());
  for (auto [i, y] : llvm::enumerate(yield.getValues()))
    if (y == r)
      return results[i];
  Value scratch = ctx.scratchBuffer(elementOf(r), count, loc);
  freed.push_back(scratch);
  return scratch;
}

LogicalResult checkElements(Operation *op, Type elem) {
  if (elem.isF32() || elem.isBF16() || elem.isF16())
    return success();
  return op->emitError("attention on ")
         << elem << " is not supported by the CPU backend yet";
}

// The entry values of the operands both attention ops have, and their
// extents; fails on an element type the kernels do not take.
struct Operands {
  Value q, k, v, scale;
  Shape n;
};
template <typename OpT>
FailureOr<Operands> readOperands(tsched::FusionGroupOp group, OpT op,
                                 EntryContext &ctx) {
  if (failed(checkElements(op, elementOf(op.getResult()))))
    return failure();
  Operands o{groupInput(group, op.getQuery()), groupInput(group, op.getKey()),
             groupInput(group, op.getValue()), groupInput(group, op.getScale()),
             Shape{}};
  FailureOr<Shape> n = shapeOf(ctx, o.q, o.k, o.v, op.getLoc());
  if (failed(n))
    return failure();
  o.n = *n;
  return o;
}

// createKernel, and the attribute that says what a target that runs
// attention on its own schedule needs (the CUDA backend's tensor cores for
// bf16 and f16), kept when the body is lowered.
KernelBody createAttentionKernel(EntryContext &ctx, const KernelSpec &spec,
                                 Operation *op, Location loc) {
  KernelBody kb = createKernel(ctx, spec, loc);
  OpBuilder &eb = ctx.entryBuilder();
  kb.offset.getParentBlock()->getParentOp()->setAttr(
      "ttile.attention",
      eb.getDictionaryAttr({eb.getNamedAttr(
          "element", TypeAttr::get(elementOf(op->getOperand(0))))}));
  return kb;
}

} // namespace

LogicalResult lowerAttentionGroup(tsched::FusionGroupOp group,
                                  ArrayRef<Value> results, EntryContext &ctx,
                                  int64_t lanes) {
  auto op = cast<tgraph::AttentionOp>(singleOp(group));
  Location loc = op.getLoc();
  FailureOr<Operands> in = readOperands(group, op, ctx);
  if (failed(in))
    return failure();
  Value q = in->q, k = in->k, v = in->v, scale = in->scale;
  Shape *n = &in->n;
  OpBuilder &eb = ctx.entryBuilder();
  Value blocks = ceilDiv(eb, loc, n->s, lanes);
  Value points = eb.create<arith::MulIOp>(loc, n->batches, blocks);
  auto scratch = [&](Value width) {
    return ctx.scratchBuffer(
        eb.getF32Type(),
        eb.create<arith::MulIOp>(
            loc, points,
            eb.create<arith::MulIOp>(loc, width, indexConst(eb, loc, lanes))),
        loc);
  };
  Value qs = scratch(n->d), acc = scratch(n->e);
  SmallVector<Value> freed{qs, acc};
  Value queries = eb.create<arith::MulIOp>(loc, n->batches, n->s);
  SmallVector<Value> outputs{
      resultBuffer(group, results, op.getResult(), ctx, freed,
                   eb.create<arith::MulIOp>(loc, queries, n->e), loc),
      qs, acc};
  // With lse: each query's log-sum-exp, for the adjoint (the stats
  // kernel's L, computed by the same operations).
  if (op.getLse())
    outputs.push_back(
        resultBuffer(group, results, op.getLse(), ctx, freed, queries, loc));
  KernelSpec spec{
      "attention",
      1,
      1,
      {ctx.bufferOf(q), ctx.bufferOf(k), ctx.bufferOf(v), ctx.bufferOf(scale)},
      outputs,
      points,
      {n->s, n->t, n->d, n->e, blocks}};
  KernelBody kb = createAttentionKernel(ctx, spec, op, loc);
  {
    OpBuilder &b = kb.builder;
    Scalars s{b, loc};
    Lanes u{b, loc, VectorType::get({lanes}, b.getF32Type()), lanes};
    Value Q = kb.inputs[0], K = kb.inputs[1], V = kb.inputs[2];
    Value O = kb.outputs[0], QS = kb.outputs[1], ACC = kb.outputs[2];
    Value S = kb.sizes[0], T = kb.sizes[1], D = kb.sizes[2], E = kb.sizes[3];
    Block blk = blockOf(s, kb.offset, kb.sizes[4], S, lanes);
    Value qAt = s.mul(blk.scratch, s.mul(D, s.idx(lanes)));
    Value accAt = s.mul(blk.scratch, s.mul(E, s.idx(lanes)));
    stageTransposed(s, u, blk, Q, s.mul(blk.batch, s.mul(S, D)), D, QS, qAt);
    zeroColumns(s, u, ACC, accAt, E);
    Value c = u.splat(loadF32(s, kb.inputs[3], s.idx(0)));
    Value vBase = s.mul(blk.batch, s.mul(T, E));
    std::pair<Value, Value> ml =
        onlineSoftmax(s, u, T, QS, qAt, K, s.mul(blk.batch, s.mul(T, D)), D, c,
                      [&](Scalars &t, Lanes &w, const StepRows &rows,
                          ArrayRef<Value> p, Value corr) {
                        accumulateColumns(t, w, ACC, accAt, E, corr, p, V,
                                          rowBases(t, rows.index, vBase, E));
                      });
    Value l = ml.second;
    if (op.getLse())
      storeLogSumExp(s, u, blk, ml.first, l, kb.outputs[3]);
    // No keys: l is 0 and every acc 0; the result is 0, as the sum over
    // no keys of the unfused product.
    Value none = b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OEQ, l,
                                         u.constant(0.0));
    // Divided, not multiplied by 1 / l: the result is acc / l rounded once.
    s.loop(s.idx(0), E, [&](Value e) {
      Value at = s.add(accAt, s.mul(e, s.idx(lanes)));
      Value x = u.load(ACC, at);
      Value y = b.create<arith::SelectOp>(loc, none, u.constant(0.0),
                                          b.create<arith::DivFOp>(loc, x, l));
      u.store(y, ACC, at);
    });
    storeRows(s, u, blk, ACC, accAt, E, Value(), O,
              s.mul(blk.batch, s.mul(S, E)));
    b.create<ttile::YieldOp>(loc);
  }
  for (Value buffer : freed)
    eb.create<memref::DeallocOp>(loc, buffer);
  return success();
}

LogicalResult lowerAttentionGradGroup(tsched::FusionGroupOp group,
                                      ArrayRef<Value> results,
                                      EntryContext &ctx, int64_t lanes) {
  auto op = cast<tgraph::AttentionGradOp>(singleOp(group));
  Location loc = op.getLoc();
  FailureOr<Operands> in = readOperands(group, op, ctx);
  if (failed(in))
    return failure();
  Value q = in->q, k = in->k, v = in->v, scale = in->scale,
        o = groupInput(group, op.getResult()),
        g = groupInput(group, op.getResultGrad());
  Shape *n = &in->n;
  OpBuilder &eb = ctx.entryBuilder();
  auto mul = [&](Value x, Value y) {
    return eb.create<arith::MulIOp>(loc, x, y).getResult();
  };
  Value lanesV = indexConst(eb, loc, lanes);
  SmallVector<Value> freed;
  Value queries = mul(n->batches, n->s), keys = mul(n->batches, n->t);
  Value dq = resultBuffer(group, results, op.getQueryGrad(), ctx, freed,
                          mul(queries, n->d), loc);
  Value dk = resultBuffer(group, results, op.getKeyGrad(), ctx, freed,
                          mul(keys, n->d), loc);
  Value dv = resultBuffer(group, results, op.getValueGrad(), ctx, freed,
                          mul(keys, n->e), loc);
  Type f32 = eb.getF32Type();
  // The forward op's log-sum-exp, or the stats kernel's.
  Value lse = op.getLse() ? ctx.bufferOf(groupInput(group, op.getLse()))
                          : ctx.scratchBuffer(f32, queries, loc);
  if (!op.getLse())
    freed.push_back(lse);
  Value delta = ctx.scratchBuffer(f32, queries, loc);
  freed.push_back(delta);
  Value qBlocks = ceilDiv(eb, loc, n->s, lanes),
        kBlocks = ceilDiv(eb, loc, n->t, lanes);
  Value qPoints = mul(n->batches, qBlocks), kPoints = mul(n->batches, kBlocks);
  auto scratch = [&](Value points, Value width) {
    Value buffer = ctx.scratchBuffer(f32, mul(points, mul(width, lanesV)), loc);
    freed.push_back(buffer);
    return buffer;
  };
  Value Qb = ctx.bufferOf(q), Kb = ctx.bufferOf(k), Vb = ctx.bufferOf(v),
        Cb = ctx.bufferOf(scale), Ob = ctx.bufferOf(o), Gb = ctx.bufferOf(g);
  VectorType vt = VectorType::get({lanes}, f32);

  // 1. Each query's δ, and its log-sum-exp unless the forward op gave it.
  if (op.getLse()) {
    KernelSpec spec{"attention_delta",
                    1,
                    1,
                    {Ob, Gb},
                    {delta},
                    qPoints,
                    {n->s, n->t, n->d, n->e, qBlocks}};
    KernelBody kb = createAttentionKernel(ctx, spec, op, loc);
    Scalars s{kb.builder, loc};
    Block blk = blockOf(s, kb.offset, kb.sizes[4], kb.sizes[0], lanes);
    storeDeltas(s, blk, lanes, kb.inputs[0], kb.inputs[1], kb.sizes[3],
                kb.outputs[0]);
    kb.builder.create<ttile::YieldOp>(loc);
  } else {
    Value qs = scratch(qPoints, n->d);
    KernelSpec spec{"attention_stats",
                    1,
                    1,
                    {Qb, Kb, Cb, Ob, Gb},
                    {lse, delta, qs},
                    qPoints,
                    {n->s, n->t, n->d, n->e, qBlocks}};
    KernelBody kb = createKernel(ctx, spec, loc);
    OpBuilder &b = kb.builder;
    Scalars s{b, loc};
    Lanes u{b, loc, vt, lanes};
    Value S = kb.sizes[0], T = kb.sizes[1], D = kb.sizes[2], E = kb.sizes[3];
    Block blk = blockOf(s, kb.offset, kb.sizes[4], S, lanes);
    Value qAt = s.mul(blk.scratch, s.mul(D, s.idx(lanes)));
    stageTransposed(s, u, blk, kb.inputs[0], s.mul(blk.batch, s.mul(S, D)), D,
                    kb.outputs[2], qAt);
    Value c = u.splat(loadF32(s, kb.inputs[2], s.idx(0)));
    auto [m, l] = onlineSoftmax(s, u, T, kb.outputs[2], qAt, kb.inputs[1],
                                s.mul(blk.batch, s.mul(T, D)), D, c, nullptr);
    storeLogSumExp(s, u, blk, m, l, kb.outputs[0]);
    storeDeltas(s, blk, lanes, kb.inputs[3], kb.inputs[4], E, kb.outputs[1]);
    b.create<ttile::YieldOp>(loc);
  }

  // p and ds of one (query, key) pair for a block's lanes: `z` the scaled
  // score, `dp` = result_grad_i · v_j.
  auto pairTerms = [](Lanes &u, Value z, Value L, Value dp, Value dlt) {
    Value p = u.exp(u.sub(z, L));
    return std::pair{p, u.mul(p, u.sub(dp, dlt))};
  };

  // The two kernels below, with the attribute a target that runs attention
  // on its own schedule reads only when L is the forward op's: such a
  // target keeps L in units of its own (the CUDA flash kernels: base 2),
  // which the stats kernel above does not.
  auto gradKernel = [&](const KernelSpec &spec) {
    return op.getLse() ? createAttentionKernel(ctx, spec, op, loc)
                       : createKernel(ctx, spec, loc);
  };

  // 2. Each key's cotangents, over the queries in order.
  {
    Value ks = scratch(kPoints, n->d), vs = scratch(kPoints, n->e),
          dks = scratch(kPoints, n->d), dvs = scratch(kPoints, n->e);
    KernelSpec spec{"attention_dkv",
                    1,
                    1,
                    {Qb, Kb, Vb, Cb, Gb, lse, delta},
                    {dk, dv, ks, vs, dks, dvs},
                    kPoints,
                    {n->s, n->t, n->d, n->e, kBlocks}};
    KernelBody kb = gradKernel(spec);
    OpBuilder &b = kb.builder;
    Scalars s{b, loc};
    Lanes u{b, loc, vt, lanes};
    Value S = kb.sizes[0], T = kb.sizes[1], D = kb.sizes[2], E = kb.sizes[3];
    Value Q = kb.inputs[0], G = kb.inputs[4];
    Value KS = kb.outputs[2], VS = kb.outputs[3], DKS = kb.outputs[4],
          DVS = kb.outputs[5];
    StagedPair st = stagePair(s, u, kb.offset, kb.sizes[4], T, kb.inputs[1], KS,
                              D, kb.inputs[2], VS, E);
    zeroColumns(s, u, DKS, st.dAt, D);
    zeroColumns(s, u, DVS, st.eAt, E);
    Value c = u.splat(loadF32(s, kb.inputs[3], s.idx(0)));
    // kStepRows queries a step; queries past the end add nothing.
    stepLoop(s, S, {}, [&](OpBuilder &ib, Location l, Value i0, ValueRange) {
      Scalars t{ib, l};
      Lanes w{ib, l, vt, lanes};
      PairStep step = pairStep(t, w, st, i0, S, KS, Q, D, VS, G, E, c);
      SmallVector<Value> p, ds;
      for (int64_t r = 0; r < kStepRows; ++r) {
        auto [pr, dsr] = pairTerms(
            w, step.z[r], w.splat(t.load(kb.inputs[5], step.whole[r])),
            step.dp[r], w.splat(t.load(kb.inputs[6], step.whole[r])));
        p.push_back(ib.create<arith::SelectOp>(l, step.rows.exists[r], pr,
                                               w.constant(0)));
        ds.push_back(ib.create<arith::SelectOp>(l, step.rows.exists[r], dsr,
                                                w.constant(0)));
      }
      accumulateColumns(t, w, DVS, st.eAt, E, Value(), p, G, step.eBases);
      accumulateColumns(t, w, DKS, st.dAt, D, Value(), ds, Q, step.dBases);
      ib.create<scf::YieldOp>(l);
    });
    storeRows(s, u, st.blk, DKS, st.dAt, D, c, kb.outputs[0],
              s.mul(st.blk.batch, s.mul(T, D)));
    storeRows(s, u, st.blk, DVS, st.eAt, E, Value(), kb.outputs[1],
              s.mul(st.blk.batch, s.mul(T, E)));
    b.create<ttile::YieldOp>(loc);
  }

  // 3. Each query's cotangent, over the keys in order.
  {
    Value qs = scratch(qPoints, n->d), gs = scratch(qPoints, n->e),
          dqs = scratch(qPoints, n->d);
    KernelSpec spec{"attention_dq",
                    1,
                    1,
                    {Qb, Kb, Vb, Cb, Gb, lse, delta},
                    {dq, qs, gs, dqs},
                    qPoints,
                    {n->s, n->t, n->d, n->e, qBlocks}};
    KernelBody kb = gradKernel(spec);
    OpBuilder &b = kb.builder;
    Scalars s{b, loc};
    Lanes u{b, loc, vt, lanes};
    Value S = kb.sizes[0], T = kb.sizes[1], D = kb.sizes[2], E = kb.sizes[3];
    Value K = kb.inputs[1], V = kb.inputs[2];
    Value QS = kb.outputs[1], GS = kb.outputs[2], DQS = kb.outputs[3];
    StagedPair st = stagePair(s, u, kb.offset, kb.sizes[4], S, kb.inputs[0], QS,
                              D, kb.inputs[4], GS, E);
    zeroColumns(s, u, DQS, st.dAt, D);
    // The lanes' log-sum-exp and δ (rows past the end repeat the last).
    Value L = u.constant(0.0), dlt = u.constant(0.0);
    Value last = s.sub(S, s.idx(1));
    for (int64_t lane = 0; lane < lanes; ++lane) {
      Value row = s.add(
          s.mul(st.blk.batch, S),
          b.create<arith::MinUIOp>(loc, s.add(st.blk.row0, s.idx(lane)), last));
      L = b.create<vector::InsertOp>(loc, s.load(kb.inputs[5], row), L, lane);
      dlt =
          b.create<vector::InsertOp>(loc, s.load(kb.inputs[6], row), dlt, lane);
    }
    Value c = u.splat(loadF32(s, kb.inputs[3], s.idx(0)));
    // kStepRows keys a step; keys past the end add nothing.
    stepLoop(s, T, {}, [&](OpBuilder &ib, Location l, Value j0, ValueRange) {
      Scalars t{ib, l};
      Lanes w{ib, l, vt, lanes};
      PairStep step = pairStep(t, w, st, j0, T, QS, K, D, GS, V, E, c);
      SmallVector<Value> ds;
      for (int64_t r = 0; r < kStepRows; ++r)
        ds.push_back(ib.create<arith::SelectOp>(
            l, step.rows.exists[r],
            pairTerms(w, step.z[r], L, step.dp[r], dlt).second, w.constant(0)));
      accumulateColumns(t, w, DQS, st.dAt, D, Value(), ds, K, step.dBases);
      ib.create<scf::YieldOp>(l);
    });
    storeRows(s, u, st.blk, DQS, st.dAt, D, c, kb.outputs[0],
              s.mul(st.blk.batch, s.mul(S, D)));
    b.create<ttile::YieldOp>(loc);
  }

  for (Value buffer : freed)
    eb.create<memref::DeallocOp>(loc, buffer);
  return success();
}

} // namespace tessera::tile
