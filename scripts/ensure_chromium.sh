#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium: the web inspector's browser tests drive it
# with Playwright's Python package (never `playwright install`: no browser download).
# Idempotent: installs only when absent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "chromium not found: installing it from Debian" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium fonts-dejavu-core >/dev/null
test -x /usr/bin/chromium
