#!/usr/bin/env python3
"""Linear layers on the CPU: Tessera with the bias and activation in the
matmul's stores where they are cheap (its default) against the same
program with them in a kernel of their own (--no-epilogue-fusion) and
against NumPy (OpenBLAS
sgemm, then the bias, activation and residual), in the same run, each
checked against float64.

  linear_bench.py FUSED_TBIN SPLIT_TBIN TESSERA [--threads N] [--quick]

Tessera's time is the median over runs of its kernels' time (tessera run
--profile); NumPy's the median wall time of the same formula in float32.
Ratios = the other's ms / fused Tessera's ms (higher is better for
Tessera).
"""
import os
import sys
import tempfile

# OpenBLAS reads its thread count when NumPy loads.
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)

import numpy as np  # noqa: E402

from tessera_timing import peer_ms, rel_err, tessera_ms  # noqa: E402


def dense(x, w, b):
    return np.maximum(x @ w + b, 0)


def residual(x, w, b):
    return np.tanh(x @ w + b) + x


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    fused, split, tessera = (os.path.abspath(a) for a in args[:3])
    shapes = [(256, 256, 256)] if "--quick" in args else [(4096, 256, 256), (1024, 1024, 1024)]
    rng = np.random.default_rng(11)
    print(f"linear layers, f32, on {THREADS} thread(s); NumPy {np.__version__}")
    with tempfile.TemporaryDirectory() as work:
        for bsz, i, o in shapes:
            x = rng.standard_normal((bsz, i)).astype(np.float32)
            w = (rng.standard_normal((i, o)) / np.sqrt(i)).astype(np.float32)
            b = rng.standard_normal(o).astype(np.float32)
            for name, fn in (("dense", dense), ("residual", residual)):
                if name == "residual" and i != o:
                    continue
                ins = {"x": x, "w": w, "b": b}
                ref = fn(*(a.astype(np.float64) for a in (x, w, b)))
                got, ms = tessera_ms(tessera, fused, name, ins, THREADS, work)
                _, ms0 = tessera_ms(tessera, split, name, ins, THREADS, work)
                peer = peer_ms(lambda: fn(x, w, b))
                print(f"{name:8s} B {bsz} I {i} O {o}: fused {ms:.3f} ms (rel err "
                      f"{rel_err(got['out0'], ref):.1e}), separate kernels {ms0:.3f} ms "
                      f"-> {ms0 / ms:.2f}x, NumPy {peer:.3f} ms -> {peer / ms:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
