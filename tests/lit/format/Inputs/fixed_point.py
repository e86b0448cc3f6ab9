"""Formats each file twice and checks the second pass changes nothing and
the result still checks: `fixed_point.py TESSERA_FORMAT TESSERAC FILES...`."""
import subprocess
import sys

fmt, tesserac, files = sys.argv[1], sys.argv[2], sys.argv[3:]
for path in files:
    once = subprocess.run([fmt, path], capture_output=True, check=True).stdout
    with open("once.tsr", "wb") as f:
        f.write(once)
    twice = subprocess.run([fmt, "once.tsr"], capture_output=True, check=True).stdout
    if once != twice:
        sys.exit(f"{path}: formatting is not idempotent")
    subprocess.run([tesserac, "--check", "once.tsr"], check=True)
print(f"{len(files)} files are fixed points")
