"""Fixtures for long-term memory: one real MiniLM embedder per run, a fresh home per test.

``lt`` is the production stack (SQLite + embedded Chroma); ``mem_lt`` runs on the in-memory
reference store, for tests about the engine's logic rather than about Chroma; ``any_lt`` and
``engine`` run on both.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore
from agent_session_memory.stores.sessions.base import EventRecord


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


class Recorder:
    """Collects emitted events; builds them like ``Shared.event`` (engine/shared.py)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.events: list[EventRecord] = []

    def event(
        self,
        workspace_id: str,
        type_: str,
        *,
        session_id: str | None = None,
        memory_id: str | None = None,
        **data: Any,
    ) -> EventRecord:
        return EventRecord(
            uuid.uuid4().hex,
            workspace_id,
            type_,
            self.clock.now(),
            session_id,
            memory_id,
            json.dumps(data),
        )

    def emit(self, events: list[EventRecord]) -> None:
        self.events.extend(events)

    def types(self) -> list[str]:
        return [e.type for e in self.events]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def recorder(clock: ManualClock) -> Recorder:
    return Recorder(clock)


def open_longterm(
    home: Path,
    embedder: Any,
    clock: ManualClock,
    recorder: Recorder,
    store: InMemoryLongTermStore | None = None,
    **settings: Any,
) -> LongTermMemory:
    return LongTermMemory(
        Settings(home=home, **settings),
        clock=clock,
        emit=recorder.emit,
        event=recorder.event,
        embedding_function=embedder,
        longterm_store=store,
    )


@pytest.fixture
def lt(
    tmp_path: Path, embedder: MiniLMEmbedder, clock: ManualClock, recorder: Recorder
) -> Iterator[LongTermMemory]:
    memory = open_longterm(tmp_path / "home", embedder, clock, recorder)
    yield memory
    memory.close()


@pytest.fixture
def mem_lt(
    tmp_path: Path, embedder: MiniLMEmbedder, clock: ManualClock, recorder: Recorder
) -> Iterator[LongTermMemory]:
    """Long-term memory on the in-memory store (MiniLM still: dedup is about meaning)."""
    memory = open_longterm(tmp_path / "home", embedder, clock, recorder, InMemoryLongTermStore())
    yield memory
    memory.close()


@pytest.fixture(params=["memory", "sqlite+chroma"])
def any_lt(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    embedder: MiniLMEmbedder,
    clock: ManualClock,
    recorder: Recorder,
) -> Iterator[LongTermMemory]:
    """Long-term memory on each store, for behaviour every store must give the engine."""
    store = InMemoryLongTermStore() if request.param == "memory" else None
    memory = open_longterm(tmp_path / "home", embedder, clock, recorder, store)
    yield memory
    memory.close()


@pytest.fixture(params=["memory", "sqlite+chroma"])
def engine(
    request: pytest.FixtureRequest, tmp_path: Path, embedder: MiniLMEmbedder, clock: ManualClock
) -> Iterator[Any]:
    """An Engine on each long-term store (validation runs before either is opened)."""
    from agent_session_memory.engine import Engine

    store = InMemoryLongTermStore() if request.param == "memory" else None
    eng = Engine(
        Settings(home=tmp_path / "home", session_store_url="memory://"),
        clock=clock,
        embedding_function=embedder,
        longterm_store=store,
    )
    yield eng
    eng.close()


CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(  # one `chroma run` for every test that asks
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip("chroma CLI not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
