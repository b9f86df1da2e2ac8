"""Client fixtures: the embedded default (SQLite + embedded Chroma) in a fresh home.

Every client test runs through these fixtures, so the remote transport (next release) only has to
add its own parameter here to run the same tests against the HTTP server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from agent_session_memory import AsyncMemoryClient, MemoryClient


@pytest.fixture(params=["embedded"])
def transport_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(tmp_path: Path, transport_kind: str) -> Iterator[MemoryClient]:
    with MemoryClient(path=str(tmp_path / "home")) as c:
        yield c


@pytest.fixture
async def aclient(tmp_path: Path, transport_kind: str) -> AsyncIterator[AsyncMemoryClient]:
    async with AsyncMemoryClient(path=str(tmp_path / "home")) as c:
        yield c
