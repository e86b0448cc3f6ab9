#!/usr/bin/env python3
"""Attention on the CPU, forward and reverse: Tessera's fused kernels
against its unfused build (-O0: two matmuls and a softmax, the [S, S]
scores in memory) and against NumPy (OpenBLAS matmuls, as many threads as
Tessera), in the same run, each checked against float64.

  attention_bench.py FUSED_TBIN UNFUSED_TBIN TESSERA [--threads N] [--quick]

Tessera's time is the median over runs of its kernels' time (tessera run
--profile); NumPy's the median wall time of the same formulas in float32.
Ratios = the other's ms / fused Tessera's ms.
"""
import os
import sys
import tempfile

# OpenBLAS reads its thread count when NumPy loads.
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)

import numpy as np  # noqa: E402

from tessera_timing import peer_ms, rel_err, tessera_ms  # noqa: E402


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def forward(q, k, v):
    scale = q.dtype.type(1 / np.sqrt(q.shape[-1]))
    return softmax(q @ np.swapaxes(k, -1, -2) * scale) @ v


def backward(q, k, v, do):
    scale = q.dtype.type(1 / np.sqrt(q.shape[-1]))
    p = softmax(q @ np.swapaxes(k, -1, -2) * scale)
    dv = np.swapaxes(p, -1, -2) @ do
    dp = do @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True))
    return ds @ k * scale, np.swapaxes(ds, -1, -2) @ q * scale, dv


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    fused, unfused, tessera = (os.path.abspath(a) for a in args[:3])
    threads = THREADS
    shapes = [(2, 256, 64)] if "--quick" in args else [(8, 512, 64), (2, 2048, 64)]
    rng = np.random.default_rng(5)
    print(f"attention, f32, on {threads} thread(s); NumPy {np.__version__}")
    with tempfile.TemporaryDirectory() as work:
        for b, s, d in shapes:
            q, k, v, do = (rng.standard_normal((b, s, d)).astype(np.float32) for _ in range(4))
            ins = {"Q": q, "K": k, "V": v}
            ref = forward(*(x.astype(np.float64) for x in (q, k, v)))
            got, ms = tessera_ms(tessera, fused, "forward", ins, threads, work, repeat=5)
            _, ms0 = tessera_ms(tessera, unfused, "forward", ins, threads, work, repeat=5)
            peer = peer_ms(lambda: forward(q, k, v), reps=5)
            print(f"forward  B {b} S {s} D {d}: fused {ms:.2f} ms (rel err "
                  f"{rel_err(got['out0'], ref):.1e}), unfused {ms0:.2f} ms -> {ms0 / ms:.2f}x, "
                  f"NumPy {peer:.2f} ms -> {peer / ms:.2f}x")
            ins["dO"] = do
            refs = backward(*(x.astype(np.float64) for x in (q, k, v, do)))
            got, ms = tessera_ms(tessera, fused, "backward", ins, threads, work, repeat=5)
            _, ms0 = tessera_ms(tessera, unfused, "backward", ins, threads, work, repeat=5)
            peer = peer_ms(lambda: backward(q, k, v, do), reps=5)
            err = max(rel_err(got[n], r) for n, r in zip(("dQ", "dK", "dV"), refs))
            print(f"backward B {b} S {s} D {d}: fused {ms:.2f} ms (rel err {err:.1e}), "
                  f"unfused {ms0:.2f} ms -> {ms0 / ms:.2f}x, NumPy {peer:.2f} ms -> {peer / ms:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
