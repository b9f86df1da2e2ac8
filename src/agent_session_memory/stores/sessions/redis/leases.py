"""Leases in Redis: one string per lease, ``owner<TAB>expires_at``, that Redis also expires;
and the heartbeats of the processes holding them (one string per process, with a short TTL)."""

from __future__ import annotations

from typing import Any

from ..holders import Pulse, holder_gone
from . import codec
from .connection import RedisConnection, guard

_ACQUIRE = """
-- KEYS  1 the lease
-- ARGV  1 owner; 2 now; 3 new expires_at; 4 ttl in ms; 5 a holder known to be gone, or ''
-- Returns 1 when taken, else the current holder (the caller may find it gone and retry).
local LEASE = KEYS[1]
local held = redis.call('GET', LEASE)
if held then
  local owner, expires = string.match(held, '^(.*)\\t([^\\t]*)$')
  if owner ~= ARGV[1] and owner ~= ARGV[5] and tonumber(ARGV[2]) < tonumber(expires) then
    return owner
  end
end
redis.call('SET', LEASE, ARGV[1] .. '\\t' .. ARGV[3], 'PX', ARGV[4])
return 1
"""

_RELEASE = """
-- KEYS  1 the lease
-- ARGV  1 owner
local LEASE = KEYS[1]
local held = redis.call('GET', LEASE)
if held and string.match(held, '^(.*)\\t[^\\t]*$') == ARGV[1] then redis.call('DEL', LEASE) end
return 1
"""

SCRIPTS = {"acquire": _ACQUIRE, "release": _RELEASE}


class RedisLeases(RedisConnection):
    """:class:`~..base.Leases` and :class:`~..base.Heartbeats`; a lease whose holder process is
    gone (here: on this machine, or its heartbeat ran out) is free (``holders.py``)."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self._pulse = Pulse(self)

    @guard
    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        self._pulse.keep(owner)
        ttl_ms = str(max(1, int(ttl_seconds * 1000)))
        args = [owner, codec.num(now), codec.num(now + ttl_seconds), ttl_ms]
        keys = [self._keys.lease(name)]
        held = self._eval("acquire", keys, [*args, ""])
        if held == 1:
            return True
        holder = held.decode() if isinstance(held, bytes) else str(held)
        return holder_gone(holder, self) and self._eval("acquire", keys, [*args, holder]) == 1

    @guard
    def release_lease(self, name: str, owner: str) -> None:
        self._eval("release", [self._keys.lease(name)], [owner])

    @guard
    def beat(self, process: str, ttl_seconds: float) -> None:
        self._redis.set(self._keys.heartbeat(process), "1", px=max(1, int(ttl_seconds * 1000)))

    @guard
    def beating(self, process: str) -> bool:
        return bool(self._redis.exists(self._keys.heartbeat(process)))

    def close(self) -> None:
        self._pulse.close()
        super().close()
