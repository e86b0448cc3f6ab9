// The Fourier transforms (fft, ifft, rfft, irfft) along the last dim: one
// point a row, computed in f64 and rounded once to the c64 (or f32) result,
// in an order fixed by the row's length alone, so the bits do not depend on
// the thread count, the target or the other rows.
//
// Two kernels:
//
// 1. `fft_twiddles`, one point per t in [0, n): the table of
//    W^t = exp(-2 pi i t / n) as (cos, -sin) pairs in f64, from Tessera's
//    own cos (Float64Math.cpp; sin(a) is the cos of a - pi/2, reduced into
//    [0, 2 pi) in integers first). Every twiddle a row needs is an entry of
//    this table, since every radix and every stage's length divides n.
// 2. `fft`, one point a row: the row is loaded into scratch space as f64
//    pairs, transformed by a self-sorting (Stockham) mixed-radix
//    decimation-in-frequency FFT, and stored. A stage of length L and stride
//    s (L s = n) takes p = 4 if it divides L, else the smallest prime
//    factor of L, m = L / p, and for each j < m, k < p and q < s:
//      dst[q + s (p j + k)] =
//          W_L^(j k) sum_{r < p} src[q + s (j + r m)] W_p^(r k)
//    then L = m and s = s p. Radices 4 and 2 are butterflies (sums and
//    differences; W_4 = -i is a swap and a sign); any other sums in
//    ascending r with table twiddles, so a length with a large prime
//    factor costs n p operations for it.
//
// rfft of an even length n transforms the n/2 pairs (x[2k], x[2k+1]) as
// complex numbers and takes the half spectrum apart from that (half the
// work); an odd length transforms the real row as it is.
//
// The inverses use ifft(x) = conj(fft(conj(x))) / n. irfft(x, n) completes
// the half spectrum Hermitian-ly (X[n - k] = conj(X[k])), with the
// imaginary parts of X[0] and, for even n, X[n/2] dropped and missing
// frequencies zero, as NumPy's irfft does.
#include "KernelBuilder.h"
#include "ScalarOps.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace tessera::tile {

