"""Runs a command with its address space limited, and succeeds only if it
exits with the given status: `limited.py MiB STATUS CMD...`. Used to make a
temporary buffer's allocation fail without touching the machine's memory."""
import resource
import subprocess
import sys

limit = int(sys.argv[1]) << 20


def restrict():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


result = subprocess.run(sys.argv[3:], preexec_fn=restrict,
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                        text=True)
sys.stdout.write(result.stdout)
if result.returncode != int(sys.argv[2]):
    sys.exit(f"expected exit status {sys.argv[2]}, got {result.returncode}")
