"""The session-store contract (``stores/sessions/base.py``), run against every backend."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.errors import (
    BackendUnavailable,
    ConfigurationError,
    Conflict,
    LimitExceeded,
    SessionEnded,
    SessionExpired,
    SessionNotFound,
)
from agent_session_memory.stores.sessions.base import (
    ContextWrite,
    Heartbeats,
    MessageRecord,
    SessionStore,
    session_state,
)
from agent_session_memory.stores.sessions.factory import open_session_store
from agent_session_memory.stores.sessions.memory import MemorySessionStore
from agent_session_memory.stores.sessions.sqlite import SQLiteSessionStore

from .conftest import REDIS_URL, T0, make_event, make_session, require_redis, start

MAX = 10_000


def put(store: SessionStore, sid: str, now: float = T0, **items: Any) -> dict[str, int]:
    writes = [ContextWrite(k, json.dumps(v)) for k, v in items.items()]
    return store.set_context(sid, writes, now, MAX)


def values(store: SessionStore, sid: str, now: float = T0) -> dict[str, Any]:
    records = store.get_context(sid, None, now, count_read=False)
    return {k: json.loads(r.value_json) for k, r in records.items()}


def msg(content: str, role: str = "user", status: str = "active") -> MessageRecord:
    return MessageRecord(role=role, content=content, token_count=len(content), created_at=T0 + 0.5,
                         data_json=json.dumps({"n": content}), status=status)  # fmt: skip


def contents(messages: list[MessageRecord]) -> list[str]:
    return [m.content for m in messages]


# -- sessions ---------------------------------------------------------------------------------
def test_created_session_reads_back_field_for_field(store: SessionStore) -> None:
    record = make_session(now=T0 + 0.123456789, ttl=90.5, auto_commit=False,
                          metadata={"user": "ana", "tags": ["x", 1]})  # fmt: skip
    store.create_session(record, make_event(session_id=record.id))
    assert store.get_session(record.id) == record


def test_missing_session_is_none(store: SessionStore) -> None:
    assert store.get_session("nope") is None


def test_creating_an_existing_id_conflicts(store: SessionStore) -> None:
    record = start(store)
    with pytest.raises(Conflict):
        store.create_session(record, make_event())


def test_creating_records_its_event(store: SessionStore) -> None:
    record = start(store, workspace_id="w1")
    events = store.list_events("w1")
    assert [(e.type, e.session_id) for e in events] == [("session_started", record.id)]


def test_list_sessions_is_newest_first_per_workspace(store: SessionStore) -> None:
    ids = [start(store, workspace_id="a", now=T0 + i).id for i in range(5)]
    start(store, workspace_id="b")
    assert [r.id for r in store.list_sessions("a")] == ids[::-1]
    assert [r.id for r in store.list_sessions("a", limit=2)] == ids[:2:-1]
    assert store.list_sessions("empty") == []


def test_list_sessions_without_workspace_spans_all(store: SessionStore) -> None:
    a = start(store, workspace_id="a", now=T0 + 1)
    b = start(store, workspace_id="b", now=T0 + 2)
    c = start(store, workspace_id="c", now=T0)
    assert [r.id for r in store.list_sessions(None)] == [b.id, a.id, c.id]
    assert [r.id for r in store.list_sessions(None, limit=2)] == [b.id, a.id]


def test_touch_moves_expiry_of_a_live_session(store: SessionStore) -> None:
    record = start(store, ttl=10)
    touched = store.touch_session(record.id, T0 + 5, 30)
    assert (touched.touched_at, touched.ttl_seconds, touched.expires_at) == (T0 + 5, 30, T0 + 35)
    assert store.get_session(record.id) == touched
    put(store, record.id, T0 + 20, k=1)  # alive past the first TTL


def test_touch_refuses_expired_ended_and_missing_sessions(store: SessionStore) -> None:
    expired, ended = start(store, ttl=10), start(store)
    store.end_session(ended.id, T0, make_event(type_="session_ended"))
    with pytest.raises(SessionExpired):
        store.touch_session(expired.id, T0 + 10, 10)
    with pytest.raises(SessionEnded):
        store.touch_session(ended.id, T0 + 1, 10)
    with pytest.raises(SessionNotFound):
        store.touch_session("nope", T0, 10)


def test_ending_twice_changes_nothing(store: SessionStore) -> None:
    record = start(store, workspace_id="w")
    first = store.end_session(record.id, T0 + 1, make_event("w", "session_ended", T0 + 1))
    again = store.end_session(record.id, T0 + 2, make_event("w", "session_ended", T0 + 2))
    assert (first.status, first.ended_at) == ("ended", T0 + 1)
    assert again == first == store.get_session(record.id)
    assert [e.type for e in store.list_events("w")] == ["session_started", "session_ended"]


def test_ending_an_expired_session_keeps_it_expired_and_unreadable(store: SessionStore) -> None:
    """Issue 21, defect 5: ending an expired session made its working memory readable again."""
    record = start(store, ttl=5, workspace_id="w")
    put(store, record.id, T0, secret="kept for the commit, never read")
    after = store.end_session(record.id, T0 + 100, make_event("w", "session_ended", T0 + 100))
    assert session_state(after, T0 + 100) == "expired" and after.ended_at is None
    with pytest.raises(SessionExpired):
        store.get_context(record.id, None, T0 + 100)
    assert [e.type for e in store.list_events("w")] == ["session_started"]


def test_ending_a_missing_session_raises(store: SessionStore) -> None:
    with pytest.raises(SessionNotFound):
        store.end_session("nope", T0, make_event())


def test_ended_session_is_readable_but_not_writable(store: SessionStore) -> None:
    sid = start(store).id
    put(store, sid, k="v")
    store.append_messages(sid, [msg("hi")], T0)
    store.end_session(sid, T0 + 1, make_event())
    assert values(store, sid, T0 + 2) == {"k": "v"}
    assert contents(store.read_messages(sid, T0 + 2)) == ["hi"]
    assert store.count_messages(sid, T0 + 2) == 1
    writes = [
        lambda: put(store, sid, T0 + 2, k="w"),
        lambda: store.delete_context(sid, ["k"], T0 + 2),
        lambda: store.append_messages(sid, [msg("x")], T0 + 2),
        lambda: store.set_message_status(sid, [1], "archived", T0 + 2),
        lambda: store.delete_messages(sid, None, T0 + 2),
    ]
    for write in writes:
        with pytest.raises(SessionEnded):
            write()
    assert values(store, sid, T0 + 2) == {"k": "v"}


def test_expiry_is_exactly_at_expires_at(store: SessionStore) -> None:
    sid = start(store, ttl=10).id
    put(store, sid, T0 + 9.999, k=1)
    record = store.get_session(sid)
    assert record is not None and session_state(record, T0 + 10) == "expired"
    with pytest.raises(SessionExpired):
        put(store, sid, T0 + 10, k=2)


def test_expired_working_memory_is_never_returned(store: SessionStore) -> None:
    sid = start(store, ttl=10).id
    put(store, sid, k=1)
    store.append_messages(sid, [msg("hi")], T0)
    late = T0 + 11
    reads_and_writes = [
        lambda: store.get_context(sid, None, late),
        lambda: store.get_context(sid, ["k"], late, count_read=False),
        lambda: store.read_messages(sid, late),
        lambda: store.count_messages(sid, late),
        lambda: put(store, sid, late, k=2),
        lambda: store.delete_context(sid, ["k"], late),
        lambda: store.append_messages(sid, [msg("x")], late),
        lambda: store.set_message_status(sid, [1], "archived", late),
        lambda: store.delete_messages(sid, [1], late),
    ]
    for call in reads_and_writes:
        with pytest.raises(SessionExpired):
            call()
    assert store.get_session(sid) is not None  # the record itself stays visible


def test_include_expired_reads_an_expired_sessions_memory(store: SessionStore) -> None:
    sid = start(store, ttl=10).id
    put(store, sid, k=1)
    got = store.get_context(sid, None, T0 + 50, count_read=False, include_expired=True)
    assert list(got) == ["k"]
    with pytest.raises(SessionNotFound):
        store.get_context("nope", None, T0, include_expired=True)


def test_operations_on_a_missing_session_raise_not_found(store: SessionStore) -> None:
    calls = [
        lambda: put(store, "nope", k=1),
        lambda: store.get_context("nope", None, T0),
        lambda: store.delete_context("nope", ["k"], T0),
        lambda: store.append_messages("nope", [msg("x")], T0),
        lambda: store.read_messages("nope", T0),
        lambda: store.count_messages("nope", T0),
        lambda: store.set_message_status("nope", [1], "archived", T0),
        lambda: store.delete_messages("nope", None, T0),
        lambda: store.mark_committed("nope", T0, {}, None),
    ]
    for call in calls:
        with pytest.raises(SessionNotFound):
            call()


def test_mark_committed_sets_versions_per_key(store: SessionStore) -> None:
    sid = start(store, workspace_id="w", ttl=10).id
    put(store, sid, a=1, b=2)
    put(store, sid, a=3)
    commit = make_event("w", "session_committed", T0 + 1, session_id=sid)
    store.mark_committed(sid, T0 + 20, {"a": 2, "gone": 7}, commit)  # expired: still allowed
    items = store.get_context(sid, None, T0 + 20, count_read=False, include_expired=True)
    assert (items["a"].committed_version, items["b"].committed_version) == (2, None)
    assert "gone" not in items
    assert store.get_session(sid).committed_at == T0 + 20  # type: ignore[union-attr]
    assert [e.type for e in store.list_events("w")][-1] == "session_committed"
    assert items["a"].value_json == "3" and items["a"].version == 2


def test_delete_removes_memory_and_messages_but_keeps_events(store: SessionStore) -> None:
    record = start(store, workspace_id="w")
    put(store, record.id, k=1)
    store.append_messages(record.id, [msg("hi")], T0)
    assert store.delete_session(record.id, make_event("w", "session_deleted", T0 + 1))
    assert store.get_session(record.id) is None
    assert store.list_sessions("w") == []
    assert [e.type for e in store.list_events("w")] == ["session_started", "session_deleted"]
    assert store.delete_session(record.id, None) is False
    store.create_session(record, make_event("w"))  # the same id starts empty
    assert values(store, record.id) == {}
    assert store.read_messages(record.id, T0) == []
    assert store.append_messages(record.id, [msg("again")], T0) == [1]


# -- working memory ---------------------------------------------------------------------------
def test_versions_start_at_one_and_grow_by_one(store: SessionStore) -> None:
    sid = start(store).id
    assert put(store, sid, a=1, b=2) == {"a": 1, "b": 1}
    assert put(store, sid, T0 + 1, a=5) == {"a": 2}
    items = store.get_context(sid, ["a", "b"], T0 + 2, count_read=False)
    a = items["a"]
    assert (a.key, a.value_json, a.version, a.created_at, a.updated_at) == ("a", "5", 2, T0, T0 + 1)
    assert items["b"].version == 1


def test_a_key_written_twice_in_one_batch_gets_two_versions(store: SessionStore) -> None:
    sid = start(store).id
    writes = [ContextWrite("k", "1"), ContextWrite("k", "2", expected_version=1)]
    assert store.set_context(sid, writes, T0, MAX) == {"k": 2}
    assert values(store, sid) == {"k": 2}


def test_importance_is_kept_when_a_write_does_not_say(store: SessionStore) -> None:
    sid = start(store).id
    store.set_context(sid, [ContextWrite("k", "1", importance=0.9)], T0, MAX)
    store.set_context(sid, [ContextWrite("k", "2")], T0, MAX)
    assert store.get_context(sid, ["k"], T0)["k"].importance == 0.9
    store.set_context(sid, [ContextWrite("k", "3", importance=0.25)], T0, MAX)
    assert store.get_context(sid, ["k"], T0)["k"].importance == 0.25


def test_expected_version_zero_means_must_not_exist(store: SessionStore) -> None:
    sid = start(store).id
    assert store.set_context(sid, [ContextWrite("k", "1", expected_version=0)], T0, MAX) == {"k": 1}
    with pytest.raises(Conflict) as err:
        store.set_context(sid, [ContextWrite("k", "2", expected_version=0)], T0, MAX)
    assert err.value.details["current_version"] == 1
    assert store.set_context(sid, [ContextWrite("k", "3", expected_version=1)], T0, MAX) == {"k": 2}
    with pytest.raises(Conflict):
        store.set_context(sid, [ContextWrite("k", "4", expected_version=1)], T0, MAX)
    with pytest.raises(Conflict):
        store.set_context(sid, [ContextWrite("new", "4", expected_version=3)], T0, MAX)
    assert values(store, sid) == {"k": 3}


def test_a_batch_with_one_conflict_changes_nothing(store: SessionStore) -> None:
    sid = start(store).id
    put(store, sid, T0, a=1, b=1)
    batch = [
        ContextWrite("a", "2"),
        ContextWrite("new", "2"),
        ContextWrite("b", "2", expected_version=7),
    ]
    with pytest.raises(Conflict):
        store.set_context(sid, batch, T0 + 1, MAX)
    items = store.get_context(sid, None, T0 + 1, count_read=False)
    assert {k: (r.value_json, r.version) for k, r in items.items()} == {
        "a": ("1", 1),
        "b": ("1", 1),
    }
    assert store.get_session(sid).changed_at == T0  # type: ignore[union-attr]


def test_key_count_limit_counts_new_keys_only(store: SessionStore) -> None:
    sid = start(store).id
    store.set_context(sid, [ContextWrite(k, "1") for k in "abc"], T0, 3)
    with pytest.raises(LimitExceeded):
        store.set_context(sid, [ContextWrite("d", "1")], T0, 3)
    with pytest.raises(LimitExceeded):  # atomic: the update of "a" is rolled back too
        store.set_context(sid, [ContextWrite("a", "2"), ContextWrite("e", "1")], T0, 3)
    assert store.set_context(sid, [ContextWrite("a", "3")], T0, 3) == {"a": 2}
    assert store.delete_context(sid, ["b"], T0) == 1
    assert store.set_context(sid, [ContextWrite("d", "1")], T0, 3) == {"d": 1}
    assert sorted(values(store, sid)) == ["a", "c", "d"]


def test_reads_count_each_returned_key(store: SessionStore) -> None:
    sid = start(store).id
    put(store, sid, a=1, b=2)
    assert store.get_context(sid, ["a", "missing"], T0)["a"].reads == 1
    store.get_context(sid, None, T0)
    got = store.get_context(sid, None, T0, count_read=False)
    assert {k: r.reads for k, r in got.items()} == {"a": 2, "b": 1}


def test_missing_keys_are_absent_and_values_round_trip(store: SessionStore) -> None:
    sid = start(store).id
    value = {"text": 'héllo\t\n\u2603 "quoted"', "n": [1.5, None, True], "big": "x" * 200_000}
    put(store, sid, k=value)
    assert store.get_context(sid, ["nope"], T0) == {}
    assert json.loads(store.get_context(sid, ["k", "nope"], T0)["k"].value_json) == value


def test_delete_context_counts_keys_that_existed(store: SessionStore) -> None:
    sid = start(store).id
    put(store, sid, a=1, b=2, c=3)
    assert store.delete_context(sid, ["a", "b", "nope", "a"], T0 + 1) == 2
    assert values(store, sid) == {"c": 3}
    assert store.get_session(sid).changed_at == T0 + 1  # type: ignore[union-attr]


def test_changes_move_changed_at(store: SessionStore) -> None:
    sid = start(store).id
    assert store.get_session(sid).changed_at is None  # type: ignore[union-attr]
    put(store, sid, T0 + 1, k=1)
    assert store.get_session(sid).changed_at == T0 + 1  # type: ignore[union-attr]
    store.append_messages(sid, [msg("x")], T0 + 2)
    assert store.get_session(sid).changed_at == T0 + 2  # type: ignore[union-attr]
    store.get_context(sid, None, T0 + 3)  # reading is not a change
    assert store.get_session(sid).changed_at == T0 + 2  # type: ignore[union-attr]


# -- messages ---------------------------------------------------------------------------------
def test_messages_get_increasing_seqs_and_round_trip(store: SessionStore) -> None:
    sid = start(store).id
    assert store.append_messages(sid, [msg("a"), msg("b", "assistant")], T0) == [1, 2]
    assert store.append_messages(sid, [msg("c")], T0) == [3]
    assert store.append_messages(sid, [], T0) == []
    got = store.read_messages(sid, T0)
    assert [(m.seq, m.role, m.content) for m in got] == [
        (1, "user", "a"),
        (2, "assistant", "b"),
        (3, "user", "c"),
    ]
    assert got[0] == MessageRecord("user", "a", 1, T0 + 0.5, '{"n": "a"}', "active", 1)


def test_messages_page_backwards_newest_first(store: SessionStore) -> None:
    sid = start(store).id
    store.append_messages(sid, [msg(str(i)) for i in range(1, 11)], T0)
    assert contents(store.read_messages(sid, T0, limit=3, newest_first=True)) == ["10", "9", "8"]
    page = store.read_messages(sid, T0, before_seq=8, limit=3, newest_first=True)
    assert contents(page) == ["7", "6", "5"]
    assert contents(store.read_messages(sid, T0, before_seq=4)) == ["1", "2", "3"]
    assert contents(store.read_messages(sid, T0, limit=2)) == ["1", "2"]
    seen, before = [], None
    while page := store.read_messages(sid, T0, before_seq=before, limit=4, newest_first=True):
        seen += [m.seq for m in page]
        before = page[-1].seq
    assert seen == list(range(10, 0, -1))


def test_message_status_filters_reads_and_counts(store: SessionStore) -> None:
    sid = start(store).id
    store.append_messages(sid, [msg(str(i)) for i in range(1, 7)] + [msg("7", status="x")], T0)
    assert store.set_message_status(sid, [2, 4, 99], "archived", T0) == 2
    assert contents(store.read_messages(sid, T0)) == ["1", "3", "5", "6"]
    assert contents(store.read_messages(sid, T0, status="archived")) == ["2", "4"]
    assert len(store.read_messages(sid, T0, status=None)) == 7
    newest = store.read_messages(sid, T0, newest_first=True, limit=2, before_seq=6)
    assert contents(newest) == ["5", "3"]
    assert store.count_messages(sid, T0) == 4
    assert store.count_messages(sid, T0, "archived") == 2
    assert store.count_messages(sid, T0, None) == 7
    assert store.count_messages(sid, T0, "x") == 1


def test_deleting_messages_never_reuses_seqs(store: SessionStore) -> None:
    sid = start(store).id
    store.append_messages(sid, [msg(str(i)) for i in range(1, 6)], T0)
    assert store.delete_messages(sid, [2, 3, 42], T0) == 2
    assert [m.seq for m in store.read_messages(sid, T0)] == [1, 4, 5]
    assert store.count_messages(sid, T0) == 3
    assert store.delete_messages(sid, None, T0) == 3
    assert store.read_messages(sid, T0) == [] and store.count_messages(sid, T0, None) == 0
    assert store.append_messages(sid, [msg("new")], T0) == [6]


# -- events -----------------------------------------------------------------------------------
def test_events_filter_and_order_oldest_first(store: SessionStore) -> None:
    e = [
        make_event("w", "b", T0 + 3, session_id="s1"),
        make_event("w", "a", T0 + 1, session_id="s2"),
        make_event("w", "a", T0 + 2, session_id="s1", memory_id="m", data_json='{"x": 1}'),
        make_event("w", "c", T0 + 4),
        make_event("other", "a", T0 + 2),
    ]
    store.append_events(e)
    store.append_events([e[0]])  # an id seen before is stored once
    assert store.list_events("w") == [e[1], e[2], e[0], e[3]]
    assert store.list_events("w", since=T0 + 2, until=T0 + 4) == [e[2], e[0]]
    assert store.list_events("w", types=["a", "c"]) == [e[1], e[2], e[3]]
    assert store.list_events("w", session_id="s1") == [e[2], e[0]]
    assert store.list_events("w", limit=2) == [e[1], e[2]]
    assert store.list_events("w", types=["a"], session_id="s1", limit=5) == [e[2]]
    assert store.list_events("other") == [e[4]]
    assert store.list_events("none") == []


def test_events_at_the_same_time_order_by_id(store: SessionStore) -> None:
    events = [make_event("w", "a", T0) for _ in range(5)]
    store.append_events(events)
    assert store.list_events("w") == sorted(events, key=lambda e: e.id)


# -- leases -----------------------------------------------------------------------------------
def test_leases_are_exclusive_reentrant_and_expire(store: SessionStore) -> None:
    assert store.acquire_lease("commit:s", "a", T0, 10)
    assert not store.acquire_lease("commit:s", "b", T0 + 1, 10)
    assert store.acquire_lease("commit:s", "a", T0 + 5, 10)  # re-entrant, extends to T0 + 15
    assert not store.acquire_lease("commit:s", "b", T0 + 12, 10)
    assert store.acquire_lease("commit:s", "b", T0 + 15, 10)
    assert not store.acquire_lease("commit:s", "a", T0 + 16, 10)
    assert store.acquire_lease("other", "a", T0 + 16, 10)  # names are independent


def test_only_the_owner_releases_a_lease(store: SessionStore) -> None:
    assert store.acquire_lease("l", "a", T0, 10)
    store.release_lease("l", "b")
    assert not store.acquire_lease("l", "b", T0 + 1, 10)
    store.release_lease("l", "a")
    assert store.acquire_lease("l", "b", T0 + 1, 10)
    store.release_lease("never", "a")  # releasing nothing is fine


def _holder_process() -> tuple[subprocess.Popen[str], str]:
    """A child process that holds leases: its owner string, and the process to kill."""
    code = (
        "import sys, time\n"
        "from agent_session_memory.stores.sessions.holders import lease_owner\n"
        "print(lease_owner(), flush=True)\n"
        "time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def test_a_lease_is_free_as_soon_as_its_holder_process_is_killed(store: SessionStore) -> None:
    child, holder = _holder_process()
    try:
        assert store.acquire_lease("commit:s", holder, T0, 300)
        assert not store.acquire_lease("commit:s", "b", T0 + 1, 10)  # a live holder keeps it
    finally:
        child.kill()
        child.wait()
    assert store.acquire_lease("commit:s", "b", T0 + 2, 10)  # long before T0 + 300
    assert not store.acquire_lease("commit:s", "c", T0 + 3, 10)  # and "b" (not a pid) keeps it


def test_an_owner_in_no_known_form_waits_for_the_timeout(store: SessionStore) -> None:
    assert store.acquire_lease("l", "999999999.1@elsewhere/boot", T0, 10)  # no token
    assert not store.acquire_lease("l", "b", T0 + 1, 10)
    assert store.acquire_lease("l", "b", T0 + 10, 10)


def test_a_lease_of_another_machine_waits_for_its_heartbeat_or_else_its_timeout(
    store: SessionStore,
) -> None:
    """A store shared by machines (Redis) keeps heartbeats: another machine's holder is gone once
    its heartbeat is absent. Stores that serve one machine judge it by the timeout alone."""
    owner = "999999999.1@elsewhere/boot#ab"
    if isinstance(store, Heartbeats):
        store.beat("999999999.1@elsewhere/boot", 60)
    assert store.acquire_lease("l", owner, T0, 10)
    assert not store.acquire_lease("l", "b", T0 + 1, 10)  # a beating or unjudged holder keeps it
    assert store.acquire_lease("l", "b", T0 + 10, 10)
    assert store.acquire_lease("m", "999999999.2@elsewhere/boot#cd", T0, 10)
    taken = store.acquire_lease("m", "b", T0 + 1, 10)
    assert taken == isinstance(store, Heartbeats)  # it never beat: gone, where that is known


# -- opening stores ---------------------------------------------------------------------------
def test_factory_opens_each_scheme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(open_session_store("memory://"), MemorySessionStore)
    absolute = open_session_store(f"sqlite:///{tmp_path}/a/b/s.db")
    assert isinstance(absolute, SQLiteSessionStore)
    absolute.close()
    folder = tmp_path / "a"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    monkeypatch.chdir(tmp_path)
    relative = open_session_store("sqlite:///rel/s.db")
    relative.close()
    assert (tmp_path / "rel" / "s.db").exists()
    with pytest.raises(ConfigurationError):
        open_session_store("postgres://x")
    with pytest.raises(ConfigurationError):
        open_session_store("nonsense")


def test_factory_opens_redis_with_a_prefix() -> None:
    require_redis()
    store = open_session_store(f"{REDIS_URL}?prefix=asmtest-factory", retention_seconds=60)
    try:
        assert store.get_session("nope") is None
        assert getattr(store, "prefix", None) == "asmtest-factory"
    finally:
        store.close()


def test_a_redis_that_does_not_answer_is_backend_unavailable() -> None:
    with pytest.raises(BackendUnavailable, match="does not answer"):
        open_session_store("redis://127.0.0.1:1/0")
    from agent_session_memory.stores.sessions.redis import RedisSessionStore

    store = RedisSessionStore("redis://127.0.0.1:1/0")
    with pytest.raises(BackendUnavailable):
        store.get_context("s", None, T0)
    store.close()


def test_sqlite_schema_is_versioned_and_refuses_a_newer_one(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteSessionStore(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(ConfigurationError, match="schema version 999"):
        SQLiteSessionStore(path)


# -- Redis: a session's keys expire together --------------------------------------------------
def _expire_times(store: Any, session_id: str) -> dict[str, int]:
    client = store._redis
    keys = client.keys(f"{store.prefix}:{{{session_id}}}:*")
    return {key.rsplit(":", 1)[1]: client.pexpiretime(key) for key in keys}


def test_redis_session_keys_expire_together(store_factory: Any) -> None:
    store = store_factory("redis")
    now = float(int(time.time()))  # not T0: a long test run would put T0 + 60 in the past
    sid = start(store, now=now, ttl=60).id
    put(store, sid, now, k=1)
    store.append_messages(sid, [msg("hi")], now)
    retention_ms = 7 * 24 * 3600 * 1000
    times = _expire_times(store, sid)
    assert set(times) == {"s", "cv", "cver", "cr", "cmeta", "m", "ms", "mi", "mc"}
    assert set(times.values()) == {int((now + 60) * 1000) + retention_ms}
    store.touch_session(sid, now + 10, 100)
    assert set(_expire_times(store, sid).values()) == {int((now + 110) * 1000) + retention_ms}
    store.delete_context(sid, ["k"], now + 11)
    put(store, sid, now + 12, again=1)  # keys that come back get the session's expiry again
    assert set(_expire_times(store, sid).values()) == {int((now + 110) * 1000) + retention_ms}


def test_redis_keeps_a_session_from_a_clock_in_the_past(store_factory: Any) -> None:
    store = store_factory("redis")
    long_ago = T0 - 365 * 24 * 3600
    sid = start(store, now=long_ago, ttl=60).id
    put(store, sid, long_ago + 1, k=1)
    assert store.get_session(sid) is not None
    assert min(_expire_times(store, sid).values()) > T0 * 1000


def test_threads_sharing_a_store_lose_no_update(store: SessionStore) -> None:
    import threading

    sid = start(store).id

    def increment() -> None:
        done = 0
        while done < 50:
            item = store.get_context(sid, ["n"], T0, count_read=False).get("n")
            value, version = (json.loads(item.value_json), item.version) if item else (0, 0)
            try:
                store.set_context(sid, [ContextWrite("n", json.dumps(value + 1), None, version)],
                                  T0, MAX)  # fmt: skip
            except Conflict:
                continue
            done += 1

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert values(store, sid) == {"n": 200}


def test_a_locked_sqlite_file_is_backend_unavailable(tmp_path: Path) -> None:
    store = SQLiteSessionStore(tmp_path / "s.db", busy_timeout_seconds=0.05)
    sid = start(store).id
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with pytest.raises(BackendUnavailable):
            put(store, sid, k=1)
        with pytest.raises(BackendUnavailable):
            store.append_messages(sid, [msg("x")], T0)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert put(store, sid, k=1) == {"k": 1}
    store.close()


# -- retention --------------------------------------------------------------------------------
def test_pruning_drops_old_events_of_every_workspace_and_nothing_newer(
    store: SessionStore,
) -> None:
    old = [make_event("a", at=T0 - 100), make_event("b", at=T0 - 50)]
    kept = [make_event("a", at=T0), make_event("b", at=T0 + 1)]
    store.append_events([*old, *kept])
    assert store.prune_events(T0) == 2
    assert store.list_events("a") == [kept[0]] and store.list_events("b") == [kept[1]]
    assert store.prune_events(T0) == 0
    store.append_events([old[0]])  # an id pruned is an id forgotten: it may come back
    assert store.list_events("a") == [old[0], kept[0]]
