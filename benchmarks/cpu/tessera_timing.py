"""Timing shared by the CPU benchmark scripts: Tessera's kernel time from
`tessera run --profile`, and a peer's wall time, each the median of runs."""
import json
import os
import subprocess
import sys
import time

import numpy as np

REPEAT = 10


def tessera_ms(tessera, tbin, entry, inputs, threads, work, repeat=REPEAT):
    """Runs `entry` on `inputs` (name -> array) `repeat` times; returns its
    outputs (name -> array) and the median of its runs' kernel time in ms,
    the first run left out."""
    args = []
    for name, x in inputs.items():
        path = os.path.join(work, f"{name}.npy")
        np.save(path, x)
        args += ["--input", f"{name}={path}"]
    trace, out = os.path.join(work, "trace.json"), os.path.join(work, "out")
    r = subprocess.run([tessera, "run", tbin, "--entry", entry, "--threads", str(threads),
                        "--repeat", str(repeat), "--profile", trace, "--output-dir", out] + args,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"tessera run --entry {entry} failed:\n{r.stderr}")
    with open(trace) as f:
        events = [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]
    per_run = len(events) // repeat
    runs = [sum(e["dur"] for e in events[i * per_run:(i + 1) * per_run]) for i in range(repeat)]
    outputs = {os.path.splitext(n)[0]: np.load(os.path.join(out, n)) for n in os.listdir(out)}
    return outputs, float(np.median(runs[1:])) / 1000.0


def rel_err(got, ref):
    """The largest error of `got` relative to the largest |ref|."""
    return float(np.abs(got - ref).max() / np.abs(ref).max())


def peer_ms(fn, reps=REPEAT):
    """The median wall time of `fn()` in ms, after one warm-up call."""
    fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1000.0
