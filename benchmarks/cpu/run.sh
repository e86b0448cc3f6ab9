#!/usr/bin/env bash
# Builds and runs the CPU benchmarks: installs runtime/ alone into a prefix,
# builds benchmarks/cpu against it with find_package(Tessera), compiles the
# models with tesserac, and runs them. Each prints Tessera's figures and its
# peer's, measured in the same run, and their ratio.
#
#   benchmarks/cpu/run.sh [matmul|ops|compile|train|fft|attention|linear|all]
#                         [options]
#
#   matmul   f32 matmul against OpenBLAS (matmul_bench; options: --threads N,
#            --sizes N,N,..., --min-time S, --rounds R)
#   ops      a fused elementwise chain against memcpy, softmax rows against
#            oneDNN, the mlp2 Adam step against a hand-written OpenBLAS step
#            (ops_bench; options: --threads N, --only NAME,..., --min-time S,
#            --rounds R)
#   compile  tesserac's compile time at -O2 for every example
#            (compile_time.sh; options: --runs N)
#   train    the Burgers PINN and MLP training steps of benchmarks/gpu
#            against PyTorch eager on the CPU (train_bench.py --device cpu;
#            options: --threads N, repeated, default 1 and 2; --points
#            N,..., default 4096; --batch B, default 256; --quick)
#   fft      Fourier transforms of rows (fft of c64, rfft of f32) against
#            NumPy's pocketfft (fft_bench.py; options: --threads N, default
#            1, as NumPy runs one; --quick)
#   attention  f32 attention forward and reverse: the fused kernels
#            against the unfused build (-O0) and NumPy on OpenBLAS
#            (attention_bench.py; options: --threads N, default 1; --quick)
#   linear   linear layers (bias, relu or tanh, residual): the epilogue in
#            the matmul's stores against a kernel of its own and NumPy on
#            OpenBLAS (linear_bench.py; options: --threads N, default 1;
#            --quick)
#   all      the seven, each with its defaults (the default; options with
#            no case name before them go to matmul; train is skipped when
#            PyTorch is missing)
#
# Environment:
#   TESSERAC   the compiler (default: build/bin/tesserac)
#   TESSERA    the runner, for train (default: tessera beside TESSERAC)
#   PYTHON     Python with NumPy and PyTorch, for train (default:
#              /usr/bin/python3, where Debian's python3-torch installs)
#   BENCH_DIR  where everything is built (default: build-bench-cpu, which
#              git ignores); reused by later runs
# Needs OpenBLAS (libopenblas-dev) and oneDNN (libdnnl-dev), both from
# scripts/install-deps.sh, cmake and a C++17 compiler; train needs none of
# them, only PyTorch (Debian: python3-torch).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
tesserac=${TESSERAC:-$src/build/bin/tesserac}
tessera=${TESSERA:-$(dirname "$tesserac")/tessera}
python=${PYTHON:-/usr/bin/python3}
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

