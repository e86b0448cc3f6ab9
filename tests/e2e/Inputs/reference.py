"""Float64 references for the e2e tests of matmul, reductions, composite
operators, layout operators and gradients (NumPy only, independent of the
compiler: every formula here is written from the operator's definition).

  reference.py close EXPR OUT.npy TOL [OPTIONS] NAME=IN.npy...
      evaluate EXPR in float64 (float inputs are converted, integer inputs
      stay int64, complex inputs become complex128 and are compared by
      modulus) with the helpers below in scope, and compare OUT with it:
      the largest |got - ref| / max(|ref|, FLOOR) must be <= TOL.
      Options: --floor=F (default 1; "max": the largest |ref|),
      --dtype=D (OUT's dtype must be D),
      --shape=AxB (OUT's shape; "scalar" for rank 0).
      Further outputs: --and EXPR2 OUT2.npy (same tolerance and options).
  reference.py exact EXPR OUT.npy [--and EXPR2 OUT2.npy]... NAME=IN.npy...
      [--let NAME=EXPR]...
      evaluate EXPR with the inputs in their own dtypes (NumPy rounds after
      every operation) and require OUT to match it bit for bit, dtype and
      shape included (--let names an intermediate value for the
      expressions, in every command). ordered_matmul and ordered_fold
      below accumulate in the order Tessera's determinism policy fixes
      (ascending index: a matmul's step is one fused multiply-add, fma
      below, rounded once, or under `strict: true` (strict=True) a rounded
      multiply then a rounded add; rows in 32 lanes combined by a fixed
      tree), so a float result is reproducible to the bit, not only to a
      tolerance.
  reference.py ulps EXPR OUT.npy N [--and EXPR2 OUT2.npy]... NAME=IN.npy...
      evaluate EXPR in float64 and require OUT within N units in the last
      place of it: |got - ref| over the spacing of float32 numbers at ref
      (2^-149 for subnormal results), so subnormals count as much as
      normal numbers. Infinities, NaNs and zeros must match exactly.
  reference.py inputs DIR SEED NAME=DTYPE:SHAPE[:KIND]...
      write random inputs; SHAPE like 37x29 (or "scalar"); KIND is
      normal (default; for complex64 both parts), labels<C> (integers in [0, C)), ints (small
      signed integers, exact in any sum of a few thousand of them),
      uniform (in [0, 1)), wellposed (a square matrix with a condition
      number of a few),
      singular (a square matrix with a zero column), contraction (a
      matrix of spectral norm 1/2),
      expedge (exp's arguments from -105 to -86, where its results turn
      subnormal and then round to zero, the boundaries included) or
      subnormal (positive float32 subnormals of every magnitude, the
      smallest, the largest and the smallest normal number included) or
      bf16edge (bfloat16 ties and their near misses, values just inside
      and past bfloat16's range, its subnormals, zeros, infinities and, in
      float64, NaN: where rounding goes wrong, or goes through float32
      first).
  reference.py check-fma
      test fma and ordered_matmul themselves: fma against exact rational
      arithmetic rounded once (random, cancelling, tied, zero, infinite and
      NaN operands, float32 and float64, bit for bit); exits nonzero on any
      mismatch.
  reference.py check-bf16
      test bf16 itself: its float32 bit arithmetic against exact rational
      rounding, on every kind of float32, and its float64 rounding against
      the same (which rounding through float32 misses).

Helpers in scope of EXPR: softmax, log_softmax, layernorm, rmsnorm, mse,
cross_entropy, attention, mlp_forward, attention_vjp, mlp_grads and
relu_mlp_grads (gradients derived by hand), softmax_vjp, numeric_grad
(central differences), fma (a*b + c rounded once, float32 or float64),
trunc_div and trunc_rem (integer division as Tessera defines it),
random_uniform, random_normal and dropout (the stateless random numbers),
erf (float64), bf16 (rounding to bfloat16, held in float32),
ordered_matmul, ordered_fold, lane_fold, ordered_solve (Gaussian
elimination in the operands' dtype, in the order tgraph.solve fixes),
fixed_point (iteration in float64).
"""
import fractions
import math
import sys

import numpy as np


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    s = x - x.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def layernorm(x, axis=-1, eps=1e-5):
    mean = x.mean(axis=axis, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axis, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


def rmsnorm(x, axis=-1, eps=1e-6):
    return x / np.sqrt((x * x).mean(axis=axis, keepdims=True) + eps)


def mse(a, b):
    return np.mean((a - b) ** 2)


def cross_entropy(logits, labels):
    # -mean over positions of log p[label].
    lp = log_softmax(logits, axis=-1)
    picked = np.take_along_axis(lp, labels[..., None].astype(np.int64), -1)
    return -np.mean(picked)


def attention(q, k, v, scale=None):
    """softmax(q k^T scale) v, scale 1 / sqrt(d) unless given."""
    if scale is None:
        scale = 1 / np.sqrt(q.shape[-1])
    p = softmax(q @ np.swapaxes(k, -1, -2) * scale, axis=-1)
    return p @ v


def attention_vjp(q, k, v, do, scale=None):
    """The cotangents (dQ, dK, dV) of attention(q, k, v, scale) for the
    output cotangent do, derived by hand: with S = q k^T scale, P =
    softmax(S) and O = P v, dV = P^T dO, dP = dO v^T, dS = P (dP -
    rowsum(dP P)), dQ = dS k scale, dK = dS^T q scale."""
    if scale is None:
        scale = 1 / np.sqrt(q.shape[-1])
    p = softmax(q @ np.swapaxes(k, -1, -2) * scale, axis=-1)
    dv = np.swapaxes(p, -1, -2) @ do
    dp = do @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True))
    dq = ds @ k * scale
    dk = np.swapaxes(ds, -1, -2) @ q * scale
    return {"Q": dq, "K": dk, "V": dv}


def mlp_forward(x, w1, b1, w2, b2):
    return np.tanh(x @ w1 + b1) @ w2 + b2


def mlp_grads(x, w1, b1, w2, b2, t):
    """loss = mse(tanh(x W1 + b1) W2 + b2, t) and its gradients with respect
    to W1, b1, W2, b2, derived by hand (chain rule, no autodiff)."""
    h = np.tanh(x @ w1 + b1)
    y = h @ w2 + b2
    loss = np.mean((y - t) ** 2)
    dy = 2 * (y - t) / y.size
    dw2 = h.T @ dy
    db2 = dy.sum(axis=0)
    dpre = (dy @ w2.T) * (1 - h * h)
    dw1 = x.T @ dpre
    db1 = dpre.sum(axis=0)
    return {"loss": loss, "W1": dw1, "b1": db1, "W2": dw2, "b2": db2}


def relu_mlp_grads(x, w1, w2, labels):
    """loss = cross_entropy(relu(x W1) W2, labels); gradients for W1, W2."""
    h = np.maximum(x @ w1, 0)
    z = h @ w2
    p = softmax(z, axis=-1)
    n = z.shape[0]
    onehot = np.zeros_like(z)
    onehot[np.arange(n), labels] = 1
    loss = -np.mean(np.log(p[np.arange(n), labels]))
    dz = (p - onehot) / n
    dw2 = h.T @ dz
    dh = (dz @ w2.T) * (x @ w1 > 0)
    dw1 = x.T @ dh
    return {"loss": loss, "W1": dw1, "W2": dw2}


