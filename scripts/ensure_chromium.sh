#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright; install it when it is missing.
# They also need Solara's browser files, which Solara fetches from a CDN at run time; on a
# machine without that CDN, they are cached once from the npm registry (demo/assets.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: installing Debian's npm (to cache Solara's browser files)..."
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq npm >/dev/null || true
fi
if [ -x "$PY" ] && command -v npm >/dev/null 2>&1; then
  "$PY" -m demo.assets || echo "warning: could not cache Solara's browser files" >&2
fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
echo "chromium not found: installing Debian's chromium (needed by the browser tests)..."
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
command -v chromium
