#!/usr/bin/env python3
"""Fourier transforms of rows on the CPU: Tessera against NumPy's FFT
(pocketfft, one thread) in the same run, each checked against float64.

  fft_bench.py FOURIER_TBIN TESSERA [--threads N] [--quick]

Tessera's time is the median over runs of its kernels' time (tessera run
--profile: the twiddle table and the transform); NumPy's the median of
np.fft.fft / rfft over the rows. Ratio = NumPy ms / Tessera ms.
"""
import os
import sys
import tempfile

import numpy as np

from tessera_timing import peer_ms, tessera_ms


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tbin, tessera = os.path.abspath(args[0]), os.path.abspath(args[1])
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 1
    quick = "--quick" in args
    shapes = [(64, 1024), (16, 4096)] if quick else [(1024, 256), (256, 1024), (64, 4096), (256, 1000)]
    rng = np.random.default_rng(9)
    print(f"fft rows on {threads} thread(s); NumPy {np.__version__} (pocketfft, one thread)")
    with tempfile.TemporaryDirectory() as work:
        for rows, n in shapes:
            z = (rng.standard_normal((rows, n)) + 1j * rng.standard_normal((rows, n))).astype(np.complex64)
            x = rng.standard_normal((rows, n)).astype(np.float32)
            for entry, what, data, transform in (("fft_rows", "fft  ", z, np.fft.fft),
                                                 ("rfft_rows", "rfft ", x, np.fft.rfft)):
                outputs, ms = tessera_ms(tessera, tbin, entry, {"x": data}, threads, work)
                got = outputs["out0"]
                ref = transform(data.astype(np.complex128 if data.dtype.kind == "c"
                                            else np.float64), axis=-1)
                err = float(np.linalg.norm(got - ref) / np.linalg.norm(ref))
                peer = peer_ms(lambda: transform(data, axis=-1))
                print(f"{what}{rows}x{n} {'c64' if data.dtype.kind == 'c' else 'f32'}: "
                      f"Tessera {ms:.3f} ms (rel err {err:.1e}), "
                      f"NumPy {peer:.3f} ms -> ratio {peer / ms:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