def softmax_vjp(x, dy, axis=-1):
    """The cotangent of x for y = softmax(x): y * (dy - sum(dy * y)); the
    same formula gives the tangent of y from a tangent of x."""
    y = softmax(x, axis)
    return y * (dy - (dy * y).sum(axis=axis, keepdims=True))


def numeric_grad(f, x, h=1e-6):
    """The gradient of the scalar function f at x by central differences in
    float64 (accurate to about 1e-9 for the smooth functions tested)."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _two_sum(x, y):
    # Knuth's TwoSum: s = x + y rounded and e with s + e == x + y exactly
    # (barring overflow), whichever of x and y is larger.
    s = x + y
    v = s - x
    return s, (x - (s - v)) + (y - v)


def _round_to_odd(s, e):
    # s = x + y rounded to nearest in float64 and e its error: x + y rounded
    # to odd instead. Where the sum is inexact and s's last significand bit
    # is 0, take the neighbour of s on e's side: the exact sum lies strictly
    # between the two and one of two neighbours is odd. (An inexact sum is
    # never zero: sums in the subnormal range are exact.) Infinities and NaN
    # stay as they are.
    s = np.asarray(s, dtype=np.float64)
    bits = s.view(np.int64)
    nudge = (e != 0) & ((bits & 1) == 0) & np.isfinite(s)
    # One more in the bits is one ulp more in magnitude.
    step = np.where((e < 0) == (s < 0), 1, -1)
    return np.where(nudge, (bits + step).view(np.float64), s)


_SPLITTER = 2.0 ** 27 + 1


def _split(x):
    # Veltkamp: x = hi + lo exactly, each half with at most 26 significand
    # bits, so that any product of two halves is exact in float64.
    t = _SPLITTER * x
    hi = t - (t - x)
    return hi, x - hi


def _fma32(a, b, c):
    # A product of two float32 is exact in float64 (48 bits, exponents in
    # range); the sum with c rounded to odd in float64 (53 >= 24 + 2 bits)
    # then rounds to float32 as the exact sum would, ties included, where
    # rounding to nearest twice could land on a false tie.
    p = a.astype(np.float64) * b.astype(np.float64)
    s, e = _two_sum(p, c.astype(np.float64))
    return _round_to_odd(s, e).astype(np.float32)


def _fma64(a, b, c):
    # Boldo and Melquiond's emulation (IEEE TC 2008): a*b = uh + ul exactly
    # (Dekker's product), c + uh = th + tl exactly (TwoSum), so
    # a*b + c = th + (tl + ul); that small part rounded to odd, then added
    # to th rounded to nearest, rounds as the exact sum would.
    ah, al = _split(a)
    bh, bl = _split(b)
    uh = a * b
    ul = (((ah * bh - uh) + al * bh) + ah * bl) + al * bl
    th, tl = _two_sum(c, uh)
    r = th + _round_to_odd(*_two_sum(tl, ul))
    finite = np.isfinite(a) & np.isfinite(b)
    zero = finite & ((a == 0) | (b == 0))
    regular = finite & ~zero & np.isfinite(c)
    ma, mb, mu = np.abs(a), np.abs(b), np.abs(uh)
    inside = ((ma >= 2.0 ** -1022) & (ma <= 2.0 ** 995)
              & (mb >= 2.0 ** -1022) & (mb <= 2.0 ** 995)
              & (mu >= 2.0 ** -960) & (mu <= 2.0 ** 1020)
              & (np.abs(c) <= 2.0 ** 1020))
    if np.any(regular & ~inside):
        raise ValueError("fma: float64 operands outside the range where "
                         "the emulation is exact (see fma's docstring)")
    # A zero product adds exactly, zero signs as IEEE has them; a finite
    # product added to an infinite or NaN c gives c (RN(a*b) could have
    # overflowed); an infinite or NaN product is IEEE's already.
    return np.where(regular, r, np.where(finite & ~zero, c, uh + c))


def fma(a, b, c):
    """The fused multiply-add a*b + c, elementwise with broadcasting, rounded
    once to nearest even as IEEE 754's fusedMultiplyAdd: a, b and c all
    float32 or all float64, the result in that dtype. Infinities, NaN,
    overflow and the sign of a zero result are IEEE's (an exact cancellation
    gives +0; (-0) + (-0) gives -0).
    float32 is exact for every input (see _fma32). float64 is emulated
    (_fma64) and exact for non-finite operands, for a zero a or b, and
    otherwise while a and b are normal with |a|, |b| <= 2^995 (the splitting
    does not overflow), 2^-960 <= |a*b| <= 2^1020 (Dekker's product is
    exact: its error term is not below the subnormal spacing) and
    |c| <= 2^1020 (no sum overflows); finite operands outside that raise
    ValueError rather than round wrongly. The e2e tests' float64 inputs
    (samples of modest magnitude, zeros) are far inside it.
    `reference.py check-fma` tests both against exact rational arithmetic."""
    a, b, c = np.asarray(a), np.asarray(b), np.asarray(c)
    if not a.dtype == b.dtype == c.dtype or a.dtype not in (np.float32, np.float64):
        raise TypeError(f"fma: operands must all be float32 or all float64, "
                        f"got {a.dtype}, {b.dtype}, {c.dtype}")
    with np.errstate(all="ignore"):
        return (_fma32 if a.dtype == np.float32 else _fma64)(a, b, c)


def trunc_div(a, b):
    """Integer a / b as Tessera defines it (docs/language.md, "Integer
    division"): truncated toward zero, 0 where b is 0, and wrapped to the
    dtype (INT_MIN / -1 is INT_MIN). Computed on Python integers."""
    def one(x, y):
        if y == 0:
            return 0
        q = abs(x) // abs(y)
        return q if (x < 0) == (y < 0) else -q
    return _wrapped(a, [one(int(x), int(y)) for x, y in zip(a.flat, b.flat)])


def trunc_rem(a, b):
    """Integer a % b as Tessera defines it: a - trunc_div(a, b) * b, so the
    sign of a, and a itself where b is 0."""
    def one(x, y):
        if y == 0:
            return x
        q = abs(x) // abs(y)
        return x - (q if (x < 0) == (y < 0) else -q) * y
    return _wrapped(a, [one(int(x), int(y)) for x, y in zip(a.flat, b.flat)])


def _wrapped(like, values):
    bits = np.dtype(like.dtype).itemsize * 8
    wrapped = [(v + (1 << (bits - 1))) % (1 << bits) - (1 << (bits - 1))
               for v in values]
    return np.array(wrapped, dtype=like.dtype).reshape(like.shape)


def erf(x):
    """The error function, elementwise in float64 (math.erf)."""
    return np.vectorize(math.erf, otypes=[np.float64])(np.asarray(x, np.float64))


def bf16(x):
    """x rounded to bfloat16, to nearest with ties to even, as float32: a
    bfloat16 is the top half of a float32, which is also how `tessera run`
    writes bf16 outputs (exactly, .npy having no bfloat16). float32: on its
    bits, adding 0x7fff plus the last bit kept and dropping the low 16 (a
    carry out of the significand steps the exponent, up to infinity past
    the largest bfloat16). float64 and integers: rounded once from the
    exact value (_round_exact), never through float32, which can round to
    a tie first. Every NaN gives 0x7fc0, the quiet NaN Tessera's kernels
    produce."""
    x = np.asarray(x)
    if x.dtype != np.float32:
        def one(v):
            if math.isnan(v):
                return math.nan
            if v == 0 or math.isinf(v):
                return v
            return _round_exact(fractions.Fraction(v), 8, -126, 127)
        exact = [one(v) for v in x.astype(np.float64).ravel().tolist()]
        return np.array(exact, dtype=np.float64).astype(np.float32).reshape(x.shape)
    bits = x.view(np.uint32).astype(np.uint64)
    kept = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    kept = np.where(np.isnan(x), 0x7FC00000, kept)
    return kept.astype(np.uint32).view(np.float32)


# The narrow formats besides bfloat16: (significand bits p, smallest normal
# exponent, code of the largest finite magnitude, whether the format has
# infinities). float16 is IEEE binary16; e4m3 is OCP's E4M3FN (no
# infinity: S.1111.111 is NaN and a value past 448 becomes NaN, as
# PyTorch's non-saturating float8_e4m3fn conversion gives); e5m2 is OCP's
# E5M2 (IEEE-like).
_NARROW = {"f16": (11, -14, 0x7BFF, True), "e4m3": (4, -6, 0x7E, False),
           "e5m2": (3, -14, 0x7B, True)}


def _narrow_values(name):
    # The value of every nonnegative code from 0 to one past the largest
    # finite (where rounding overflows), from the definition: a subnormal
    # m 2^(emin - p + 1), a normal (2^(p-1) + m) 2^(e + emin - 1 - p + 1).
    p, emin, largest, _ = _NARROW[name]
    codes = np.arange(largest + 2)
    e, m = codes >> (p - 1), codes & ((1 << (p - 1)) - 1)
    scale = np.where(e == 0, 0, e - 1) + emin - (p - 1)
    return np.ldexp(np.where(e == 0, m, m + (1 << (p - 1))).astype(np.float64), scale)


def narrow(x, name):
    """x rounded to the narrow format `name` ("f16", "e4m3", "e5m2"), to
    nearest with ties to the even code, once, from the exact float64 value
    (float32 and integers up to 2^53 convert to float64 exactly), by
    searching a table of every code's value: independent of NumPy's own
    float16 rounding and of the compiler. As float32, which holds every
    value exactly (and is how `tessera run` writes fp8 outputs). Past the
    largest finite number: infinity, or for e4m3 NaN of x's sign. Every NaN
    of x becomes the positive quiet NaN, as Tessera's kernels make it."""
    p, emin, largest, has_inf = _NARROW[name]
    x = np.asarray(x)
    a = np.abs(x.astype(np.float64))
    values = _narrow_values(name)
    hi = np.clip(np.searchsorted(values, a), 1, values.size - 1)
    lo = hi - 1
    dl, dh = a - values[lo], values[hi] - a
    up = (dh < dl) | ((dh == dl) & (hi % 2 == 0))
    code = np.where(up, hi, lo)
    mag = values[code]
    over = (code > largest) | (a > values[-1])
    mag = np.where(over, np.inf if has_inf else np.nan, mag)
    with np.errstate(invalid="ignore"):
        out = np.copysign(mag, np.signbit(x) * -2.0 + 1).astype(np.float32)
    out = np.where(np.isnan(x.astype(np.float64)), np.float32(np.nan), out)
    return out.astype(np.float32)


def f16(x):
    """x rounded to float16 by NumPy (correctly rounded, once, from float32
    and float64 alike), every NaN the quiet NaN 0x7e00 Tessera's kernels
    make; float16 input is only made canonical so."""
    with np.errstate(all="ignore"):
        h = np.asarray(x).astype(np.float16)
    return np.where(np.isnan(h), np.float16(np.nan), h).astype(np.float16)


def e4m3(x):
    """x rounded to fp8_e4m3 (narrow(x, "e4m3")), as float32."""
    return narrow(x, "e4m3")


def e5m2(x):
    """x rounded to fp8_e5m2 (narrow(x, "e5m2")), as float32."""
    return narrow(x, "e5m2")


def _splitmix_bits(seed, counters):
    # SplitMix64's output for each counter (docs/ir/reference-evaluator.md,
    # "Random numbers"), in uint64 arithmetic that wraps as the definition's.
    g, m1, m2 = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9),
                 np.uint64(0x94D049BB133111EB))

    def mix(z):
        z = (z ^ (z >> np.uint64(30))) * m1
        z = (z ^ (z >> np.uint64(27))) * m2
        return z ^ (z >> np.uint64(31))
    with np.errstate(over="ignore"):
        key = mix(np.uint64(seed % 2**64) + g)
        return mix(key + (counters.astype(np.uint64) + np.uint64(1)) * g)


