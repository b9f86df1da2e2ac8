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
        "AGENT_MEMORY_WORKSPACE",
        "AGENT_MEMORY_URL",
        "AGENT_MEMORY_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    yield home
