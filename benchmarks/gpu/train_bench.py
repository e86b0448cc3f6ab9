#!/usr/bin/env python3
"""Training steps: Tessera against PyTorch eager and JAX jit, in the same
run, from the same initial parameters, on the GPU or on the CPU.

  benchmarks/gpu/train_bench.py CARRY TESSERA [--quick] [--device cuda|cpu]
      [--threads N] [--points N,...] [--batch B] [--only NAME,...] [--profile]

CARRY holds burgers_step.tbin, mlp_step.tbin and mlp_step_bf16.tbin
(benchmarks/gpu/*.tsr compiled with --target=cpu,cuda by
scripts/gpu/prepare.sh, or for the CPU alone by benchmarks/cpu/run.sh
train). For each benchmark the parameters
are drawn here and given to every framework, and the first step's loss
must agree between them (the same computation) before any time is printed.

Tessera's step time is the wall time of `tessera run --steps` over many
steps minus that over a few, divided by the difference: the steady-state
step (CUDA graphs replayed on the GPU), without loading and the first
steps. PyTorch's and JAX's are the median of synchronised steps after
warm-up. Matmuls run in f32 everywhere (TF32 off in PyTorch, "highest"
precision in JAX), but for the MLP step with bf16 matmuls (GPU only),
which all three run with the same casts.

--device cpu (default cuda) runs Tessera and PyTorch on the CPU, at
smaller sizes (Burgers 4096 points, MLP batch 256; --points and --batch
change them). --threads N gives Tessera `--threads N` and PyTorch
torch.set_num_threads(N) and its BLAS N threads; on the CPU it defaults to
the number of hardware threads, on the GPU to each one's own default. JAX
runs on the GPU only, and only where it is installed: its CPU thread pool
cannot be set to N from here. --only runs some of burgers, mlp and mlp_bf16;
--profile also prints the top kernels of two profiled Tessera steps.
"""
import argparse
import ctypes
import importlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

NU = 0.01


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)


# --profile: print each Tessera step's top kernels too.
PROFILE = False


def tessera_step_ms(tessera, tbin, params, inputs, work, device, threads, few,
                    many, rounds):
    """Steady-state ms per step and the first step's loss. Each wall time is
    the median of `rounds` runs, the few-step and many-step runs alternated
    so that a change in the machine's load falls on both."""
    write_safetensors(os.path.join(work, "params.safetensors"), params)
    args = []
    for name, array in inputs.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, array)
        args += ["--input", f"{name}={path}"]
    if threads:
        args += ["--threads", str(threads)]
    walls = {few: [], many: []}
    for _ in range(rounds):
        for steps in (few, many):
            log = os.path.join(work, f"log{steps}.csv")
            cmd = [tessera, "run", tbin, "--entry", "step", "--device", device,
                   "--params", os.path.join(work, "params.safetensors"),
                   "--steps", str(steps), "--log", log,
                   "--output-dir", os.path.join(work, f"out{steps}")] + args
            start = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True)
            walls[steps].append(time.perf_counter() - start)
            if r.returncode != 0:
                sys.exit(f"tessera run failed:\n{r.stderr}")
    if PROFILE:
        # Where the time goes: two steps profiled, their top kernels.
        trace = os.path.join(work, "trace.json")
        cmd = [tessera, "run", tbin, "--entry", "step", "--device", device,
               "--params", os.path.join(work, "params.safetensors"),
               "--steps", "2", "--profile", trace,
               "--output-dir", os.path.join(work, "outp")] + args
        if subprocess.run(cmd, capture_output=True, text=True).returncode == 0:
            subprocess.run([sys.executable, os.path.join(os.path.dirname(
                os.path.abspath(__file__)), "top_kernels.py"), trace, "12"])
    with open(os.path.join(work, f"log{few}.csv")) as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    first_loss = float(rows[1][1])
    wall = {steps: float(np.median(w)) for steps, w in walls.items()}
    return (wall[many] - wall[few]) * 1000.0 / (many - few), first_loss


def median_ms(step, reps, sync):
    for _ in range(3):
        step()
    sync()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        sync()
        times.append((time.perf_counter() - start) * 1000.0)
    return float(np.median(times))