def _unit(bits, p):
    # The top p bits as a fraction in [0, 1), exact in float64.
    return np.ldexp((bits >> np.uint64(64 - p)).astype(np.float64), -p)


def random_uniform(seed, shape, dtype):
    """tgraph.random_uniform: element i (flat, row-major) is unit_p(i), p the
    dtype's precision (24 for float32, 53 for float64, 8 for "bf16", whose
    numbers come as float32)."""
    n = int(np.prod(shape))
    if dtype == "bf16":
        p, dtype = 8, np.float32
    else:
        p = 24 if np.dtype(dtype) == np.float32 else 53
    return _unit(_splitmix_bits(seed, np.arange(n)), p).astype(dtype).reshape(shape)


def random_normal(seed, shape):
    """tgraph.random_normal as the reference evaluator defines it:
    Box-Muller on u1 = unit_53(2i), u2 = unit_53(2i + 1) in float64."""
    n = int(np.prod(shape))
    i = np.arange(n)
    u1 = _unit(_splitmix_bits(seed, 2 * i), 53)
    u2 = _unit(_splitmix_bits(seed, 2 * i + 1), 53)
    return (np.sqrt(-2 * np.log1p(-u1)) * np.cos(2 * np.pi * u2)).reshape(shape)


def dropout(x, p, seed, rounding=None):
    """tgraph.dropout: element i kept iff unit_53(i) >= p, then divided by
    1 - p in float64 and rounded to x's dtype (or by `rounding`, bf16 for
    bf16 values held in float32); dropped elements are 0."""
    keep = _unit(_splitmix_bits(seed, np.arange(x.size)), 53).reshape(x.shape) >= p
    scaled = x.astype(np.float64) / (1.0 - p)
    scaled = rounding(scaled) if rounding else scaled.astype(x.dtype)
    return np.where(keep, scaled, np.zeros((), x.dtype))


# A matmul's sum over more than this many k is cut into segments of it
# (docs/ir/cpu-backend.md, "Segments"); a result of at most SMALL_RESULT
# elements a batch whose shape is known when compiling, into segments of
# SHORT_SEGMENT (pass segment=SHORT_SEGMENT for such a matmul).
MATMUL_SEGMENT = 2048
SMALL_RESULT = 65536
SHORT_SEGMENT = 512


