"""Shared fixtures: every test gets its own memory home; nothing touches ~/.agent-session-memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "asm-home"
    monkeypatch.setenv("AGENT_MEMORY_HOME", str(home))
    for name in (
        "AGENT_MEMORY_SESSION_STORE_URL",
        "AGENT_MEMORY_CHROMA_URL",
        "AGENT_MEMORY_LEXICAL_URL",
        "AGENT_MEMORY_WORKSPACE",
        "AGENT_MEMORY_URL",
        "AGENT_MEMORY_API_KEY",
        "AGENT_MEMORY_KEYS_DB",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    """An admin URL of a real PostgreSQL (the machine's, or one the tests start)."""
    from .postgres_server import admin_url

    with admin_url() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """A fresh database for this test run (tests keep apart by unique workspace ids)."""
    from .postgres_server import fresh_database

    with fresh_database(postgres_admin) as url:
        yield url
