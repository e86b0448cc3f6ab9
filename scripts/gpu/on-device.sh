#!/usr/bin/env bash
# What runs on the GPU machine: builds the runtime and `tessera` with CMake
# (no LLVM there), runs the GPU suite (every e2e entry on cuda, bitwise
# against the CPU) and the benchmarks against PyTorch. Everything it needs
# from this side is in CARRY, made by scripts/gpu/prepare.sh.
#
#   scripts/gpu/on-device.sh CARRY [OUT]     (OUT: where logs go; default .)
set -euo pipefail
carry=$(cd "$1" && pwd)
out=${2:-.}
mkdir -p "$out"
src=$(cd "$(dirname "$0")/../.." && pwd)
build=/tmp/tessera-gpu-build

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
cmake -S "$src/scripts/gpu" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCLI11_INCLUDE="$carry/cli11" >"$out/cmake.log" 2>&1 ||
  { cat "$out/cmake.log"; exit 1; }
ninja -C "$build" tessera >"$out/build.log" 2>&1 || { tail -50 "$out/build.log"; exit 1; }
tessera=$build/tessera/tessera

echo "== suite: every entry on cuda against the CPU's bytes"
python3 "$src/scripts/gpu/suite.py" run "$carry" "$tessera" 2>&1 | tee "$out/suite.txt"
echo "== benchmarks"
PYTHONUNBUFFERED=1 python3 "$src/benchmarks/gpu/bench.py" "$carry/kernels.tbin" \
  "$tessera" ${BENCH_QUICK:+--quick} 2>&1 | tee "$out/bench.txt"
echo "== training steps"
PYTHONUNBUFFERED=1 python3 "$src/benchmarks/gpu/train_bench.py" "$carry" \
  "$tessera" ${BENCH_QUICK:+--quick} 2>&1 | tee "$out/train_bench.txt"
