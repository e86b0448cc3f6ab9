#!/usr/bin/env bash
# Builds and runs the CPU matmul benchmark: installs runtime/ alone into a
# prefix, builds benchmarks/cpu against it with find_package(Tessera),
# compiles matmul.tsr with tesserac, and runs matmul_bench, which prints
# Tessera's and OpenBLAS's GFLOP/s side by side.
#
#   benchmarks/cpu/run.sh [--threads N] [other matmul_bench options]
#
# Options go to matmul_bench (--threads N, --sizes N,N,..., --min-time S,
# --rounds R; see matmul_bench --help). Environment:
#   TESSERAC   the compiler (default: build/bin/tesserac)
#   BENCH_DIR  where everything is built (default: build-bench-cpu, which
#              git ignores); reused by later runs
# Needs OpenBLAS (libopenblas-dev, from scripts/install-deps.sh), cmake and a
# C++17 compiler.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
tesserac=${TESSERAC:-$src/build/bin/tesserac}
work=${BENCH_DIR:-$src/build-bench-cpu}
mkdir -p "$work"
work=$(cd "$work" && pwd)

if [[ ! -x $tesserac ]]; then
  echo "run.sh: no tesserac at $tesserac (build the tree, or set TESSERAC)" >&2
  exit 1
fi

# Runs a command with its output in a log, shown only when it fails.
logged() {
  local log=$work/$1.log
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "run.sh: FAILED: $* (log: $log)" >&2
    exit 1
  fi
}

cmake_args=(-DCMAKE_BUILD_TYPE=Release)
if command -v ninja >/dev/null 2>&1; then
  cmake_args+=(-G Ninja)
fi

echo "== building the runtime into $work/prefix" >&2
logged runtime-configure cmake -S "$src/runtime" -B "$work/runtime-build" \
  "${cmake_args[@]}" -DCMAKE_INSTALL_PREFIX="$work/prefix"
logged runtime-build cmake --build "$work/runtime-build"
logged runtime-install cmake --install "$work/runtime-build"

echo "== building matmul_bench" >&2
logged bench-configure cmake -S "$src/benchmarks/cpu" -B "$work/bench-build" \
  "${cmake_args[@]}" -DCMAKE_PREFIX_PATH="$work/prefix"
logged bench-build cmake --build "$work/bench-build"

echo "== compiling matmul.tsr" >&2
logged tesserac "$tesserac" "$src/benchmarks/cpu/matmul.tsr" \
  -o "$work/matmul.tbin"

exec "$work/bench-build/matmul_bench" "$work/matmul.tbin" "$@"
