"""Each backend of server mode stopped and started again under a running API server while
clients keep sending requests (``load.py``): requests fail fast with a typed 503
(``BackendUnavailable``) naming the backend, and succeed again by themselves once it is back,
with no acknowledged write lost."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.errors import BackendUnavailable

from ..live_server import serve_in_thread
from ..postgres_server import Cluster
from .backends import ChromaServer, RedisServer
from .load import Load, Step

FAST = 5.0  # seconds: a refused backend must answer 503 sooner than this (no client retry)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    c = Cluster()
    c.start()
    yield c
    c.remove()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    r = RedisServer()
    r.start()
    yield r
    r.remove()


@pytest.fixture
def own_chroma() -> Iterator[ChromaServer]:
    c = ChromaServer()
    c.start()
    yield c
    c.remove()


@contextlib.contextmanager
def serving(tmp_path: Path, **settings: Any) -> Iterator[tuple[str, MemoryClient]]:
    engine = Engine(Settings(home=tmp_path / "home", **settings))
    with (
        serve_in_thread(engine) as url,
        MemoryClient(base_url=url, workspace_id="ws", retries=0) as client,
    ):
        yield url, client
    engine.close()


@contextlib.contextmanager
def under_load(url: str, workspace_id: str, step: Step, backend: str) -> Iterator[list[Load]]:
    """``step`` called in a loop by two clients while the block stops and starts a backend;
    afterwards, every failure they saw was a fast ``BackendUnavailable`` naming ``backend``."""
    loads = [Load(url, workspace_id, step) for _ in range(2)]
    for load in loads:
        load.start()
    for load in loads:
        load.succeeds()
    yield loads
    for load in loads:
        load.succeeds()  # by themselves: nothing of ours restarted the API server
        load.finish()
    failures = [f for load in loads for f in load.failures]
    assert failures, "the load never saw the backend down"
    for took, error in failures:
        assert took < FAST and backend in str(error), (took, str(error))


def fails_fast_naming(call: Callable[[], Any], backend: str) -> None:
    started = time.monotonic()
    with pytest.raises(BackendUnavailable) as caught:
        call()
    assert time.monotonic() - started < FAST
    assert backend in str(caught.value)


def recovers(call: Callable[[], Any], within: float = 15) -> Any:
    """The call's result once it succeeds again (the backend is back): no restart of ours."""
    deadline = time.monotonic() + within
    while True:
        try:
            return call()
        except BackendUnavailable:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def note_or_recall(client: MemoryClient, i: int) -> str | None:
    """Even calls remember a note (its id, once acknowledged); odd ones recall."""
    if i % 2:
        client.recall("load note", k=3)
        return None
    return client.remember(f"Load note {i}: {uuid.uuid4().hex}", importance=0.5).id


def acknowledged(loads: list[Load]) -> set[str]:
    return {x for load in loads for x in load.acknowledged if x is not None}


def test_postgresql_restart(tmp_path: Path, cluster: Cluster, chroma_server: str) -> None:
    lexical = {"chroma_url": chroma_server, "lexical_url": cluster.url}
    with serving(tmp_path, session_store_url="memory://", **lexical) as (url, client):
        with under_load(url, "load", note_or_recall, "PostgreSQL") as loads:
            before = client.remember("Acknowledged before the restart", importance=0.9)
            cluster.stop()
            loads[0].fails()
            fails_fast_naming(
                lambda: client.remember("Written while PostgreSQL is down"), "PostgreSQL"
            )
            fails_fast_naming(lambda: client.recall("restart", k=3), "PostgreSQL")
            cluster.start()
            after = recovers(lambda: client.remember("Written after the restart", importance=0.9))
        found = {m.id for m in client.list_memories()}
        assert {before.id, after.id} <= found and len(found) == 2
        kept = {m.id for m in client.list_memories(workspace_id="load", limit=10_000)}
        assert acknowledged(loads) <= kept


def test_chroma_server_restart(tmp_path: Path, own_chroma: ChromaServer, postgres_url: str) -> None:
    ws = f"ws{uuid.uuid4().hex[:8]}"
    load_ws = f"load{uuid.uuid4().hex[:8]}"
    dense = {"chroma_url": own_chroma.url, "lexical_url": postgres_url}
    with serving(tmp_path, session_store_url="memory://", **dense) as (url, client):
        with under_load(url, load_ws, note_or_recall, "Chroma") as loads:
            before = client.remember("Vectors live in Chroma", workspace_id=ws)
            own_chroma.stop()
            loads[0].fails()
            fails_fast_naming(lambda: client.recall("vectors", workspace_id=ws), "Chroma")
            # A new memory does not wait for the index: kept, and indexed once Chroma is back.
            during = client.remember("Chroma was down when this was written", workspace_id=ws)
            not_ready = httpx.get(f"{url}/ready", timeout=FAST)
            assert not_ready.status_code == 503
            assert "vectors" in not_ready.json()["error"]["details"]
            own_chroma.start()
            recovers(lambda: client.remember("After Chroma came back", workspace_id=ws))
            assert httpx.get(f"{url}/ready", timeout=FAST).json() == {"status": "ready"}
        hits = client.recall("where do vectors live?", k=5, workspace_id=ws)
        assert before.id in {h.memory.id for h in hits}
        later = client.recall("when was the vector server unavailable?", k=5, workspace_id=ws)
        assert during.id in {h.memory.id for h in later}
        kept = {m.id for m in client.list_memories(workspace_id=load_ws, limit=10_000)}
        assert acknowledged(loads) <= kept


def test_redis_restart(tmp_path: Path, redis_server: RedisServer) -> None:
    with serving(tmp_path, session_store_url=redis_server.url) as (url, client):
        session = client.create_session(ttl_seconds=600)
        client.set_context(session.id, "kept", "acknowledged before the restart")

        def set_or_get(load_client: MemoryClient, i: int) -> tuple[str, int] | None:
            if i % 2:
                load_client.get_context(session.id, "kept")
                return None
            key = f"k{uuid.uuid4().hex}"
            load_client.set_context(session.id, key, i)
            return key, i

        with under_load(url, "ws", set_or_get, "Redis") as loads:
            redis_server.stop()
            loads[0].fails()
            fails_fast_naming(lambda: client.create_session(ttl_seconds=600), "Redis")
            fails_fast_naming(lambda: client.get_context(session.id, "kept"), "Redis")
            redis_server.start()
            assert recovers(lambda: client.get_context(session.id, "kept")) == (
                "acknowledged before the restart"
            )
            client.set_context(session.id, "after", 1)
        written = dict(x for load in loads for x in load.acknowledged if x is not None)
        assert written and client.get_context(session.id, list(written)) == written
