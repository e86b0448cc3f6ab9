#!/usr/bin/env python3
"""Tessera's CUDA kernels against PyTorch on the same GPU, in the same run.

  benchmarks/gpu/bench.py KERNELS_TBIN TESSERA [--quick] [--only NAME,...]
                          [--by-kernel]

KERNELS_TBIN is benchmarks/gpu/kernels.tsr compiled with
--target=cpu,cuda (the machine with the GPU has no LLVM: compile it where
tesserac is, carry it over). Tessera's times are kernel times from
`tessera run --device cuda --profile` (CUDA events around each launch; the
median over --repeat runs); PyTorch's are CUDA-event times of the same work
(median of 20 after warm-up). Every Tessera result is checked against a
float64 NumPy reference before its time is printed. Prints one line per
benchmark with both figures and their ratio; --by-kernel also prints
each Tessera kernel's median time a run.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

REPEAT = 10
BY_KERNEL = "--by-kernel" in sys.argv


def tessera_kernel_ms(tessera, tbin, entry, inputs, work):
    """Runs `entry` REPEAT times on cuda; returns (outputs, median ms per run
    summed over its kernels, kernel count)."""
    args = []
    for name, array in inputs.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, array)
        args += ["--input", f"{name}={path}"]
    trace = os.path.join(work, "trace.json")
    out = os.path.join(work, "out")
    r = subprocess.run([tessera, "run", tbin, "--entry", entry, "--device", "cuda",
                        "--repeat", str(REPEAT), "--profile", trace,
                        "--output-dir", out] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"tessera run --entry {entry} failed:\n{r.stderr}")
    with open(trace) as f:
        events = [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]
    kernels = sorted({e["name"] for e in events})
    per_run = len(events) // REPEAT
    runs = [sum(e["dur"] for e in events[i * per_run:(i + 1) * per_run])
            for i in range(REPEAT)]
    if BY_KERNEL:
        for name in kernels:
            times = [sum(e["dur"] for e in events[i * per_run:(i + 1) * per_run]
                         if e["name"] == name) for i in range(1, REPEAT)]
            print(f"  {entry}: {name} {np.median(times) / 1000.0:.3f} ms a run")
    outputs = {n[:-4]: np.load(os.path.join(out, n)) for n in os.listdir(out)}
    return outputs, float(np.median(runs[1:])) / 1000.0, len(kernels)


def torch_ms(fn, reps=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return float(np.median(times))


def rel_error(out, ref):
    return float(np.linalg.norm(out.astype(np.float64) - ref) / np.linalg.norm(ref))


def check(name, out, ref, tol):
    err = rel_error(out, ref)
    if not np.isfinite(err) or err > tol:
        sys.exit(f"{name}: relative error {err:.3g} over {tol}")
    return err


def silu_add(tessera, tbin, work, quick):
    n = 1 << (24 if quick else 28)
    rng = np.random.default_rng(1)
    x = rng.standard_normal(n, dtype=np.float32)
    y = rng.standard_normal(n, dtype=np.float32)
    outs, ms, _ = tessera_kernel_ms(tessera, tbin, "silu_add", {"x": x, "y": y}, work)
    xd = x.astype(np.float64)
    err = check("silu_add", outs["out0"], xd / (1 + np.exp(-xd)) + y, 1e-6)
    gbps = 3 * n * 4 / (ms * 1e6)
    tx, ty = torch.from_numpy(x).cuda(), torch.from_numpy(y).cuda()
    dst = torch.empty_like(tx)
    copy_ms = torch_ms(lambda: dst.copy_(tx))
    eager_ms = torch_ms(lambda: tx * torch.sigmoid(tx) + ty)
    compiled = torch.compile(lambda a, b: a * torch.sigmoid(a) + b)
    compiled_ms = torch_ms(lambda: compiled(tx, ty))
    copy_gbps = 2 * n * 4 / (copy_ms * 1e6)
    print(f"x*sigmoid(x)+y, 2^{n.bit_length() - 1} f32: Tessera {ms:.3f} ms "
          f"({gbps:.0f} GB/s, rel err {err:.1e}); device copy {copy_gbps:.0f} GB/s "
          f"-> ratio {gbps / copy_gbps:.2f}x of the copy; PyTorch eager "
          f"{eager_ms:.3f} ms ({eager_ms / ms:.2f}x), torch.compile "
          f"{compiled_ms:.3f} ms ({compiled_ms / ms:.2f}x)")


def gemm(tessera, tbin, work, quick):
    torch.backends.cuda.matmul.allow_tf32 = False
    for size in ([256, 512] if quick else [256, 512, 1024, 2048, 4096]):
        rng = np.random.default_rng(size)
        a = rng.standard_normal((size, size), dtype=np.float32)
        b = rng.standard_normal((size, size), dtype=np.float32)
        outs, ms, _ = tessera_kernel_ms(tessera, tbin, "gemm", {"a": a, "b": b}, work)
        err = check(f"gemm {size}", outs["out0"], a.astype(np.float64) @ b, 1e-5)
        ta, tb = torch.from_numpy(a).cuda(), torch.from_numpy(b).cuda()
        peer = torch_ms(lambda: ta @ tb)
        flops = 2 * size ** 3
        print(f"f32 GEMM {size}^3 (no TF32): Tessera {flops / (ms * 1e9):.1f} TFLOP/s "
              f"(rel err {err:.1e}), cuBLAS {flops / (peer * 1e9):.1f} TFLOP/s -> "
              f"ratio {peer / ms:.3f}x")


def gemm_bf16(tessera, tbin, work, quick):
    """bf16 operands (given as f32 .npy holding bf16 values, exact), f32
    sums; checked on 64 rows against float64."""
    for size in ([256, 512] if quick else [2048, 4096, 8192]):
        rng = np.random.default_rng(size)
        ta = torch.randn(size, size, generator=torch.Generator().manual_seed(size))
        tb = torch.randn(size, size, generator=torch.Generator().manual_seed(size + 1))
        ta, tb = ta.bfloat16(), tb.bfloat16()
        a, b = ta.float().numpy(), tb.float().numpy()
        outs, ms, _ = tessera_kernel_ms(tessera, tbin, "gemm_bf16", {"a": a, "b": b}, work)
        rows = rng.choice(size, 64, replace=False)
        err = check(f"bf16 gemm {size}", outs["out0"][rows],
                    a[rows].astype(np.float64) @ b.astype(np.float64), 4e-3)
        ca, cb = ta.cuda(), tb.cuda()
        peer = torch_ms(lambda: ca @ cb)
        flops = 2 * size ** 3
        print(f"bf16 GEMM {size}^3: Tessera {flops / (ms * 1e9):.1f} TFLOP/s "
              f"(rel err {err:.1e}), cuBLAS {flops / (peer * 1e9):.1f} TFLOP/s -> "
              f"ratio {peer / ms:.3f}x")


def linear_bf16(tessera, tbin, work, quick):
    """A linear layer over [B, S, D] rows times one [D, E] weight, bf16
    with f32 sums (the kernels' time); checked on 64 rows against float64."""
    B, S, D, E = (2, 256, 256, 512) if quick else (8, 2048, 1024, 4096)
    g = torch.Generator().manual_seed(B * S)
    tx = torch.randn(B, S, D, generator=g).bfloat16()
    tw = torch.randn(D, E, generator=g).bfloat16()
    x, w = tx.float().numpy(), tw.float().numpy()
    outs, ms, _ = tessera_kernel_ms(tessera, tbin, "linear_bf16", {"x": x, "w": w}, work)
    rows = np.random.default_rng(S).choice(S, 64, replace=False)
    err = check("bf16 linear", outs["out0"][1, rows],
                x[1, rows].astype(np.float64) @ w.astype(np.float64), 4e-3)
    cx, cw = tx.cuda(), tw.cuda()
    peer = torch_ms(lambda: cx @ cw)
    flops = 2 * B * S * D * E
    print(f"bf16 linear [{B},{S},{D}] x [{D},{E}]: Tessera {flops / (ms * 1e9):.1f} TFLOP/s "
          f"(rel err {err:.1e}), cuBLAS {flops / (peer * 1e9):.1f} TFLOP/s -> "
          f"ratio {peer / ms:.3f}x")


def softmax_rows(tessera, tbin, work, quick):
    rows, cols = (1024 if quick else 8192), 1024
    x = np.random.default_rng(3).standard_normal((rows, cols), dtype=np.float32)
    outs, ms, kernels = tessera_kernel_ms(tessera, tbin, "softmax_rows", {"x": x}, work)
    xd = x.astype(np.float64)
    e = np.exp(xd - xd.max(axis=1, keepdims=True))
    err = check("softmax", outs["out0"], e / e.sum(axis=1, keepdims=True), 1e-5)
    tx = torch.from_numpy(x).cuda()
    peer = torch_ms(lambda: torch.softmax(tx, dim=-1))
    print(f"softmax rows {rows}x{cols} f32: Tessera {ms:.3f} ms in {kernels} kernels "
          f"(rel err {err:.1e}), PyTorch {peer:.3f} ms -> ratio {peer / ms:.3f}x")


def layernorm_rows(tessera, tbin, work, quick):
    rows, cols = (1024 if quick else 8192), 1024
    rng = np.random.default_rng(4)
    x = rng.standard_normal((rows, cols), dtype=np.float32)
    g = rng.standard_normal(cols, dtype=np.float32)
    b = rng.standard_normal(cols, dtype=np.float32)
    outs, ms, kernels = tessera_kernel_ms(tessera, tbin, "layernorm_rows",
                                          {"x": x, "g": g, "b": b}, work)
    xd = x.astype(np.float64)
    mu = xd.mean(axis=1, keepdims=True)
    var = ((xd - mu) ** 2).mean(axis=1, keepdims=True)
    ref = (xd - mu) / np.sqrt(var + 1e-5) * g + b
    err = check("layernorm", outs["out0"], ref, 1e-5)
    tx, tg, tb = (torch.from_numpy(v).cuda() for v in (x, g, b))
    peer = torch_ms(lambda: torch.nn.functional.layer_norm(tx, (cols,), tg, tb, 1e-5))
    print(f"layernorm rows {rows}x{cols} f32: Tessera {ms:.3f} ms in {kernels} kernels "
          f"(rel err {err:.1e}), PyTorch {peer:.3f} ms -> ratio {peer / ms:.3f}x")


def fft_rows(tessera, tbin, work, quick):
    rows, n = (256 if quick else 4096), 1024
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((rows, n)) + 1j * rng.standard_normal((rows, n))).astype(np.complex64)
    outs, ms, kernels = tessera_kernel_ms(tessera, tbin, "fft_rows", {"x": x}, work)
    ref = np.fft.fft(x.astype(np.complex128), axis=-1)
    err = float(np.linalg.norm(outs["out0"] - ref) / np.linalg.norm(ref))
    if not err <= 1e-6:
        sys.exit(f"fft: relative error {err:.3g} over 1e-6")
    tx = torch.from_numpy(x).cuda()
    peer = torch_ms(lambda: torch.fft.fft(tx, dim=-1))
    print(f"fft rows {rows}x{n} c64: Tessera {ms:.3f} ms in {kernels} kernels "
          f"(rel err {err:.1e}, f64 inside), cuFFT {peer:.3f} ms -> ratio {peer / ms:.3f}x")


