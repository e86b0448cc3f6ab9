#!/usr/bin/env bash
# The embedding flow of docs/embedding.md from scratch, as on a machine with
# a C++ compiler and no LLVM: configure runtime/ alone with g++, build it and
# install it into a fresh prefix; compile examples/skeleton.tsr with tesserac
# (a .tbin, and an object file with its header); build examples/host against
# that prefix with find_package(Tessera); run the host (linked to the shared
# and to the static library, loading the .tbin; and with the model linked
# in) and check its exact output.
#
#   scripts/test-host-example.sh TESSERAC WORK_DIR
#
# WORK_DIR is deleted and recreated. CMAKE_BUILD_PARALLEL_LEVEL caps the jobs.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 TESSERAC WORK_DIR" >&2
  exit 2
fi
tesserac=$(realpath "$1")
src=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$2"
mkdir -p "$2"
work=$(cd "$2" && pwd)
prefix=$work/prefix
# Only the prefix just installed may satisfy find_package(Tessera).
unset CMAKE_PREFIX_PATH

fail() {
  echo "test-host-example: FAILED: $*" >&2
  exit 1
}

# Runs a command with its output in a log, shown only when it fails.
logged() {
  local log=$work/$1.log
  shift
  echo "== $*"
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    fail "$1 ... exited non-zero (log: $log)"
  fi
}

# The host example is C++ only, so gcc is for the runtime's configure alone.
cmake_args=(-DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release)
if command -v ninja >/dev/null 2>&1; then
  cmake_args+=(-G Ninja)
fi
if command -v ccache >/dev/null 2>&1; then
  cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

logged runtime-configure cmake -S "$src/runtime" -B "$work/runtime-build" \
  "${cmake_args[@]}" -DCMAKE_C_COMPILER=gcc -DCMAKE_INSTALL_PREFIX="$prefix"
logged runtime-build cmake --build "$work/runtime-build"
logged runtime-install cmake --install "$work/runtime-build"

# lib or lib64, whichever GNUInstallDirs chose on this system.
for f in include/tessera/tessera_rt.h include/tessera/tessera_rt.hpp \
         'lib*/libtessera_rt.a' 'lib*/libtessera_rt.so' bin/tessera \
         'lib*/cmake/Tessera/TesseraConfig.cmake' \
         'lib*/cmake/Tessera/TesseraConfigVersion.cmake'; do
  compgen -G "$prefix/$f" >/dev/null || fail "the install has no $f"
done

logged tesserac "$tesserac" "$src/examples/skeleton.tsr" \
  -o "$work/skeleton.tbin"
mkdir -p "$work/linked"
logged tesserac-obj "$tesserac" "$src/examples/skeleton.tsr" --emit=obj \
  -o "$work/linked/skeleton.o"
logged tesserac-header "$tesserac" "$src/examples/skeleton.tsr" \
  --emit=header -o "$work/linked/skeleton.h"
# The object exports the descriptor alone: several models link into one
# program without clashes.
[[ $(nm -g --defined-only "$work/linked/skeleton.o" | awk '{print $3}') == \
  tessera_module_skeleton ]] ||
  fail "skeleton.o exports more than tessera_module_skeleton"

logged host-configure cmake -S "$src/examples/host" -B "$work/host-build" \
  "${cmake_args[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
  -DTESSERA_SKELETON_DIR="$work/linked"
grep -qF "Tessera_DIR:PATH=$prefix/" "$work/host-build/CMakeCache.txt" ||
  fail "find_package(Tessera) found a package outside $prefix"
logged host-build cmake --build "$work/host-build"
if readelf -d "$work/host-build/host_example_static" | grep -q tessera_rt; then
  fail "host_example_static needs libtessera_rt.so at run time"
fi

logged tessera-info "$prefix/bin/tessera" info "$work/skeleton.tbin"

expected='module skeleton, entry skeleton(a: f32[N], b: f32[N]) -> (out0: f32[N])
N = 8
a = [1 2 3 4 5 6 7 8]
b = [-1 -0.5 0 0.5 1 1.5 2 2.5]
out0 = [0 1 3 6 10 15 21 28]
ok: out0 == a * b + a, computed on the host'
for host in host_example host_example_static; do
  echo "== $host skeleton.tbin"
  status=0
  actual=$("$work/host-build/$host" "$work/skeleton.tbin") || status=$?
  echo "$actual"
  [[ $status -eq 0 ]] || fail "$host exited $status"
  diff -u <(echo "$expected") <(echo "$actual") ||
    fail "$host printed something else than expected"
done
echo "== host_example_linked (the model linked in)"
status=0
actual=$("$work/host-build/host_example_linked") || status=$?
echo "$actual"
[[ $status -eq 0 ]] || fail "host_example_linked exited $status"
diff -u <(echo "$expected") <(echo "$actual") ||
  fail "host_example_linked printed something else than expected"
if readelf -d "$work/host-build/host_example_linked" | grep -q tessera_rt; then
  fail "host_example_linked needs libtessera_rt.so at run time"
fi

# A file that is no .tbin is an error the host reports, exit 1.
echo "== host_example on a file that is not a .tbin"
status=0
"$work/host-build/host_example" "$src/examples/skeleton.tsr" || status=$?
[[ $status -eq 1 ]] || fail "host_example exited $status on a bad module"

echo "test-host-example: PASSED"