def ordered_matmul(a, b, strict=False, segment=MATMUL_SEGMENT):
    """a @ b (batched over leading dims) in the policy's order, in the
    operands' dtype: every element accumulated from +0 over k = 0, 1, ...,
    K-1, each float step one fused multiply-add, acc = fma(a[i, k], b[k, j],
    acc), rounded once (the default policy); strict=True (`strict: true`)
    rounds each product, then each sum. Integers: a multiply and an add.
    Over more than `segment` k (MATMUL_SEGMENT, or SHORT_SEGMENT where the
    kernel cuts a small static result's sum shorter), each segment of
    `segment` k (the last one shorter) is accumulated so from +0, and the
    segment values are added in ascending order from the first."""
    K = a.shape[-1]
    if K <= segment:
        return _matmul_segment(a, b, strict)
    total = None
    for k0 in range(0, K, segment):
        value = _matmul_segment(a[..., :, k0:k0 + segment],
                                b[..., k0:k0 + segment, :], strict)
        total = value if total is None else total + value
    return total


def _matmul_segment(a, b, strict):
    acc = np.zeros(a.shape[:-1] + b.shape[-1:], dtype=np.result_type(a, b))
    fused = not strict and acc.dtype.kind == "f"
    for k in range(a.shape[-1]):
        if fused:
            acc = fma(a[..., :, k:k + 1].astype(acc.dtype, copy=False),
                      b[..., k:k + 1, :].astype(acc.dtype, copy=False), acc)
        else:
            acc = acc + a[..., :, k:k + 1] * b[..., k:k + 1, :]
    return acc


_FOLD_OPS = {"sum": np.add, "mean": np.add, "prod": np.multiply,
             "max": np.maximum, "min": np.minimum}


def _identity(op, dtype, shape):
    if op in ("sum", "mean"):
        return np.zeros(shape, dtype=dtype)
    if op == "prod":
        return np.ones(shape, dtype=dtype)
    if op == "max":
        return np.full(shape, -np.inf if dtype.kind == "f"
                       else np.iinfo(dtype).min, dtype=dtype)
    return np.full(shape, np.inf if dtype.kind == "f"
                   else np.iinfo(dtype).max, dtype=dtype)


ROW_SEGMENT = 8192
COLUMN_SEGMENT = 256


def lane_fold(op, rows):
    """Fold each row of `rows` (shape [..., C]) in the policy's row order:
    lane j (of 32) folds elements j, j+32, j+64, ... in ascending order from
    the identity (lanes past C fold the identity), then the lanes combine as
    p[j] = p[j] op p[j+h] for h = 16, 8, 4, 2, 1; lane 0 is the result.
    A row longer than ROW_SEGMENT is cut into segments of ROW_SEGMENT, each
    folded so; their values form a row folded so (not cut again)."""
    c = rows.shape[-1]
    if c <= ROW_SEGMENT:
        return _lane_fold_run(op, rows)
    values = [_lane_fold_run(op, rows[..., s:s + ROW_SEGMENT])
              for s in range(0, c, ROW_SEGMENT)]
    return _lane_fold_run(op, np.stack(values, axis=-1))


