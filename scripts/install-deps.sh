#!/usr/bin/env bash
# Installs what building and testing Tessera needs on Debian 12 / Ubuntu
# (LLVM/MLIR 19, lld, ANTLR4, CLI11, GoogleTest, ...). Does nothing when all
# of it is already there. Uses sudo when not run as root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache git python3 python3-numpy
  python3-sklearn # only for its digits data set (examples/digits)
  clang-19 lld-19 llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  liblld-19-dev libclang-rt-19-dev
  antlr4 libantlr4-runtime-dev default-jre-headless
  libcli11-dev googletest libgtest-dev
  zlib1g-dev libzstd-dev libedit-dev libxml2-dev libcurl4-openssl-dev libffi-dev
  libopenblas-dev # only for benchmarks/cpu (the peer of its matmul benchmark)
  libdnnl-dev     # only for benchmarks/cpu (oneDNN, the peer of its softmax)
  ocl-icd-opencl-dev opencl-c-headers # oneDNN's CMake package requires them
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
