"""A keyed server on loopback (the app ``asm serve`` runs) with keys for workspaces A and B."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.server.keys import KeyStore
from tests.live_server import serve_in_thread


@dataclass
class Server:
    url: str
    keys: KeyStore
    key_a: str  # reaches workspace "a"
    key_b: str  # reaches workspace "b"
    key_ab: str  # reaches both

    def http(self, key: str | None) -> httpx.Client:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    keys = KeyStore(tmp_path / "keys.db")
    _, key_a = keys.create(["a"], "key-a")
    _, key_b = keys.create(["b"], "key-b")
    _, key_ab = keys.create(["a", "b"], "key-ab")
    engine = Engine(Settings(home=tmp_path / "home"))
    with serve_in_thread(engine, keys=keys) as url:
        yield Server(url, keys, key_a, key_b, key_ab)
    keys.close()


@pytest.fixture
def open_server(tmp_path: Path) -> Iterator[str]:
    with serve_in_thread(home=tmp_path / "home") as url:
        yield url