def attention(tessera, tbin, work, quick):
    """f32 attention, forward and forward + backward, against PyTorch's
    scaled_dot_product_attention (its f32 kernels; TF32 off)."""
    b, s, d = (4, 256, 64) if quick else (16, 1024, 64)
    rng = np.random.default_rng(6)
    q, k, v, do = (rng.standard_normal((b, s, d), dtype=np.float32) for _ in range(4))
    qd, kd, vd, dod = (x.astype(np.float64) for x in (q, k, v, do))
    z = qd @ np.swapaxes(kd, 1, 2) / np.sqrt(d)
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    outs, fwd, kernels = tessera_kernel_ms(tessera, tbin, "attention",
                                           {"Q": q, "K": k, "V": v}, work)
    err = check("attention", outs["out0"], p @ vd, 1e-5)
    dp = dod @ np.swapaxes(vd, 1, 2)
    ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) / np.sqrt(d)
    outs, both, kernels_b = tessera_kernel_ms(tessera, tbin, "attention_vjp",
                                              {"Q": q, "K": k, "V": v, "dO": do}, work)
    err_b = max(check("attention dQ", outs["dQ"], ds @ kd, 1e-5),
                check("attention dK", outs["dK"], np.swapaxes(ds, 1, 2) @ qd, 1e-5),
                check("attention dV", outs["dV"], np.swapaxes(p, 1, 2) @ dod, 1e-5))
    torch.backends.cuda.matmul.allow_tf32 = False
    tq, tk, tv, tdo = (torch.from_numpy(x).cuda().requires_grad_() for x in (q, k, v, do))
    sdpa = torch.nn.functional.scaled_dot_product_attention
    with torch.no_grad():
        peer = torch_ms(lambda: sdpa(tq, tk, tv))
    peer_b = torch_ms(lambda: torch.autograd.grad(sdpa(tq, tk, tv), (tq, tk, tv), tdo))
    flops = 4 * b * s * s * d
    print(f"attention B {b} S {s} D {d} f32: forward Tessera {fwd:.3f} ms in {kernels} kernels "
          f"({flops / fwd / 1e9:.2f} TFLOP/s, rel err {err:.1e}), PyTorch SDPA {peer:.3f} ms "
          f"-> ratio {peer / fwd:.3f}x; forward + backward Tessera {both:.3f} ms in "
          f"{kernels_b} kernels (rel err {err_b:.1e}), PyTorch {peer_b:.3f} ms "
          f"-> ratio {peer_b / both:.3f}x")


