"""``redis://host:port/db``: the shared session store for servers behind a load balancer.

Layout (``P`` is the key prefix, ``{sid}`` a hash tag so a session's keys share one slot):

- ``P:{sid}:s`` hash: the session record, ``last_seq``;
- ``P:{sid}:cv`` / ``:cver`` / ``:cr`` / ``:cmeta`` hashes, field = context key: value JSON,
  version (``HLEN`` is the key count), reads, and ``created<TAB>updated<TAB>importance<TAB>
  committed_version``;
- ``P:{sid}:m`` hash seq -> message JSON, ``:ms`` hash seq -> status, ``:mi`` sorted set of seqs
  (pages newest-first in O(log n + page)), ``:mc`` hash status -> count;
- ``P:ws:<workspace>`` sorted set of session ids by ``created_at``; ``P:workspaces`` set;
- ``P:ev:<workspace>`` sorted set of events, score ``at``, member ``id\\n<json>`` (equal times
  order by id), with ``P:evids:<workspace>`` so a retried event id is stored once;
- ``P:lease:<name>`` string ``owner\\texpires_at``.

Every change is one Lua script, so it is atomic and checks liveness against the ``now`` the
engine passed. A session's keys all get ``PEXPIREAT`` at ``expires_at + retention_seconds``
(or Redis' present time + retention, if later: a test clock in the past must not erase data);
creating and touching a session set it on every key and remember it (``xat``), and a write that
brings a key into existence sets it on that key only, so a write pays no expiry bookkeeping. So
expired sessions stay readable for the auto-commit sweep; the "never return an expired session's
memory" rule is :func:`check_readable`'s job, not Redis'. Scripts touch keys of several slots
(session, workspace index, event log), so this store needs a single Redis (or a proxy that keeps
a workspace on one node), not Redis Cluster.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from ...errors import BackendUnavailable, Conflict, MissingExtra
from .base import (
    ContextRecord,
    ContextWrite,
    EventRecord,
    MessageRecord,
    SessionRecord,
    check_key_count,
    check_live,
    check_readable,
    check_version,
)

P = ParamSpec("P")
T = TypeVar("T")

_SESSION_SUFFIXES = ("s", "cv", "cver", "cr", "cmeta", "m", "ms", "mi", "mc")
_N = len(_SESSION_SUFFIXES)
_CONTEXT_KEYS = slice(0, 5)
_MESSAGE_KEYS = [0, 5, 6, 7, 8]
_CONTEXT_SCRIPTS = {"set", "get", "delctx"}
_MESSAGE_SCRIPTS = {"append", "read", "count", "status", "delmsg"}

# ARGV[1] = now, ARGV[2] = retention in ms. KEYS[1] is the session hash; then either all the
# session's keys (lifecycle scripts, extra keys after them), its four context hashes (context
# scripts) or its four message keys (message scripts): fewer keys, less to send per call.
_PRELUDE = f"""
local NS = {_N}
local function state(need_live, any_time)
  local st = redis.call('HMGET', KEYS[1], 'status', 'expires_at')
  if not st[1] then return {{'missing'}} end
  if any_time then return nil end
  local expired = tonumber(ARGV[1]) >= tonumber(st[2])
  if (need_live and (st[1] ~= 'active' or expired)) or (st[1] == 'active' and expired) then
    return {{'state', st[1], st[2]}}
  end
  return nil
end
local function expire_all()
  local exp = redis.call('HGET', KEYS[1], 'expires_at')
  local t = redis.call('TIME')
  local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local at = math.max(math.floor(tonumber(exp) * 1000), now_ms) + tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'xat', string.format('%d', at))
  for i = 1, NS do redis.call('PEXPIREAT', KEYS[i], at) end
end
local function expire_new(first, last)
  local at = redis.call('HGET', KEYS[1], 'xat')
  for i = first, last do redis.call('PEXPIREAT', KEYS[i], at) end
end
local function add_event(ev, ids, id, score, member)
  if redis.call('SADD', ids, id) == 1 then redis.call('ZADD', ev, score, member) end