def _lane_fold_run(op, rows):
    f = _FOLD_OPS[op]
    c = rows.shape[-1]
    chunks = -(-c // 32)
    padded = _identity(op, rows.dtype, rows.shape[:-1] + (chunks * 32,))
    padded[..., :c] = rows
    p = _identity(op, rows.dtype, rows.shape[:-1] + (32,))
    for k in range(chunks):
        p = f(p, padded[..., 32 * k:32 * (k + 1)])
    h = 16
    while h >= 1:
        p = f(p[..., :h], p[..., h:2 * h])
        h //= 2
    return p[..., 0]


def ordered_fold(op, x, axes=None, keepdims=False):
    """Reduce `x` over the adjacent `axes` (all when None) in x's dtype, in
    the policy's order: when they are the innermost axes, each contiguous
    row in the lane order of lane_fold; otherwise by folding the reduced
    elements in ascending row-major order from the fold's identity, in
    segments of COLUMN_SEGMENT when there are more (each segment so, then
    the segments' values in ascending order from the first). op is "sum",
    "mean", "max", "min" or "prod"."""
    axes = tuple(range(x.ndim)) if axes is None else tuple(sorted(
        a % x.ndim for a in np.atleast_1d(axes)))
    first, last = axes[0], axes[-1] + 1
    outer, inner = x.shape[:first], x.shape[last:]
    flat = x.reshape(outer + (-1,) + inner)
    n = flat.shape[len(outer)]
    if not inner:
        acc = lane_fold(op, flat)
    else:
        values = []
        for start in range(0, n, COLUMN_SEGMENT):
            acc = _identity(op, x.dtype, outer + inner)
            for r in range(start, min(n, start + COLUMN_SEGMENT)):
                acc = _FOLD_OPS[op](acc, np.take(flat, r, axis=len(outer)))
            values.append(acc)
        acc = values[0]
        for v in values[1:]:
            acc = _FOLD_OPS[op](acc, v)
    if op == "mean":
        acc = acc / x.dtype.type(n)
    if keepdims:
        acc = acc.reshape(outer + (1,) * (last - first) + inner)
    return acc


def ordered_solve(a, b):
    """solve(a, b) by Gaussian elimination with partial pivoting exactly as
    tgraph.solve's definition orders it, in the operands' dtype (NumPy
    rounds every operation): for each column c the pivot is the first row of
    the largest |a[i, c]|, rows swap whole, each row below takes
    f = a[i, c] / a[c, c] and, unless f is 0, a[i, j] -= f * a[c, j] and
    b[i] -= f * b[c] (a multiply, then a subtraction); then back
    substitution, s = b[i] - a[i, p] * x[p] for p ascending, x[i] = s / a[i, i].
    A zero pivot raises. A batch (a of shape [..., n, n], b [..., n] or
    [..., n, k]): each system alone."""
    if a.ndim > 2:
        return np.stack([ordered_solve(a[i], b[i]) for i in range(a.shape[0])])
    m, x = a.copy(), b.copy()
    vector = x.ndim == 1
    if vector:
        x = x[:, None]
    n = m.shape[0]
    for c in range(n):
        p = c
        for i in range(c + 1, n):
            if abs(m[i, c]) > abs(m[p, c]):
                p = i
        if m[p, c] == 0:
            raise ZeroDivisionError("matrix is singular")
        m[[c, p]] = m[[p, c]]
        x[[c, p]] = x[[p, c]]
        for i in range(c + 1, n):
            f = m[i, c] / m[c, c]
            if f == 0:
                continue
            m[i, c:] = m[i, c:] - f * m[c, c:]
            x[i] = x[i] - f * x[c]
    for i in range(n - 1, -1, -1):
        s = x[i].copy()
        for p in range(i + 1, n):
            s = s - m[i, p] * x[p]
        x[i] = s / m[i, i]
    return x[:, 0] if vector else x


def fixed_point(f, x0, tol=1e-14, max_iter=10000):
    """The fixed point of f from x0 as tgraph.fixed_point defines it: x = f(x)
    until the largest |change| is at most tol or after max_iter evaluations,
    in float64 (the default tol: a few units in the last place of values
    near 1, where a contraction's iterates stop improving and may cycle)."""
    x = np.asarray(x0, dtype=np.float64)
    for _ in range(max_iter):
        y = np.asarray(f(x), dtype=np.float64)
        change = np.max(np.abs(y - x), initial=0.0)
        x = y
        if change <= tol:
            break
    return x


HELPERS = {k: v for k, v in globals().items() if callable(v) and not k.startswith("_")}


def _parse(args, native):
    """Options (--key=value), further checks (--and EXPR OUT.npy), input
    bindings (NAME=IN.npy: float64 and int64, or as stored when native) and
    names for intermediate values (--let NAME=EXPR, evaluated in order
    after the inputs, each seeing those before it)."""
    options, env, more, lets = {}, {}, [], []
    args = list(args)
    while args:
        a = args.pop(0)
        if a == "--and":
            more.append((args.pop(0), args.pop(0)))
        elif a == "--let":
            lets.append(args.pop(0).split("=", 1))
        elif a.startswith("--"):
            key, value = a[2:].split("=", 1)
            options[key] = value
        else:
            name, path = a.split("=", 1)
            v = np.load(path)
            if not native:
                v = v.astype({"i": np.int64, "u": np.int64,
                              "c": np.complex128}.get(v.dtype.kind, np.float64))
            env[name] = v
    for name, expr in lets:
        with np.errstate(all="ignore"):
            env[name] = eval(expr, {"np": np, **HELPERS, **env})
    return options, env, more


def _close_one(expr, out_path, tol, options, env):
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        expected = np.asarray(eval(expr, {"np": np, **HELPERS, **env}))
    # Complex results compare as complex128 (|got - ref| is the modulus).
    wide = np.complex128 if expected.dtype.kind == "c" else np.float64
    expected = expected.astype(wide)
    raw = np.load(out_path)
    if "dtype" in options and raw.dtype != np.dtype(options["dtype"]):
        sys.exit(f"{out_path}: dtype mismatch: got {raw.dtype}, "
                 f"expected {options['dtype']}")
    if "shape" in options:
        want = () if options["shape"] == "scalar" else tuple(
            int(d) for d in options["shape"].split("x"))
        if raw.shape != want:
            sys.exit(f"{out_path}: shape mismatch: got {raw.shape}, expected {want}")
    if (raw.dtype.kind == "c") != (wide == np.complex128):
        sys.exit(f"{out_path}: got {raw.dtype}, expected "
                 f"{'complex' if wide == np.complex128 else 'real'} values")
    got = raw.astype(wide)
    if got.shape != expected.shape:
        sys.exit(f"{out_path}: shape mismatch: got {got.shape}, "
                 f"expected {expected.shape}")
    if not np.all(np.isfinite(got)):
        sys.exit(f"{out_path}: non-finite values")
    floor = options.get("floor", "1")
    # "max": errors relative to the output's largest magnitude (for sums
    # whose terms cancel, where an element's own magnitude means little).
    floor = np.max(np.abs(expected), initial=0.0) if floor == "max" else float(floor)
    err = np.max(np.abs(got - expected) / np.maximum(np.abs(expected), floor),
                 initial=0.0)
    if not err <= float(tol):
        sys.exit(f"{out_path}: max relative error {err:.3g} exceeds {tol}")
    print(f"ok: {got.size} values within {tol} of float64")


def close(expr, out_path, tol, *args):
    options, env, more = _parse(args, native=False)
    for e, o in [(expr, out_path)] + more:
        _close_one(e, o, tol, options, env)


def _exact_one(expr, out_path, env):
    with np.errstate(all="ignore"):
        expected = np.asarray(eval(expr, {"np": np, **HELPERS, **env}))
    got = np.load(out_path)
    if got.dtype != expected.dtype or got.shape != expected.shape:
        sys.exit(f"{out_path}: mismatch: got {got.dtype}{got.shape}, "
                 f"expected {expected.dtype}{expected.shape}")
    if got.tobytes() != expected.tobytes():
        bad = np.flatnonzero(got.ravel() != expected.ravel())
        i = bad[0] if bad.size else 0
        sys.exit(f"{out_path}: {bad.size} values differ (first at {i}): "
                 f"got {got.ravel()[i]!r}, expected {expected.ravel()[i]!r}")
    print(f"ok: {got.size} values of {got.dtype} match bit for bit")


def exact(expr, out_path, *args):
    options, env, more = _parse(args, native=True)
    if options:
        sys.exit(f"exact takes no options: {sorted(options)}")
    for e, o in [(expr, out_path)] + more:
        _exact_one(e, o, env)


def _ulps_one(expr, out_path, n, env):
    with np.errstate(all="ignore"):
        expected = np.asarray(eval(expr, {"np": np, **HELPERS, **env}),
                              dtype=np.float64)
    got = np.load(out_path).astype(np.float64)
    if got.shape != expected.shape:
        sys.exit(f"{out_path}: shape mismatch: got {got.shape}, "
                 f"expected {expected.shape}")
    special = ~np.isfinite(expected) | (expected == 0)
    if not np.array_equal(got[special], expected[special], equal_nan=True):
        sys.exit(f"{out_path}: infinities, NaNs or zeros differ")
    with np.errstate(over="ignore"):
        spacing = np.spacing(np.abs(expected.astype(np.float32))).astype(np.float64)
    err = np.max(np.abs(got - expected)[~special] / spacing[~special], initial=0.0)
    if not err <= float(n):
        i = np.flatnonzero(~special)[np.argmax(np.abs(got - expected)[~special] / spacing[~special])]
        sys.exit(f"{out_path}: {err:.3g} ulps exceeds {n} "
                 f"(got {got.ravel()[i]!r}, expected {expected.ravel()[i]!r})")
    print(f"ok: {got.size} values within {n} ulps of float64")


def ulps(expr, out_path, n, *args):
    options, env, more = _parse(args, native=False)
    if options:
        sys.exit(f"ulps takes no options: {sorted(options)}")
    for e, o in [(expr, out_path)] + more:
        _ulps_one(e, o, n, env)


def _edges(kind, size, rng):
    if kind == "expedge":
        # ln(2^-126), ln(2^-149) and ln(2^-150), between neighbours.
        head = np.array([-87.33654, -87.8, -88.0, -100.0, -103.27893,
                         -103.97207, -103.97209, -104.0, -105.0])
        rest = rng.uniform(-105.0, -86.0, size)
    else:
        bits = np.array([1, 2, 3, 0x7FFFFF, 0x800000, 0x400000], dtype=np.uint32)
        head = bits.view(np.float32)
        # Uniform in the exponent: every magnitude from 2^-149 to 2^-126.
        rest = (2.0 ** rng.uniform(-149, -126, size)).astype(np.float32)
        rest = np.where(rest < 2.0 ** -126, rest, np.float32(2.0 ** -127))
    if size < head.size:
        sys.exit(f"{kind} needs at least {head.size} elements, got {size}")
    return np.concatenate([head, rest[head.size:]])


def _bf16_edges(dtype, size, rng):
    if dtype.kind == "i":
        return _bf16_integer_edges(dtype, size, rng)
    # Random bfloat16 values v (8-bit significands, exponents from the
    # subnormals to the top) moved by half their spacing h: exact ties, and
    # ties missed by a little, by less than half a float32 spacing in
    # float64 (rounding through float32 lands on the tie) or by one float32
    # spacing in float32. Then the edges of the range and the specials.
    e = rng.integers(-133, 120, size)
    m = rng.integers(128, 256, size).astype(np.float64)
    v = rng.choice([-1.0, 1.0], size) * np.ldexp(m, e - 7)
    h = np.ldexp(1.0, np.maximum(e, -126) - 8)
    miss = np.ldexp(h, -30) if dtype == np.float64 else np.ldexp(np.abs(v), -23)
    step = rng.choice([0, 1, -1], size)
    values = (v + np.sign(v) * (h + step * miss)).astype(dtype)
    # The largest bfloat16, the tie above it (rounding to infinity) and its
    # neighbours in dtype, the largest float32.
    top = np.array([0x7F7F0000, 0x7F7F8000, 0x7F7FFFFF], np.uint32).view(np.float32)
    tie = top[1].astype(dtype)
    big = [top[0], tie, np.nextafter(tie, dtype.type(0)),
           np.nextafter(tie, dtype.type(np.inf)), top[2]]
    head = big + [-b for b in big] + [0.0, -0.0, np.inf, -np.inf, 2.0 ** -133,
                                      2.0 ** -134, 3 * 2.0 ** -134, 2.0 ** -126]
    if dtype == np.float64:
        head += [np.nan, -np.nan, 1e39, 2.0 ** -140]
    if size < len(head):
        sys.exit(f"bf16edge needs at least {len(head)} elements, got {size}")
    return np.concatenate([np.array(head, dtype=dtype), values[len(head):]])


def _bf16_integer_edges(dtype, size, rng):
    # Integers halfway between two bfloat16 values (8 significant bits) and
    # one either side: 2^24 + 2^16 + 1 rounds up, but through float32 it
    # becomes the tie 2^24 + 2^16 and then 2^24.
    k = rng.integers(9, 31, size)
    base = (1 << k) + (rng.integers(0, 128, size) << (k - 7))
    values = rng.choice([-1, 1], size) * (base + (1 << (k - 8)) + rng.choice([0, 1, -1], size))
    info = np.iinfo(dtype)
    head = [0, 1, -1, 257, 259, 2 ** 24 + 2 ** 16 + 1, info.max, info.min]
    if size < len(head):
        sys.exit(f"bf16edge needs at least {len(head)} elements, got {size}")
    return np.concatenate([np.array(head, dtype=np.int64), values[len(head):]]).astype(dtype)


def _narrow_edges(name, dtype, size, rng):
    # Like _bf16_edges for the narrow format `name`: its values moved by
    # half their spacing (ties), and by a little more or less (less than a
    # float32 spacing in float64, one float32 spacing in float32); the
    # largest finite value, the tie above it and its neighbours; the
    # subnormals and half the smallest; zeros, infinities, NaN.
    p, emin, largest, _ = _NARROW[name]
    if dtype.kind == "i":
        # Integers halfway between two values of the format and one either
        # side, and the range's ends.
        top = int(_narrow_values(name)[largest])
        k = rng.integers(p + 1, max(p + 2, top.bit_length()), size)
        base = (1 << k) + (rng.integers(0, 1 << (p - 1), size) << (k - p + 1))
        values = rng.choice([-1, 1], size) * (base + (1 << (k - p)) + rng.choice([0, 1, -1], size))
        info = np.iinfo(dtype)
        head = [0, 1, -1, top, -top, 2 * top, info.max, info.min]
        return np.concatenate([np.array(head, dtype=np.int64), values[len(head):]]).astype(dtype)
    emax = int(np.frexp(_narrow_values(name)[largest])[1]) - 1
    e = rng.integers(emin - p, emax + 1, size)
    m = rng.integers(2 ** (p - 1), 2 ** p, size).astype(np.float64)
    v = rng.choice([-1.0, 1.0], size) * np.ldexp(m, e - (p - 1))
    h = np.ldexp(1.0, np.maximum(e, emin) - p)
    miss = np.ldexp(h, -30) if dtype == np.float64 else np.ldexp(np.abs(v), -23)
    step = rng.choice([0, 1, -1], size)
    values = (v + np.sign(v) * (h + step * miss)).astype(dtype)
    values = np.where(np.abs(values) > np.ldexp(1.0, emax + 2), v, values).astype(dtype)
    vals = _narrow_values(name)
    big = [vals[largest], (vals[largest] + vals[largest + 1]) / 2, vals[largest + 1]]
    tie = dtype.type(big[1])
    big += [np.nextafter(tie, dtype.type(0)), np.nextafter(tie, dtype.type(np.inf))]
    tiny = [vals[1], vals[1] / 2, 3 * vals[1] / 2, vals[1] / 2 * (1 + 2.0 ** -20),
            vals[2 ** (p - 1)]]
    head = big + [-b for b in big] + tiny + [-t for t in tiny] + [0.0, -0.0, np.inf, -np.inf, np.nan]
    if size < len(head):
        sys.exit(f"{name}edge needs at least {len(head)} elements, got {size}")
    return np.concatenate([np.array(head, dtype=dtype), values[len(head):]])


def inputs(directory, seed, *specs):
    rng = np.random.default_rng(int(seed))
    for spec in specs:
        name, desc = spec.split("=", 1)
        parts = desc.split(":")
        dtype, shape = parts[0], parts[1]
        kind = parts[2] if len(parts) > 2 else "normal"
        dims = () if shape == "scalar" else tuple(int(d) for d in shape.split("x"))
        if kind.startswith("labels"):
            values = rng.integers(0, int(kind[len("labels"):]), size=dims)
        elif kind == "ints":
            values = rng.integers(-9, 10, size=dims)
        elif kind in ("expedge", "subnormal"):
            values = _edges(kind, int(np.prod(dims)), rng).reshape(dims)
        elif kind == "bf16edge":
            values = _bf16_edges(np.dtype(dtype), int(np.prod(dims)), rng).reshape(dims)
        elif kind.endswith("edge") and kind[:-len("edge")] in _NARROW:
            values = _narrow_edges(kind[:-len("edge")], np.dtype(dtype),
                                   int(np.prod(dims)), rng).reshape(dims)
        elif kind == "uniform":
            values = rng.uniform(0.0, 1.0, dims)
        elif kind == "wellposed":
            # A square matrix far from singular: normal entries plus
            # 2 sqrt(n) on the diagonal (condition numbers of a few).
            n = dims[-1]
            values = rng.standard_normal(dims) + 2 * np.sqrt(n) * np.eye(n)
        elif kind == "singular":
            # Normal entries but a zero column (the third): exactly
            # singular in any rounding, since eliminations keep it zero.
            values = rng.standard_normal(dims)
            values[..., 2] = 0
        elif kind == "contraction":
            # A matrix of spectral norm at most 1/2 (x -> W x is a
            # contraction by a factor of 2 at least).
            values = rng.standard_normal(dims)
            values = values / (2 * np.linalg.norm(values, 2))
        elif np.dtype(dtype).kind == "c":
            # Real and imaginary parts each standard normal.
            values = rng.standard_normal(dims) + 1j * rng.standard_normal(dims)
        else:
            values = rng.standard_normal(dims)
        np.save(f"{directory}/{name}.npy", np.asarray(values).astype(dtype))


def _round_exact(q, p, emin, emax):
    # The nonzero Fraction q rounded to nearest even in binary floating point
    # with p significand bits, normal exponents emin..emax (subnormals below),
    # by integer arithmetic alone; inf past the largest finite number.
    n, d = abs(q.numerator), q.denominator
    e = n.bit_length() - d.bit_length()
    if (n < d << e) if e >= 0 else (n << -e < d):
        e -= 1
    # 2^e <= |q| < 2^(e+1): the spacing there is 2^k.
    k = max(e, emin) - (p - 1)
    num, den = (n, d << k) if k >= 0 else (n << -k, d)
    m, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and m % 2 == 1):
        m += 1
    mag = math.inf if m.bit_length() + k > emax + 1 else math.ldexp(m, k)
    return -mag if q < 0 else mag


