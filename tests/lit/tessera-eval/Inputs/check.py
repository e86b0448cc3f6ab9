"""Independent NumPy references for the tessera-eval tests.

  check.py softmax OUT.npy X.npy W.npy BIAS.npy   OUT = softmax(X @ W + BIAS)
  check.py allclose OUT.npy VALUE TOL             every element is VALUE
"""
import sys

import numpy as np


def softmax(out, x, w, bias):
    x, w, bias = (np.load(p).astype(np.float64) for p in (x, w, bias))
    z = x @ w + bias
    e = np.exp(z - z.max(axis=1, keepdims=True))
    expected = e / e.sum(axis=1, keepdims=True)
    got = np.load(out)
    if got.dtype != np.float32 or got.shape != expected.shape:
        sys.exit(f"got {got.dtype}{got.shape}, expected float32{expected.shape}")
    err = np.max(np.abs(got - expected))
    if not err <= 1e-6:
        sys.exit(f"max error {err:.3g} exceeds 1e-6")
    print(f"ok: {got.size} probabilities within 1e-6 of float64")


def attention_lse(out, lse, q, k, v, scale):
    q, k, v = (np.load(p).astype(np.float64) for p in (q, k, v))
    z = float(scale) * q @ np.swapaxes(k, -1, -2)
    m = z.max(axis=-1, keepdims=True)
    e = np.exp(z - m)
    expected = {"out": e / e.sum(axis=-1, keepdims=True) @ v,
                "lse": (m + np.log(e.sum(axis=-1, keepdims=True)))[..., 0]}
    for name, path in (("out", out), ("lse", lse)):
        got = np.load(path)
        want = expected[name]
        if got.dtype != np.float32 or got.shape != want.shape:
            sys.exit(f"{name}: got {got.dtype}{got.shape}, expected float32{want.shape}")
        err = np.max(np.abs(got - want))
        if not err <= 1e-6:
            sys.exit(f"{name}: max error {err:.3g} exceeds 1e-6")
    print(f"ok: result and log-sum-exp within 1e-6 of float64")


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
