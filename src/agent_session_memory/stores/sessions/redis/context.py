"""Working memory in Redis: four hashes per session, field = context key."""

from __future__ import annotations

from collections.abc import Sequence

from ..checks import check_key_count, check_version
from ..records import ContextRecord, ContextWrite
from . import codec
from .connection import RedisConnection, guard
from .lua import session_script

# Every context script takes the session's context keys, in KeySpace.context order.
_KEYS = """
-- KEYS  1 session hash; 2 values; 3 versions; 4 reads; 5 meta (created, updated, importance,
--       committed_version; tab-separated)
local S, VALUES, VERSIONS, READS, META = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
"""

_SET_CONTEXT = """
-- ARGV  1 now; 2 retention ms; 3 max_keys; 4.. (key, value, importance, expected) per write,
--       '' meaning None
local bad = state(true) if bad then return bad end
local versions, order, added = {}, {}, 0
for i = 4, #ARGV, 4 do
  local key, expected = ARGV[i], ARGV[i + 3]
  local current = versions[key]
  if current == nil then
    current = tonumber(redis.call('HGET', VERSIONS, key) or '0')
    if current == 0 then added = added + 1 end
    table.insert(order, key)
  end
  if expected ~= '' and tonumber(expected) ~= current then
    return {'conflict', key, tostring(expected), tostring(current)}
  end
  versions[key] = current + 1
end
local existing = redis.call('HLEN', VERSIONS)
if added > 0 and existing + added > tonumber(ARGV[3]) then
  return {'limit', tostring(existing), tostring(added)}
end
for i = 4, #ARGV, 4 do
  local key, imp = ARGV[i], ARGV[i + 2]
  local meta = redis.call('HGET', META, key)
  local created, committed = ARGV[1], ''
  if meta then
    local c, u, old, com = string.match(meta, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)$')
    created, committed = c, com
    if imp == '' then imp = old end
  else
    redis.call('HSET', READS, key, 0)
  end
  redis.call('HSET', VALUES, key, ARGV[i + 1])
  redis.call('HINCRBY', VERSIONS, key, 1)
  redis.call('HSET', META, key, created .. '\\t' .. ARGV[1] .. '\\t' .. imp .. '\\t' .. committed)
end
redis.call('HSET', S, 'changed_at', ARGV[1])
if existing == 0 then expire_new(2, 5) end
local out = {'ok'}
for _, key in ipairs(order) do
  table.insert(out, key)
  table.insert(out, tostring(versions[key]))
end
return out
"""

_GET_CONTEXT = """
-- ARGV  1 now; 2 retention ms; 3 count reads ('1'/'0'); 4 every key ('1'/'0'); 5 include an
--       expired session ('1'/'0'); 6.. the keys
local bad = state(false, ARGV[5] == '1') if bad then return bad end
local keys = {}
if ARGV[4] == '1' then keys = redis.call('HKEYS', VERSIONS)
else for i = 6, #ARGV do table.insert(keys, ARGV[i]) end end
local out = {'ok'}
for _, key in ipairs(keys) do
  local version = redis.call('HGET', VERSIONS, key)
  if version then
    local reads
    if ARGV[3] == '1' then reads = redis.call('HINCRBY', READS, key, 1)
    else reads = redis.call('HGET', READS, key) end
    table.insert(out, key)
    table.insert(out, redis.call('HGET', VALUES, key))
    table.insert(out, version)
    table.insert(out, tostring(reads))
    table.insert(out, redis.call('HGET', META, key))
  end
end
return out
"""

_DELETE_CONTEXT = """
-- ARGV  1 now; 2 retention ms; 3.. the keys
local bad = state(true) if bad then return bad end
local removed = 0
for i = 3, #ARGV do
  if redis.call('HDEL', VERSIONS, ARGV[i]) == 1 then
    removed = removed + 1
    redis.call('HDEL', VALUES, ARGV[i])
    redis.call('HDEL', READS, ARGV[i])
    redis.call('HDEL', META, ARGV[i])
  end
end
if removed > 0 then redis.call('HSET', S, 'changed_at', ARGV[1]) end
return {'ok', tostring(removed)}
"""

SCRIPTS = {
    "set": session_script(_KEYS + _SET_CONTEXT),
    "get": session_script(_KEYS + _GET_CONTEXT),
    "delctx": session_script(_KEYS + _DELETE_CONTEXT),
}


class RedisContext(RedisConnection):
    """:class:`~..base.ContextStore`: one script per call, so each call is atomic."""

    @guard
    def set_context(
        self, session_id: str, writes: Sequence[ContextWrite], now: float, max_keys: int
    ) -> dict[str, int]:
        args: list[str] = [str(max_keys)]
        for w in writes:
            expected = "" if w.expected_version is None else str(w.expected_version)
            args += [w.key, w.value_json, codec.num(w.importance), expected]
        result = self._run("set", session_id, self._keys.context(session_id), now, args)
        if result[0] == "conflict":
            check_version(result[1], int(result[2]), int(result[3]) or None)
        if result[0] == "limit":
            check_key_count(session_id, int(result[1]), int(result[2]), max_keys)
        return {key: int(v) for key, v in codec.pairs(result[1:]).items()}

    @guard
    def get_context(
        self,
        session_id: str,
        keys: Sequence[str] | None,
        now: float,
        *,
        count_read: bool = True,
        include_expired: bool = False,
    ) -> dict[str, ContextRecord]:
        flags = [count_read, keys is None, include_expired]
        args = [*("1" if f else "0" for f in flags), *dict.fromkeys(keys or ())]
        where = self._keys.context(session_id)
        flat = self._run("get", session_id, where, now, args, live=False)[1:]
        return {flat[i]: codec.context(*flat[i : i + 5]) for i in range(0, len(flat), 5)}

    @guard
    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int:
        args = list(dict.fromkeys(keys))
        return int(self._run("delctx", session_id, self._keys.context(session_id), now, args)[1])
