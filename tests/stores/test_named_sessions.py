"""Named sessions (``open_named_session`` / ``find_named_session``), on every store."""

from __future__ import annotations

import threading
from dataclasses import replace

from agent_session_memory.stores.sessions.base import SessionStore

from .conftest import T0, make_event, make_session


def _open(store: SessionStore, name: str, now: float = T0, workspace_id: str = "ws") -> tuple:
    record = make_session(workspace_id=workspace_id, now=now, name=name)
    return store.open_named_session(record, make_event(workspace_id, session_id=record.id), now)


def test_a_name_opens_one_session_until_it_ends(store: SessionStore) -> None:
    first, created = _open(store, "thread-1")
    assert created and first.name == "thread-1"
    again, created_again = _open(store, "thread-1", now=T0 + 1)
    assert (again.id, created_again) == (first.id, False)
    assert store.get_session(first.id) == first
    store.end_session(first.id, T0 + 2, make_event(type_="session_ended"))
    after_end, created = _open(store, "thread-1", now=T0 + 3)
    assert created and after_end.id != first.id
    assert store.find_named_session("ws", "thread-1") == after_end


def test_an_expired_named_session_is_replaced(store: SessionStore) -> None:
    first, _ = _open(store, "n")
    second, created = _open(store, "n", now=T0 + 61)  # make_session's TTL is 60 s
    assert created and second.id != first.id


def test_names_are_per_workspace_and_unknown_names_find_nothing(store: SessionStore) -> None:
    a, _ = _open(store, "same", workspace_id="wa")
    b, _ = _open(store, "same", workspace_id="wb")
    assert a.id != b.id
    assert store.find_named_session("wa", "same") == a
    assert store.find_named_session("wa", "other") is None
    assert store.find_named_session("wc", "same") is None


def test_a_deleted_named_session_is_not_found_and_the_name_is_reused(store: SessionStore) -> None:
    first, _ = _open(store, "gone")
    assert store.delete_session(first.id, None)
    assert store.find_named_session("ws", "gone") is None
    second, created = _open(store, "gone")
    assert created and second.id != first.id


def test_names_take_any_text(store: SessionStore) -> None:
    name = "thread:ünïcode/with spaces:and:colons " + "x" * 200
    record, _ = _open(store, name)
    assert store.find_named_session("ws", name) == record
    assert replace(record, name=None) != record


def test_concurrent_openers_of_a_name_share_one_session(store: SessionStore) -> None:
    barrier = threading.Barrier(8)
    ids: list[str] = []

    def opener() -> None:
        barrier.wait()
        record, _ = _open(store, "raced")
        ids.append(record.id)

    threads = [threading.Thread(target=opener) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 8 and len(set(ids)) == 1
    named = [s for s in store.list_sessions("ws") if s.name == "raced"]
    assert [s.id for s in named] == [ids[0]]
