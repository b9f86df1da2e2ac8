"""Two stdio servers on one embedded home at once (two Claude Code windows): nothing is lost."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from mcp import Client

from agent_session_memory import MemoryClient

from .conftest import call, stdio_params

pytestmark = pytest.mark.timeout(240)
N = 6


async def _work(client: Client, name: str) -> str:
    session = await call(client, "memory_session_start", {"workspace_id": "shared"})
    for n in range(N):
        await call(
            client,
            "memory_remember",
            {"content": f"{name} learned fact number {n}: the {name}-{n} service owns billing"},
        )
        await call(client, "memory_set_context", {"key": f"decision_{n}", "value": f"{name} {n}"})
    committed = await call(client, "memory_session_end", {"commit": True})
    assert committed["status"] == "ended"
    hits = (await call(client, "memory_recall", {"query": f"{name}-3 service", "k": 3}))["hits"]
    assert any(f"{name}-3" in hit["memory"]["content"] for hit in hits)
    return str(session["id"])


async def test_two_stdio_servers_on_one_home_corrupt_nothing(home: Path) -> None:
    async with Client(stdio_params(home)) as first, Client(stdio_params(home)) as second:
        ids = await asyncio.gather(_work(first, "alpha"), _work(second, "beta"))
    with MemoryClient(path=str(home), workspace_id="shared") as client:
        sessions = client.list_sessions()
        assert sorted(s.id for s in sessions) == sorted(ids)
        assert all(s.status.value == "ended" and s.committed_at for s in sessions)
        contents = [m.content for m in client.list_memories(limit=1000)]
        assert len(contents) == len(set(contents))
        for name in ("alpha", "beta"):
            assert sum(c.startswith(f"{name} learned") for c in contents) == N
            hits = client.recall(f"{name}-5 service owns billing", k=3)
            assert f"{name}-5" in hits[0].memory.content