def _fma_exact(a, b, c, p, emin, emax):
    # IEEE's fusedMultiplyAdd of Python floats, from the exact rational
    # a*b + c rounded once (_round_exact); the special cases spelled out.
    if math.isnan(a) or math.isnan(b) or math.isnan(c):
        return math.nan
    if math.isinf(a) or math.isinf(b):
        if a == 0 or b == 0:
            return math.nan
        prod = math.copysign(math.inf, math.copysign(1, a) * math.copysign(1, b))
        return math.nan if math.isinf(c) and c != prod else prod
    if math.isinf(c):
        return c
    q = fractions.Fraction(a) * fractions.Fraction(b) + fractions.Fraction(c)
    if q == 0:
        # Under round to nearest only (-0) + (-0) is -0: a zero product of
        # negative sign plus -0. An exact cancellation is +0.
        neg = ((a == 0 or b == 0) and math.copysign(1, a) * math.copysign(1, b) < 0
               and math.copysign(1, c) < 0)
        return -0.0 if neg else 0.0
    return _round_exact(q, p, emin, emax)


def _check_fma():
    """Self-test of fma and ordered_matmul (reference.py check-fma): fma on
    float32 and float64 against _fma_exact, bit for bit, on random operands
    of varied exponents, cancellations (c near -a*b), exact and near ties
    (where rounding through float64 to float32 goes wrong), signed zeros,
    infinities and NaN; ordered_matmul against its definition."""
    rng = np.random.default_rng(754)
    formats = {np.float32: (24, -126, 127), np.float64: (53, -1022, 1023)}
    itype = {np.float32: np.uint32, np.float64: np.uint64}

    def make(e, p, dtype):
        # Random p-bit significands at exponents e, random signs.
        m = rng.integers(2 ** (p - 1), 2 ** p, e.shape).astype(np.float64)
        sign = rng.choice([-1.0, 1.0], e.shape)
        return (sign * np.ldexp(m, e - (p - 1))).astype(dtype)

    def same(x, y):
        # Bit for bit, any NaN equal to any NaN.
        t = itype[x.dtype.type]
        return (x.view(t) == y.view(t)) | (np.isnan(x) & np.isnan(y))

    def cases(dtype):
        p, emin, emax = formats[dtype]
        ints = lambda lo, hi, n: rng.integers(lo, hi + 1, n)
        out = []
        # Random operands of varied exponents, c's near a*b's so that they
        # overlap (float32 products reach both overflow and subnormals).
        n = 8000
        lim = 75 if dtype == np.float32 else 470
        ea, eb = ints(-lim, lim, n), ints(-lim, lim, n)
        ec = np.clip(ea + eb + ints(-p - 10, p + 10, n), emin - p, emax)
        out.append((make(ea, p, dtype), make(eb, p, dtype), make(ec, p, dtype)))
        # c = -RN(a*b) and its neighbours up to 3 ulps away: tiny results.
        n = 4000
        lim = 60 if dtype == np.float32 else 450
        a, b = make(ints(-lim, lim, n), p, dtype), make(ints(-lim, lim, n), p, dtype)
        c = (-(a * b)).view(itype[dtype]) + ints(-3, 3, n).astype(itype[dtype])
        out.append((a, b, c.view(dtype)))
        # Ties: c plus +-m halves of its spacing h = 2^(ec-p) (m = 1, 3, 5:
        # exact ties), or h (1 - 2^-2j) = (1 + 2^-j) (1 - 2^-j) h, a tie
        # missed by less than a float64 rounding for large j.
        n = 4000
        lo, hi = (-80, 100) if dtype == np.float32 else (-400, 400)
        ec, i, j = ints(lo, hi, n), ints(-20, 20, n), ints(1, p - 1, n)
        c = make(ec, p, dtype)
        sign = rng.choice([-1.0, 1.0], n)
        near = rng.random(n) < 0.75
        a = np.where(near, 1 + np.ldexp(1.0, -j), 1.0)
        b = np.where(near, 1 - np.ldexp(1.0, -j), rng.choice([1.0, 3.0, 5.0], n))
        out.append(((np.ldexp(a, i)).astype(dtype),
                    (sign * np.ldexp(b, ec - p - i)).astype(dtype), c))
        # Every combination of zeros of both signs, infinities, NaN and a
        # few finite values, exact cancellations among them.
        if dtype == np.float32:
            big, small = [3.4028235e38, 1e20, -2.0 ** -149, 2.0 ** -126], [0.1, -0.75]
        else:
            big, small = [2.0 ** 500, -2.0 ** 400, 2.0 ** -400, -2.0 ** -450], [0.1, -0.75]
        s = np.array([0.0, -0.0, 1.0, -1.0, 1.5, -3.0, np.inf, -np.inf, np.nan]
                     + big + small, dtype=dtype)
        a, b, c = np.meshgrid(s, s, s, indexing="ij")
        out.append((a.ravel(), b.ravel(), c.ravel()))
        if dtype == np.float32:
            # Random bit patterns: subnormals, overflow, NaN, anything.
            out.append(tuple(rng.integers(0, 2 ** 32, 3000, dtype=np.uint64)
                             .astype(np.uint32).view(np.float32) for _ in range(3)))
        else:
            # Products down to 2^-958, near the bottom of the exact range.
            ea = ints(-500, -440, 3000)
            eb = -ea + ints(-958, -930, 3000)
            ec = ea + eb + ints(-70, 10, 3000)
            out.append((make(ea, p, dtype), make(eb, p, dtype), make(ec, p, dtype)))
        return [np.concatenate(x) for x in zip(*out)]

    with np.errstate(all="ignore"):
        counts = []
        for dtype in (np.float32, np.float64):
            a, b, c = cases(dtype)
            fmt = formats[dtype]
            ref = np.array([_fma_exact(float(x), float(y), float(z), *fmt)
                            for x, y, z in zip(a, b, c)]).astype(dtype)
            got = fma(a, b, c)
            ok = same(got, ref)
            if not ok.all():
                i = np.flatnonzero(~ok)
                lines = [f"fma({a[k]!r}, {b[k]!r}, {c[k]!r}): got {got[k]!r}, "
                         f"expected {ref[k]!r}" for k in i[:5]]
                sys.exit(f"{dtype.__name__}: {i.size} of {a.size} cases differ:\n"
                         + "\n".join(lines))
            # The cases have teeth: one rounding after another (float64 then
            # float32; RN(a*b) then the sum) misses some of them.
            if dtype == np.float32:
                naive = (a.astype(np.float64) * b + c).astype(dtype)
            else:
                naive = a * b + c
            missed = np.count_nonzero(~same(naive, ref))
            if missed == 0:
                sys.exit(f"{dtype.__name__}: no case tells two roundings from one")
            counts.append(f"{a.size} {dtype.__name__} cases "
                          f"({missed} missed by two roundings)")
        # The rounding itself, for float64, agrees with Python's correctly
        # rounded integer division.
        for x in rng.standard_normal(2000) * 2.0 ** rng.integers(-1070, 1000, 2000):
            q = fractions.Fraction(float(x)) * fractions.Fraction(1, 3)
            if q != 0 and _round_exact(q, 53, -1022, 1023) != float(q):
                sys.exit(f"_round_exact({q}) != {float(q)!r}")
        # Outside float64's exact range fma refuses instead of guessing.
        for x, y in ((2.0 ** -1074, 2.0 ** 100), (2.0 ** 600, 2.0 ** 600)):
            try:
                fma(np.float64(x), np.float64(y), np.float64(1))
                sys.exit(f"fma({x!r}, {y!r}, 1) did not refuse")
            except ValueError:
                pass

    # ordered_matmul: strict=True is a rounded product then a rounded sum,
    # as before; the default is fma per step, ascending k, checked against
    # _fma_exact element by element; on random float32 the two differ.
    def separate(a, b):
        acc = np.zeros(a.shape[:-1] + b.shape[-1:], dtype=np.result_type(a, b))
        for k in range(a.shape[-1]):
            acc = acc + a[..., :, k:k + 1] * b[..., k:k + 1, :]
        return acc

    for dtype in (np.float32, np.float64, np.int64, np.int32):
        a = (rng.standard_normal((3, 9, 17)) * 4).astype(dtype)
        b = (rng.standard_normal((3, 17, 5)) * 4).astype(dtype)
        for x, y in ((a, b), (a[0], b[0]), (a[0, :1], b[0, :, :1])):
            if ordered_matmul(x, y, strict=True).tobytes() != separate(x, y).tobytes():
                sys.exit(f"ordered_matmul(strict=True) changed ({np.dtype(dtype)})")
        if dtype in formats:
            fmt = formats[dtype]
            want = np.zeros((3, 9, 5))
            for i in np.ndindex(want.shape):
                acc = 0.0
                for k in range(a.shape[-1]):
                    acc = _fma_exact(float(a[i[0], i[1], k]), float(b[i[0], k, i[2]]),
                                     acc, *fmt)
                want[i] = acc
            if ordered_matmul(a, b).tobytes() != want.astype(dtype).tobytes():
                sys.exit(f"ordered_matmul is not fma per step ({np.dtype(dtype)})")
    a = rng.standard_normal((40, 64)).astype(np.float32)
    b = rng.standard_normal((64, 30)).astype(np.float32)
    differ = np.count_nonzero(ordered_matmul(a, b) != ordered_matmul(a, b, strict=True))
    if differ == 0:
        sys.exit("ordered_matmul: fused and strict agree on random float32")
    print("ok: fma matches exact rounding on " + " and ".join(counts))
    print(f"ok: ordered_matmul: strict unchanged, fused per step; "
          f"{differ} of {a.shape[0] * b.shape[1]} float32 elements differ between them")


