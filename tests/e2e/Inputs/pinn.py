"""Float64 checks for the PINN examples (examples/heat, examples/burgers),
NumPy only and independent of the compiler.

  pinn.py heat-error X.npy T.npy U.npy TOL
      the relative L2 error of the predictions U at the points (X, T)
      against the heat equation's closed form exp(-alpha pi^2 t) sin(pi x)
      must be below TOL
  pinn.py residual MODEL CKPT.safetensors X.npy T.npy OUT.npy TOL
      OUT must be MODEL's PDE residual (heat or burgers) at (X, T) for the
      parameters in CKPT, computed here in float64 by forward-mode
      derivatives written out by hand, within TOL of the residual's
      largest term (the terms cancel as training succeeds)
  pinn.py drop LOSS.csv FACTOR
      the loss of the log's last step must be at least FACTOR times smaller
      than that of its first
"""
import json
import struct
import sys

import numpy as np

ALPHA = 0.01  # examples/heat/heat.tsr
NU = 0.01     # examples/burgers/burgers.tsr


def load_safetensors(path):
    """The tensors of a .safetensors file: an 8-byte little-endian header
    size, a JSON header of dtype, shape and byte range, then the data."""
    with open(path, "rb") as f:
        blob = f.read()
    (size,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + size])
    dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        data = blob[8 + size + begin:8 + size + end]
        tensors[name] = np.frombuffer(data, dtypes[info["dtype"]]).reshape(
            info["shape"]).astype(np.float64)
    return tensors


def tanh_mlp_derivatives(p, x, t):
    """u and its derivatives u_t, u_x, u_xx for the examples' tanh MLP:
    h = tanh(x Wx + t Wt + b0), then h = tanh(h Wk + bk) for k = 1, 2, ...,
    and u = h W_last + b_last. Each layer carries the derivatives of its
    output: d tanh(z) = s dz, d2 tanh(z) = s (d2z - 2 tanh(z) dz^2), with
    s = 1 - tanh(z)^2."""
    z = x * p["Wx"] + t * p["Wt"] + p["b0"]
    z_t, z_x, z_xx = p["Wt"], p["Wx"], 0.0
    k = 1
    while True:
        h = np.tanh(z)
        s = 1 - h * h
        h_t, h_x, h_xx = s * z_t, s * z_x, s * (z_xx - 2 * h * z_x * z_x)
        w, b = p[f"W{k}"], p[f"b{k}"]
        if f"W{k + 1}" not in p:
            return {"u": h @ w + b, "u_t": h_t @ w, "u_x": h_x @ w,
                    "u_xx": h_xx @ w}
        z, z_t, z_x, z_xx = h @ w + b, h_t @ w, h_x @ w, h_xx @ w
        k += 1


def residual_terms(model, p, x, t):
    d = tanh_mlp_derivatives(p, x, t)
    if model == "heat":
        return [d["u_t"], -ALPHA * d["u_xx"]]
    if model == "burgers":
        return [d["u_t"], d["u"] * d["u_x"], -NU * d["u_xx"]]
    sys.exit(f"unknown model '{model}'")


def column(path):
    return np.load(path).astype(np.float64)


def heat_error(x_path, t_path, u_path, tol):
    x, t, u = column(x_path), column(t_path), column(u_path)
    if not x.shape == t.shape == u.shape:
        sys.exit(f"shape mismatch: x {x.shape}, t {t.shape}, u {u.shape}")
    exact = np.exp(-ALPHA * np.pi ** 2 * t) * np.sin(np.pi * x)
    err = np.linalg.norm(u - exact) / np.linalg.norm(exact)
    if not err < float(tol):
        sys.exit(f"relative L2 error {err:.3g} is not below {tol}")
    print(f"ok: relative L2 error {err:.3g} < {tol} on {u.size} points")


def residual(model, ckpt, x_path, t_path, out_path, tol):
    p = load_safetensors(ckpt)
    terms = residual_terms(model, p, column(x_path), column(t_path))
    expected = sum(terms)
    got = np.load(out_path)
    if got.dtype != np.float32 or got.shape != expected.shape:
        sys.exit(f"{out_path}: got {got.dtype}{got.shape}, "
                 f"expected float32{expected.shape}")
    scale = max(np.max(np.abs(term)) for term in terms)
    err = np.max(np.abs(got.astype(np.float64) - expected)) / scale
    if not err <= float(tol):
        sys.exit(f"{out_path}: max error {err:.3g} of the largest term "
                 f"exceeds {tol}")
    print(f"ok: {got.size} residuals within {tol} of float64")


def drop(log_path, factor):
    rows = np.loadtxt(log_path, delimiter=",", skiprows=1, ndmin=2)
    first, last = rows[0, 1], rows[-1, 1]
    if not first >= float(factor) * last:
        sys.exit(f"loss {first:.4g} -> {last:.4g} fell only "
                 f"{first / last:.3g}-fold, not {factor}-fold")
    print(f"ok: loss {first:.4g} -> {last:.4g} over {len(rows)} steps "
          f"fell {first / last:.0f}-fold")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"heat-error": heat_error, "residual": residual,
     "drop": drop}[command](*rest)
