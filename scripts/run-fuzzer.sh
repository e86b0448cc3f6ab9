#!/usr/bin/env bash
# Builds the libFuzzer targets (libFuzzer + ASan + UBSan, tests/fuzz) in their
# own build folder and runs each in turn for SECONDS:
#   run-fuzzer.sh [SECONDS] [TARGET...]      (default: 60 frontend loader)
# `frontend` is the .tsr frontend (lexer, parser, Sema); `loader` is what the
# runtime reads from files: .tbin validation up to dlopen, .npy, .safetensors.
# Fails on any crash, sanitizer report, leak, input slower than 1 s, or use of
# more than 2 GiB; the input that did it is kept and its path printed. Every
# target runs even if an earlier one failed, so one run reports all of them.
#
# Environment: BUILD_FUZZ (build folder, default build-fuzz), LLVM (default
# /usr/lib/llvm-19), JOBS (build jobs, default nproc), FUZZ_MAX_LEN (largest
# frontend input in bytes, default 4096), FUZZ_LOADER_MAX_LEN (largest loader
# input, default 65536: seeds are whole small files), FUZZ_SEED (libFuzzer
# -seed, default random).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-60}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(frontend loader); fi
build=${BUILD_FUZZ:-build-fuzz}
llvm=${LLVM:-/usr/lib/llvm-19}
jobs=${JOBS:-$(nproc)}

binaries=()
for t in "${targets[@]}"; do
  case $t in
    frontend | loader) binaries+=("tessera-$t-fuzz") ;;
    *) echo "run-fuzzer: unknown target '$t' (frontend, loader)" >&2; exit 2 ;;
  esac
done

# Configure once; later runs only rebuild what changed.
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$llvm/bin/clang" -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" \
    -DPython3_EXECUTABLE=/usr/bin/python3 -DTESSERA_BUILD_FUZZERS=ON >/dev/null
fi
cmake --build "$build" --target "${binaries[@]}" -j "$jobs"

# A fresh working corpus for each target and run: its checked-in seeds plus
# the files of the tree it reads (examples, test inputs), so new tests feed
# the fuzzers too. The sources are never written to.
seed_corpus() { # TARGET DIR
  local target=$1 dir=$2 n=0 f
  local patterns
  if [ "$target" = frontend ]; then
    cp tests/fuzz/corpus/* "$dir/"
    patterns=(-name '*.tsr')
  else
    cp tests/fuzz/corpus-loader/* "$dir/"
    patterns=(-name '*.tbin' -o -name '*.npy' -o -name '*.safetensors')
  fi
  while IFS= read -r -d '' f; do
    n=$((n + 1))
    cp "$f" "$dir/tree-$n.${f##*.}"
  done < <(find examples tests -path tests/fuzz -prune -o -type f \
             \( "${patterns[@]}" \) -size -64k -print0)
}

export ASAN_OPTIONS=detect_leaks=1:symbolize=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_SYMBOLIZER_PATH=$llvm/bin/llvm-symbolizer
seed_args=()
if [ -n "${FUZZ_SEED:-}" ]; then seed_args=(-seed="$FUZZ_SEED"); fi

# Runs one target; returns non-zero, after printing the report, on a finding.
run_target() { # TARGET
  local target=$1
  local fuzzer=$root/$build/bin/tessera-$target-fuzz
  local work=$root/$build/fuzz-run/$target
  local max_len=${FUZZ_MAX_LEN:-4096}
  if [ "$target" = loader ]; then max_len=${FUZZ_LOADER_MAX_LEN:-65536}; fi
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  seed_corpus "$target" "$work/corpus"

  echo "run-fuzzer: $fuzzer for $seconds s, $(ls "$work/corpus" | wc -l) seeds," \
       "log in $work/fuzz.log"
  local status=0
  (cd "$work" && "$fuzzer" "${seed_args[@]}" -max_total_time="$seconds" \
     -timeout=1 -rss_limit_mb=2048 -max_len="$max_len" -detect_leaks=1 \
     -print_final_stats=1 -artifact_prefix="$work/artifacts/" corpus \
     >fuzz.log 2>&1) || status=$?

  # Summary: what ran, and whatever went wrong.
  local log=$work/fuzz.log
  grep -E '^INFO: Seed:' "$log" || true
  grep -E '^Done [0-9]+ runs' "$log" || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb):' \
    "$log" || true
  tail -n 40 "$log" | grep -E '^#[0-9]+' | tail -n 1 || true
  local artifacts
  artifacts=$(ls "$work/artifacts")
  if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
    echo "run-fuzzer: $target FAILED (exit $status); the report:"
    # From the first sign of trouble: sanitizer, libFuzzer, std::terminate or
    # the harness's own contract check.
    local first
    first=$(grep -n -m1 -E '==[0-9]+== ?ERROR|runtime error:|ALARM: working on the last Unit|terminate called|contract violated' \
      "$log" | cut -d: -f1 || true)
    if [ -n "$first" ]; then
      tail -n "+$first" "$log" |
        grep -v -E '^ +#[0-9]+ .*(fuzzer::|sanitizer_)|^0x' | cut -c1-300 |
        head -n 60
    else
      tail -n 40 "$log"
    fi
    for a in $artifacts; do
      echo "run-fuzzer: reproduce with: $fuzzer $work/artifacts/$a"
    done
    return 1
  fi
  echo "run-fuzzer: $target OK, no crash, leak, timeout or out-of-memory in" \
       "$seconds s"
}

failed=()
for t in "${targets[@]}"; do
  run_target "$t" || failed+=("$t")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "run-fuzzer: FAILED: ${failed[*]}"
  exit 1
fi
