// The solve group: x with A x = b, A [n, n], b [n] or [n, k], by Gaussian
// elimination with partial pivoting in a fixed order, so that the bits do
// not depend on the thread count or anything but the operands. Batched (A
// [b..., n, n], b [b..., n] or [b..., n, k]), each system is solved alone,
// exactly so.
//
// Two kernels and a check in the entry:
//
// 1. `solve_factor`, one point a system: A is copied into scratch space and
// factored
//    in place, column c = 0, 1, ..., n-1 in turn. The pivot is the first row
//    i >= c with the largest |a[i, c]| (a strict comparison: the first one
//    on ties, a NaN never); rows c and the pivot's swap whole, and each row
//    i > c takes f = a[i, c] / a[c, c] (stored in its place, the multipliers
//    of L) and, unless f is 0, a[i, j] -= f * a[c, j] for j > c, a separate
//    multiply and subtract. The pivot rows go to a second buffer. A zero
//    pivot stops the factorization and writes its column + 1 to a flag.
// 2. The entry reads the flags back and, if one is set, returns
//    TESSERA_ENTRY_SINGULAR_MATRIX (ttile.check): the runtime reports
//    "solve: the matrix is singular".
// 3. `solve`, a point per column j of each b: the column is copied into x, the
//    pivots' swaps applied in order, then forward substitution
//    (x[i] -= l[i, c] * x[c] for c ascending and i > c, skipped where the
//    multiplier is 0) and back substitution (s = x[i] - u[i, p] * x[p] for p
//    ascending from i + 1, then x[i] = s / u[i, i]).
//
// These are the operations of the reference evaluator's elimination
// (middle/lib/Reference/LinalgEval.cpp), which applies each row operation to
// b as it goes, in the same order: a column's result depends only on A and
// that column, and in f64 it is the reference's to the bit.
#include "KernelBuilder.h"
#include "ScalarOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace tessera::tile {

