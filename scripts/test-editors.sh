#!/usr/bin/env bash
# Tests the editor support (editors/README.md): `npm ci && npm test` in
# editors/vscode, i.e. the TextMate grammar's assertions and the snapshots of
# every example .tsr. Installs Node.js and npm with apt when missing (sudo
# when not root). Exits 0 without testing only when the npm registry cannot
# be reached; any other failure fails.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"

registry=${npm_config_registry:-https://registry.npmjs.org/}

# 0 when the registry answers: npm ping when npm exists, else curl or python3.
registry_reachable() {
  if command -v npm >/dev/null 2>&1; then
    timeout 60 npm ping --registry "$registry" >/dev/null 2>&1
  elif command -v curl >/dev/null 2>&1; then
    curl -sS -o /dev/null --max-time 30 "$registry"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=30)' \
      "$registry" >/dev/null 2>&1
  else
    return 0  # cannot tell; let npm ci report what is wrong
  fi
}

skip() {
  echo "test-editors: SKIPPED: the npm registry ($registry) cannot be reached;" \
    "the editor tests need it for npm ci"
  exit 0
}

registry_reachable || skip

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test-editors: Node.js and npm are missing and apt-get is not available;" \
      "install Node.js 18 or newer with npm" >&2
    exit 1
  fi
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "test-editors: installing nodejs and npm with apt"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm
  registry_reachable || skip
fi

echo "test-editors: node $(node --version), npm $(npm --version)"
# --ignore-scripts: nothing the tests use needs an install script.
npm ci --ignore-scripts --no-audit --no-fund
npm test
