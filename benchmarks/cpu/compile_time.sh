#!/usr/bin/env bash
# tesserac's compile time at -O2 for every example: the median wall time of
# --runs (5) compilations each, the number of kernels in the .tbin, and the
# ratio of the 1 s target to the median (1 or more meets it).
#
#   benchmarks/cpu/compile_time.sh [--runs N]
#
# TESSERAC names the compiler (default: build/bin/tesserac; `tessera` beside
# it counts the kernels). `tesserac
# --time` shows where one compilation spends its time.
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
tesserac=${TESSERAC:-$src/build/bin/tesserac}
tessera=$(dirname "$tesserac")/tessera # counts the kernels
runs=5
while (($#)); do
  case $1 in
    --runs)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || {
        echo "compile_time.sh: --runs wants a positive integer" >&2
        exit 2
      }
      runs=$2
      shift 2
      ;;
    -h | --help)
      sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "compile_time.sh: unknown option $1 (try --help)" >&2
      exit 2
      ;;
  esac
done
if [[ ! -x $tesserac ]]; then
  echo "compile_time.sh: no tesserac at $tesserac (build the tree, or set TESSERAC)" >&2
  exit 1
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "# tesserac -O2 compile time: median of $runs runs; $(nproc) hardware threads"
echo "# ratio = 1 s target / median (>= 1 meets the target)"
printf '%-28s %8s %10s %7s\n' example kernels "median s" ratio
for model in "$src"/examples/*.tsr "$src"/examples/*/*.tsr; do
  name=${model#"$src"/examples/}
  times=()
  for ((i = 0; i < runs; ++i)); do
    start=$(date +%s%N)
    "$tesserac" "$model" -O2 -o "$out/m.tbin"
    times+=($(($(date +%s%N) - start)))
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  kernels=?
  if [[ -x $tessera ]]; then
    kernels=$("$tessera" info "$out/m.tbin" | grep -c '^kernel ' || true)
  fi
  awk -v n="$name" -v k="$kernels" -v t="$median" \
    'BEGIN { s = t / 1e9; printf "%-28s %8s %10.3f %7.2f\n", n, k, s, 1 / s }'
done
