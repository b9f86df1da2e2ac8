#!/usr/bin/env bash
# Make sure the PostgreSQL server binaries (initdb, postgres) are installed: the server-mode tests
# start their own cluster with them when no server answers on 127.0.0.1:5432 (trust auth).
# Idempotent: installs the Debian package only when the binaries are absent.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
echo "PostgreSQL binaries not found: installing postgresql from Debian" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