end
"""

# ARGV[3..5] = event (id, score, member); the record's (field, value) pairs follow.
_CREATE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[NS + 1], redis.call('HGET', KEYS[1], 'created_at'),
  redis.call('HGET', KEYS[1], 'id'))
redis.call('SADD', KEYS[NS + 2], redis.call('HGET', KEYS[1], 'workspace_id'))
add_event(KEYS[NS + 3], KEYS[NS + 4], ARGV[3], ARGV[4], ARGV[5])
expire_all()
return {'ok'}
"""

_TOUCH = """
local bad = state(true) if bad then return bad end
redis.call('HSET', KEYS[1], 'touched_at', ARGV[1], 'ttl_seconds', ARGV[3], 'expires_at', ARGV[4])
expire_all()
return {'ok', redis.call('HGETALL', KEYS[1])}
"""

_END = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if redis.call('HGET', KEYS[1], 'status') ~= 'ended' then
  redis.call('HSET', KEYS[1], 'status', 'ended', 'ended_at', ARGV[1])
  add_event(KEYS[NS + 1], KEYS[NS + 2], ARGV[3], ARGV[4], ARGV[5])
end
return {'ok', redis.call('HGETALL', KEYS[1])}
"""

# ARGV[3..5] = event ('' id: none); (key, version) pairs follow.
_MARK_COMMITTED = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
redis.call('HSET', KEYS[1], 'committed_at', ARGV[1])
for i = 6, #ARGV, 2 do
  local meta = redis.call('HGET', KEYS[5], ARGV[i])
  if meta then
    local c, u, imp = string.match(meta, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t')
    redis.call('HSET', KEYS[5], ARGV[i], c .. '\\t' .. u .. '\\t' .. imp .. '\\t' .. ARGV[i + 1])
  end
end
if ARGV[3] ~= '' then add_event(KEYS[NS + 1], KEYS[NS + 2], ARGV[3], ARGV[4], ARGV[5]) end
return {'ok'}
"""

# ARGV[3..5] = event ('' id: none).
_DELETE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[NS + 1], redis.call('HGET', KEYS[1], 'id'))
for i = 1, NS do redis.call('DEL', KEYS[i]) end
if ARGV[3] ~= '' then add_event(KEYS[NS + 2], KEYS[NS + 3], ARGV[3], ARGV[4], ARGV[5]) end
return 1
"""

# ARGV[3] = max_keys, then (key, value, importance, expected) per write; '' means None.
_SET_CONTEXT = """
local bad = state(true) if bad then return bad end
local versions, order, added = {}, {}, 0
for i = 4, #ARGV, 4 do
  local key, expected = ARGV[i], ARGV[i + 3]
  local current = versions[key]
  if current == nil then
    current = tonumber(redis.call('HGET', KEYS[3], key) or '0')
    if current == 0 then added = added + 1 end
    table.insert(order, key)
  end
  if expected ~= '' and tonumber(expected) ~= current then
    return {'conflict', key, tostring(expected), tostring(current)}
  end
  versions[key] = current + 1
end
local existing = redis.call('HLEN', KEYS[3])
if added > 0 and existing + added > tonumber(ARGV[3]) then
  return {'limit', tostring(existing), tostring(added)}
end
for i = 4, #ARGV, 4 do
  local key, imp = ARGV[i], ARGV[i + 2]
  local meta = redis.call('HGET', KEYS[5], key)
  local created, committed = ARGV[1], ''
  if meta then
    local c, u, old, com = string.match(meta, '^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)$')
    created, committed = c, com
    if imp == '' then imp = old end
  else
    redis.call('HSET', KEYS[4], key, 0)
  end
  redis.call('HSET', KEYS[2], key, ARGV[i + 1])
  redis.call('HINCRBY', KEYS[3], key, 1)
  local meta_new = created .. '\\t' .. ARGV[1] .. '\\t' .. imp .. '\\t' .. committed
  redis.call('HSET', KEYS[5], key, meta_new)
end
redis.call('HSET', KEYS[1], 'changed_at', ARGV[1])
if existing == 0 then expire_new(2, 5) end
local out = {'ok'}
for _, key in ipairs(order) do
  table.insert(out, key)
  table.insert(out, tostring(versions[key]))
