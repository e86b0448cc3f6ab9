"""Inputs and independent references for the e2e tests (NumPy only).

  npy_tool.py random OUT.npy DTYPE SHAPE [SEED]  write random values;
                                                 SHAPE like 12 or 3x7
  npy_tool.py check EXPR OUT.npy NAME=IN.npy...  compare OUT with EXPR
                                                 evaluated by NumPy, bit
                                                 for bit
  npy_tool.py close EXPR OUT.npy TOL NAME=IN.npy...
                                                 compare OUT with EXPR
                                                 evaluated in float64: the
                                                 largest error relative to
                                                 max(|ref|, 1) is <= TOL
"""
import sys

import numpy as np


def random(path, dtype, n, seed=0):
    rng = np.random.default_rng(int(seed))
    shape = tuple(int(d) for d in n.split("x"))
    values = rng.standard_normal(shape) * 4
    if np.dtype(dtype).kind == "i":
        values = np.abs(np.round(values)) + 1  # divisors stay non-zero
    np.save(path, values.astype(dtype))


def check(expr, out_path, *bindings):
    env = {}
    for b in bindings:
        name, path = b.split("=", 1)
        env[name] = np.load(path)
    # NumPy evaluates each operation in the inputs' dtype, rounding after
    # every step, exactly as the program's semantics require.
    with np.errstate(all="ignore"):
        expected = np.asarray(eval(expr, {"np": np}, env))
    got = np.load(out_path)
    if got.dtype != expected.dtype or got.shape != expected.shape:
        sys.exit(f"mismatch: got {got.dtype}{got.shape}, "
                 f"expected {expected.dtype}{expected.shape}")
    if got.tobytes() != expected.tobytes():
        bad = np.flatnonzero(got.view(np.uint8) != expected.view(np.uint8))
        sys.exit(f"bytes differ (first at byte {bad[0]}): "
                 f"got {got.ravel()[:4]}, expected {expected.ravel()[:4]}")
    print(f"ok: {got.size} values of {got.dtype} match bit for bit")


def close(expr, out_path, tol, *bindings):
    env = {}
    for b in bindings:
        name, path = b.split("=", 1)
        env[name] = np.load(path).astype(np.float64)
    env["sigmoid"] = lambda v: 1 / (1 + np.exp(-v))
    expected = np.asarray(eval(expr, {"np": np}, env))
    got = np.load(out_path).astype(np.float64)
    if got.shape != expected.shape:
        sys.exit(f"shape mismatch: got {got.shape}, expected {expected.shape}")
    err = np.max(np.abs(got - expected) / np.maximum(np.abs(expected), 1))
    if not err <= float(tol):
        sys.exit(f"max relative error {err:.3g} exceeds {tol}")
    print(f"ok: {got.size} values within {tol} of float64")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"random": random, "check": check, "close": close}[command](*args)
