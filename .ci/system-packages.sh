#!/usr/bin/env bash
# System packages the test suite needs: Debian's chromium for the browser tests (Playwright
# drives it; `playwright install` cannot download here) and a Thai system font as a fallback.
set -euo pipefail
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null
