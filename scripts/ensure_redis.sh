#!/usr/bin/env bash
# Make sure a Redis server answers on 127.0.0.1:6379 (the tests use a real one).
# Uses the one already running; else starts redis-server, installing it from Debian if absent.
set -euo pipefail
port="${REDIS_PORT:-6379}"
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
if answers; then exit 0; fi
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server not found: installing it" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
echo "starting redis-server on 127.0.0.1:$port" >&2
redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
  --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/asm-redis.log"
for _ in $(seq 1 50); do answers && exit 0; sleep 0.1; done
echo "redis-server did not answer on port $port" >&2
exit 1
