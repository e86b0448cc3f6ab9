"""Runs a command and succeeds only if it exits with the given status:
`expect_exit.py STATUS CMD...` (lit's `not` accepts any failure)."""
import subprocess
import sys

status = subprocess.call(sys.argv[2:], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
if status != int(sys.argv[1]):
    sys.exit(f"expected exit status {sys.argv[1]}, got {status}")
