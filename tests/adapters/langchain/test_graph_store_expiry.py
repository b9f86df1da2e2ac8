"""LangGraph-store TTLs hold on every read path, not only the store's own reads.

An item put with a TTL is a memory with ``expires_at``; once the engine's clock passes it,
recall, list, get, export, briefings, the retriever and the recall tool leave it out, and the
sweep deletes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent_session_memory import InvalidInput, MemoryClient, MemoryNotFound
from agent_session_memory.adapters.langchain import (
    MemoryGraphStore,
    MemoryRetriever,
    create_memory_tools,
)
from agent_session_memory.clock import ManualClock
from agent_session_memory.stores.longterm.filters import MemoryFilter


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def timed_client(home: Path, clock: ManualClock) -> Iterator[MemoryClient]:
    with MemoryClient(path=str(home), clock=clock) as c:
        yield c


@pytest.fixture
def store(timed_client: MemoryClient, clock: ManualClock) -> MemoryGraphStore:
    return MemoryGraphStore(client=timed_client, workspaces=["alice"], clock=clock.now)


def test_an_expired_item_is_gone_from_every_read(
    store: MemoryGraphStore, timed_client: MemoryClient, clock: ManualClock
) -> None:
    store.put(("alice",), "pass", {"text": "The staging door code is 4711"}, ttl=1)  # minutes
    store.put(("alice",), "wifi", {"text": "The staging wifi is called lab-net"})
    [short] = [m for m in timed_client.list_memories(workspace_id="alice") if "4711" in m.content]
    assert short.expires_at is not None
    clock.advance(61)
    c = timed_client
    assert [h.memory.content for h in c.recall("staging door code", workspace_id="alice")] == [
        "The staging wifi is called lab-net"
    ]
    listed = [m.content for m in c.list_memories(workspace_id="alice")]
    assert listed == ["The staging wifi is called lab-net"]
    with pytest.raises(MemoryNotFound):
        c.get_memory(short.id, workspace_id="alice")
    exported = [r["content"] for r in c.export_workspace(workspace_id="alice")]
    assert exported == ["The staging wifi is called lab-net"]
    briefing = c.get_briefing(workspace_id="alice", lookback_hours=24)
    assert "4711" not in json.dumps(briefing.to_dict())
    retriever = MemoryRetriever(client=c, workspace_id="alice")
    docs = retriever.invoke("staging door code")
    assert [d.page_content for d in docs] == ["The staging wifi is called lab-net"]
    session = c.create_session(workspace_id="alice")
    tools = create_memory_tools(session.id, client=c, include=["recall"])
    [recall_tool] = tools
    assert "4711" not in str(recall_tool.invoke({"query": "staging door code"}))


def test_the_sweep_deletes_expired_items_and_a_refresh_keeps_them(
    store: MemoryGraphStore, timed_client: MemoryClient, clock: ManualClock, home: Path
) -> None:
    store.put(("alice",), "kept", {"text": "read often"}, ttl=1)
    store.put(("alice",), "gone", {"text": "never read"}, ttl=1)
    clock.advance(50)
    assert store.get(("alice",), "kept") is not None  # refresh_on_read: 60 s from now
    clock.advance(20)
    assert [m.content for m in timed_client.list_memories(workspace_id="alice")] == ["read often"]
    engine = timed_client._transport.engine  # type: ignore[attr-defined]
    engine.lifecycle.sweep_home()
    rows = engine.memories.longterm.store.list_rows("alice", MemoryFilter(include_superseded=True))
    assert [m.content for m in rows] == ["read often"]  # the expired one is deleted


def test_putting_without_ttl_makes_an_item_permanent(
    store: MemoryGraphStore, timed_client: MemoryClient, clock: ManualClock
) -> None:
    store.put(("alice",), "k", {"text": "first temporary"}, ttl=1)
    store.put(("alice",), "k", {"text": "then for good"})
    clock.advance(3600)
    assert [m.content for m in timed_client.list_memories(workspace_id="alice")] == [
        "then for good"
    ]
    item = store.get(("alice",), "k")
    assert item is not None and item.value == {"text": "then for good"}


def test_a_memory_ttl_must_be_positive(timed_client: MemoryClient) -> None:
    for bad in (0, -1, float("inf"), True, "60"):
        with pytest.raises(InvalidInput):
            timed_client.remember("x", ttl_seconds=bad, workspace_id="alice")  # type: ignore[arg-type]
    assert timed_client.list_memories(workspace_id="alice") == []


def test_an_exported_expiry_comes_back_with_an_import(
    timed_client: MemoryClient, clock: ManualClock
) -> None:
    timed_client.remember("a note for an hour", ttl_seconds=3600, workspace_id="alice")
    timed_client.remember("a note for good", workspace_id="alice")
    exported = timed_client.export_workspace(workspace_id="alice")
    assert timed_client.import_workspace(exported, workspace_id="bob").imported == 2
    clock.advance(3601)
    assert [m.content for m in timed_client.list_memories(workspace_id="bob")] == [
        "a note for good"
    ]