def _check_bf16():
    """Self-test of bf16 (reference.py check-bf16): the float32 bit
    arithmetic against exact rounding (_round_exact) on random bit patterns
    (every exponent, subnormals, infinities, NaN) and on the bf16edge
    inputs; the float64 rounding against the same; and the teeth: rounding
    float64 through float32 first misses some of the float64 edges."""
    rng = np.random.default_rng(16)
    with np.errstate(all="ignore"):
        f32 = np.concatenate([
            rng.integers(0, 2 ** 32, 20000, dtype=np.uint64).astype(np.uint32).view(np.float32),
            _bf16_edges(np.dtype(np.float32), 4000, rng)])
        got = bf16(f32)
        want = bf16(f32.astype(np.float64))
        same = (got.view(np.uint32) == want.view(np.uint32))
        if not same.all():
            i = np.flatnonzero(~same)[0]
            sys.exit(f"bf16({f32[i]!r}): got {got[i]!r}, exact rounding gives {want[i]!r}")
        f64 = _bf16_edges(np.dtype(np.float64), 4000, rng)
        once = bf16(f64)
        twice = bf16(f64.astype(np.float32))
        # Exact rounding from float64 lies within half a bfloat16 spacing.
        finite = np.isfinite(once)
        err = np.abs(once[finite].astype(np.float64) - f64[finite])
        half = np.ldexp(1.0, np.maximum(np.frexp(np.abs(once[finite]))[1] - 1, -126) - 8)
        if not (err <= half).all():
            sys.exit("bf16 of float64: not within half a spacing")
        missed = np.count_nonzero(once.view(np.uint32) != twice.view(np.uint32))
        if missed == 0:
            sys.exit("bf16: no float64 edge tells one rounding from two")
    print(f"ok: bf16 rounds {f32.size} float32 values exactly; "
          f"{missed} of {f64.size} float64 edges differ through float32")