namespace {

enum class Transform { Forward, Inverse, Real, InverseReal };

// f64 arithmetic on scalars, and complex numbers as (re, im) pairs of them.
struct Pair {
  Value re, im;
};

struct F64Scalars : Scalars {
  Value c(double v) {
    return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
  }
  Value fadd(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value fsub(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  Value fmul(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value fneg(Value x) { return b.create<arith::NegFOp>(loc, x); }
  Pair cadd(Pair x, Pair y) { return {fadd(x.re, y.re), fadd(x.im, y.im)}; }
  // (a + bi)(c + di) = (ac - bd) + (ad + bc)i, each product rounded.
  Pair cmul(Pair x, Pair y) {
    return {fsub(fmul(x.re, y.re), fmul(x.im, y.im)),
            fadd(fmul(x.re, y.im), fmul(x.im, y.re))};
  }
  Value toF64(Value x) {
    return b.create<arith::ExtFOp>(loc, b.getF64Type(), x);
  }
  Value toF32(Value x) {
    return b.create<arith::TruncFOp>(loc, b.getF32Type(), x);
  }
  Value indexToF64(Value i) {
    Value i64 = b.create<arith::IndexCastOp>(loc, b.getI64Type(), i);
    return b.create<arith::SIToFPOp>(loc, b.getF64Type(), i64);
  }
  Value select(Value cond, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, cond, x, y);
  }
  // Element i of an f64 pair buffer.
  Pair loadPair(Value buffer, Value i) {
    Value at = mul(i, idx(2));
    return {load(buffer, at), load(buffer, add(at, idx(1)))};
  }
  void storePair(Pair v, Value buffer, Value i) {
    Value at = mul(i, idx(2));
    store(v.re, buffer, at);
    store(v.im, buffer, add(at, idx(1)));
  }
  // A c64 element, widened exactly.
  Pair loadComplex(Value buffer, Value i) {
    Value z = load(buffer, i);
    return {toF64(b.create<complex::ReOp>(loc, z)),
            toF64(b.create<complex::ImOp>(loc, z))};
  }
  void storeComplex(Pair v, Value buffer, Value i) {
    Type c64 = ComplexType::get(b.getF32Type());
    store(b.create<complex::CreateOp>(loc, c64, toF32(v.re), toF32(v.im)),
          buffer, i);
  }
  // A loop whose iterations a target may run on several lanes at once
  // (ttile::kLanesAttr): each writes only its own outputs, read after it.
  void lanesLoop(Value from, Value to, llvm::function_ref<void(Value)> body) {
    auto f = b.create<scf::ForOp>(loc, from, to, idx(1));
    f->setAttr(ttile::kLanesAttr, b.getUnitAttr());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(f.getBody()->getTerminator());
    body(f.getInductionVar());
  }
  // The cosines of two angles in [0, 2 pi), through the vector routine.
  std::pair<Value, Value> cosines(Value x, Value y) {
    auto vt = VectorType::get({2}, b.getF64Type());
    Value v = b.create<vector::InsertOp>(
        loc, y, b.create<vector::SplatOp>(loc, vt, x), 1);
    Value c = cos64(b, loc, v);
    return {b.create<vector::ExtractOp>(loc, c, 0),
            b.create<vector::ExtractOp>(loc, c, 1)};
  }
};

// Kernel 1 at point t: table[t] = (cos(2 pi t / n), -sin(2 pi t / n)).
void emitTwiddle(F64Scalars &s, Value table, Value n, Value t) {
  // Angles as u pi / (2 n), u in [0, 4 n): 4 t for the cos, and
  // (4 t - n) mod 4 n for the sin (sin a = cos(a - pi / 2)).
  Value four = s.idx(4);
  Value quarter = s.mul(t, four), full = s.mul(n, four);
  Value shifted = s.select(s.cmpi(arith::CmpIPredicate::ult, quarter, n),
                           s.sub(s.add(quarter, full), n), s.sub(quarter, n));
  Value unit = s.b.create<arith::DivFOp>(s.loc, s.c(llvm::numbers::pi / 2),
                                         s.indexToF64(n));
  auto [cosA, sinA] = s.cosines(s.fmul(s.indexToF64(quarter), unit),
                                s.fmul(s.indexToF64(shifted), unit));
  s.storePair({cosA, s.fneg(sinA)}, table, t);
}

// The smallest prime factor of `length` (> 1): the first p >= 2 dividing
// it, or `length` itself once p * p passes it.
Value smallestFactor(F64Scalars &s, Value length) {
  OpBuilder &b = s.b;
  Location loc = s.loc;
  auto search = b.create<scf::WhileOp>(
      loc, TypeRange{b.getIndexType()}, ValueRange{s.idx(2)},
      [&](OpBuilder &cb, Location l, ValueRange p) {
        F64Scalars c{{cb, l}};
        Value divides =
            c.cmpi(arith::CmpIPredicate::eq, c.rem(length, p[0]), c.idx(0));
        Value small =
            c.cmpi(arith::CmpIPredicate::ule, c.mul(p[0], p[0]), length);
        Value go = cb.create<arith::AndIOp>(
            l, small,
            cb.create<arith::XOrIOp>(l, divides,
                                     cb.create<arith::ConstantIntOp>(l, 1, 1)));
        cb.create<scf::ConditionOp>(l, go, p);
      },
      [&](OpBuilder &bb, Location l, ValueRange p) {
        F64Scalars c{{bb, l}};
        bb.create<scf::YieldOp>(l, ValueRange{c.add(p[0], c.idx(1))});
      });
  Value p = search.getResult(0);
  Value over = s.cmpi(arith::CmpIPredicate::ugt, s.mul(p, p), length);
  return s.select(over, length, p);
}

// Radix 2 and 4 as butterflies (W_2 = -1, W_4 = -i: no products), for
// j < m, then q < s: the sums of the stage's formula, each output k > 0
// times W_L^(j k). The transform has length n; its twiddle W_n^t is entry
// t * step of the table (step 2 for the half-length transform of rfft).
void emitButterflies(F64Scalars &s, Value table, Value work, Value src,
                     Value dst, Value n, Value step, Value stride, Value m,
                     int64_t p) {
  Value zero = s.idx(0);
  s.lanesLoop(zero, m, [&](Value j) {
    SmallVector<Pair> twiddles{Pair{}};
    for (int64_t k = 1; k < p; ++k)
      twiddles.push_back(s.loadPair(
          table, s.mul(s.rem(s.mul(stride, s.mul(j, s.idx(k))), n), step)));
    Value out = s.mul(stride, s.mul(s.idx(p), j));
    s.lanesLoop(zero, stride, [&](Value q) {
      Value first = s.add(src, s.add(q, s.mul(stride, j)));
      SmallVector<Pair> a;
      for (int64_t r = 0; r < p; ++r)
        a.push_back(
            s.loadPair(work, s.add(first, s.mul(stride, s.mul(s.idx(r), m)))));
      auto sub = [&](Pair x, Pair y) {
        return Pair{s.fsub(x.re, y.re), s.fsub(x.im, y.im)};
      };
      SmallVector<Pair> y;
      if (p == 2) {
        y = {s.cadd(a[0], a[1]), sub(a[0], a[1])};
      } else {
        // t1 - i t3 and t1 + i t3, with -i (x + iy) = y - ix.
        Pair t0 = s.cadd(a[0], a[2]), t1 = sub(a[0], a[2]);
        Pair t2 = s.cadd(a[1], a[3]), t3 = sub(a[1], a[3]);
        Pair minusIT3{t3.im, s.fneg(t3.re)};
        y = {s.cadd(t0, t2), s.cadd(t1, minusIT3), sub(t0, t2),
             sub(t1, minusIT3)};
      }
      Value base = s.add(dst, s.add(out, q));
      for (int64_t k = 0; k < p; ++k) {
        Pair v = k == 0 ? y[0] : s.cmul(y[k], twiddles[k]);
        s.storePair(v, work, s.add(base, s.mul(stride, s.idx(k))));
      }
    });
  });
}

// One Stockham stage of length L, stride s and radix p from the n pairs of
// `work` at pair offset `src` to those at `dst`, twiddles from `table`
// (W_n^t at entry t * step).
void emitStage(F64Scalars &s, Value table, Value work, Value src, Value dst,
               Value n, Value step, Value length, Value stride, Value p) {
  Value zero = s.idx(0);
  Value m = s.div(length, p);
  // Radix 4 and 2 as butterflies, any other by its sums.
  auto radix = [&](int64_t r) {
    return s.cmpi(arith::CmpIPredicate::eq, p, s.idx(r));
  };
  auto four = s.b.create<scf::IfOp>(s.loc, radix(4), /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(s.b);
  s.b.setInsertionPoint(four.thenBlock()->getTerminator());
  emitButterflies(s, table, work, src, dst, n, step, stride, m, 4);
  s.b.setInsertionPoint(four.elseBlock()->getTerminator());
  auto two = s.b.create<scf::IfOp>(s.loc, radix(2), /*withElseRegion=*/true);
  s.b.setInsertionPoint(two.thenBlock()->getTerminator());
  emitButterflies(s, table, work, src, dst, n, step, stride, m, 2);
  s.b.setInsertionPoint(two.elseBlock()->getTerminator());
  Value perRadix = s.mul(s.div(n, p), step); // W_p^x = W_n^(x n / p)
  s.lanesLoop(zero, m, [&](Value j) {
    s.loop(zero, p, [&](Value k) {
      // W_L^(j k) = W_n^(s j k mod n).
      Pair twiddle =
          s.loadPair(table, s.mul(s.rem(s.mul(stride, s.mul(j, k)), n), step));
      Value out = s.mul(stride, s.add(s.mul(p, j), k));
      s.loop(zero, stride, [&](Value q) {
        Value first = s.add(q, s.mul(stride, j));
        auto sum = s.b.create<scf::ForOp>(
            s.loc, zero, p, s.idx(1), ValueRange{s.c(0.0), s.c(0.0)},
            [&](OpBuilder &ib, Location l, Value r, ValueRange acc) {
              F64Scalars t{{ib, l}};
              Pair a = t.loadPair(
                  work, t.add(src, t.add(first, t.mul(stride, t.mul(r, m)))));
              Pair w =
                  t.loadPair(table, t.mul(t.rem(t.mul(r, k), p), perRadix));
              Pair next = t.cadd({acc[0], acc[1]}, t.cmul(a, w));
              ib.create<scf::YieldOp>(l, ValueRange{next.re, next.im});
            });
        Pair y = s.cmul({sum.getResult(0), sum.getResult(1)}, twiddle);
        s.storePair(y, work, s.add(dst, s.add(out, q)));
      });
    });
  });
}

// The row's input, as the complex sequence whose forward FFT is wanted,
// into the n pairs of `work` at pair offset `base`.
void emitLoadRow(F64Scalars &s, Transform kind, Value in, Value work,
                 Value base, Value row, Value n, Value inLength) {
  Value zero = s.idx(0);
  Value inBase = s.mul(row, inLength);
  s.lanesLoop(zero, n, [&](Value j) {
    Pair v;
    switch (kind) {
    case Transform::Forward:
      v = s.loadComplex(in, s.add(inBase, j));
      break;
    case Transform::Inverse: {
      Pair x = s.loadComplex(in, s.add(inBase, j));
      v = {x.re, s.fneg(x.im)};
      break;
    }
    case Transform::Real:
      v = {s.toF64(s.load(in, s.add(inBase, j))), s.c(0.0)};
      break;
    case Transform::InverseReal: {
      // X[j] for j <= n / 2, conj(X[n - j]) above; conjugated once more for
      // the inverse, so the upper half reads X[n - j] as it is.
      Value half = s.div(n, s.idx(2));
      Value upper = s.cmpi(arith::CmpIPredicate::ugt, j, half);
      Value k = s.select(upper, s.sub(n, j), j);
      // Frequencies past the operand's row are zero.
      Value present = s.cmpi(arith::CmpIPredicate::ult, k, inLength);
      Type f64 = s.b.getF64Type();
      auto read = s.b.create<scf::IfOp>(s.loc, TypeRange{f64, f64}, present,
                                        /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(s.b);
        s.b.setInsertionPointToStart(read.thenBlock());
        Pair z = s.loadComplex(in, s.add(inBase, k));
        s.b.create<scf::YieldOp>(s.loc, ValueRange{z.re, z.im});
        s.b.setInsertionPointToStart(read.elseBlock());
        s.b.create<scf::YieldOp>(s.loc, ValueRange{s.c(0.0), s.c(0.0)});
      }
      Pair x{read.getResult(0), read.getResult(1)};
      // The real parts of X[0] and of an even length's X[n / 2] only.
      Value edge = s.b.create<arith::OrIOp>(
          s.loc, s.cmpi(arith::CmpIPredicate::eq, k, zero),
          s.b.create<arith::AndIOp>(
              s.loc, s.cmpi(arith::CmpIPredicate::eq, s.mul(k, s.idx(2)), n),
              s.cmpi(arith::CmpIPredicate::ne, k, zero)));
      Value im = s.select(upper, x.im, s.fneg(x.im));
      im = s.select(edge, s.c(0.0), im);
      v = {x.re, im};
      break;
    }
    }
    s.storePair(v, work, s.add(base, j));
  });
}

// The row's result from the transformed pairs of `work` at pair offset
// `base`: the first `outLength`, conjugated and divided by n for the
// inverses.
void emitStoreRow(F64Scalars &s, Transform kind, Value work, Value base,
                  Value out, Value row, Value n, Value outLength) {
  Value outBase = s.mul(row, outLength);
  bool inverse = kind == Transform::Inverse || kind == Transform::InverseReal;
  Value scale;
  if (inverse)
    scale = s.indexToF64(n);
  s.lanesLoop(s.idx(0), outLength, [&](Value j) {
    Pair v = s.loadPair(work, s.add(base, j));
    Value at = s.add(outBase, j);
    if (inverse) {
      Value re = s.b.create<arith::DivFOp>(s.loc, v.re, scale);
      if (kind == Transform::InverseReal) {
        s.store(s.toF32(re), out, at);
        return;
      }
      v = {re, s.b.create<arith::DivFOp>(s.loc, s.fneg(v.im), scale)};
    }
    s.storeComplex(v, out, at);
  });
}

// rfft of an even length n = 2h: the pairs (x[2k], x[2k+1]), k < h, into
// `work` at pair offset `base`, as the complex sequence z of length h.
void emitLoadPacked(F64Scalars &s, Value in, Value work, Value base, Value row,
                    Value h, Value n) {
  Value inBase = s.mul(row, n);
  s.lanesLoop(s.idx(0), h, [&](Value k) {
    Value at = s.add(inBase, s.mul(k, s.idx(2)));
    s.storePair(
        {s.toF64(s.load(in, at)), s.toF64(s.load(in, s.add(at, s.idx(1))))},
        work, s.add(base, k));
  });
}

// The half spectrum X[k], k <= h, of the real row from Z, the transform of
// its pairs (at pair offset `base`): with Z[h] = Z[0],
//   E = (Z[k] + conj(Z[h - k])) / 2, O = -i (Z[k] - conj(Z[h - k])) / 2,
//   X[k] = E + W_n^k O   (W_n^k: table entry k).
void emitStoreUnpacked(F64Scalars &s, Value table, Value work, Value base,
                       Value out, Value row, Value h, Value outLength) {
  Value outBase = s.mul(row, outLength);
  Value half = s.c(0.5);
  s.lanesLoop(s.idx(0), outLength, [&](Value k) {
    Pair z = s.loadPair(work, s.add(base, s.rem(k, h)));
    Pair w = s.loadPair(work, s.add(base, s.rem(s.sub(h, s.rem(k, h)), h)));
    // Z[k] + conj(Z[h-k]) and Z[k] - conj(Z[h-k]).
    Pair sum{s.fadd(z.re, w.re), s.fsub(z.im, w.im)};
    Pair diff{s.fsub(z.re, w.re), s.fadd(z.im, w.im)};
    Pair e{s.fmul(sum.re, half), s.fmul(sum.im, half)};
    Pair o{s.fmul(diff.im, half), s.fneg(s.fmul(diff.re, half))};
    Pair x = s.cadd(e, s.cmul(o, s.loadPair(table, k)));
    s.storeComplex(x, out, s.add(outBase, k));
  });
}

} // namespace

LogicalResult lowerFourierGroup(tsched::FusionGroupOp group,
                                ArrayRef<Value> results, EntryContext &ctx) {
  Operation *op = singleOp(group);
  Location loc = op->getLoc();
  Transform kind = isa<tgraph::FFTOp>(op)    ? Transform::Forward
                   : isa<tgraph::IFFTOp>(op) ? Transform::Inverse
                   : isa<tgraph::RFFTOp>(op) ? Transform::Real
                                             : Transform::InverseReal;
  Value input = groupInput(group, op->getOperand(0));
  auto dims = ctx.extentsOf(input, loc);
  if (failed(dims))
    return failure();
  OpBuilder &eb = ctx.entryBuilder();
  Value inLength = dims->back();
  Value rows = product(eb, loc, ArrayRef(*dims).drop_back());
  // n, the transform's length, and the row length of the result.
  Value n = inLength, outLength = inLength;
  if (kind == Transform::Real)
    outLength = eb.create<arith::AddIOp>(
        loc, eb.create<arith::DivUIOp>(loc, n, indexConst(eb, loc, 2)),
        indexConst(eb, loc, 1));
  if (kind == Transform::InverseReal)
    n = outLength = indexConst(eb, loc, cast<tgraph::IRFFTOp>(op).getN());

  Type f64 = eb.getF64Type();
  Value two = indexConst(eb, loc, 2);
  Value table =
      ctx.scratchBuffer(f64, eb.create<arith::MulIOp>(loc, n, two), loc);
  // Two pair buffers of n elements a row: 4 n numbers.
  Value perRow = eb.create<arith::MulIOp>(loc, n, indexConst(eb, loc, 4));
  Value work =
      ctx.scratchBuffer(f64, eb.create<arith::MulIOp>(loc, rows, perRow), loc);

  KernelSpec twiddles{"fft_twiddles", 64, 1, {}, {table}, n, {n}};
  KernelBody t = createKernel(ctx, twiddles, loc);
  {
    F64Scalars s{{t.builder, loc}};
    emitTwiddle(s, t.outputs[0], t.sizes[0], t.offset);
    t.builder.create<ttile::YieldOp>(loc);
  }

  KernelSpec fft{"fft",
                 1,
                 1,
                 {ctx.bufferOf(input), table},
                 {work, results[0]},
                 rows,
                 {n, inLength, outLength}};
  KernelBody k = createKernel(ctx, fft, loc);
  // Its loops over a row's elements and butterflies may run on lanes.
  k.kernel()->setAttr(ttile::kLanesAttr, k.builder.getUnitAttr());
  {
    OpBuilder &b = k.builder;
    F64Scalars s{{b, loc}};
    Value kn = k.sizes[0];
    Value row = k.offset;
    // The row's two buffers of n pairs, as pair offsets into `work`.
    Value first = s.mul(row, s.mul(kn, s.idx(2)));
    Value second = s.add(first, kn);
    Value ktable = k.inputs[1], kwork = k.outputs[0];
    // rfft of an even length n: the complex transform of length n / 2 of
    // the pairs (x[2k], x[2k+1]), then the half spectrum from it.
    Value packed = s.b.create<arith::ConstantIntOp>(loc, 0, 1);
    if (kind == Transform::Real)
      packed = b.create<arith::AndIOp>(
          loc, s.cmpi(arith::CmpIPredicate::eq, s.rem(kn, s.idx(2)), s.idx(0)),
          s.cmpi(arith::CmpIPredicate::uge, kn, s.idx(2)));
    Value length = s.select(packed, s.div(kn, s.idx(2)), kn);
    Value step = s.select(packed, s.idx(2), s.idx(1));
    if (kind == Transform::Real) {
      auto load = b.create<scf::IfOp>(loc, packed, /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(load.thenBlock()->getTerminator());
      emitLoadPacked(s, k.inputs[0], kwork, first, row, length, kn);
      b.setInsertionPoint(load.elseBlock()->getTerminator());
      emitLoadRow(s, kind, k.inputs[0], kwork, first, row, kn, k.sizes[1]);
    } else {
      emitLoadRow(s, kind, k.inputs[0], kwork, first, row, kn, k.sizes[1]);
    }
    Value lengthOfTransform = length;
    auto stages = b.create<scf::WhileOp>(
        loc, TypeRange{b.getIndexType(), b.getIndexType(), b.getI1Type()},
        ValueRange{length, s.idx(1), b.create<arith::ConstantIntOp>(loc, 0, 1)},
        [&](OpBuilder &cb, Location l, ValueRange state) {
          F64Scalars c{{cb, l}};
          cb.create<scf::ConditionOp>(
              l, c.cmpi(arith::CmpIPredicate::ugt, state[0], c.idx(1)), state);
        },
        [&](OpBuilder &bb, Location l, ValueRange state) {
          F64Scalars c{{bb, l}};
          Value length0 = lengthOfTransform;
          Value length = state[0], stride = state[1], inSecond = state[2];
          Value src = c.select(inSecond, second, first);
          Value dst = c.select(inSecond, first, second);
          // 4 where it divides the length (fewer passes than two 2s).
          Value p = c.select(c.cmpi(arith::CmpIPredicate::eq,
                                    c.rem(length, c.idx(4)), c.idx(0)),
                             c.idx(4), smallestFactor(c, length));
          emitStage(c, ktable, kwork, src, dst, length0, step, length, stride,
                    p);
          Value flipped = bb.create<arith::XOrIOp>(
              l, inSecond, bb.create<arith::ConstantIntOp>(l, 1, 1));
          bb.create<scf::YieldOp>(
              l, ValueRange{c.div(length, p), c.mul(stride, p), flipped});
        });
    Value done = s.select(stages.getResult(2), second, first);
    if (kind == Transform::Real) {
      auto store = b.create<scf::IfOp>(loc, packed, /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(store.thenBlock()->getTerminator());
      emitStoreUnpacked(s, ktable, kwork, done, k.outputs[1], row, length,
                        k.sizes[2]);
      b.setInsertionPoint(store.elseBlock()->getTerminator());
      emitStoreRow(s, kind, kwork, done, k.outputs[1], row, kn, k.sizes[2]);
    } else {
      emitStoreRow(s, kind, kwork, done, k.outputs[1], row, kn, k.sizes[2]);
    }
    b.create<ttile::YieldOp>(loc);
  }
  eb.create<memref::DeallocOp>(loc, table);
  eb.create<memref::DeallocOp>(loc, work);
  return success();
}

} // namespace tessera::tile