def attention_bf16(tessera, tbin, work, quick):
    """bf16 attention with heads on tensor cores, forward and forward +
    backward, against PyTorch's scaled_dot_product_attention (its flash
    kernels). Checked against float64 on two (batch, head) pairs."""
    b, h, s, d = (1, 4, 1024, 128) if quick else (4, 16, 4096, 128)
    rng = np.random.default_rng(7)
    q, k, v, do = (rng.standard_normal((b, h, s, d), dtype=np.float32) for _ in range(4))
    bf = lambda x: torch.from_numpy(x).to(torch.bfloat16)
    q, k, v, do = (bf(x).float().numpy() for x in (q, k, v, do))  # exact in bf16
    outs, fwd, kernels = tessera_kernel_ms(tessera, tbin, "attention_bf16",
                                           {"Q": q, "K": k, "V": v}, work)
    grads, both, kernels_b = tessera_kernel_ms(
        tessera, tbin, "attention_bf16_vjp", {"Q": q, "K": k, "V": v, "dO": do}, work)
    err = err_b = 0.0
    for i, j in ((0, 0), (b - 1, h - 1)):
        qd, kd, vd, dod = (x[i, j].astype(np.float64) for x in (q, k, v, do))
        p = np.exp(qd @ kd.T / np.sqrt(d) - (qd @ kd.T / np.sqrt(d)).max(axis=-1, keepdims=True))
        p /= p.sum(axis=-1, keepdims=True)
        err = max(err, check("attention bf16", outs["out0"][i, j], p @ vd, 1e-2))
        dp = dod @ vd.T
        ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True)) / np.sqrt(d)
        err_b = max(err_b, check("attention bf16 dQ", grads["dQ"][i, j], ds @ kd, 2e-2),
                    check("attention bf16 dK", grads["dK"][i, j], ds.T @ qd, 2e-2),
                    check("attention bf16 dV", grads["dV"][i, j], p.T @ dod, 2e-2))
    tq, tk, tv, tdo = (bf(x).cuda().requires_grad_() for x in (q, k, v, do))
    sdpa = torch.nn.functional.scaled_dot_product_attention
    with torch.no_grad():
        peer = torch_ms(lambda: sdpa(tq, tk, tv))
    peer_b = torch_ms(lambda: torch.autograd.grad(sdpa(tq, tk, tv), (tq, tk, tv), tdo))
    # The cost of determinism on PyTorch's side: its backward under
    # use_deterministic_algorithms (Tessera's is deterministic always).
    torch.use_deterministic_algorithms(True)
    try:
        peer_det = torch_ms(lambda: torch.autograd.grad(sdpa(tq, tk, tv), (tq, tk, tv), tdo))
        det = f"{peer_det:.3f} ms"
    except RuntimeError as e:
        det = f"refused ({str(e).splitlines()[0][:80]})"
    finally:
        torch.use_deterministic_algorithms(False)
    flops = 4 * b * h * s * s * d
    # forward + backward: the forward's 2 matmuls and the backward's 5
    flops_b = flops * 7 // 2
    print(f"attention B {b} H {h} S {s} D {d} bf16: forward Tessera {fwd:.3f} ms in "
          f"{kernels} kernels ({flops / fwd / 1e9:.1f} TFLOP/s, rel err {err:.1e}), "
          f"PyTorch SDPA {peer:.3f} ms ({flops / peer / 1e9:.1f} TFLOP/s) "
          f"-> ratio {peer / fwd:.3f}x; forward + backward Tessera {both:.3f} ms in "
          f"{kernels_b} kernels ({flops_b / both / 1e9:.1f} TFLOP/s, rel err {err_b:.1e}), "
          f"PyTorch {peer_b:.3f} ms ({flops_b / peer_b / 1e9:.1f} TFLOP/s) "
          f"-> ratio {peer_b / both:.3f}x; PyTorch deterministic: {det}")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    tbin, tessera = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    quick = "--quick" in sys.argv
    print(f"device: {torch.cuda.get_device_name()}, PyTorch {torch.__version__}")
    with tempfile.TemporaryDirectory() as work:
        benches = [silu_add, softmax_rows, layernorm_rows, gemm, gemm_bf16, linear_bf16,
                   fft_rows, attention, attention_bf16]
        only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else None
        for bench in benches:
            if only and bench.__name__ not in only:
                continue
            bench(tessera, tbin, work, quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
