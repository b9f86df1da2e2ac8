"""Chat messages in Redis: bodies and statuses by seq, a sorted set of seqs, counts by status."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import MessageRecord
from . import codec
from .connection import RedisConnection, guard
from .lua import session_script

# Every message script takes the session's message keys, in KeySpace.messages order.
_KEYS = """
-- KEYS  1 session hash (last_seq); 2 bodies (seq -> JSON); 3 statuses (seq -> status);
--       4 seqs (sorted set); 5 counts (status -> count)
local S, BODIES, STATUSES, SEQS, COUNTS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
"""

_APPEND_MESSAGES = """
-- ARGV  1 now; 2 retention ms; 3.. (status, body JSON) per message
local bad = state(true) if bad then return bad end
local n = (#ARGV - 2) / 2
if n == 0 then return {'ok', '0'} end
local fresh = redis.call('EXISTS', SEQS) == 0
local last = redis.call('HINCRBY', S, 'last_seq', n)
local seq = last - n
for i = 3, #ARGV, 2 do
  seq = seq + 1
  redis.call('HSET', BODIES, seq, ARGV[i + 1])
  redis.call('HSET', STATUSES, seq, ARGV[i])
  redis.call('ZADD', SEQS, seq, seq)
  redis.call('HINCRBY', COUNTS, ARGV[i], 1)
end
redis.call('HSET', S, 'changed_at', ARGV[1])
if fresh then expire_new(2, 5) end
return {'ok', tostring(last)}
"""

_REPLACE_MESSAGES = """
-- ARGV  1 now; 2 retention ms; 3.. (status, body JSON) per message
local bad = state(true) if bad then return bad end
redis.call('DEL', BODIES, STATUSES, SEQS, COUNTS)
redis.call('HSET', S, 'changed_at', ARGV[1])
local n = (#ARGV - 2) / 2
local last = redis.call('HINCRBY', S, 'last_seq', n)
local seq = last - n
for i = 3, #ARGV, 2 do
  seq = seq + 1
  redis.call('HSET', BODIES, seq, ARGV[i + 1])
  redis.call('HSET', STATUSES, seq, ARGV[i])
  redis.call('ZADD', SEQS, seq, seq)
  redis.call('HINCRBY', COUNTS, ARGV[i], 1)
end
if n > 0 then expire_new(2, 5) end
return {'ok', tostring(last)}
"""

# Moves the score bound rather than an offset, so skipping filtered rows stays cheap.
_READ_MESSAGES = """
-- ARGV  1 now; 2 retention ms; 3 before seq ('' none); 4 limit ('' none); 5 newest first
--       ('1'/'0'); 6 filter by status ('1'/'0'); 7 the status
local bad = state(false) if bad then return bad end
local limit = tonumber(ARGV[4])
local newest = ARGV[5] == '1'
local lo, hi = '-inf', '+inf'
if ARGV[3] ~= '' then hi = '(' .. ARGV[3] end
local out = {'ok'}
local found = 0
local chunk = 256
if limit and limit < chunk then chunk = math.max(limit, 1) end
while true do
  local seqs
  if newest then seqs = redis.call('ZREVRANGEBYSCORE', SEQS, hi, lo, 'LIMIT', 0, chunk)
  else seqs = redis.call('ZRANGEBYSCORE', SEQS, lo, hi, 'LIMIT', 0, chunk) end
  if #seqs == 0 then return out end
  for _, seq in ipairs(seqs) do
    if limit and found >= limit then return out end
    local status = redis.call('HGET', STATUSES, seq)
    if ARGV[6] ~= '1' or status == ARGV[7] then
      found = found + 1
      table.insert(out, seq)
      table.insert(out, status)
      table.insert(out, redis.call('HGET', BODIES, seq))
    end
  end
  if newest then hi = '(' .. seqs[#seqs] else lo = '(' .. seqs[#seqs] end
end
"""

_COUNT_MESSAGES = """
-- ARGV  1 now; 2 retention ms; 3 filter by status ('1'/'0'); 4 the status
local bad = state(false) if bad then return bad end
if ARGV[3] ~= '1' then return {'ok', tostring(redis.call('ZCARD', SEQS))} end
return {'ok', redis.call('HGET', COUNTS, ARGV[4]) or '0'}
"""

_SET_MESSAGE_STATUS = """
-- ARGV  1 now; 2 retention ms; 3 the new status; 4.. seqs
local bad = state(true) if bad then return bad end
local changed = 0
for i = 4, #ARGV do
  local old = redis.call('HGET', STATUSES, ARGV[i])
  if old then
    changed = changed + 1
    redis.call('HSET', STATUSES, ARGV[i], ARGV[3])
    redis.call('HINCRBY', COUNTS, old, -1)
    redis.call('HINCRBY', COUNTS, ARGV[3], 1)
  end
end
if changed > 0 then redis.call('HSET', S, 'changed_at', ARGV[1]) end
return {'ok', tostring(changed)}
"""

_DELETE_MESSAGES = """
-- ARGV  1 now; 2 retention ms; 3 every message ('1'/'0'); 4.. seqs
local bad = state(true) if bad then return bad end
local removed = 0
if ARGV[3] == '1' then
  removed = redis.call('ZCARD', SEQS)
  redis.call('DEL', BODIES, STATUSES, SEQS, COUNTS)
else
  for i = 4, #ARGV do
    local old = redis.call('HGET', STATUSES, ARGV[i])
    if old then
      removed = removed + 1
      redis.call('HDEL', BODIES, ARGV[i])
      redis.call('HDEL', STATUSES, ARGV[i])
      redis.call('ZREM', SEQS, ARGV[i])
      redis.call('HINCRBY', COUNTS, old, -1)
    end
  end
end
if removed > 0 then redis.call('HSET', S, 'changed_at', ARGV[1]) end
return {'ok', tostring(removed)}
"""

SCRIPTS = {
    "append": session_script(_KEYS + _APPEND_MESSAGES),
    "replace": session_script(_KEYS + _REPLACE_MESSAGES),
    "read": session_script(_KEYS + _READ_MESSAGES),
    "count": session_script(_KEYS + _COUNT_MESSAGES),
    "status": session_script(_KEYS + _SET_MESSAGE_STATUS),
    "delmsg": session_script(_KEYS + _DELETE_MESSAGES),
}


class RedisMessages(RedisConnection):
    """:class:`~..base.MessageLog`: one script per call, so each call is atomic."""

    @guard
    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        args: list[str] = []
        for m in messages:
            args += [m.status, codec.message_body(m)]
        last = int(self._run("append", session_id, self._keys.messages(session_id), now, args)[1])
        return list(range(last - len(messages) + 1, last + 1))

    @guard
    def replace_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        args: list[str] = []
        for m in messages:
            args += [m.status, codec.message_body(m)]
        keys = self._keys.messages(session_id)
        last = int(self._run("replace", session_id, keys, now, args)[1])
        return list(range(last - len(messages) + 1, last + 1))

    @guard
    def read_messages(
        self,
        session_id: str,
        now: float,
        *,
        before_seq: int | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        status: str | None = "active",
    ) -> list[MessageRecord]:
        args = [
            "" if before_seq is None else str(before_seq),
            "" if limit is None else str(limit),
            "1" if newest_first else "0",
            "0" if status is None else "1",
            status or "",
        ]
        keys = self._keys.messages(session_id)
        flat = self._run("read", session_id, keys, now, args, live=False)[1:]
        return [codec.message(flat[i + 2], flat[i + 1], flat[i]) for i in range(0, len(flat), 3)]

    @guard
    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int:
        args = ["0" if status is None else "1", status or ""]
        keys = self._keys.messages(session_id)
        return int(self._run("count", session_id, keys, now, args, live=False)[1])

    @guard
    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int:
        args = [status, *(str(s) for s in dict.fromkeys(seqs))]
        return int(self._run("status", session_id, self._keys.messages(session_id), now, args)[1])

    @guard
    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        args = ["1"] if seqs is None else ["0", *(str(s) for s in dict.fromkeys(seqs))]
        return int(self._run("delmsg", session_id, self._keys.messages(session_id), now, args)[1])
