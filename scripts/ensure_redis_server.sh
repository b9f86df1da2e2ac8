#!/usr/bin/env bash
# Make sure the redis-server program is installed (tests/reliability start a private, tiny
# Redis to see what "out of memory" looks like; the shared one must not be starved).
# Idempotent: installs from Debian only when the program is absent.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
echo "redis-server not found: installing it" >&2
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
command -v redis-server >/dev/null
