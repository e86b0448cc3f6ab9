"""Checks a Chrome trace written by `tessera run --profile` against the
module's kernel table (the output of `tessera info`):

  check_trace.py TRACE.json INFO.txt ENTRY RUNS [BACKEND]

The trace must be valid JSON whose "traceEvents" hold one complete event
("ph": "X") per kernel launch: RUNS runs of the entry, each launching the
same kernels in the same order, every one a kernel of ENTRY on BACKEND
(default cpu), each of them at least once; "ts" and "dur" non-negative
microseconds, launches one after another; "args" with a positive tile
count. Prints "ok: RUNS runs of K launches each" (singular for one).
"""
import json
import sys


def fail(message):
    sys.exit("check_trace.py: " + message)


def kernels_of(info_path, entry, backend):
    names = set()
    with open(info_path) as f:
        for line in f:
            words = line.split()
            if (words and words[0] == "kernel" and
                    words[words.index("backend") + 1] == backend and
                    entry in words[words.index("entry") + 1].split(",")):
                names.add(words[1])
    return names


def main():
    if len(sys.argv) not in (5, 6):
        fail("usage: check_trace.py TRACE.json INFO.txt ENTRY RUNS [BACKEND]")
    trace_path, info_path, entry, runs = sys.argv[1:5]
    backend = sys.argv[5] if len(sys.argv) == 6 else "cpu"
    runs = int(runs)
    with open(trace_path) as f:
        trace = json.load(f)
    expected = kernels_of(info_path, entry, backend)
    if not expected:
        fail(f"{info_path} lists no {backend} kernel of entry '{entry}'")
    events = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    if not events or len(events) % runs:
        fail(f"{len(events)} launches are not {runs} equal runs")
    per_run = len(events) // runs
    names = [e["name"] for e in events]
    first = names[:per_run]
    for r in range(runs):
        if names[r * per_run:(r + 1) * per_run] != first:
            fail(f"run {r + 1} launched {names[r * per_run:(r + 1) * per_run]}"
                 f", run 1 {first}")
    # A launch with no points is not made (and not traced): the second
    # kernel of a row reduction when every row is one segment.
    if not set(first) <= expected or not first:
        fail(f"a run launched {sorted(set(first))}, the entry's kernels are "
             f"{sorted(expected)}")
    end = 0.0
    for e in events:
        if e["ts"] < 0 or e["dur"] < 0:
            fail(f"negative time in {e}")
        # Three decimals each: allow their rounding.
        if e["ts"] + 0.002 < end:
            fail(f"{e['name']} starts at {e['ts']}, before the launch before "
                 f"it ended ({end})")
        end = e["ts"] + e["dur"]
        if not isinstance(e["args"]["tiles"], int) or e["args"]["tiles"] <= 0:
            fail(f"bad tile count in {e}")
        for key in ("pid", "tid"):
            if not isinstance(e[key], int):
                fail(f"no {key} in {e}")
    print(f"ok: {runs} run{'s' if runs > 1 else ''} of {per_run} "
          f"launch{'es' if per_run > 1 else ''} each")


if __name__ == "__main__":
    main()
