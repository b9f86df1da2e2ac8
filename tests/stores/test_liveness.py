"""The liveness rule is written once (``stores/sessions/liveness.py``): its Python, SQL and Lua
renderings agree, and the three stores draw the line at the same float on the boundary."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.errors import SessionEnded, SessionExpired
from agent_session_memory.stores.sessions import liveness
from agent_session_memory.stores.sessions.base import ContextWrite, MessageRecord, SessionStore
from agent_session_memory.stores.sessions.liveness import LIVE, READABLE, Rule, holds

from .conftest import KINDS, REDIS_URL, T0, make_event, require_redis, start

TTL = 10.0
EXPIRES = T0 + TTL
BOUNDARY = {
    "one tick before": math.nextafter(EXPIRES, -math.inf),
    "exactly at": EXPIRES,
    "one tick after": math.nextafter(EXPIRES, math.inf),
}
RULES = {"live": LIVE, "readable": READABLE}
STATUSES = ["active", "ended"]
GRID = [
    (rule_name, status, when) for rule_name in RULES for status in STATUSES for when in BOUNDARY
]


def test_the_rule_reads_as_documented() -> None:
    before, at, after = BOUNDARY.values()
    assert [holds(LIVE, "active", EXPIRES, t) for t in (before, at, after)] == [True, False, False]
    assert [holds(LIVE, "ended", EXPIRES, t) for t in (before, at, after)] == [False] * 3
    assert [holds(READABLE, "active", EXPIRES, t) for t in (before, at, after)] == [
        True,
        False,
        False,
    ]
    assert [holds(READABLE, "ended", EXPIRES, t) for t in (before, at, after)] == [True] * 3


@pytest.mark.parametrize(("rule_name", "status", "when"), GRID)
def test_sql_rendering_agrees_with_python(rule_name: str, status: str, when: str) -> None:
    rule, now = RULES[rule_name], BOUNDARY[when]
    condition = liveness.sql(rule, now=":now", status=":status", expires_at=":expires")
    conn = sqlite3.connect(":memory:")
    got = conn.execute(
        f"SELECT {condition}", {"now": now, "status": status, "expires": EXPIRES}
    ).fetchone()[0]
    conn.close()
    assert bool(got) is holds(rule, status, EXPIRES, now)


@pytest.mark.parametrize(("rule_name", "status", "when"), GRID)
def test_lua_rendering_agrees_with_python(rule_name: str, status: str, when: str) -> None:
    import redis

    require_redis()
    rule, now = RULES[rule_name], BOUNDARY[when]
    condition = liveness.lua(
        rule, now="tonumber(ARGV[3])", status="ARGV[1]", expires_at="tonumber(ARGV[2])"
    )
    client = redis.Redis.from_url(REDIS_URL)
    # Times travel as repr, as the Redis store sends them.
    got = client.eval(f"if {condition} then return 1 end return 0", 0, status, repr(EXPIRES),
                      repr(now))  # fmt: skip
    client.close()
    assert bool(got) is holds(rule, status, EXPIRES, now)


def _put(store: SessionStore, sid: str, now: float) -> Any:
    return store.set_context(sid, [ContextWrite("k", "1")], now, 100)


def _put_batch(store: SessionStore, sid: str, now: float) -> Any:
    return store.set_context(sid, [ContextWrite("a", "1"), ContextWrite("b", "2")], now, 100)


def _append(store: SessionStore, sid: str, now: float) -> Any:
    return store.append_messages(sid, [MessageRecord("user", "hi", 1, now)], now)


WRITES: dict[str, Callable[[SessionStore, str, float], Any]] = {
    "set_context (one key)": _put,
    "set_context (batch)": _put_batch,
    "delete_context": lambda s, sid, now: s.delete_context(sid, ["k"], now),
    "append_messages": _append,
    "set_message_status": lambda s, sid, now: s.set_message_status(sid, [1], "x", now),
    "delete_messages": lambda s, sid, now: s.delete_messages(sid, None, now),
    "touch_session": lambda s, sid, now: s.touch_session(sid, now, TTL),
}
READS: dict[str, Callable[[SessionStore, str, float], Any]] = {
    "get_context (all)": lambda s, sid, now: s.get_context(sid, None, now),
    "get_context (keys, no count)": lambda s, sid, now: s.get_context(
        sid, ["k"], now, count_read=False
    ),
    "read_messages": lambda s, sid, now: s.read_messages(sid, now),
    "count_messages": lambda s, sid, now: s.count_messages(sid, now),
}


def _session(store: SessionStore, *, ended: bool) -> str:
    """A session expiring at EXPIRES, holding a key and a message (so reads return rows)."""
    sid = start(store, now=T0, ttl=TTL).id
    _put(store, sid, T0)
    _append(store, sid, T0)
    if ended:
        store.end_session(sid, T0 + 1, make_event(type_="session_ended", at=T0 + 1))
    return sid


def _outcome(
    op: Callable[[SessionStore, str, float], Any], store: SessionStore, sid: str, now: float
) -> str:
    """What ``op`` did at ``now``: ok, or which refusal it raised."""
    try:
        op(store, sid, now)
    except SessionExpired:
        return "expired"
    except SessionEnded:
        return "ended"
    return "ok"


def _expected(rule: Rule, status: str, now: float) -> str:
    if holds(rule, status, EXPIRES, now):
        return "ok"
    if not holds(READABLE, status, EXPIRES, now):
        return "expired"
    return "ended"


@pytest.mark.parametrize("status", STATUSES)
def test_every_store_draws_the_line_where_the_rule_does(
    store_factory: Callable[[str], SessionStore], status: str
) -> None:
    """Every write and read, on a fresh session each, at the three instants around expiry."""
    kinds = KINDS
    outcomes: dict[str, dict[tuple[str, str], str]] = {kind: {} for kind in kinds}
    expected: dict[tuple[str, str], str] = {}
    for kind in kinds:
        store = store_factory(kind)
        for when, now in BOUNDARY.items():
            for ops, rule in ((WRITES, LIVE), (READS, READABLE)):
                for name, op in ops.items():
                    sid = _session(store, ended=status == "ended")
                    outcomes[kind][(name, when)] = _outcome(op, store, sid, now)
                    expected[(name, when)] = _expected(rule, status, now)
    for kind in kinds:
        assert outcomes[kind] == expected, kind


# Any comparison with ``expires_at`` or with the status "active", in Python, SQL or Lua.
SPELLED = re.compile(
    r"expires_at\W{0,3}\s*[<>]|[<>]=?\s*[\w.(\[\]'\"]*expires_at"
    r"|(==|!=|~=)\s*['\"]active['\"]|status = 'active'"
)


def test_no_store_spells_the_rule_itself() -> None:
    """Session expiry is decided in liveness.py only (leases have their own timeout rule)."""
    folder = Path(liveness.__file__).parent
    stores = [
        path for kind in ("memory", "sqlite", "redis") for path in folder.glob(f"{kind}/*.py")
    ]
    offenders = [
        f"{path.relative_to(folder)}:{n}: {line.strip()}"
        for path in sorted(stores)
        if path.name != "leases.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SPELLED.search(line)
    ]
    assert offenders == []
    assert SPELLED.search("WHERE id = ?1 AND status = 'active' AND expires_at > ?5")  # as it was
    assert SPELLED.search('if row is None or row[0] != "active" or now >= row[1]:')


def test_values_round_trip_exactly_at_the_boundary(
    store_factory: Callable[[str], SessionStore],
) -> None:
    """Redis stores times as text: the boundary must survive the trip bit for bit."""
    for kind in KINDS:
        store = store_factory(kind)
        sid = _session(store, ended=False)
        record = store.get_session(sid)
        assert record is not None and record.expires_at == EXPIRES, kind
        assert (
            json.loads(store.get_context(sid, ["k"], BOUNDARY["one tick before"])["k"].value_json)
            == 1
        )
