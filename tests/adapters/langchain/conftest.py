"""Fixtures: a fresh embedded client (SQLite + embedded Chroma under tmp_path) per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from agent_session_memory import AsyncMemoryClient, MemoryClient, Session

pytest.importorskip("langchain_core")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def client(home: Path) -> Iterator[MemoryClient]:
    with MemoryClient(path=str(home)) as c:
        yield c


@pytest.fixture
async def aclient(home: Path) -> AsyncIterator[AsyncMemoryClient]:
    async with AsyncMemoryClient(path=str(home)) as c:
        yield c


@pytest.fixture
def session(client: MemoryClient) -> Session:
    return client.create_session(ttl_seconds=600)
