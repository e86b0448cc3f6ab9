"""Independent NumPy references for the tessera-eval tests.

  check.py softmax OUT.npy X.npy W.npy BIAS.npy   OUT = softmax(X @ W + BIAS)
  check.py allclose OUT.npy VALUE TOL             every element is VALUE
  check.py attention_lse OUT.npy LSE.npy Q.npy K.npy V.npy SCALE
                                                  attention and its log-sum-exp
"""
import sys

import numpy as np


def expect_float32(name, path, expected):
    """The float32 array at `path` is within 1e-6 of `expected` (float64)."""
    got = np.load(path)
    if got.dtype != np.float32 or got.shape != expected.shape:
        sys.exit(f"{name}: got {got.dtype}{got.shape}, expected float32{expected.shape}")
    err = np.max(np.abs(got - expected))
    if not err <= 1e-6:
        sys.exit(f"{name}: max error {err:.3g} exceeds 1e-6")
    return got.size


def softmax(out, x, w, bias):
    x, w, bias = (np.load(p).astype(np.float64) for p in (x, w, bias))
    z = x @ w + bias
    e = np.exp(z - z.max(axis=1, keepdims=True))
    size = expect_float32("probabilities", out, e / e.sum(axis=1, keepdims=True))
    print(f"ok: {size} probabilities within 1e-6 of float64")


def attention_lse(out, lse, q, k, v, scale):
    q, k, v = (np.load(p).astype(np.float64) for p in (q, k, v))
    z = float(scale) * q @ np.swapaxes(k, -1, -2)
    m = z.max(axis=-1, keepdims=True)
    e = np.exp(z - m)
    expect_float32("out", out, e / e.sum(axis=-1, keepdims=True) @ v)
    expect_float32("lse", lse, (m + np.log(e.sum(axis=-1, keepdims=True)))[..., 0])
    print("ok: result and log-sum-exp within 1e-6 of float64")


def allclose(out, value, tol):
    got = np.load(out).astype(np.float64)
    err = np.max(np.abs(got - float(value)))
    if not err <= float(tol):
        sys.exit(f"max error {err:.3g} exceeds {tol}")
    print(f"ok: {got.size} values within {tol} of {value}")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"softmax": softmax, "allclose": allclose,
     "attention_lse": attention_lse}[command](*args)
