#!/usr/bin/env bash
# This side of the GPU suite: compiles every program with
# --target=cpu,cuda, draws inputs and computes the CPU's outputs
# (scripts/gpu/suite.py prepare), compiles benchmarks/gpu/*.tsr and
# copies CLI11's headers, all into CARRY (default gpu-carry, which git
# ignores) for scripts/gpu/on-device.sh to use on the GPU machine.
#
#   scripts/gpu/prepare.sh [CARRY]
#
# SUITE_CUDA_ARCH=sm_90a (say) builds cubins for that GPU alone: a carry
# about half the size, under the device tool's limit.
# Past the limit even so (183 cases are 63 MiB), move some programs to a
# second carry and run each on its own:
#   scripts/gpu/suite.py split gpu-carry build-carry-b matmul solve ...
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
carry=${1:-$src/gpu-carry}
"${PYTHON:-/usr/bin/python3}" "$src/scripts/gpu/suite.py" prepare "$carry"
arch=()
[[ -n ${SUITE_CUDA_ARCH:-} ]] && arch=(--cuda-arch="$SUITE_CUDA_ARCH")
"$src/build/bin/tesserac" "$src/benchmarks/gpu/kernels.tsr" --target=cpu,cuda \
  "${arch[@]}" -o "$carry/kernels.tbin"
for bench in burgers_step mlp_step mlp_step_bf16; do
  "$src/build/bin/tesserac" "$src/benchmarks/gpu/$bench.tsr" --target=cpu,cuda \
    "${arch[@]}" -o "$carry/$bench.tbin"
done
mkdir -p "$carry/cli11"
cp -r /usr/include/CLI "$carry/cli11/"
du -sh "$carry"
