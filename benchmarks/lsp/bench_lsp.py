#!/usr/bin/env python3
"""Language server latency: the time from a didChange on a LINES-line file
(default 5 000, written by benchmarks/frontend/gen_frontend_bench.py) to the
publishDiagnostics for that version, over EDITS edits (default 50), against
the target of 200 ms. Edits alternate between adding an error (an unknown
name in the middle function) and removing it, so both paths are timed; the
next edit is sent PAUSE ms after the previous diagnostics came (default 100,
a typist's pace), so that the server's rate limit on bursts of edits (one
check per 50 ms) is not what is measured.

  bench_lsp.py SERVER [--lines N] [--edits N] [--pause MS]

Prints the cold first check (didOpen), then the median, p90, min and max of
the edits, and the ratio of the median and p90 to the target. A benchmark,
not a test: it asserts nothing.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "lit", "lsp", "Inputs"))
from lsp_client import Client, is_diagnostics  # noqa: E402

TARGET_MS = 200.0
URI = "test:///bench/lsp-bench.tsr"


def generate(lines):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "bench.tsr")
        subprocess.check_call([sys.executable, os.path.join(
            ROOT, "benchmarks", "frontend", "gen_frontend_bench.py"), out,
            "--lines", str(lines)])
        with open(out) as f:
            return f.read()


def percentile(values, p):
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("server")
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--pause", type=float, default=100.0, help="ms")
    args = ap.parse_args()

    base = generate(args.lines)
    lines = base.split("\n")
    # The edit: the middle function's `return y - h + s` gains an unknown
    # name, then loses it.
    middle = next(i for i in range(len(lines) // 2, len(lines))
                  if lines[i].startswith("  return "))
    broken = list(lines)
    broken[middle] = lines[middle] + " + undefined_name"
    texts = [base, "\n".join(broken)]

    client = Client([args.server, "--log=error"], stderr=None)
    client.initialize()
    start = time.monotonic()
    client.open(URI, base, version=1)
    index, (when, _) = client.wait_notification(is_diagnostics(URI, 1))
    cold = (when - start) * 1e3

    latencies = []
    for version in range(2, args.edits + 2):
        time.sleep(args.pause / 1e3)
        sent = time.monotonic()
        client.change(URI, texts[version % 2], version)
        index, (when, message) = client.wait_notification(
            is_diagnostics(URI, version), start=index + 1)
        latencies.append((when - sent) * 1e3)
        errors = len(message["params"]["diagnostics"])
        if errors != (1 if version % 2 else 0):
            sys.exit("version %d: %d diagnostics" % (version, errors))
    status = client.shutdown()

    median = statistics.median(latencies)
    p90 = percentile(latencies, 90)
    print("tessera-lsp: didChange -> publishDiagnostics, %d-line file "
          "(%d bytes), %d edits" % (args.lines, len(base), len(latencies)))
    print("  first check (didOpen, cold): %7.1f ms" % cold)
    print("  median:                      %7.1f ms  (%.2fx the %.0f ms "
          "target)" % (median, median / TARGET_MS, TARGET_MS))
    print("  p90:                         %7.1f ms  (%.2fx the target)" %
          (p90, p90 / TARGET_MS))
    print("  min / max:                   %7.1f / %.1f ms" %
          (min(latencies), max(latencies)))
    sys.exit(0 if status == 0 else 1)


if __name__ == "__main__":
    main()