end
return out
"""

# ARGV[3] = count_read, [4] = all keys, [5] = include expired ('1'/'0'); keys follow.
_GET_CONTEXT = """
local bad = state(false, ARGV[5] == '1') if bad then return bad end
local keys = {}
if ARGV[4] == '1' then keys = redis.call('HKEYS', KEYS[3])
else for i = 6, #ARGV do table.insert(keys, ARGV[i]) end end
local out = {'ok'}
for _, key in ipairs(keys) do
  local version = redis.call('HGET', KEYS[3], key)
  if version then
    local reads
    if ARGV[3] == '1' then reads = redis.call('HINCRBY', KEYS[4], key, 1)
    else reads = redis.call('HGET', KEYS[4], key) end
    table.insert(out, key)
    table.insert(out, redis.call('HGET', KEYS[2], key))
    table.insert(out, version)
    table.insert(out, tostring(reads))
    table.insert(out, redis.call('HGET', KEYS[5], key))
  end
end
return out
"""

_DELETE_CONTEXT = """
local bad = state(true) if bad then return bad end
local removed = 0
for i = 3, #ARGV do
  if redis.call('HDEL', KEYS[3], ARGV[i]) == 1 then
    removed = removed + 1
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('HDEL', KEYS[4], ARGV[i])
    redis.call('HDEL', KEYS[5], ARGV[i])
  end
end
if removed > 0 then redis.call('HSET', KEYS[1], 'changed_at', ARGV[1]) end
return {'ok', tostring(removed)}
"""

# ARGV[3..] = (status, json) per message.
_APPEND_MESSAGES = """
local bad = state(true) if bad then return bad end
local n = (#ARGV - 2) / 2
if n == 0 then return {'ok', '0'} end
local fresh = redis.call('EXISTS', KEYS[4]) == 0
local last = redis.call('HINCRBY', KEYS[1], 'last_seq', n)
local seq = last - n
for i = 3, #ARGV, 2 do
  seq = seq + 1
  redis.call('HSET', KEYS[2], seq, ARGV[i + 1])
  redis.call('HSET', KEYS[3], seq, ARGV[i])
  redis.call('ZADD', KEYS[4], seq, seq)
  redis.call('HINCRBY', KEYS[5], ARGV[i], 1)
end
redis.call('HSET', KEYS[1], 'changed_at', ARGV[1])
if fresh then expire_new(2, 5) end
return {'ok', tostring(last)}
"""

# ARGV[3] = before ('' = none), [4] = limit ('' = none), [5] = newest first, [6] = filter, [7] =
# status. Moves the score bound rather than an offset, so skipping filtered rows stays cheap.
_READ_MESSAGES = """
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
  if newest then seqs = redis.call('ZREVRANGEBYSCORE', KEYS[4], hi, lo, 'LIMIT', 0, chunk)
  else seqs = redis.call('ZRANGEBYSCORE', KEYS[4], lo, hi, 'LIMIT', 0, chunk) end
  if #seqs == 0 then return out end
  for _, seq in ipairs(seqs) do
    if limit and found >= limit then return out end
    local status = redis.call('HGET', KEYS[3], seq)
    if ARGV[6] ~= '1' or status == ARGV[7] then
      found = found + 1
      table.insert(out, seq)
      table.insert(out, status)
      table.insert(out, redis.call('HGET', KEYS[2], seq))
    end
  end
  if newest then hi = '(' .. seqs[#seqs] else lo = '(' .. seqs[#seqs] end
end
"""

_COUNT_MESSAGES = """
local bad = state(false) if bad then return bad end
if ARGV[3] ~= '1' then return {'ok', tostring(redis.call('ZCARD', KEYS[4]))} end
return {'ok', redis.call('HGET', KEYS[5], ARGV[4]) or '0'}
"""

# ARGV[3] = new status, seqs follow.
_SET_MESSAGE_STATUS = """
local bad = state(true) if bad then return bad end
local changed = 0
for i = 4, #ARGV do
  local old = redis.call('HGET', KEYS[3], ARGV[i])
  if old then
    changed = changed + 1
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[3])
    redis.call('HINCRBY', KEYS[5], old, -1)
    redis.call('HINCRBY', KEYS[5], ARGV[3], 1)
  end
end
if changed > 0 then redis.call('HSET', KEYS[1], 'changed_at', ARGV[1]) end
return {'ok', tostring(changed)}
"""

# ARGV[3] = all ('1'/'0'), seqs follow.
_DELETE_MESSAGES = """
local bad = state(true) if bad then return bad end
local removed = 0
if ARGV[3] == '1' then
  removed = redis.call('ZCARD', KEYS[4])
  for i = 2, 5 do redis.call('DEL', KEYS[i]) end
else
  for i = 4, #ARGV do
    local old = redis.call('HGET', KEYS[3], ARGV[i])
    if old then
      removed = removed + 1
      redis.call('HDEL', KEYS[2], ARGV[i])
      redis.call('HDEL', KEYS[3], ARGV[i])
      redis.call('ZREM', KEYS[4], ARGV[i])
      redis.call('HINCRBY', KEYS[5], old, -1)
    end
  end
end
if removed > 0 then redis.call('HSET', KEYS[1], 'changed_at', ARGV[1]) end
return {'ok', tostring(removed)}
"""

# KEYS = (events, ids) per event; ARGV = (id, score, member) per event.
_APPEND_EVENTS = """
for i = 1, #KEYS, 2 do
  local j = (i - 1) / 2 * 3 + 1
  if redis.call('SADD', KEYS[i + 1], ARGV[j]) == 1 then
    redis.call('ZADD', KEYS[i], ARGV[j + 1], ARGV[j + 2])
  end
end
return 1
"""

# ARGV = owner, now, expires_at, ttl in ms.
_ACQUIRE = """
local held = redis.call('GET', KEYS[1])
if held then
  local owner, expires = string.match(held, '^(.*)\\t([^\\t]*)$')
  if owner ~= ARGV[1] and tonumber(ARGV[2]) < tonumber(expires) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '\\t' .. ARGV[3], 'PX', ARGV[4])