def torch_threads(n):
    """PyTorch's threads for its own kernels and for its BLAS. A PyTorch
    built on the system BLAS (Debian's: OpenBLAS) calls sgemm there, whose
    threads torch.set_num_threads does not govern; OpenBLAS's are set
    directly when it is the one loaded."""
    import torch
    torch.set_num_threads(n)
    try:
        ctypes.CDLL("libblas.so.3").openblas_set_num_threads(n)
    except (OSError, AttributeError):
        pass


def torch_sync(device):
    import torch
    return torch.cuda.synchronize if device.startswith("cuda") else (lambda: None)


def agree(name, losses):
    ref = losses["Tessera"]
    for peer, value in losses.items():
        if not np.isfinite(value) or abs(value - ref) > 1e-4 * abs(ref):
            sys.exit(f"{name}: first-step loss {peer} {value!r} against "
                     f"Tessera {ref!r}")


# --- Burgers PINN: MLP 2 -> 256 x 3 -> 1, tanh, Adam ------------------------

def burgers_params(rng):
    sizes = [2, 256, 256, 256, 1]
    params = {}
    for i in range(4):
        params[f"W{i}"] = glorot(rng, sizes[i], sizes[i + 1])
        params[f"b{i}"] = np.zeros(sizes[i + 1], np.float32)
    return params


