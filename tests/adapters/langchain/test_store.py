"""SessionContextStore beyond the standard suite: JSON values, atomicity, typed errors."""

from __future__ import annotations

import pytest

from agent_session_memory import InvalidInput, MemoryClient, Session, SessionNotFound
from agent_session_memory.adapters.langchain import SessionContextStore


def test_values_are_working_memory(client: MemoryClient, session: Session) -> None:
    store = SessionContextStore(session.id, client=client, importance=0.9)
    store.mset([("task", {"goal": "ship"}), ("note", None)])
    assert client.get_context(session.id, "task") == {"goal": "ship"}
    assert store.mget(["note", "missing"]) == [None, None]
    assert sorted(store.yield_keys()) == ["note", "task"]
    item = client.get_context_item(session.id, "task")
    assert item is not None and item.importance == 0.9


def test_mset_is_atomic_and_refuses_non_json(client: MemoryClient, session: Session) -> None:
    store = SessionContextStore(session.id, client=client)
    with pytest.raises(InvalidInput):
        store.mset([("ok", 1), ("bad", b"bytes")])
    assert store.mget(["ok"]) == [None]
    with pytest.raises(InvalidInput):
        store.mset([("", 1)])


def test_bad_sessions_are_typed_errors(client: MemoryClient) -> None:
    with pytest.raises(InvalidInput):
        SessionContextStore("bad id!", client=client)
    with pytest.raises(SessionNotFound):
        SessionContextStore("missing", client=client).mget(["a"])
