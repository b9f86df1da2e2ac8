"""A keyed server on loopback (the app ``asm serve`` runs) with keys for workspaces A and B.

Every key test runs on both key backends (``key_storage``): a SQLite file (the embedded default)
and a fresh PostgreSQL database (server mode).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.server.key_rows import KeyRows
from agent_session_memory.server.keys import KeyStore
from agent_session_memory.server.keys_sqlite import SqliteKeyRows
from tests.live_server import serve_in_thread

#: Opens the test's key storage (each call a new opener, as another process would be).
OpenRows = Callable[[], KeyRows]


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


@pytest.fixture(params=["sqlite", "postgres"])
def key_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenRows]:
    """One key storage per test: a SQLite file, or a fresh PostgreSQL database (dropped after)."""
    opened: list[KeyRows] = []

    def opener(make: Callable[[], KeyRows]) -> OpenRows:
        def open_rows() -> KeyRows:
            opened.append(make())
            return opened[-1]

        return open_rows

    try:
        if request.param == "sqlite":
            yield opener(lambda: SqliteKeyRows(tmp_path / "keys.db"))
        else:
            from agent_session_memory.server.keys_postgres import PostgresKeyRows
            from tests.postgres_server import fresh_database

            with fresh_database(request.getfixturevalue("postgres_admin")) as url:
                try:
                    yield opener(lambda: PostgresKeyRows(url))
                finally:
                    for rows in opened:
                        rows.close()
    finally:
        for rows in opened:
            rows.close()


@pytest.fixture
def server(tmp_path: Path, key_storage: OpenRows) -> Iterator[Server]:
    keys = KeyStore(key_storage())
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
