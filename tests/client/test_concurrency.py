"""update_context through the public client: N processes incrementing one key lose nothing."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from pathlib import Path

import pytest

from agent_session_memory import MemoryClient

REDIS_URL = os.environ.get("AGENT_MEMORY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PROCESSES, INCREMENTS = 4, 500


def _increment(home: str, store_url: str | None, session_id: str) -> None:
    with MemoryClient(path=home, session_store_url=store_url) as client:
        for _ in range(INCREMENTS):
            client.update_context(session_id, "count", lambda v: (v or 0) + 1)


def _run_processes(home: Path, store_url: str | None) -> int:
    with MemoryClient(path=str(home), session_store_url=store_url) as client:
        session = client.create_session(ttl_seconds=3600)
        ctx = multiprocessing.get_context("spawn")
        workers = [
            ctx.Process(target=_increment, args=(str(home), store_url, session.id))
            for _ in range(PROCESSES)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join(240)
        assert all(w.exitcode == 0 for w in workers)
        count: int = client.get_context(session.id, "count")
        return count


def test_four_processes_on_sqlite(tmp_path: Path) -> None:
    assert _run_processes(tmp_path, None) == PROCESSES * INCREMENTS


def test_four_processes_on_redis(tmp_path: Path) -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.fail(f"no Redis answers at {REDIS_URL}")
    prefix = f"asmtest-{uuid.uuid4().hex[:12]}"
    url = f"{REDIS_URL}?prefix={prefix}"
    try:
        assert _run_processes(tmp_path, url) == PROCESSES * INCREMENTS
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