namespace {

// Kernel 1: the factorization of system `system`'s matrix in `a` into `lu`,
// its pivot rows into `piv`, 0 or the column + 1 of a zero pivot into
// info[system].
void emitFactor(OpBuilder &b, Location loc, Value a, Value lu, Value piv,
                Value info, Value n, Value system, Type elem) {
  Scalars s{b, loc};
  Type i64 = b.getI64Type();
  Value zero = s.idx(0), one = s.idx(1);
  Value zero64 = b.create<arith::ConstantIntOp>(loc, 0, i64);
  Value nn = s.mul(n, n);
  Value base = s.mul(system, nn), pivBase = s.mul(system, n);
  // Element (i, j) of the system's matrix; the system's i-th pivot.
  auto at = [&](Value i, Value j) { return s.add(base, s.at(i, n, j)); };
  auto pivAt = [&](Value i) { return s.add(pivBase, i); };
  s.loop(zero, nn, [&](Value i) {
    Value e = s.add(base, i);
    s.store(s.load(a, e), lu, e);
  });
  s.store(zero64, info, system);
  s.loop(zero, n, [&](Value c) {
    // Columns after a zero pivot are left as they are.
    Value fine = s.cmpi(arith::CmpIPredicate::eq, s.load(info, system), zero64);
    s.when(fine, [&] {
      Value diag = at(c, c);
      Value cNext = s.add(c, one);
      // The pivot: the first row with the largest magnitude in column c.
      auto search = b.create<scf::ForOp>(
          loc, cNext, n, one,
          ValueRange{c, b.create<math::AbsFOp>(loc, s.load(lu, diag))},
          [&](OpBuilder &ib, Location l, Value i, ValueRange best) {
            Scalars t{ib, l};
            Value v = ib.create<math::AbsFOp>(
                l, t.load(lu, t.add(base, t.at(i, n, c))));
            Value larger = t.cmpf(arith::CmpFPredicate::OGT, v, best[1]);
            ib.create<scf::YieldOp>(
                l,
                ValueRange{ib.create<arith::SelectOp>(l, larger, i, best[0]),
                           ib.create<arith::SelectOp>(l, larger, v, best[1])});
          });
      Value p = search.getResult(0);
      s.store(b.create<arith::IndexCastOp>(loc, i64, p), piv, pivAt(c));
      Value pivot = s.load(lu, at(p, c));
      Value singular = s.cmpf(arith::CmpFPredicate::OEQ, pivot, s.zeroOf(elem));
      auto branch = b.create<scf::IfOp>(loc, singular, /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(branch.thenBlock()->getTerminator());
        s.store(b.create<arith::IndexCastOp>(loc, i64, cNext), info, system);
        b.setInsertionPoint(branch.elseBlock()->getTerminator());
        s.when(s.cmpi(arith::CmpIPredicate::ne, p, c), [&] {
          s.loop(zero, n, [&](Value j) { s.swap(lu, at(c, j), at(p, j)); });
        });
        Value d = s.load(lu, diag);
        s.loop(cNext, n, [&](Value i) {
          Value ic = at(i, c);
          Value f = b.create<arith::DivFOp>(loc, s.load(lu, ic), d);
          s.store(f, lu, ic);
          s.when(s.cmpf(arith::CmpFPredicate::UNE, f, s.zeroOf(elem)), [&] {
            s.loop(cNext, n, [&](Value j) {
              Value ij = at(i, j);
              Value prod =
                  b.create<arith::MulFOp>(loc, f, s.load(lu, at(c, j)));
              s.store(b.create<arith::SubFOp>(loc, s.load(lu, ij), prod), lu,
                      ij);
            });
          });
        });
      }
    });
  });
}

// Kernel 2: column j of system `system`'s x from that column of `rhs` and
// the system's factorization.
void emitSubstitution(OpBuilder &b, Location loc, Value lu, Value piv,
                      Value rhs, Value x, Value n, Value k, Value system,
                      Value j, Type elem) {
  Scalars s{b, loc};
  Value zero = s.idx(0), one = s.idx(1);
  Value base = s.mul(system, s.mul(n, n)), pivBase = s.mul(system, n);
  Value xBase = s.mul(system, s.mul(n, k));
  auto xAt = [&](Value row) { return s.add(xBase, s.at(row, k, j)); };
  auto luAt = [&](Value i, Value c) { return s.add(base, s.at(i, n, c)); };
  s.loop(zero, n, [&](Value i) { s.store(s.load(rhs, xAt(i)), x, xAt(i)); });
  s.loop(zero, n, [&](Value c) {
    Value p = b.create<arith::IndexCastOp>(loc, b.getIndexType(),
                                           s.load(piv, s.add(pivBase, c)));
    s.when(s.cmpi(arith::CmpIPredicate::ne, p, c),
           [&] { s.swap(x, xAt(c), xAt(p)); });
  });
  s.loop(zero, n, [&](Value c) {
    Value xc = s.load(x, xAt(c));
    s.loop(s.add(c, one), n, [&](Value i) {
      Value l = s.load(lu, luAt(i, c));
      s.when(s.cmpf(arith::CmpFPredicate::UNE, l, s.zeroOf(elem)), [&] {
        Value prod = b.create<arith::MulFOp>(loc, l, xc);
        s.store(b.create<arith::SubFOp>(loc, s.load(x, xAt(i)), prod), x,
                xAt(i));
      });
    });
  });
  s.loop(zero, n, [&](Value t) {
    Value i = s.sub(s.sub(n, one), t);
    auto sum = b.create<scf::ForOp>(
        loc, s.add(i, one), n, one, ValueRange{s.load(x, xAt(i))},
        [&](OpBuilder &ib, Location l, Value p, ValueRange acc) {
          Scalars u{ib, l};
          Value prod = ib.create<arith::MulFOp>(
              l, u.load(lu, u.add(base, u.at(i, n, p))),
              u.load(x, u.add(xBase, u.at(p, k, j))));
          ib.create<scf::YieldOp>(
              l, ValueRange{ib.create<arith::SubFOp>(l, acc[0], prod)});
        });
    Value q =
        b.create<arith::DivFOp>(loc, sum.getResult(0), s.load(lu, luAt(i, i)));
    s.store(q, x, xAt(i));
  });
}

} // namespace

