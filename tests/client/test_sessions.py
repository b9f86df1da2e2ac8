"""Sessions and working memory through the public client, as a user sees them."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import AsyncMemoryClient, MemoryClient, SessionNotFound
from agent_session_memory.client.transport import LocalTransport
from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine


def test_get_context_has_three_shapes(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60, workspace_id="ws")
    client.set_context(session.id, "a", 1)
    client.set_context(session.id, "b", {"x": [1, 2]})
    assert client.get_context(session.id, "a") == 1
    assert client.get_context(session.id, ["a"]) == 1
    assert client.get_context(session.id, ["missing"]) is None
    assert client.get_context(session.id, ["a", "b", "missing"]) == {"a": 1, "b": {"x": [1, 2]}}
    assert client.get_context(session.id) == {"a": 1, "b": {"x": [1, 2]}}


def test_versions_importance_and_deleting_keys(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60)
    assert client.set_context(session.id, "k", "v1") == 1
    assert client.set_context(session.id, "k", "v2", importance=0.9) == 2
    item = client.get_context_item(session.id, "k")
    assert item is not None and item.version == 2 and item.importance == 0.9
    assert client.delete_context(session.id, ["k", "absent"]) == 1
    assert client.get_context(session.id) == {}


def test_listing_keys_counts_no_reads(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60)
    client.set_contexts(session.id, {"task:a": 1, "task:b": 2, "user": "x"})
    assert client.list_context_keys(session.id) == ["task:a", "task:b", "user"]
    assert client.list_context_keys(session.id, prefix="task:") == ["task:a", "task:b"]
    # this read is the first one: listing twice counted none
    assert all(item.reads == 1 for item in client.get_context_items(session.id).values())


def test_ttl_touch_and_expiry(tmp_path: Path) -> None:
    clock = ManualClock()
    client = MemoryClient(
        transport=LocalTransport(Engine(Settings(home=tmp_path, auto_commit=False), clock=clock))
    )
    session = client.create_session(ttl_seconds=100)
    assert session.expires_at.timestamp() == pytest.approx(clock.now() + 100)
    clock.advance(90)
    touched = client.touch_session(session.id)
    assert touched.expires_at.timestamp() == pytest.approx(clock.now() + 100)
    touched = client.touch_session(session.id, ttl_seconds=500)
    assert touched.ttl_seconds == 500
    clock.advance(499)
    assert client.get_session(session.id).status.value == "active"
    clock.advance(1)
    assert client.get_session(session.id).status.value == "expired"


def test_list_end_and_delete(client: MemoryClient) -> None:
    first = client.create_session(ttl_seconds=60, workspace_id="ws")
    second = client.create_session(ttl_seconds=60, workspace_id="ws")
    client.create_session(ttl_seconds=60, workspace_id="other")
    assert [s.id for s in client.list_sessions("ws")] == [second.id, first.id]
    ended = client.end_session(first.id)
    assert ended.status.value == "ended" and ended.ended_at is not None
    assert [s.id for s in client.list_sessions("ws", status="active")] == [second.id]
    assert client.delete_session(first.id) is True
    assert client.delete_session(first.id) is False
    with pytest.raises(SessionNotFound):
        client.get_session(first.id)


def test_working_memory_persists_across_processes_of_one_home(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path)) as writer:
        session = writer.create_session(ttl_seconds=600)
        writer.set_context(session.id, "user_name", "Alice")
    with MemoryClient(path=str(tmp_path)) as reader:  # a new engine, as a new process would open
        assert reader.get_context(session.id, ["user_name"]) == "Alice"


def test_update_context_from_threads_loses_nothing(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=600)

    def bump() -> None:
        for _ in range(50):
            client.update_context(session.id, "count", lambda v: (v or 0) + 1)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert client.get_context(session.id, "count") == 200


def test_the_sync_client_works_inside_a_running_loop(tmp_path: Path) -> None:
    """Jupyter runs user code inside an event loop; the sync client must not nest one."""

    async def notebook_cell() -> Any:
        with MemoryClient(path=str(tmp_path)) as client:
            session = client.create_session(ttl_seconds=60)
            client.set_context(session.id, "k", "v")
            return client.get_context(session.id, "k")

    assert asyncio.run(notebook_cell()) == "v"


async def test_the_async_client_never_blocks_the_loop(tmp_path: Path) -> None:
    """A slow token counter (any callable may be plugged in) runs while the loop keeps ticking."""
    release = threading.Event()
    released_while_counting: list[bool] = []

    def slow_counter(text: str) -> int:
        released_while_counting.append(release.wait(10))  # True only if the loop kept running
        return len(text.split())

    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while not release.is_set():
            ticks += 1
            if ticks >= 5:
                release.set()
            await asyncio.sleep(0.01)

    async with AsyncMemoryClient(path=str(tmp_path), token_counter=slow_counter) as client:
        session = await client.create_session(ttl_seconds=60)
        added, _ = await asyncio.gather(
            client.add_messages(session.id, [{"role": "user", "content": "hello there"}]),
            ticker(),
        )
    assert released_while_counting == [True], "the loop stalled while the engine worked"
    assert added[0].token_count > 0


def test_messages_last_n_and_clear(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60)
    client.add_messages(session.id, [{"role": "user", "content": f"m{i}"} for i in range(10)])
    assert [m.content for m in client.get_messages(session.id, last_n=3)] == ["m7", "m8", "m9"]
    assert client.count_messages(session.id) == 10
    assert client.clear_messages(session.id) == 10
    assert client.get_messages(session.id) == []


def test_messages_can_be_added_archived(client: MemoryClient) -> None:
    session = client.create_session(ttl_seconds=60)
    client.add_messages(
        session.id,
        [
            {"role": "user", "content": "old", "status": "archived"},
            {"role": "user", "content": "new"},
        ],
    )
    assert [m.content for m in client.get_messages(session.id)] == ["new"]
    assert [m.content for m in client.get_messages(session.id, status="archived")] == ["old"]
    assert [m.content for m in client.get_messages(session.id, status=None)] == ["old", "new"]