def burgers_inputs(rng, n):
    c = max(n // 16, 1)
    p = np.stack([rng.uniform(-1, 1, n), rng.uniform(0, 1, n)], 1).astype(np.float32)
    ic_x = rng.uniform(-1, 1, c).astype(np.float32)
    ic = np.stack([ic_x, np.zeros(c, np.float32)], 1)
    ic_u = (-np.sin(np.pi * ic_x))[:, None].astype(np.float32)
    return {"p": p, "ic": ic, "ic_u": ic_u}


def burgers_torch(params, inputs, device):
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    w = {k: torch.tensor(v, device=device, requires_grad=True) for k, v in params.items()}
    p, ic, ic_u = (torch.tensor(inputs[k], device=device) for k in ("p", "ic", "ic_u"))
    opt = torch.optim.Adam(list(w.values()), lr=1e-3, eps=1e-8)

    def u(q):
        h = q
        for i in range(3):
            h = torch.tanh(h @ w[f"W{i}"] + w[f"b{i}"])
        return h @ w["W3"] + w["b3"]

    def loss_fn():
        q = p.clone().requires_grad_(True)
        v = u(q)
        dv = torch.autograd.grad(v.sum(), q, create_graph=True)[0]
        v_x, v_t = dv[:, 0:1], dv[:, 1:2]
        v_xx = torch.autograd.grad(v_x.sum(), q, create_graph=True)[0][:, 0:1]
        res = v_t + v * v_x - NU * v_xx
        return (res ** 2).mean() + ((u(ic) - ic_u) ** 2).mean()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss

    first = float(step().detach())
    return first, step, torch_sync(device)


def adam_jax(jax, jnp, loss, lr, decay=0.0):
    """One jitted Adam(W) step over a dict of parameters."""
    b1, b2, eps = 0.9, 0.999, 1e-8

    def step(params, m, v, t, *data):
        value, g = jax.value_and_grad(loss)(params, *data)
        t = t + 1
        m = {k: b1 * m[k] + (1 - b1) * g[k] for k in params}
        v = {k: b2 * v[k] + (1 - b2) * g[k] * g[k] for k in params}
        new = {}
        for k in params:
            mh = m[k] / (1 - b1 ** t)
            vh = v[k] / (1 - b2 ** t)
            new[k] = params[k] - lr * (mh / (jnp.sqrt(vh) + eps) + decay * params[k])
        return value, new, m, v, t

    return jax.jit(step)


def jax_runner(loss, params, inputs, decay=0.0):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_default_matmul_precision", "highest")
    w = {k: jnp.asarray(v) for k, v in params.items()}
    m = {k: jnp.zeros_like(v) for k, v in w.items()}
    v = {k: jnp.zeros_like(x) for k, x in w.items()}
    data = [jnp.asarray(x) for x in inputs]
    step = adam_jax(jax, jnp, loss(jax, jnp), 1e-3, decay)
    state = [w, m, v, jnp.asarray(0.0, jnp.float32)]
    start = time.perf_counter()
    value, *rest = step(*state, *data)
    value.block_until_ready()
    compile_s = time.perf_counter() - start
    state[:] = rest

    def run():
        value, *rest = step(*state, *data)
        state[:] = rest
        return value

    def sync():
        jax.block_until_ready(state)

    return float(value), run, sync, compile_s


def burgers_jax_loss(jax, jnp):
    def u(w, q):
        h = q
        for i in range(3):
            h = jnp.tanh(h @ w[f"W{i}"] + w[f"b{i}"])
        return h @ w["W3"] + w["b3"]

    def u_point(w, x, t):
        return u(w, jnp.stack([x, t])[None, :])[0, 0]

    u_x = jax.grad(u_point, argnums=1)
    u_t = jax.grad(u_point, argnums=2)
    u_xx = jax.grad(u_x, argnums=1)

    def loss(w, p, ic, ic_u):
        x, t = p[:, 0], p[:, 1]
        v = u(w, p)[:, 0]
        vx = jax.vmap(u_x, (None, 0, 0))(w, x, t)
        vt = jax.vmap(u_t, (None, 0, 0))(w, x, t)
        vxx = jax.vmap(u_xx, (None, 0, 0))(w, x, t)
        res = vt + v * vx - NU * vxx
        return jnp.mean(res ** 2) + jnp.mean((u(w, ic) - ic_u) ** 2)

    return loss


# --- MLP: 1024 -> 4096 -> 1024, relu, MSE, AdamW -----------------------------

def mlp_params(rng):
    return {"W1": glorot(rng, 1024, 4096), "b1": np.zeros(4096, np.float32),
            "W2": glorot(rng, 4096, 1024), "b2": np.zeros(1024, np.float32)}


def mlp_torch(params, inputs, device, linear=None):
    """PyTorch's step; `linear` computes a layer (default: in f32, no TF32)."""
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    linear = linear or (lambda a, weight, bias: a @ weight + bias)
    w = {k: torch.tensor(v, device=device, requires_grad=True) for k, v in params.items()}
    x, y = (torch.tensor(inputs[k], device=device) for k in ("x", "y"))
    opt = torch.optim.AdamW(list(w.values()), lr=1e-3, eps=1e-8, weight_decay=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        out = linear(torch.relu(linear(x, w["W1"], w["b1"])), w["W2"], w["b2"])
        loss = ((out - y) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    first = float(step().detach())
    return first, step, torch_sync(device)


def mlp_jax_loss(jax, jnp):
    def loss(w, x, y):
        out = jnp.maximum(x @ w["W1"] + w["b1"], 0) @ w["W2"] + w["b2"]
        return jnp.mean((out - y) ** 2)
    return loss


# The same step with its matmuls in bf16 (benchmarks/gpu/mlp_step_bf16.tsr):
# operands rounded to bf16, f32 sums, the product rounded to bf16, then
# f32 again for the bias; the backward's matmuls the same way.

def mlp_bf16_torch(params, inputs, device):
    return mlp_torch(params, inputs, device, lambda a, weight, bias:
                     (a.bfloat16() @ weight.bfloat16()).float() + bias)


def mlp_bf16_jax_loss(jax, jnp):
    def linear(a, weight, bias):
        return (a.astype(jnp.bfloat16) @ weight.astype(jnp.bfloat16)).astype(
            jnp.float32) + bias

    def loss(w, x, y):
        out = linear(jnp.maximum(linear(x, w["W1"], w["b1"]), 0), w["W2"], w["b2"])
        return jnp.mean((out - y) ** 2)
    return loss


def bench(name, tbin, params, inputs, torch_fn, jax_loss, opts, work, steps,
          decay=0.0):
    t_ms, t_loss = tessera_step_ms(opts.tessera, tbin, params, inputs, work,
                                   opts.device, opts.threads, *steps,
                                   opts.rounds)
    losses = {"Tessera": t_loss}
    p_loss, p_step, p_sync = torch_fn(params, inputs, opts.device)
    losses["PyTorch"] = p_loss
    p_ms = median_ms(p_step, opts.reps, p_sync)
    jax_text = ""
    if opts.jax:
        j_loss, j_step, j_sync, j_compile = jax_runner(jax_loss, params,
                                                       list(inputs.values()), decay)
        losses["JAX"] = j_loss
        j_ms = median_ms(j_step, opts.reps, j_sync)
        jax_text = (f"; JAX jit {j_ms:.3f} ms (compile {j_compile:.1f} s) "
                    f"-> {j_ms / t_ms:.2f}x")
    agree(name, losses)
    if opts.threads:
        name += f", {opts.threads} thread{'s' if opts.threads > 1 else ''}"
    print(f"{name}: Tessera {t_ms:.3f} ms/step; PyTorch eager {p_ms:.3f} ms "
          f"-> {p_ms / t_ms:.2f}x{jax_text}; first-step losses "
          + " / ".join(f"{v:.6g}" for v in losses.values()))


def sizes(text):
    return [int(n) for n in text.split(",")]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("carry")
    parser.add_argument("tessera")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--device", default="cuda", help="cuda[:N] or cpu")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads of Tessera and PyTorch (default: the hardware "
                        "threads on the CPU, each one's own on the GPU)")
    parser.add_argument("--points", type=sizes, help="Burgers points, N,N,...")
    parser.add_argument("--batch", type=int, help="MLP batch")
    parser.add_argument("--profile", action="store_true",
                        help="also print the top kernels of two profiled steps")
    parser.add_argument("--only", type=lambda s: s.split(","),
                        default=["burgers", "mlp", "mlp_bf16"],
                        help="run only these of burgers, mlp, mlp_bf16")
    opts = parser.parse_args()
    unknown = set(opts.only) - {"burgers", "mlp", "mlp_bf16"}
    if unknown:
        parser.error("--only: no benchmark " + ", ".join(sorted(unknown)))
    global PROFILE
    PROFILE = opts.profile
    carry, opts.tessera = os.path.abspath(opts.carry), os.path.abspath(opts.tessera)
    gpu = opts.device.startswith("cuda")
    if not gpu and not opts.threads:
        opts.threads = os.cpu_count()  # both the same, as Tessera's default
    import torch
    if opts.threads:
        torch_threads(opts.threads)
    name = (torch.cuda.get_device_name(torch.device(opts.device)) if gpu
            else f"CPU, {os.cpu_count()} hardware threads")
    print(f"device: {name}, PyTorch {torch.__version__}")
    opts.jax = False
    if gpu:
        try:
            opts.jax = bool(importlib.import_module("jax"))
        except ImportError:
            print("JAX: not installed, not measured")
    # On the CPU: sizes at which a thread count takes well under a minute on
    # two cores, at least about a second between Tessera's few and many
    # steps, and three alternated rounds of its runs, as the CPU benchmarks
    # do, because the CPU is shared with whatever else runs.
    if opts.quick:
        points, batch, burgers_steps, mlp_steps = [1024], 256, (3, 13), (3, 13)
    elif gpu:
        # The MLP's few and many steps 200 apart: a bf16 step of about 2
        # ms would otherwise be lost in the run-to-run spread of a
        # process's start (tens of ms).
        points, batch, burgers_steps, mlp_steps = [16384, 65536], 8192, (10, 110), (10, 210)
    else:
        points, batch, burgers_steps, mlp_steps = [4096], 256, (2, 12), (2, 22)
    points, batch = opts.points or points, opts.batch or batch
    opts.reps, opts.rounds = (30, 3) if gpu else (20, 3)
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as work:
        for n in points if "burgers" in opts.only else []:
            bench(f"Burgers PINN step, {n} points",
                  os.path.join(carry, "burgers_step.tbin"), burgers_params(rng),
                  burgers_inputs(rng, n), burgers_torch, burgers_jax_loss, opts,
                  work, burgers_steps)
        x = rng.standard_normal((batch, 1024)).astype(np.float32)
        y = rng.standard_normal((batch, 1024)).astype(np.float32)
        # Both MLPs' parameters are drawn, whichever of them runs.
        mlp, mlp_bf16 = mlp_params(rng), mlp_params(rng)
        if "mlp" in opts.only:
            bench(f"MLP step 1024-4096-1024, B {batch}",
                  os.path.join(carry, "mlp_step.tbin"), mlp,
                  {"x": x, "y": y}, mlp_torch, mlp_jax_loss, opts, work,
                  mlp_steps, decay=0.01)
        if gpu and "mlp_bf16" in opts.only:
            bench(f"MLP step 1024-4096-1024 with bf16 matmuls, B {batch}",
                  os.path.join(carry, "mlp_step_bf16.tbin"), mlp_bf16,
                  {"x": x, "y": y}, mlp_bf16_torch, mlp_bf16_jax_loss, opts,
                  work, mlp_steps, decay=0.01)
    return 0


if __name__ == "__main__":
    sys.exit(main())
