"""Session records in Redis: create, read, list, touch, end, mark committed, delete."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ....errors import Conflict
from ..liveness import LIVE, holds
from ..records import EventRecord, SessionRecord
from . import codec
from .connection import RedisConnection, guard
from .lua import session_script

_CREATE = """
-- KEYS  1..NS the session's keys (KEYS[1] its hash); NS+1 workspace index; NS+2 workspaces set;
--       NS+3 event log; NS+4 event ids
-- ARGV  1 now; 2 retention ms; 3..5 event (id, score, member); 6.. record (field, value) pairs
local S, INDEX, WORKSPACES, EVENTS, EVENT_IDS = KEYS[1], KEYS[NS + 1], KEYS[NS + 2],
  KEYS[NS + 3], KEYS[NS + 4]
if redis.call('EXISTS', S) == 1 then return {'exists'} end
for i = 6, #ARGV, 2 do redis.call('HSET', S, ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', INDEX, redis.call('HGET', S, 'created_at'), redis.call('HGET', S, 'id'))
redis.call('SADD', WORKSPACES, redis.call('HGET', S, 'workspace_id'))
add_event(EVENTS, EVENT_IDS, ARGV[3], ARGV[4], ARGV[5])
expire_all()
return {'ok'}
"""

_TOUCH = """
-- KEYS  1..NS the session's keys (KEYS[1] its hash)
-- ARGV  1 now; 2 retention ms; 3 ttl_seconds; 4 new expires_at
local S = KEYS[1]
local bad = state(true) if bad then return bad end
redis.call('HSET', S, 'touched_at', ARGV[1], 'ttl_seconds', ARGV[3], 'expires_at', ARGV[4])
expire_all()
return {'ok', redis.call('HGETALL', S)}
"""

_END = """
-- KEYS  1 session hash; 2 event log; 3 event ids
-- ARGV  1 now; 2 retention ms; 3..5 event (id, score, member)
local S, EVENTS, EVENT_IDS = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', S) == 0 then return {'missing'} end
if state(true) == nil then  -- only a live session ends: an expired one stays expired
  redis.call('HSET', S, 'status', 'ended', 'ended_at', ARGV[1])
  add_event(EVENTS, EVENT_IDS, ARGV[3], ARGV[4], ARGV[5])
