"""``replace_messages``: every message swapped for new ones atomically, on every store."""

from __future__ import annotations

import json

import pytest

from agent_session_memory.errors import SessionEnded, SessionExpired, SessionNotFound
from agent_session_memory.stores.sessions.base import MessageRecord, SessionStore

from .conftest import T0, make_event, start


def msg(content: str, status: str = "active") -> MessageRecord:
    return MessageRecord(
        role="user",
        content=content,
        token_count=len(content),
        created_at=T0,
        data_json=json.dumps({"n": content}),
        status=status,
    )


def test_replace_swaps_every_message_and_continues_seqs(store: SessionStore) -> None:
    sid = start(store).id
    store.append_messages(sid, [msg("a"), msg("b"), msg("old", "archived")], T0)
    assert store.replace_messages(sid, [msg("x"), msg("y", "archived")], T0 + 1) == [4, 5]
    every = store.read_messages(sid, T0 + 1, status=None)
    assert [(m.content, m.status, m.seq) for m in every] == [
        ("x", "active", 4),
        ("y", "archived", 5),
    ]
    assert store.count_messages(sid, T0 + 1) == 1
    assert store.count_messages(sid, T0 + 1, status="archived") == 1
    assert store.count_messages(sid, T0 + 1, status=None) == 2
    assert store.get_session(sid).changed_at == T0 + 1  # type: ignore[union-attr]
    assert store.append_messages(sid, [msg("z")], T0 + 2) == [6]


def test_replace_with_nothing_clears(store: SessionStore) -> None:
    sid = start(store).id
    store.append_messages(sid, [msg("a")], T0)
    assert store.replace_messages(sid, [], T0) == []
    assert store.read_messages(sid, T0, status=None) == []
    assert store.count_messages(sid, T0, status=None) == 0


def test_replace_needs_a_live_session_and_changes_nothing_otherwise(store: SessionStore) -> None:
    ended = start(store).id
    store.append_messages(ended, [msg("kept")], T0)
    store.end_session(ended, T0, make_event(type_="session_ended"))
    with pytest.raises(SessionEnded):
        store.replace_messages(ended, [msg("new")], T0)
    assert [m.content for m in store.read_messages(ended, T0)] == ["kept"]
    expired = start(store, ttl=10).id
    with pytest.raises(SessionExpired):
        store.replace_messages(expired, [msg("new")], T0 + 10)
    with pytest.raises(SessionNotFound):
        store.replace_messages("missing", [msg("new")], T0)
