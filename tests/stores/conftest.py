"""Session stores for the store tests: memory, SQLite (a temporary file) and a real Redis.

Redis is ``$AGENT_MEMORY_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``); every store gets a
unique key prefix and its keys are deleted afterwards. When no Redis answers the redis cases fail,
unless ``AGENT_MEMORY_SKIP_REDIS=1`` says to skip them.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.stores.sessions.base import EventRecord, SessionRecord, SessionStore
from agent_session_memory.stores.sessions.memory import MemorySessionStore
from agent_session_memory.stores.sessions.sqlite import SQLiteSessionStore

REDIS_URL = os.environ.get("AGENT_MEMORY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
KINDS = ["memory", "sqlite", "redis"]
# A real epoch time: Redis keeps a session's keys until expires_at + retention, so a clock far in
# the past would still work (the store clamps to Redis' time), but tests should look like life.
T0 = float(int(time.time()))


def require_redis() -> None:
    """Fail (or skip, if asked to) when the test Redis does not answer."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("AGENT_MEMORY_SKIP_REDIS") == "1":
            pytest.skip(f"no Redis at {REDIS_URL} (AGENT_MEMORY_SKIP_REDIS=1)")
        pytest.fail(
            f"no Redis answers at {REDIS_URL}: {exc} (set AGENT_MEMORY_SKIP_REDIS=1 to skip)"
        )


def unique_prefix() -> str:
    return f"asmtest-{uuid.uuid4().hex[:12]}"


def drop_prefix(prefix: str) -> None:
    """Delete every key a test store wrote."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])
    client.close()


def open_store(kind: str, folder: Path, prefix: str | None = None) -> SessionStore:
    """A fresh store of one kind (the Redis one under ``prefix``)."""
    if kind == "memory":
        return MemorySessionStore()
    if kind == "sqlite":
        return SQLiteSessionStore(folder / "sessions.db")
    from agent_session_memory.stores.sessions.redis import RedisSessionStore

    return RedisSessionStore(REDIS_URL, prefix=prefix or unique_prefix())


@pytest.fixture
def store_factory(tmp_path: Path) -> Iterator[Callable[[str], SessionStore]]:
    """Open stores of any kind; closes them and removes their Redis keys afterwards."""
    opened: list[tuple[SessionStore, str | None]] = []
    counter = iter(range(1_000_000))

    def make(kind: str) -> SessionStore:
        prefix = None
        if kind == "redis":
            require_redis()
            prefix = unique_prefix()
        store = open_store(kind, tmp_path / f"s{next(counter)}", prefix)
        opened.append((store, prefix))
        return store

    yield make
    for store, prefix in opened:
        store.close()
        if prefix is not None:
            drop_prefix(prefix)


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, store_factory: Callable[[str], SessionStore]) -> Any:
    return store_factory(request.param)


def make_session(
    session_id: str | None = None,
    workspace_id: str = "ws",
    now: float = T0,
    ttl: float = 60.0,
    **fields: Any,
) -> SessionRecord:
    return SessionRecord(
        id=session_id or uuid.uuid4().hex,
        workspace_id=workspace_id,
        created_at=now,
        touched_at=now,
        expires_at=now + ttl,
        ttl_seconds=ttl,
        **fields,
    )


def make_event(
    workspace_id: str = "ws", type_: str = "session_started", at: float = T0, **fields: Any
) -> EventRecord:
    return EventRecord(id=uuid.uuid4().hex, workspace_id=workspace_id, type=type_, at=at, **fields)


def start(store: SessionStore, **kwargs: Any) -> SessionRecord:
    """Create a session (with its started event) and return its record."""
    record = make_session(**kwargs)
    store.create_session(
        record, make_event(record.workspace_id, at=record.created_at, session_id=record.id)
    )
    return record
