#!/bin/sh
# A stand-in for ptxas (tests/lit/tesserac/ptxas-options.test): appends its
# arguments to $FAKE_PTXAS_LOG and writes its input as the "cubin". With
# FAKE_PTXAS_OLD set it refuses --split-compile as a ptxas before CUDA 12.x
# would.
echo "$@" >> "$FAKE_PTXAS_LOG"
for arg in "$@"; do
  if [ -n "$FAKE_PTXAS_OLD" ] && [ "$arg" = "--split-compile" ]; then
    echo "ptxas fatal   : Unknown option 'split-compile'" >&2
    exit 1
  fi
done
in=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    *.ptx) in="$1"; shift ;;
    *) shift ;;
  esac
done
cp "$in" "$out"
