"""Inputs and comparisons for the e2e tests of the Graph IR rewrites
(tests/e2e/rewrites-*.test): each program is compiled twice, with the
rewrites (-O2, the default) and without them (-O0), and the two runs'
outputs are compared here (NumPy only).

  rewrites.py inputs DIR SEED NAME=DTYPE:SHAPE:KIND...
      write inputs; SHAPE like 7x5; KIND is
        special   floats: +-0.0, +-inf, quiet NaNs of both signs and two
                  payloads, subnormals, the largest and smallest normals,
                  +-1, then normal values (each special value at least once);
                  integers: 0, +-1, the dtype's min and max, then small ones
        positive  floats from 1e-30 to 1e30, uniform in the exponent
        moderate  floats uniform in (-80, 80) (exp neither overflows nor
                  underflows in f32)
        normal    standard normal
  rewrites.py same A.npy B.npy [--and A2.npy B2.npy]... [--zero-sign]
      A and B have the same dtype, shape and bytes (NaN payloads and the
      signs of zeros included). With --zero-sign, elements may differ only
      as +0.0 against -0.0, and at least one must (the rewrite is inexact
      exactly there, and the inputs are meant to show it).
  rewrites.py holds EXPR NAME=IN.npy...
      EXPR (NumPy, the arrays by name) is true for every element.
"""
import sys

import numpy as np


def _special(dtype, size, rng):
    dt = np.dtype(dtype)
    if dt.kind == "f":
        info = np.finfo(dt)
        bits = {np.float32: np.uint32, np.float64: np.uint64}[dt.type]
        quiet = np.array([np.nan], dt).view(bits)[0]
        # Two NaN payloads and a negative NaN: a rewrite must keep the
        # bits that arithmetic keeps.
        nans = np.array([quiet, quiet | bits(5), quiet | bits(1) << bits(dt.itemsize * 8 - 1)],
                        bits).view(dt)
        head = np.concatenate([
            np.array([0.0, -0.0, np.inf, -np.inf, info.smallest_subnormal,
                      -info.smallest_subnormal, info.tiny, -info.tiny,
                      info.max, -info.max, 1.0, -1.0], dt), nans])
        rest = rng.standard_normal(max(size - head.size, 0)).astype(dt)
    else:
        info = np.iinfo(dt)
        head = np.array([0, 1, -1, info.min, info.max, info.min + 1, info.max - 1], dt)
        rest = rng.integers(-9, 10, size=max(size - head.size, 0)).astype(dt)
    values = np.concatenate([head, rest])
    if values.size > size:
        sys.exit(f"special needs at least {head.size} elements, got {size}")
    return values


def inputs(directory, seed, *specs):
    rng = np.random.default_rng(int(seed))
    for spec in specs:
        name, desc = spec.split("=", 1)
        dtype, shape, kind = desc.split(":")
        dims = tuple(int(d) for d in shape.split("x"))
        size = int(np.prod(dims))
        if kind == "special":
            values = _special(dtype, size, rng)
        elif kind == "positive":
            values = 10.0 ** rng.uniform(-30, 30, size)
        elif kind == "moderate":
            values = rng.uniform(-80, 80, size)
        elif kind == "normal":
            values = rng.standard_normal(size)
        else:
            sys.exit(f"unknown kind '{kind}'")
        np.save(f"{directory}/{name}.npy", np.asarray(values).astype(dtype).reshape(dims))


def _same_one(a_path, b_path, zero_sign):
    a, b = np.load(a_path), np.load(b_path)
    if a.dtype != b.dtype or a.shape != b.shape:
        sys.exit(f"{a_path}: {a.dtype}{a.shape}, but {b_path}: {b.dtype}{b.shape}")
    width = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.dtype.itemsize]
    differ = np.flatnonzero(a.ravel().view(width) != b.ravel().view(width))
    if not zero_sign:
        if differ.size:
            i = differ[0]
            sys.exit(f"{a_path} and {b_path}: {differ.size} values differ "
                     f"(first at {i}): {a.ravel()[i]!r} and {b.ravel()[i]!r}")
        print(f"ok: {a.size} values of {a.dtype} identical")
        return
    # Both zeros, of opposite signs, and nothing else.
    ok = (a.ravel()[differ] == 0) & (b.ravel()[differ] == 0)
    if not ok.all():
        i = differ[~ok][0]
        sys.exit(f"{a_path} and {b_path}: value {i} differs by more than the "
                 f"sign of zero: {a.ravel()[i]!r} and {b.ravel()[i]!r}")
    if not differ.size:
        sys.exit(f"{a_path} and {b_path}: no zero differs in sign; the test "
                 f"does not show the rewrite")
    print(f"ok: {a.size} values of {a.dtype} identical but for the sign of "
          f"{differ.size} zero(s)")


def same(a_path, b_path, *args):
    pairs, zero_sign, args = [(a_path, b_path)], False, list(args)
    while args:
        a = args.pop(0)
        if a == "--and":
            pairs.append((args.pop(0), args.pop(0)))
        elif a == "--zero-sign":
            zero_sign = True
        else:
            sys.exit(f"unknown argument '{a}'")
    for a, b in pairs:
        _same_one(a, b, zero_sign)


def holds(expr, *bindings):
    env = {}
    for b in bindings:
        name, path = b.split("=", 1)
        env[name] = np.load(path)
    with np.errstate(all="ignore"):
        result = np.asarray(eval(expr, {"np": np}, env))
    if not result.all():
        sys.exit(f"does not hold for {result.size - np.count_nonzero(result)} "
                 f"of {result.size}: {expr}")
    print(f"ok: {expr}")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"inputs": inputs, "same": same, "holds": holds}[command](*rest)
