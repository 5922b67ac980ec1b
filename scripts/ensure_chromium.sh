#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright; install it when it is missing,
# with a Chinese font so the demo's Chinese view (and its screenshot) shows characters.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing Debian's ${need[*]} (needed by the browser tests)..."
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
command -v chromium
