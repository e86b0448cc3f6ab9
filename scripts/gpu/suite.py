#!/usr/bin/env python3
"""The GPU suite: every entry of the e2e programs and the examples, run on the
CUDA device and compared byte for byte with the CPU's outputs.

The GPU machine has no LLVM, so the work is split in two:

  scripts/gpu/suite.py prepare CARRY   (here: needs tesserac and tessera)
      compiles each program with --target=cpu,cuda, draws random inputs for
      each entry from its signature, runs it on the CPU and keeps inputs and
      outputs under CARRY (a git-ignored folder the device tool carries);
  scripts/gpu/suite.py run CARRY TESSERA   (there: needs tessera built there)
      runs each entry twice on cuda and checks that both runs give exactly
      the CPU's bytes (the CPU and GPU kernels perform the same operations in
      the same order: ARCHITECTURE.md §6), then trains mlp2 on both devices
      and compares the checkpoints. The cases on_tensor_cores run bf16
      matmuls on tensor cores, whose sums are in the hardware's order:
      their two runs must agree bit for bit, each with the CPU within a
      tolerance, and the corners that `tiles` computes with tiles of 128, 64
      and 32 bit for bit with each other.

  scripts/gpu/suite.py split CARRY OTHER PROGRAM...   (here)
      moves the named programs' cases (matmul, solve, ...) into a second
      carry OTHER, for when one carry outgrows what the device tool takes
      (64 MiB with the tree); run each half with `run`.

Only numpy is needed besides the two programs.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROGRAMS = [
    "tests/e2e/Inputs/activations.tsr",
    "tests/e2e/Inputs/arithmetic.tsr",
    "tests/e2e/Inputs/matmul.tsr",
    "tests/e2e/Inputs/reductions.tsr",
    "tests/e2e/Inputs/layout.tsr",
    "tests/e2e/Inputs/composite.tsr",
    "tests/e2e/Inputs/composite-grads.tsr",
    "tests/e2e/Inputs/fused-rows.tsr",
    "tests/e2e/Inputs/row-order.tsr",
    "tests/e2e/Inputs/gather.tsr",
    "tests/e2e/Inputs/stable-sum.tsr",
    "tests/e2e/Inputs/random.tsr",
    "tests/e2e/Inputs/remainder-logic.tsr",
    "tests/e2e/Inputs/slice-runtime.tsr",
    "tests/e2e/Inputs/mlp.tsr",
    "tests/e2e/Inputs/attention.tsr",
    "tests/e2e/Inputs/attention-fused.tsr",
    "tests/e2e/Inputs/flash-attention.tsr",
    "tests/e2e/Inputs/temporaries.tsr",
    "examples/skeleton.tsr",
    "examples/digits/mlp2.tsr",
    "tests/e2e/Inputs/bf16.tsr",
    "tests/e2e/Inputs/concat.tsr",
    "tests/e2e/Inputs/dim-sums.tsr",
    "tests/e2e/Inputs/random-normal-f64.tsr",
    "tests/e2e/Inputs/tensor-cores.tsr",
    "tests/e2e/Inputs/f16.tsr",
    "tests/e2e/Inputs/fp8.tsr",
    "tests/e2e/Inputs/fourier.tsr",
    "tests/e2e/Inputs/complex.tsr",
    "tests/e2e/Inputs/solve.tsr",
    "tests/e2e/Inputs/fixed-point.tsr",
    "tests/e2e/Inputs/matmul-epilogue.tsr",
]
# Cases whose f32 NaNs come from an invalid operation (sqrt of a negative
# number), whose sign differs between the CPU and the GPU
# (docs/design/decisions.md): NaNs there match any NaN, every other
# element's bytes must be equal.
NAN_SIGNS = {"fixed-point:halving_nan"}


# Cases whose attention runs on tensor cores (FlashAttention.cpp).
FLASH = {"flash-attention:flash64", "flash-attention:flash128",
         "flash-attention:vjp64", "flash-attention:vjp128",
         "flash-attention:half64", "flash-attention:half_vjp128"}


def on_tensor_cores(case):
    """Whether a case's matmuls run on tensor cores (bf16, default policy)."""
    return (case.startswith("tensor-cores:") or case in ("bf16:mm", "matmul-epilogue:dense_bf16")
            or case in FLASH)