LogicalResult lowerSolveGroup(tsched::FusionGroupOp group,
                              ArrayRef<Value> results, EntryContext &ctx) {
  auto op = cast<tgraph::SolveOp>(singleOp(group));
  Location loc = op.getLoc();
  Type elem = elementOf(op.getMatrix());
  if (!elem.isF32() && !elem.isF64())
    return op.emitError("solve on ")
           << elem << " is not supported by the CPU backend yet";
  Value matrix = groupInput(group, op.getMatrix());
  Value rhs = groupInput(group, op.getRhs());
  auto dims = ctx.extentsOf(matrix, loc);
  auto rhsDims = ctx.extentsOf(rhs, loc);
  if (failed(dims) || failed(rhsDims))
    return failure();
  OpBuilder &eb = ctx.entryBuilder();
  size_t rank = dims->size();
  Value n = dims->back();
  Value k = rhsDims->size() == rank ? rhsDims->back() : indexConst(eb, loc, 1);
  Value systems = product(eb, loc, ArrayRef(*dims).drop_back(2));

  Type i64 = eb.getI64Type();
  Value lu =
      ctx.scratchBuffer(elem,
                        eb.create<arith::MulIOp>(
                            loc, systems, eb.create<arith::MulIOp>(loc, n, n)),
                        loc);
  Value piv =
      ctx.scratchBuffer(i64, eb.create<arith::MulIOp>(loc, systems, n), loc);
  Value info = ctx.scratchBuffer(i64, systems, loc);

  KernelSpec factor{"solve_factor",  1,       1,  {ctx.bufferOf(matrix)},
                    {lu, piv, info}, systems, {n}};
  KernelBody f = createKernel(ctx, factor, loc);
  emitFactor(f.builder, loc, f.inputs[0], f.outputs[0], f.outputs[1],
             f.outputs[2], f.sizes[0], f.offset, elem);
  f.builder.create<ttile::YieldOp>(loc);

  // The entry reads the flags: a zero pivot in any system ends the entry
  // with its status. (Reads in host code: a device entry downloads each.)
  Value zero64 = eb.create<arith::ConstantIntOp>(loc, 0, i64);
  auto flags = eb.create<scf::ForOp>(
      loc, indexConst(eb, loc, 0), systems, indexConst(eb, loc, 1),
      ValueRange{zero64},
      [&](OpBuilder &b, Location loc, Value i, ValueRange any) {
        Value flag = b.create<memref::LoadOp>(loc, info, ValueRange{i});
        b.create<scf::YieldOp>(
            loc, ValueRange{b.create<arith::OrIOp>(loc, any[0], flag)});
      });
  Value ok = eb.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                      flags.getResult(0), zero64);
  eb.create<ttile::CheckOp>(loc, ok, ttile::kStatusSingularMatrix,
                            StringAttr());

  KernelSpec solve{"solve",
                   1,
                   1,
                   {lu, piv, ctx.bufferOf(rhs)},
                   {results[0]},
                   eb.create<arith::MulIOp>(loc, systems, k),
                   {n, k}};
  KernelBody s = createKernel(ctx, solve, loc);
  {
    OpBuilder &b = s.builder;
    Value system = b.create<arith::DivUIOp>(loc, s.offset, s.sizes[1]);
    Value column = b.create<arith::RemUIOp>(loc, s.offset, s.sizes[1]);
    emitSubstitution(b, loc, s.inputs[0], s.inputs[1], s.inputs[2],
                     s.outputs[0], s.sizes[0], s.sizes[1], system, column,
                     elem);
    b.create<ttile::YieldOp>(loc);
  }

  for (Value scratch : {lu, piv, info})
    eb.create<memref::DeallocOp>(loc, scratch);
  return success();
}

} // namespace tessera::tile
