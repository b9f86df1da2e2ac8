"""The server commits expired sessions by itself, once per interval however many processes run."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from agent_session_memory import MemoryClient
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.server.settings import ServerSettings
from agent_session_memory.server.sweeper import sweep_forever
from tests.live_server import serve_in_thread


def test_an_expired_session_is_committed_without_a_caller(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = ServerSettings(sweep_interval=0.2)
    with serve_in_thread(home=home, settings=settings) as url, MemoryClient(base_url=url) as c:
        sid = c.create_session(ttl_seconds=1).id
        c.set_context(sid, "decision_db", "We decided to use Postgres", importance=0.9)
        observer = Engine(Settings(home=home))  # reads the store, so it sweeps nothing itself
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            record = observer.store.get_session(sid)
            if record is not None and record.committed_at is not None:
                break
            time.sleep(0.1)
        observer.close()
    assert record is not None and record.committed_at is not None
    with MemoryClient(path=str(home)) as embedded:
        assert [m.content for m in embedded.list_memories()] == [
            "decision db: We decided to use Postgres"
        ]


def test_two_processes_sweep_the_home_once_per_interval(tmp_path: Path) -> None:
    engines = [Engine(Settings(home=tmp_path / "home")) for _ in range(2)]
    sweeps: list[int] = []
    for n, engine in enumerate(engines):
        original = engine.lifecycle.sweep_home

        def counted(original: Any = original, n: int = n) -> Any:
            sweeps.append(n)
            return original()

        engine.lifecycle.sweep_home = counted  # type: ignore[method-assign]

    async def run_both() -> None:
        async with sweep_forever(engines[0], 0.25), sweep_forever(engines[1], 0.25):
            await asyncio.sleep(1.4)

    # In a thread of its own: a browser test's event loop may still be set on this one.
    runner = threading.Thread(target=asyncio.run, args=(run_both(),))
    runner.start()
    runner.join()
    for engine in engines:
        engine.close()
    assert 1 <= len(sweeps) <= 6, sweeps  # ~5 intervals: one sweep each, not one per process (~10)
