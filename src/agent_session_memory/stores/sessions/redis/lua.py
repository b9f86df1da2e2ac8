"""What every session script starts with: the liveness check, expiry bookkeeping, events.

Every session script takes ``KEYS[1]`` = the session hash, ``ARGV[1]`` = now (the engine's
clock), ``ARGV[2]`` = retention in ms; its own keys and arguments follow and are named in a
comment block at its top. ``state`` asks :mod:`..liveness` (rendered here, not rewritten), so
Redis cannot drift from the Python and SQL stores.

Expiry: a session's keys all get ``PEXPIREAT`` at ``expires_at + retention`` (or Redis' present
time + retention, if later: a test clock in the past must not erase data). Creating and touching
set it on every key and remember it (``xat``); a write that brings a key into existence sets it
on that key only, so a write pays no expiry bookkeeping. Expired sessions stay readable for the
auto-commit sweep; "never return an expired session's memory" is the liveness check's job.
"""

from __future__ import annotations

from ..liveness import LIVE, READABLE, lua
from .keys import SESSION_SUFFIXES

_ARGS = {"now": "now", "status": "st[1]", "expires_at": "tonumber(st[2])"}

PRELUDE = f"""
local NS = {len(SESSION_SUFFIXES)}
-- nil when the session may be used; else why not ('missing', or 'state', status, expires_at).
local function state(need_live, any_time)
  local st = redis.call('HMGET', KEYS[1], 'status', 'expires_at')
  if not st[1] then return {{'missing'}} end
  if any_time then return nil end
  local now = tonumber(ARGV[1])
  local ok
  if need_live then ok = {lua(LIVE, **_ARGS)} else ok = {lua(READABLE, **_ARGS)} end
  if ok then return nil end
  return {{'state', st[1], st[2]}}
end
-- Create and touch: every key of the session (KEYS[1..NS]) expires at the same time.
local function expire_all()
  local exp = redis.call('HGET', KEYS[1], 'expires_at')
  local t = redis.call('TIME')
  local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local at = math.max(math.floor(tonumber(exp) * 1000), now_ms) + tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'xat', string.format('%d', at))
  for i = 1, NS do redis.call('PEXPIREAT', KEYS[i], at) end
end
-- A key that a write brought into existence expires with its session.
local function expire_new(first, last)
  local at = redis.call('HGET', KEYS[1], 'xat')
  for i = first, last do redis.call('PEXPIREAT', KEYS[i], at) end
end
local function add_event(ev, ids, id, score, member)
  if redis.call('SADD', ids, id) == 1 then redis.call('ZADD', ev, score, member) end
end
"""


def session_script(body: str) -> str:
    """A script that works on one session: the prelude, then ``body``."""
    return PRELUDE + body
