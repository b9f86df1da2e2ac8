"""Client fixtures: every client test runs embedded and remote.

``embedded``: SQLite + embedded Chroma in a fresh home. ``remote``: the HTTP transport against a
real server on loopback (the application ``asm serve`` runs) over its own fresh home.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from agent_session_memory import AsyncMemoryClient, MemoryClient
from tests.live_server import serve_in_thread


@pytest.fixture(params=["embedded", "remote"])
def transport_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client_options(tmp_path: Path, transport_kind: str) -> Iterator[dict[str, str]]:
    """What to pass to a client constructor to reach a fresh memory home."""
    home = tmp_path / "home"
    if transport_kind == "embedded":
        yield {"path": str(home)}
        return
    with serve_in_thread(home=home) as url:
        yield {"base_url": url}


@pytest.fixture
def client(client_options: dict[str, str]) -> Iterator[MemoryClient]:
    with MemoryClient(**client_options) as c:
        yield c


@pytest.fixture
async def aclient(client_options: dict[str, str]) -> AsyncIterator[AsyncMemoryClient]:
    async with AsyncMemoryClient(**client_options) as c:
        yield c
