"""Float64 reference for tests/e2e/train-partial.test (NumPy only,
independent of the compiler).

  train_partial.py init DIR
      writes DIR/x.npy (16 points in [-1, 1]^2) and DIR/init.safetensors
      (random parameters for train-partial.tsr, nonzero biases included)
  train_partial.py check LOSS X.npy BEFORE.safetensors AFTER.safetensors LR
                   LOG.csv
      the logged loss of the step must be LOSS (step or only_partial) at
      BEFORE within 1e-5, and the sgd step must have moved each parameter by
      -LR times the gradient of LOSS computed here by central differences of
      the loss in float64, within 1e-3 relative to the gradient's norm; a
      parameter the entry does not have must have a zero gradient
"""
import json
import os
import struct
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from pinn import load_safetensors  # noqa: E402

SHAPES = {"W0": (2, 8), "b0": (8,), "W1": (8, 1), "b1": (1,)}


def save_safetensors(path, tensors):
    header, data = {}, b""
    for name, value in tensors.items():
        blob = np.ascontiguousarray(value, np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape),
                        "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def derivatives(p, x):
    """u = tanh(x W0 + b0) W1 + b1 and, per point, du/dx_1 and d2u/dx_0^2
    in closed form: d tanh(z) = s dz, d2 tanh(z) = -2 tanh(z) s dz^2 with
    s = 1 - tanh(z)^2 (z is linear in x)."""
    h = np.tanh(x @ p["W0"] + p["b0"])
    s = 1 - h * h
    u = h @ p["W1"] + p["b1"]
    u_t = (s * p["W0"][1]) @ p["W1"]
    u_xx = (-2 * h * s * p["W0"][0] ** 2) @ p["W1"]
    return u, u_t, u_xx


def loss(kind, p, x):
    u, u_t, u_xx = derivatives(p, x)
    if kind == "step":
        return np.mean((u_t - 0.5 * u_xx) ** 2) + np.mean(u ** 2)
    if kind == "only_partial":
        return np.mean(u_t)
    sys.exit(f"unknown loss '{kind}'")


def gradient(kind, p, x, h=1e-5):
    g = {}
    for name, value in p.items():
        g[name] = np.zeros_like(value)
        for i in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in p.items()}
            minus = {k: v.copy() for k, v in p.items()}
            plus[name][i] += h
            minus[name][i] -= h
            g[name][i] = (loss(kind, plus, x) - loss(kind, minus, x)) / (2 * h)
    return g


def init(out):
    rng = np.random.default_rng(11)
    np.save(os.path.join(out, "x.npy"),
            rng.uniform(-1, 1, (16, 2)).astype(np.float32))
    save_safetensors(os.path.join(out, "init.safetensors"),
                     {k: rng.normal(0, 0.7, s) for k, s in SHAPES.items()})


def check(kind, x_path, before_path, after_path, lr, log_path):
    x = np.load(x_path).astype(np.float64)
    before, after = load_safetensors(before_path), load_safetensors(after_path)
    logged = np.loadtxt(log_path, delimiter=",", skiprows=1, ndmin=2)[0, 1]
    value = loss(kind, before, x)
    if not abs(logged - value) <= 1e-5 * max(1.0, abs(value)):
        sys.exit(f"logged loss {logged:.9g} is not {value:.9g}")
    print("loss: as in float64 within 1e-5")
    g = gradient(kind, before, x)
    scale = max(np.linalg.norm(v) for v in g.values())
    for name in SHAPES:
        if name not in after:
            if not np.linalg.norm(g[name]) <= 1e-9 * scale:
                sys.exit(f"{name}: not trained but its gradient is "
                         f"{np.linalg.norm(g[name]):.3g}")
            print(f"{name}: not in the step, zero gradient")
            continue
        step = after[name] - before[name]
        expected = -float(lr) * g[name]
        err = np.linalg.norm(step - expected) / np.linalg.norm(expected)
        if not err < 1e-3:
            sys.exit(f"{name}: update differs from -lr * gradient by "
                     f"{err:.3g} (relative)")
        print(f"{name}: update = -lr * gradient within 1e-3")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"init": init, "check": check}[command](*rest)