return 1
"""

_RELEASE = """
local held = redis.call('GET', KEYS[1])
if held and string.match(held, '^(.*)\\t[^\\t]*$') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
"""


def _guard(method: Callable[P, T]) -> Callable[P, T]:
    """Turn a lost or refused Redis connection into ``BackendUnavailable``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        import redis.exceptions as rex

        try:
            return method(*args, **kwargs)
        except (rex.ConnectionError, rex.TimeoutError) as exc:
            store = args[0]
            url = getattr(store, "url", "Redis")
            raise BackendUnavailable(f"Redis at {url} does not answer: {exc}") from exc

    return wrapper


def _num(value: float | None) -> str:
    """Floats travel as ``repr`` so they come back bit-exact (Lua never does float arithmetic)."""
    return "" if value is None else repr(float(value))


def _opt_float(value: str | None) -> float | None:
    return None if value is None or value == "" else float(value)


def _pairs(flat: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


def _session(fields: Mapping[str, str]) -> SessionRecord:
    return SessionRecord(
        id=fields["id"],
        workspace_id=fields["workspace_id"],
        created_at=float(fields["created_at"]),
        touched_at=float(fields["touched_at"]),
        expires_at=float(fields["expires_at"]),
        ttl_seconds=float(fields["ttl_seconds"]),
        status=fields["status"],
        ended_at=_opt_float(fields.get("ended_at")),
        committed_at=_opt_float(fields.get("committed_at")),
        auto_commit=fields["auto_commit"] == "1",
        metadata=json.loads(fields["metadata"]),
        changed_at=_opt_float(fields.get("changed_at")),
    )


def _session_fields(r: SessionRecord) -> list[str]:
    fields = {
        "id": r.id,
        "workspace_id": r.workspace_id,
        "created_at": _num(r.created_at),
        "touched_at": _num(r.touched_at),
        "expires_at": _num(r.expires_at),
        "ttl_seconds": _num(r.ttl_seconds),
        "status": r.status,
        "ended_at": _num(r.ended_at),
        "committed_at": _num(r.committed_at),
        "auto_commit": "1" if r.auto_commit else "0",
        "metadata": json.dumps(r.metadata),
        "changed_at": _num(r.changed_at),
        "last_seq": "0",
    }
    return [part for item in fields.items() for part in item]


def _event_member(e: EventRecord) -> str:
    body = json.dumps([e.workspace_id, e.type, e.at, e.session_id, e.memory_id, e.data_json])
    return f"{e.id}\n{body}"


def _event_args(event: EventRecord | None) -> list[str]:
    """An event as script arguments (id, score, member); empty strings when there is none."""
    if event is None:
        return ["", "", ""]
    return [event.id, _num(event.at), _event_member(event)]


def _event(member: str) -> EventRecord:
    event_id, body = member.split("\n", 1)
    workspace_id, type_, at, session_id, memory_id, data_json = json.loads(body)
    return EventRecord(event_id, workspace_id, type_, at, session_id, memory_id, data_json)


def _message(body: str, status: str, seq: str) -> MessageRecord:
    role, content, tokens, created_at, data_json = json.loads(body)
    return MessageRecord(role, content, tokens, created_at, data_json, status, int(seq))


def _context(key: str, value: str, version: str, reads: str, meta: str) -> ContextRecord:
    created, updated, importance, committed = meta.split("\t")
    return ContextRecord(
        key=key,
        value_json=value,
        version=int(version),
        importance=_opt_float(importance),
        reads=int(reads),
        created_at=float(created),
        updated_at=float(updated),
        committed_version=None if committed == "" else int(committed),
    )


class RedisSessionStore:
    """Sessions, working memory, messages, events and leases in one Redis database."""

    def __init__(
        self,
        url: str = "redis://127.0.0.1:6379/0",
        *,
        retention_seconds: float = 7 * 24 * 3600,
        prefix: str = "asm",
        client: Any = None,
    ) -> None:
        try:
            import redis
        except ImportError as exc:
            raise MissingExtra("redis", "redis") from exc
        self.url = url
        self.prefix = prefix
        self._retention_ms = str(int(retention_seconds * 1000))
        self._redis: Any = client or redis.Redis.from_url(url, decode_responses=True)
        scripts = {
            "create": _CREATE, "touch": _TOUCH, "end": _END, "mark": _MARK_COMMITTED,
            "delete": _DELETE, "set": _SET_CONTEXT, "get": _GET_CONTEXT,
            "delctx": _DELETE_CONTEXT, "append": _APPEND_MESSAGES, "read": _READ_MESSAGES,
            "count": _COUNT_MESSAGES, "status": _SET_MESSAGE_STATUS, "delmsg": _DELETE_MESSAGES,
        }  # fmt: skip
        self._scripts = {
            name: self._redis.register_script(_PRELUDE + body) for name, body in scripts.items()
        }
        self._append_events = self._redis.register_script(_APPEND_EVENTS)
        self._acquire = self._redis.register_script(_ACQUIRE)
        self._release = self._redis.register_script(_RELEASE)

    # -- keys and script calls --------------------------------------------------------------
    def _session_keys(self, session_id: str) -> list[str]:
        return [f"{self.prefix}:{{{session_id}}}:{suffix}" for suffix in _SESSION_SUFFIXES]

    def _event_keys(self, workspace_id: str) -> list[str]:
        return [f"{self.prefix}:ev:{workspace_id}", f"{self.prefix}:evids:{workspace_id}"]

    def _workspace_key(self, workspace_id: str) -> str:
        return f"{self.prefix}:ws:{workspace_id}"

    def _run(
        self,
        name: str,
        session_id: str,
        now: float,
        args: Sequence[Any] = (),
        extra_keys: Sequence[str] = (),
        *,
        live: bool = True,
    ) -> list[Any]:
        """Run a session script; turn its refusal (missing, ended, expired, ...) into an error."""
        keys = self._session_keys(session_id)
        if name in _CONTEXT_SCRIPTS:
            keys = keys[_CONTEXT_KEYS]
        elif name in _MESSAGE_SCRIPTS:
            keys = [keys[i] for i in _MESSAGE_KEYS]
        keys += extra_keys
        result = self._eval(name, keys, [_num(now), self._retention_ms, *args])
        if result[0] == "missing":
            check_readable(None, session_id, now)
        if result[0] == "state":
            record = SessionRecord(session_id, "", 0.0, 0.0, float(result[2]), 0.0, result[1])
            (check_live if live else check_readable)(record, session_id, now)
        return list(result)

    def _eval(self, name: str, keys: Sequence[str], args: Sequence[str]) -> Any:
        """EVALSHA straight through ``execute_command`` (redis-py's ``Script.__call__`` costs
        ~10% of a call); the first call after a server restart loads the script."""
        import redis.exceptions as rex

        script = self._scripts[name]
        try:
            return self._redis.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)
        except rex.NoScriptError:
            return script(keys=keys, args=args)

    # -- sessions ---------------------------------------------------------------------------
    @_guard
    def create_session(self, record: SessionRecord, event: EventRecord) -> None:
        extra = [self._workspace_key(record.workspace_id), f"{self.prefix}:workspaces"]
        extra += self._event_keys(event.workspace_id)
        args = [*_event_args(event), *_session_fields(record)]
        if self._run("create", record.id, record.created_at, args, extra)[0] == "exists":
            raise Conflict(f"session {record.id!r} already exists", session_id=record.id)

    def _event_script(self, client: Any, events: Sequence[EventRecord]) -> Any:
        keys = [key for e in events for key in self._event_keys(e.workspace_id)]
        args = [part for e in events for part in (e.id, _num(e.at), _event_member(e))]
        return self._append_events(keys=keys, args=args, client=client)

    @_guard
    def get_session(self, session_id: str) -> SessionRecord | None:
        fields = self._redis.hgetall(self._session_keys(session_id)[0])
        return _session(fields) if fields else None

    @_guard
    def list_sessions(
        self, workspace_id: str | None, *, limit: int | None = None
    ) -> list[SessionRecord]:
        if workspace_id is not None:
            return self._list_workspace(workspace_id, limit)
        records = [
            record
            for ws in self._redis.smembers(f"{self.prefix}:workspaces")
            for record in self._list_workspace(ws, limit)
        ]
        records.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return records[:limit]

    def _list_workspace(self, workspace_id: str, limit: int | None) -> list[SessionRecord]:
        """Newest first; ids whose keys Redis has expired are dropped from the index on the way."""
        index = self._workspace_key(workspace_id)
        ids = self._redis.zrevrange(index, 0, -1 if limit is None else limit - 1)
        with self._redis.pipeline(transaction=False) as pipe:
            for session_id in ids:
                pipe.hgetall(self._session_keys(session_id)[0])
            rows = pipe.execute()
        gone = [sid for sid, fields in zip(ids, rows, strict=True) if not fields]
        if gone:
            self._redis.zrem(index, *gone)
            if limit is not None:
                return self._list_workspace(workspace_id, limit)
        return [_session(fields) for fields in rows if fields]

    @_guard
    def touch_session(self, session_id: str, now: float, ttl_seconds: float) -> SessionRecord:
        args = [_num(ttl_seconds), _num(now + ttl_seconds)]
        return _session(_pairs(self._run("touch", session_id, now, args)[1]))

    @_guard
    def end_session(self, session_id: str, now: float, event: EventRecord) -> SessionRecord:
        extra = self._event_keys(event.workspace_id)
        result = self._run("end", session_id, now, _event_args(event), extra)
        return _session(_pairs(result[1]))

    @_guard
    def mark_committed(
        self, session_id: str, now: float, versions: Mapping[str, int], event: EventRecord | None
    ) -> None:
        args = _event_args(event) + [p for key, v in versions.items() for p in (key, str(v))]
        extra = self._event_keys(event.workspace_id if event else "-")
        self._run("mark", session_id, now, args, extra, live=False)

    @_guard
    def delete_session(self, session_id: str, event: EventRecord | None) -> bool:
        workspace_id = self._redis.hget(self._session_keys(session_id)[0], "workspace_id")
        if workspace_id is None:
            return False
        extra = [self._workspace_key(workspace_id)]
        extra += self._event_keys(event.workspace_id if event else workspace_id)
        keys = [*self._session_keys(session_id), *extra]
        args = ["", self._retention_ms, *_event_args(event)]
        return bool(self._scripts["delete"](keys=keys, args=args))

    # -- working memory ---------------------------------------------------------------------
    @_guard
    def set_context(
        self, session_id: str, writes: Sequence[ContextWrite], now: float, max_keys: int
    ) -> dict[str, int]:
        args: list[str] = [str(max_keys)]
        for w in writes:
            expected = "" if w.expected_version is None else str(w.expected_version)
            args += [w.key, w.value_json, _num(w.importance), expected]
        result = self._run("set", session_id, now, args)
        if result[0] == "conflict":
            check_version(result[1], int(result[2]), int(result[3]) or None)
        if result[0] == "limit":
            check_key_count(session_id, int(result[1]), int(result[2]), max_keys)
        return {key: int(v) for key, v in _pairs(result[1:]).items()}

    @_guard
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
        flat = self._run("get", session_id, now, args, live=False)[1:]
        return {flat[i]: _context(*flat[i : i + 5]) for i in range(0, len(flat), 5)}

    @_guard
    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int:
        return int(self._run("delctx", session_id, now, list(dict.fromkeys(keys)))[1])

    # -- messages ---------------------------------------------------------------------------
    @_guard
    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        args: list[str] = []
        for m in messages:
            body = json.dumps([m.role, m.content, m.token_count, m.created_at, m.data_json])
            args += [m.status, body]
        last = int(self._run("append", session_id, now, args)[1])
        return list(range(last - len(messages) + 1, last + 1))

    @_guard
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
        flat = self._run("read", session_id, now, args, live=False)[1:]
        return [_message(flat[i + 2], flat[i + 1], flat[i]) for i in range(0, len(flat), 3)]

    @_guard
    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int:
        args = ["0" if status is None else "1", status or ""]
        return int(self._run("count", session_id, now, args, live=False)[1])

    @_guard
    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int:
        args = [status, *(str(s) for s in dict.fromkeys(seqs))]
        return int(self._run("status", session_id, now, args)[1])

    @_guard
    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        args = ["1"] if seqs is None else ["0", *(str(s) for s in dict.fromkeys(seqs))]
        return int(self._run("delmsg", session_id, now, args)[1])

    # -- events and leases ------------------------------------------------------------------
    @_guard
    def append_events(self, events: Sequence[EventRecord]) -> None:
        if events:
            self._event_script(None, events)

    @_guard
    def list_events(
        self,
        workspace_id: str,
        *,
        since: float | None = None,
        until: float | None = None,
        types: Sequence[str] | None = None,
        session_id: str | None = None,
        limit: int | None = None,
    ) -> list[EventRecord]:
        key = self._event_keys(workspace_id)[0]
        low = "-inf" if since is None else _num(since)
        high = "+inf" if until is None else f"({_num(until)}"
        wanted = None if types is None else set(types)
        result: list[EventRecord] = []
        offset, page = 0, 500
        if limit is not None and wanted is None and session_id is None:
            page = max(1, min(limit, page))  # nothing filtered out: fetch exactly the page
        while limit is None or len(result) < limit:
            members = self._redis.zrangebyscore(key, low, high, start=offset, num=page)
            for event in map(_event, members):
                if (wanted is None or event.type in wanted) and (
                    session_id is None or event.session_id == session_id
                ):
                    result.append(event)
            if len(members) < page:
                break
            offset += page
        return result[:limit]

    @_guard
    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        ttl_ms = str(max(1, int(ttl_seconds * 1000)))
        args = [owner, _num(now), _num(now + ttl_seconds), ttl_ms]
        return bool(self._acquire(keys=[f"{self.prefix}:lease:{name}"], args=args))

    @_guard
    def release_lease(self, name: str, owner: str) -> None:
        self._release(keys=[f"{self.prefix}:lease:{name}"], args=[owner])

    @_guard
    def ping(self) -> None:
        """Fail fast (``BackendUnavailable``) when the server does not answer."""
        self._redis.ping()

    def close(self) -> None:
        self._redis.close()
