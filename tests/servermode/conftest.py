"""Server mode on real servers: Redis (sessions), a ``chroma run`` server (vectors) and
PostgreSQL (rows + lexical index), with ``asm serve`` processes in front of them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from ..live_server import serve_process
from ..longterm.conftest import chroma_server  # noqa: F401  (the one `chroma run` fixture)

REDIS_URL = os.environ.get("AGENT_MEMORY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def server_env(chroma_server: str, postgres_url: str) -> dict[str, str]:  # noqa: F811
    """The environment every API process of one deployment shares (a fresh Redis key space)."""
    return {
        "AGENT_MEMORY_SESSION_STORE_URL": f"{REDIS_URL}?prefix=sm{uuid.uuid4().hex[:10]}",
        "AGENT_MEMORY_CHROMA_URL": chroma_server,
        "AGENT_MEMORY_LEXICAL_URL": postgres_url,
    }


@pytest.fixture
def two_servers(tmp_path: Path, server_env: dict[str, str]) -> Iterator[list[str]]:
    """Two ``asm serve --open`` processes, each with its own (unused) home folder."""
    with ExitStack() as stack:
        urls = [
            stack.enter_context(serve_process(tmp_path / name, "--open", env=server_env))[0]
            for name in ("a", "b")
        ]
        yield urls