def _check_narrow():
    """Self-test of narrow, f16, e4m3 and e5m2 (reference.py check-narrow):
    every code's value rounds to itself; the table search against exact
    rational rounding (_round_exact, with E4M3FN's top code NaN) on random
    float32 bit patterns and the edge inputs in float32, float64 and int32;
    NumPy's float16 rounding against narrow(x, "f16"); and the teeth:
    rounding float64 through float32 first misses some of the edges."""
    rng = np.random.default_rng(8)
    fmt = {"f16": (11, -14, 15), "e4m3": (4, -6, 8), "e5m2": (3, -14, 15)}
    with np.errstate(all="ignore"):
        for name, (p, emin, emax) in fmt.items():
            values = _narrow_values(name)[:_NARROW[name][2] + 1]
            both = np.concatenate([values, -values])
            if narrow(both, name).astype(np.float64).tolist() != both.tolist():
                sys.exit(f"narrow({name}): a value does not round to itself")
            x32 = np.concatenate([
                rng.integers(0, 2 ** 32, 20000, dtype=np.uint64).astype(np.uint32).view(np.float32),
                _narrow_edges(name, np.dtype(np.float32), 3000, rng)])
            x64 = _narrow_edges(name, np.dtype(np.float64), 3000, rng)
            xi = _narrow_edges(name, np.dtype(np.int32), 3000, rng)
            for x in (x32, x64, xi):
                def one(v):
                    if math.isnan(v):
                        return math.nan
                    if v == 0 or math.isinf(v):
                        r = v
                    else:
                        r = _round_exact(fractions.Fraction(v), p, emin, emax)
                    if name == "e4m3" and abs(r) > 448:
                        return math.copysign(math.nan, r)
                    return r
                want = np.array([one(v) for v in x.astype(np.float64).tolist()]).astype(np.float32)
                want = np.where(np.isnan(x.astype(np.float64)), np.float32(np.nan), want)
                got = narrow(x, name)
                if got.tobytes() != want.astype(np.float32).tobytes():
                    i = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))[0]
                    sys.exit(f"narrow({x[i]!r}, {name}): got {got[i]!r}, exact rounding gives {want[i]!r}")
            if name == "f16":
                for x in (x32, x64, xi):
                    if f16(x).astype(np.float32).tobytes() != narrow(x, "f16").tobytes():
                        sys.exit("NumPy's float16 rounding differs from narrow")
            twice = narrow(x64.astype(np.float32), name)
            missed = np.count_nonzero(narrow(x64, name).view(np.uint32) != twice.view(np.uint32))
            if missed == 0:
                sys.exit(f"narrow({name}): no float64 edge tells one rounding from two")
            print(f"ok: {name} rounds {x32.size + x64.size + xi.size} values exactly; "
                  f"{missed} of {x64.size} float64 edges differ through float32")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"close": close, "exact": exact, "ulps": ulps, "inputs": inputs,
     "check-fma": _check_fma, "check-bf16": _check_bf16,
     "check-narrow": _check_narrow}[command](*rest)
