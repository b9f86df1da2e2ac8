"""``SessionCheckpointer`` passes LangGraph's own conformance suite, unmodified, on SQLite and
Redis session stores, through the async client (native async) and the sync client (in a worker
thread), and remotely through the HTTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from langgraph.checkpoint.conformance import checkpointer_test, validate
from langgraph.checkpoint.conformance.report import CapabilityReport

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.langchain import SessionCheckpointer
from tests.live_server import serve_in_thread
from tests.stores.conftest import REDIS_URL, drop_prefix, require_redis, unique_prefix

EXPECTED = {
    "put",
    "put_writes",
    "get_tuple",
    "list",
    "delete_thread",
    "delete_for_runs",
    "copy_thread",
    "prune",
}


def _check(report: CapabilityReport) -> None:
    failures = {name: r.failures for name, r in report.results.items() if r.failures}
    assert report.passed_all_base(), failures
    assert report.passed_all(), failures
    passed = {name for name, r in report.results.items() if r.detected and r.passed}
    assert passed == EXPECTED


def _store_url(kind: str, folder: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'sessions.db'}", None
    require_redis()
    prefix = unique_prefix()
    return f"{REDIS_URL}?prefix={prefix}", prefix


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
async def test_conformance_with_the_async_client(kind: str, tmp_path: Path) -> None:
    url, prefix = _store_url(kind, tmp_path)
    try:
        async with AsyncMemoryClient(path=str(tmp_path / "home"), session_store_url=url) as aclient:

            @checkpointer_test(name=f"SessionCheckpointer-{kind}-async")
            async def saver() -> AsyncIterator[SessionCheckpointer]:
                yield SessionCheckpointer(async_client=aclient)

            _check(await validate(saver))
    finally:
        if prefix:
            drop_prefix(prefix)


async def test_conformance_with_the_sync_client(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path / "home")) as client:

        @checkpointer_test(name="SessionCheckpointer-sqlite-sync")
        async def saver() -> AsyncIterator[SessionCheckpointer]:
            yield SessionCheckpointer(client=client)

        _check(await validate(saver))


async def test_conformance_remotely(tmp_path: Path) -> None:
    with serve_in_thread(home=tmp_path / "home") as base_url:
        async with AsyncMemoryClient(base_url=base_url) as aclient:

            @checkpointer_test(name="SessionCheckpointer-remote")
            async def saver() -> AsyncIterator[SessionCheckpointer]:
                yield SessionCheckpointer(async_client=aclient)

            _check(await validate(saver))
