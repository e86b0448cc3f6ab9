#!/usr/bin/env python3
"""The kernels that take a Chrome trace's time (`tessera run --profile`).

  benchmarks/gpu/top_kernels.py TRACE.json [N]

Prints the N kernels (default 15) with the most total time: total ms, share,
launches, mean microseconds per launch and tiles (threads on a GPU) of the
first launch.
"""
import json
import sys
from collections import defaultdict


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    with open(sys.argv[1]) as f:
        events = [e for e in json.load(f)["traceEvents"] if e.get("ph") == "X"]
    total, launches, tiles = defaultdict(float), defaultdict(int), {}
    for e in events:
        total[e["name"]] += e["dur"]
        launches[e["name"]] += 1
        tiles.setdefault(e["name"], e.get("args", {}).get("tiles"))
    whole = sum(total.values())
    print(f"{len(events)} launches, {whole / 1000:.3f} ms of kernels")
    for name in sorted(total, key=total.get, reverse=True)[:count]:
        print(f"{total[name] / 1000:9.3f} ms {100 * total[name] / whole:5.1f}% "
              f"{launches[name]:5d}x {total[name] / launches[name]:9.1f} us  "
              f"tiles {tiles[name]}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
