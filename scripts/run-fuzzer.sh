#!/usr/bin/env bash
# Builds the frontend fuzzer (libFuzzer + ASan + UBSan, tests/fuzz) in its own
# build folder and runs it: `run-fuzzer.sh [SECONDS]` (default 60).
# Fails on any crash, sanitizer report, leak, input slower than 1 s, or use of
# more than 2 GiB; the input that did it is kept and its path printed.
#
# Environment: BUILD_FUZZ (build folder, default build-fuzz), LLVM (default
# /usr/lib/llvm-19), JOBS (build jobs, default nproc), FUZZ_MAX_LEN (largest
# input in bytes, default 4096), FUZZ_SEED (libFuzzer -seed, default random).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-60}
build=${BUILD_FUZZ:-build-fuzz}
llvm=${LLVM:-/usr/lib/llvm-19}
jobs=${JOBS:-$(nproc)}
max_len=${FUZZ_MAX_LEN:-4096}

# Configure once; later runs only rebuild what changed.
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="$llvm/bin/clang" -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" \
    -DPython3_EXECUTABLE=/usr/bin/python3 -DTESSERA_BUILD_FUZZERS=ON >/dev/null
fi
cmake --build "$build" --target tessera-frontend-fuzz -j "$jobs"
fuzzer=$root/$build/bin/tessera-frontend-fuzz

# A fresh working corpus each run: the checked-in seeds plus every .tsr file
# of the tree (examples, test inputs), so new tests feed the fuzzer too. The
# sources are never written to.
work=$root/$build/fuzz-run
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
cp tests/fuzz/corpus/* "$work/corpus/"
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "$work/corpus/tree-$n.tsr"
done < <(find examples tests -path tests/fuzz -prune -o -name '*.tsr' \
           -size -64k -print0)

export ASAN_OPTIONS=detect_leaks=1:symbolize=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_SYMBOLIZER_PATH=$llvm/bin/llvm-symbolizer
seed_args=()
if [ -n "${FUZZ_SEED:-}" ]; then seed_args=(-seed="$FUZZ_SEED"); fi

echo "run-fuzzer: $fuzzer for $seconds s, $(ls "$work/corpus" | wc -l) seeds," \
     "log in $work/fuzz.log"
status=0
(cd "$work" && "$fuzzer" "${seed_args[@]}" -max_total_time="$seconds" \
   -timeout=1 -rss_limit_mb=2048 -max_len="$max_len" -detect_leaks=1 \
   -print_final_stats=1 -artifact_prefix="$work/artifacts/" corpus \
   >fuzz.log 2>&1) || status=$?

# Summary: what ran, and whatever went wrong.
log=$work/fuzz.log
grep -E '^INFO: Seed:' "$log" || true
grep -E '^Done [0-9]+ runs' "$log" || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb):' \
  "$log" || true
tail -n 40 "$log" | grep -E '^#[0-9]+' | tail -n 1 || true
artifacts=$(ls "$work/artifacts")
if [ "$status" -ne 0 ] || [ -n "$artifacts" ]; then
  echo "run-fuzzer: FAILED (exit $status); the report:"
  # From the first sign of trouble: sanitizer, libFuzzer, std::terminate or
  # the harness's own contract check.
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
  exit 1
fi
echo "run-fuzzer: OK, no crash, leak, timeout or out-of-memory in $seconds s"