# The training steps run by `tessera run` against PyTorch in Python: they
# need tesserac and tessera, not the runtime's install or a C++ build.
train() {
  local threads=() rest=()
  while (($#)); do
    case $1 in
      --threads)
        [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || {
          echo "run.sh: --threads wants a positive integer" >&2
          exit 2
        }
        threads+=("$2")
        shift 2
        ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  ((${#threads[@]})) || threads=(1 2)
  if [[ ! -x $tessera ]]; then
    echo "run.sh: no tessera at $tessera (set TESSERA)" >&2
    exit 1
  fi
  echo "== compiling benchmarks/gpu/burgers_step.tsr and mlp_step.tsr" >&2
  for model in burgers_step mlp_step; do
    logged tesserac "$tesserac" "$src/benchmarks/gpu/$model.tsr" \
      -o "$work/$model.tbin"
  done
  for n in "${threads[@]}"; do
    "$python" "$src/benchmarks/gpu/train_bench.py" "$work" "$tessera" \
      --device cpu --threads "$n" "${rest[@]}"
  done
}

# Fourier transforms against NumPy, through `tessera run` as well.
fft() {
  echo "== compiling benchmarks/cpu/fourier.tsr" >&2
  logged tesserac "$tesserac" "$src/benchmarks/cpu/fourier.tsr" \
    -o "$work/fourier.tbin"
  "$python" "$src/benchmarks/cpu/fft_bench.py" "$work/fourier.tbin" \
    "$tessera" "$@"
}

# Attention, fused and not, against NumPy, through `tessera run` as well.
attention() {
  echo "== compiling benchmarks/cpu/attention.tsr at -O2 and -O0" >&2
  logged tesserac "$tesserac" "$src/benchmarks/cpu/attention.tsr" \
    -o "$work/attention.tbin"
  logged tesserac-O0 "$tesserac" -O0 "$src/benchmarks/cpu/attention.tsr" \
    -o "$work/attention-O0.tbin"
  "$python" "$src/benchmarks/cpu/attention_bench.py" "$work/attention.tbin" \
    "$work/attention-O0.tbin" "$tessera" "$@"
}

# Linear layers, their epilogues fused and not, against NumPy.
linear() {
  echo "== compiling benchmarks/cpu/linear.tsr, and with --no-epilogue-fusion" >&2
  logged tesserac "$tesserac" "$src/benchmarks/cpu/linear.tsr" \
    -o "$work/linear.tbin"
  logged tesserac-split "$tesserac" --no-epilogue-fusion \
    "$src/benchmarks/cpu/linear.tsr" -o "$work/linear-split.tbin"
  "$python" "$src/benchmarks/cpu/linear_bench.py" "$work/linear.tbin" \
    "$work/linear-split.tbin" "$tessera" "$@"
}

have_torch() { "$python" -c 'import torch' >/dev/null 2>&1; }

# No arguments: everything. Options without a case name: the matmul, as
# before there were other cases.
what=all
case ${1:-} in
  matmul | ops | compile | train | fft | attention | linear | all)
    what=$1
    shift
    ;;
  -*) what=matmul ;;
esac

if [[ $what == fft ]]; then
  fft "$@"
  exit 0
fi

if [[ $what == attention ]]; then
  attention "$@"
  exit 0
fi

if [[ $what == linear ]]; then
  linear "$@"
  exit 0
fi

if [[ $what == train ]]; then
  have_torch || {
    echo "run.sh: train needs PyTorch in $python (Debian: python3-torch;" \
      "or set PYTHON)" >&2
    exit 1
  }
  train "$@"
  exit 0
fi

echo "== building the runtime into $work/prefix" >&2
logged runtime-configure cmake -S "$src/runtime" -B "$work/runtime-build" \
  "${cmake_args[@]}" -DCMAKE_INSTALL_PREFIX="$work/prefix"
logged runtime-build cmake --build "$work/runtime-build"
logged runtime-install cmake --install "$work/runtime-build"

if [[ $what == compile ]]; then
  exec "$src/benchmarks/cpu/compile_time.sh" "$@"
fi

echo "== building matmul_bench and ops_bench" >&2
logged bench-configure cmake -S "$src/benchmarks/cpu" -B "$work/bench-build" \
  "${cmake_args[@]}" -DCMAKE_PREFIX_PATH="$work/prefix"
logged bench-build cmake --build "$work/bench-build"

echo "== compiling matmul.tsr, ops.tsr and examples/digits/mlp2.tsr" >&2
logged tesserac "$tesserac" "$src/benchmarks/cpu/matmul.tsr" \
  -o "$work/matmul.tbin"
logged tesserac "$tesserac" "$src/benchmarks/cpu/ops.tsr" -o "$work/ops.tbin"
logged tesserac "$tesserac" "$src/examples/digits/mlp2.tsr" \
  -o "$work/mlp2.tbin"

case $what in
  matmul) exec "$work/bench-build/matmul_bench" "$work/matmul.tbin" "$@" ;;
  ops)
    exec "$work/bench-build/ops_bench" "$work/ops.tbin" "$work/mlp2.tbin" "$@"
    ;;
  all)
    "$work/bench-build/matmul_bench" "$work/matmul.tbin"
    "$work/bench-build/ops_bench" "$work/ops.tbin" "$work/mlp2.tbin"
    if have_torch; then
      train
    else
      echo "run.sh: train skipped: no PyTorch in $python" >&2
    fi
    fft
    attention
    linear
    exec "$src/benchmarks/cpu/compile_time.sh"
    ;;
esac