# |gpu - cpu| <= RTOL |cpu| + ATOL max|cpu|: both round f32 sums of exact
# products to bf16, so they differ by at most one bf16 ulp (2^-8 to 2^-7
# relative) where the sums round apart, plus the sums' own order.
RTOL, ATOL = 2.0 ** -7, 2.0 ** -14
# Flash attention also rounds each probability to bf16 before it weights a
# value (as flash attention does): up to 2^-9 max|v| more.
FLASH_ATOL = 2.0 ** -8
# Values for symbolic dims: distinct, odd-sized (so that vector steps have
# tails), in the order dims are first seen in an entry's signature.
DIM_VALUES = [37, 29, 23, 19, 17, 13, 11, 7]
# Entries that need a dim of their own: rows of run-time length past 8192
# elements, which a rows kernel folds segment after segment.
ENTRY_DIMS = {"long_rows": {"C": 9000},
              "flash64": {"B": 2, "S": 200, "T": 77, "D": 64},
              "flash128": {"B": 2, "H": 3, "S": 130, "T": 300, "D": 128},
              "flash_other": {"S": 150, "T": 100, "D": 32},
              "vjp64": {"B": 2, "S": 150, "T": 200, "D": 64},
              "vjp128": {"B": 3, "S": 300, "T": 130, "D": 128},
              "half64": {"B": 2, "S": 200, "T": 77, "D": 64},
              "half_vjp128": {"B": 2, "S": 130, "T": 150, "D": 128},
              # 4 x 1000 rows as one product: 160 tiles of 128 x 256.
              "linear3d": {"B": 4, "S": 1000, "D": 64, "E": 1056},
              # [-3:2] of N + M elements is one element only for N + M = 4.
              "wrap": {"N": 2, "M": 2}}
ENTRY = re.compile(r"^entry (\w+)\((.*)\) -> \((.*)\)\s+symbol")
ARG = re.compile(r"(\S+): (\w+)(?:\[([^\]]*)\])?")
# bf16 and fp8 inputs are given as f32 .npy files; the runtime rounds them.
DTYPES = {"f32": np.float32, "bf16": np.float32, "f64": np.float64, "i32": np.int32,
          "i64": np.int64, "i8": np.int8, "bool": np.bool_, "f16": np.float16,
          "fp8_e4m3": np.float32, "fp8_e5m2": np.float32, "c64": np.complex64}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def parse_entries(info):
    entries = {}
    for line in info.splitlines():
        m = ENTRY.match(line)
        if m:
            name, ins, _ = m.groups()
            entries[name] = [a.groups() for a in ARG.finditer(ins)]
    return entries


def draw_inputs(args, rng, dims=None):
    dims, arrays = dict(dims or {}), {}
    for name, dtype, shape in args:
        extents = []
        for d in (shape.split(", ") if shape else []):
            if d.lstrip("-").isdigit():
                extents.append(int(d))
                continue
            # A dim or an expression of dims (M+N, 2*N): each dim drawn when
            # first seen, the expression then evaluated as integers.
            for sym in re.findall(r"[A-Za-z_]\w*", d):
                dims.setdefault(sym, DIM_VALUES[len(dims) % len(DIM_VALUES)])
            expr = re.sub(r"[A-Za-z_]\w*", lambda m: str(dims[m.group(0)]), d)
            if not re.fullmatch(r"[0-9+\-*/() ]+", expr):
                raise ValueError(f"cannot evaluate the extent {d!r}")
            extents.append(int(eval(expr.replace("/", "//"))))
        t = DTYPES[dtype]
        if np.issubdtype(t, np.complexfloating):
            a = (rng.standard_normal(extents)
                 + 1j * rng.standard_normal(extents)).astype(t)
        elif np.issubdtype(t, np.floating):
            a = rng.standard_normal(extents).astype(t)
        elif t == np.bool_:
            a = rng.integers(0, 2, extents).astype(t)
        else:  # small non-negative integers: valid class labels and indices
            a = rng.integers(0, 3, extents).astype(t)
        arrays[name] = a
    return arrays


def condition(stem, arrays):
    """Inputs that make sense for the program: a solve's matrices far from
    singular (n added to the diagonal), a fixed point's maps contractions
    (matrices of norm about 1/2, factors of cos(a x) below 0.9), so that
    the iterations converge instead of overflowing into NaNs."""
    for name, a in arrays.items():
        square = a.ndim >= 2 and a.shape[-1] == a.shape[-2]
        if stem == "solve" and name == "A" and square:
            n = a.shape[-1]
            arrays[name] = (a + n * np.eye(n, dtype=a.dtype)).astype(a.dtype)
        elif stem == "fixed-point" and name in ("A", "W") and square:
            arrays[name] = (a * (0.25 / np.sqrt(a.shape[-1]))).astype(a.dtype)
        elif stem == "fixed-point" and name == "a":
            arrays[name] = (0.9 * np.tanh(a)).astype(a.dtype)
    return arrays


