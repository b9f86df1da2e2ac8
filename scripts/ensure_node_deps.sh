#!/usr/bin/env bash
# Make sure Node.js (>= 18) and npm are present and clients/typescript/node_modules is exactly
# what its package-lock.json pins. Idempotent: installs only what is absent or stale.
# Node and npm from Debian when absent; the npm packages with `npm ci` (registry only).
set -euo pipefail
cd "$(dirname "$0")/../clients/typescript"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "node/npm not found: installing them from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
  echo "Node.js $(node --version) is too old: the TypeScript client needs Node >= 18" >&2
  exit 1
fi
if ! node scripts/deps-current.mjs 2>/dev/null; then
  echo "installing the TypeScript client's dev dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
