#!/usr/bin/env bash
# Runs a command and reports how long it took: `timed.sh NAME CMD...`.
set -uo pipefail
name=$1; shift
start=$(date +%s)
"$@"
status=$?
echo "== phase '$name': $(( $(date +%s) - start )) s (exit $status)"
exit $status