def prepare(carry, tesserac, tessera):
    shutil.rmtree(carry, ignore_errors=True)
    os.makedirs(carry)
    rng = np.random.default_rng(20261121)
    cases = []
    for rel in PROGRAMS:
        stem = os.path.splitext(os.path.basename(rel))[0]
        tbin = os.path.join(carry, stem + ".tbin")
        # SUITE_CUDA_ARCH (e.g. sm_90a): cubins for that GPU alone, a
        # carry about half the size.
        arch = os.environ.get("SUITE_CUDA_ARCH")
        r = run([tesserac, os.path.join(ROOT, rel), "--target=cpu,cuda", "-o", tbin] +
                ([f"--cuda-arch={arch}"] if arch else []))
        if r.returncode != 0:
            sys.exit(f"tesserac failed on {rel}:\n{r.stderr}")
        entries = parse_entries(run([tessera, "info", tbin]).stdout)
        for entry, args in entries.items():
            if any(a[0].startswith(("param:", "state:")) for a in args):
                continue  # train steps: the training case below
            case = os.path.join(carry, stem, entry)
            os.makedirs(os.path.join(case, "in"))
            cmd = ["--entry", entry]
            arrays = condition(stem, draw_inputs(args, rng, ENTRY_DIMS.get(entry)))
            for name, a in arrays.items():
                path = os.path.join(case, "in", name + ".npy")
                np.save(path, a)
                cmd += ["--input", f"{name}={os.path.relpath(path, carry)}"]
            r = run([tessera, "run", os.path.relpath(tbin, carry)] + cmd +
                    ["--output-dir", os.path.relpath(os.path.join(case, "cpu"), carry)],
                    cwd=carry)
            if r.returncode != 0:
                print(f"skip {stem}:{entry}: the CPU run failed: {r.stderr.strip()}")
                shutil.rmtree(case)
                continue
            cases.append({"name": f"{stem}:{entry}", "tbin": os.path.basename(tbin),
                          "args": cmd, "dir": os.path.relpath(case, carry)})
    # Training: 20 Adam steps of mlp2 on a slice of the digits.
    data = os.path.join(carry, "digits")
    r = run([sys.executable, os.path.join(ROOT, "scripts", "digits-to-npy.py"), data])
    if r.returncode != 0:
        sys.exit("digits-to-npy.py failed:\n" + r.stderr)
    train = ["--entry", "step", "--steps", "20", "--input", "x=digits/train_x.npy",
             "--input", "y=digits/train_y.npy"]
    r = run([tessera, "run", "mlp2.tbin"] + train + ["--output-dir", "train/cpu"], cwd=carry)
    if r.returncode != 0:
        sys.exit("training on the CPU failed:\n" + r.stderr)
    cases.append({"name": "mlp2:step x20 (checkpoint)", "tbin": "mlp2.tbin",
                  "args": train, "dir": "train"})
    # The same steps launched one kernel at a time: CUDA graphs change nothing.
    shutil.copytree(os.path.join(carry, "train", "cpu"),
                    os.path.join(carry, "train-no-graphs", "cpu"), dirs_exist_ok=True)
    cases.append({"name": "mlp2:step x20 --no-cuda-graphs", "tbin": "mlp2.tbin",
                  "args": train + ["--no-cuda-graphs"], "dir": "train-no-graphs"})
    with open(os.path.join(carry, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print(f"prepared {len(cases)} cases in {carry}")


def same_but_nan_signs(cpu, gpu):
    """Whether two .npy files hold NaNs at the same places and the same
    bytes everywhere else."""
    x, y = np.load(cpu), np.load(gpu)
    if x.shape != y.shape or x.dtype != y.dtype:
        return False
    nan = np.isnan(x)
    return np.array_equal(nan, np.isnan(y)) and x[~nan].tobytes() == y[~nan].tobytes()


def compare(cpu_dir, gpu_dir, nan_signs=False):
    """'' if every CPU output file has the same bytes on the GPU, else why;
    with nan_signs, NaNs need only be NaNs."""
    for name in sorted(os.listdir(cpu_dir)):
        if not name.endswith((".npy", ".safetensors")):
            continue
        g = os.path.join(gpu_dir, name)
        if not os.path.exists(g):
            return f"{name} missing"
        with open(os.path.join(cpu_dir, name), "rb") as a, open(g, "rb") as b:
            if a.read() != b.read():
                if nan_signs and name.endswith(".npy") and \
                        same_but_nan_signs(os.path.join(cpu_dir, name), g):
                    continue
                if name.endswith(".npy"):
                    x, y = np.load(os.path.join(cpu_dir, name)), np.load(g)
                    diff = np.abs(x.astype(np.float64) - y.astype(np.float64))
                    return f"{name} differs (max |diff| {np.nanmax(diff):.3g})"
                return f"{name} differs"
    return ""


def compare_close(cpu_dir, gpu_dir, atol=ATOL):
    """'' if every CPU output is within RTOL/atol on the GPU, else why."""
    for name in sorted(os.listdir(cpu_dir)):
        if not name.endswith(".npy"):
            continue
        x = np.load(os.path.join(cpu_dir, name)).astype(np.float64)
        y = np.load(os.path.join(gpu_dir, name)).astype(np.float64)
        bound = RTOL * np.abs(x) + atol * np.abs(x).max()
        if x.shape != y.shape or not np.all(np.abs(x - y) <= bound):
            return f"{name} differs beyond the tolerance (max |diff| " \
                   f"{np.nanmax(np.abs(x - y)):.3g})"
    return ""


def same_corners(gpu_dir):
    """'' if tiles' t128, t64 and t32 have the same bytes, else why."""
    t = [np.load(os.path.join(gpu_dir, n + ".npy")) for n in ("t128", "t64", "t32")]
    if not (t[0].tobytes() == t[1].tobytes() == t[2].tobytes()):
        return "the tiles of 128, 64 and 32 differ"
    return ""


def run_suite(carry, tessera, device):
    with open(os.path.join(carry, "cases.json")) as f:
        cases = json.load(f)
    failures = 0
    rows = []
    for c in cases:
        status = []
        for attempt in ("gpu1", "gpu2"):
            out = os.path.join(c["dir"], attempt)
            shutil.rmtree(os.path.join(carry, out), ignore_errors=True)
            r = run([tessera, "run", c["tbin"], "--device", device] + c["args"] +
                    ["--output-dir", out], cwd=carry)
            if r.returncode != 0:
                status.append(f"{attempt} failed: {r.stderr.strip()[-300:]}")
                break
            # A training run that fell back from CUDA graphs says why.
            for line in r.stderr.splitlines():
                if "without CUDA graphs" in line:
                    print(f"{c['name']} ({attempt}): {line.strip()}")
            cpu, gpu = os.path.join(carry, c["dir"], "cpu"), os.path.join(carry, out)
            tensor_cores = on_tensor_cores(c["name"])
            atol = FLASH_ATOL if c["name"] in FLASH else ATOL
            why = compare_close(cpu, gpu, atol) if tensor_cores else \
                compare(cpu, gpu, c["name"] in NAN_SIGNS)
            if not why and tensor_cores and attempt == "gpu2":
                why = compare(os.path.join(carry, c["dir"], "gpu1"), gpu)
                why = why and "not the first run's bytes: " + why
            if not why and c["name"] == "tensor-cores:tiles":
                why = same_corners(gpu)
            if why:
                status.append(f"{attempt}: {why}")
        ok = not status
        failures += not ok
        verdict = "identical to CPU, twice"
        if on_tensor_cores(c["name"]):
            verdict = "close to CPU, identical twice"
        elif c["name"] in NAN_SIGNS:
            verdict = "identical to CPU but NaN signs, twice"
        rows.append((c["name"], verdict if ok else "; ".join(status)))
    width = max(len(r[0]) for r in rows)
    for name, result in rows:
        print(f"{name:<{width}}  {result}")
    print(f"\n{len(rows) - failures} of {len(rows)} cases pass on {device} (two runs "
          f"each): bitwise identical to the CPU (NaN signs aside where noted), "
          f"or for tensor cores within the tolerance and identical from run "
          f"to run and tile to tile")
    return 1 if failures else 0


def split(carry, other, programs):
    """Moves the cases of `programs` (names as in the carry: matmul,
    solve, ...) with their .tbin files into a second carry `other`, which
    gets its own cases.json and CLI11 copy: each half then fits the device
    tool's limit and runs on its own."""
    with open(os.path.join(carry, "cases.json")) as f:
        cases = json.load(f)
    os.makedirs(other, exist_ok=True)
    keep, moved = [], []
    for case in cases:
        program = case.get("dir", "").split("/")[0]
        (moved if program in programs else keep).append(case)
    for program in programs:
        for name in (program, program + ".tbin"):
            if os.path.exists(os.path.join(carry, name)):
                shutil.move(os.path.join(carry, name), os.path.join(other, name))
    if not os.path.exists(os.path.join(other, "cli11")):
        shutil.copytree(os.path.join(carry, "cli11"), os.path.join(other, "cli11"))
    for path, part in ((carry, keep), (other, moved)):
        with open(os.path.join(path, "cases.json"), "w") as f:
            json.dump(part, f, indent=1)
    print(f"{len(keep)} cases stay in {carry}, {len(moved)} moved to {other}")


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "split":
        split(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]),
              set(sys.argv[4:]))
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == "prepare":
        bindir = os.path.join(ROOT, "build", "bin")
        prepare(os.path.abspath(sys.argv[2]), os.path.join(bindir, "tesserac"),
                os.path.join(bindir, "tessera"))
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "run":
        device = sys.argv[4] if len(sys.argv) > 4 else "cuda"
        return run_suite(os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3]), device)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