end
return {'ok', redis.call('HGETALL', S)}
"""

_MARK_COMMITTED = """
-- KEYS  1 session hash; 2 context meta; 3 event log; 4 event ids
-- ARGV  1 now; 2 retention ms; 3..5 event ('' id: none); 6.. (key, version) pairs
local S, META, EVENTS, EVENT_IDS = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if redis.call('EXISTS', S) == 0 then return {'missing'} end
redis.call('HSET', S, 'committed_at', ARGV[1])
for i = 6, #ARGV, 2 do
  local meta = redis.call('HGET', META, ARGV[i])
  if meta then
    local c, u, imp = string.match(meta, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t')
    redis.call('HSET', META, ARGV[i], c .. '\\t' .. u .. '\\t' .. imp .. '\\t' .. ARGV[i + 1])
  end
end
if ARGV[3] ~= '' then add_event(EVENTS, EVENT_IDS, ARGV[3], ARGV[4], ARGV[5]) end
return {'ok'}
"""

_DELETE = """
-- KEYS  1..NS the session's keys (KEYS[1] its hash); NS+1 workspace index; NS+2 event log;
--       NS+3 event ids
-- ARGV  1 now (unused); 2 retention ms (unused); 3..5 event ('' id: none)
local S, INDEX, EVENTS, EVENT_IDS = KEYS[1], KEYS[NS + 1], KEYS[NS + 2], KEYS[NS + 3]
if redis.call('EXISTS', S) == 0 then return 0 end
redis.call('ZREM', INDEX, redis.call('HGET', S, 'id'))
for i = 1, NS do redis.call('DEL', KEYS[i]) end
if ARGV[3] ~= '' then add_event(EVENTS, EVENT_IDS, ARGV[3], ARGV[4], ARGV[5]) end
return 1
"""

# Name pointers (``P:name:...``) sit outside the session's slot, so they change in scripts of
# their own; each acts only while the pointer still names that session (a newer one may own it).
_POINTER_FOLLOWS = """
-- KEYS 1 the session hash; 2 the pointer.  ARGV 1 the session id
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local at = redis.call('HGET', KEYS[1], 'xat')
if not at then return redis.call('DEL', KEYS[2]) end
return redis.call('PEXPIREAT', KEYS[2], at)
"""
_POINTER_DROP = """
-- KEYS 1 the pointer.  ARGV 1 the session id
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

SCRIPTS = {
    name: session_script(body)
    for name, body in {
        "create": _CREATE,
        "touch": _TOUCH,
        "end": _END,
        "mark": _MARK_COMMITTED,
        "delete": _DELETE,
    }.items()
}


class RedisSessions(RedisConnection):
    """:class:`~..base.SessionRecords` over a session hash and a per-workspace index."""

    @guard
    def create_session(self, record: SessionRecord, event: EventRecord) -> None:
        keys = [
            *self._keys.session(record.id),
            self._keys.workspace(record.workspace_id),
            self._keys.workspaces(),
            *self._keys.events(event.workspace_id),
        ]
        args = [*codec.event_args(event), *codec.session_fields(record)]
        if self._run("create", record.id, keys, record.created_at, args)[0] == "exists":
            raise Conflict(f"session {record.id!r} already exists", session_id=record.id)

    @guard
    def open_named_session(
        self, record: SessionRecord, event: EventRecord, now: float
    ) -> tuple[SessionRecord, bool]:
        """WATCH the name's pointer: a racing creator makes EXEC fail and this loop look again."""
        import redis.exceptions as rex

        assert record.name is not None
        pointer = self._keys.name(record.workspace_id, record.name)
        while True:
            with self._redis.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(pointer)
                    found = self._pointed(pipe, pointer)
                    if found is not None and holds(LIVE, found.status, found.expires_at, now):
                        return found, False
                    pipe.multi()
                    pipe.set(pointer, record.id)
                    pipe.eval(self._scripts["create"].script, *self._create_call(record, event))
                    pipe.eval(_POINTER_FOLLOWS, 2, self._keys.record(record.id), pointer, record.id)
                    pipe.execute()
                    return record, True
                except rex.WatchError:
                    continue

    def _create_call(self, record: SessionRecord, event: EventRecord) -> list[Any]:
        """The create script's key count, keys and arguments."""
        keys = [
            *self._keys.session(record.id),
            self._keys.workspace(record.workspace_id),
            self._keys.workspaces(),
            *self._keys.events(event.workspace_id),
        ]
        args = [codec.num(record.created_at), self._retention_ms, *codec.event_args(event)]
        return [len(keys), *keys, *args, *codec.session_fields(record)]

    def _pointed(self, client: Any, pointer: str) -> SessionRecord | None:
        session_id = client.get(pointer)
        if session_id is None:
            return None
        fields = client.hgetall(self._keys.record(session_id))
        return codec.session(fields) if fields else None

    @guard
    def find_named_session(self, workspace_id: str, name: str) -> SessionRecord | None:
        pointer = self._keys.name(workspace_id, name)
        session_id = self._redis.get(pointer)
        if session_id is None:
            return None
        fields = self._redis.hgetall(self._keys.record(session_id))
        if not fields:  # its session is gone (a pointer written before pointers expired)
            self._redis.eval(_POINTER_DROP, 1, pointer, session_id)
            return None
        return codec.session(fields)

    def _follow(self, record: SessionRecord) -> None:
        """A named session's pointer expires when its keys do (after a touch moved them)."""
        if record.name is not None:
            pointer = self._keys.name(record.workspace_id, record.name)
            self._redis.eval(_POINTER_FOLLOWS, 2, self._keys.record(record.id), pointer, record.id)

    @guard
    def get_session(self, session_id: str) -> SessionRecord | None:
        fields = self._redis.hgetall(self._keys.record(session_id))
        return codec.session(fields) if fields else None

    @guard
    def list_sessions(
        self, workspace_id: str | None, *, limit: int | None = None
    ) -> list[SessionRecord]:
        if workspace_id is not None:
            return self._list_workspace(workspace_id, limit)
        records = [
            record
            for ws in self._redis.smembers(self._keys.workspaces())
            for record in self._list_workspace(ws, limit)
        ]
        records.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return records[:limit]

    def _list_workspace(self, workspace_id: str, limit: int | None) -> list[SessionRecord]:
        """Newest first; ids whose keys Redis has expired are dropped from the index on the way."""
        index = self._keys.workspace(workspace_id)
        ids = self._redis.zrevrange(index, 0, -1 if limit is None else limit - 1)
        with self._redis.pipeline(transaction=False) as pipe:
            for session_id in ids:
                pipe.hgetall(self._keys.record(session_id))
            rows = pipe.execute()
        gone = [sid for sid, fields in zip(ids, rows, strict=True) if not fields]
        if gone:
            self._redis.zrem(index, *gone)
            if limit is not None:
                return self._list_workspace(workspace_id, limit)
        return [codec.session(fields) for fields in rows if fields]

    @guard
    def touch_session(self, session_id: str, now: float, ttl_seconds: float) -> SessionRecord:
        args = [codec.num(ttl_seconds), codec.num(now + ttl_seconds)]
        result = self._run("touch", session_id, self._keys.session(session_id), now, args)
        record = codec.session(codec.pairs(result[1]))
        self._follow(record)
        return record

    @guard
    def end_session(self, session_id: str, now: float, event: EventRecord) -> SessionRecord:
        keys = [self._keys.record(session_id), *self._keys.events(event.workspace_id)]
        result = self._run("end", session_id, keys, now, codec.event_args(event))
        return codec.session(codec.pairs(result[1]))

    @guard
    def mark_committed(
        self, session_id: str, now: float, versions: Mapping[str, int], event: EventRecord | None
    ) -> None:
        keys = [
            self._keys.record(session_id),
            self._keys.context_meta(session_id),
            *self._keys.events(event.workspace_id if event else "-"),
        ]
        args = codec.event_args(event) + [p for key, v in versions.items() for p in (key, str(v))]
        self._run("mark", session_id, keys, now, args, live=False)

    @guard
    def delete_session(self, session_id: str, event: EventRecord | None) -> bool:
        workspace_id, name = self._redis.hmget(
            self._keys.record(session_id), ["workspace_id", "name"]
        )
        if workspace_id is None:
            return False
        keys = [
            *self._keys.session(session_id),
            self._keys.workspace(workspace_id),
            *self._keys.events(event.workspace_id if event else workspace_id),
        ]
        args = ["", self._retention_ms, *codec.event_args(event)]
        deleted = bool(self._eval("delete", keys, args))
        if name:  # stored as "" for an unnamed session
            self._redis.eval(_POINTER_DROP, 1, self._keys.name(workspace_id, name), session_id)
        return deleted
