"""Opening a SQLite file of ours while another opener holds its lock waits; it does not fail.

Two processes opening one fresh home at once (two Claude Code windows) raced on the switch to
WAL: SQLite answers "database is locked" at once, without its busy handler, when the other opener
holds a lock the switch could deadlock with. The test holds that lock deterministically: a
rollback-journal writer on the fresh file, released shortly after the opener starts.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_session_memory.server.keys import KeyStore
from agent_session_memory.stores.longterm.sqlite_rows import SqliteRows
from agent_session_memory.stores.sessions.sqlite.connection import SQLiteConnection

OPENERS: dict[str, Callable[[Path], object]] = {
    "sessions": SQLiteConnection,
    "memories": SqliteRows,
    "keys": KeyStore,
}


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA journal_mode").fetchone()[0])


@pytest.mark.parametrize("kind", OPENERS)
def test_a_file_another_opener_is_writing_is_opened_once_it_is_free(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / f"{kind}.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE other_opener (x)")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO other_opener VALUES (1)")
    released = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    released.start()
    try:
        opened = OPENERS[kind](path)
    finally:
        released.join()
        other.close()
    assert _journal_mode(path) == "wal"
    close = getattr(opened, "close", None)
    if close is not None:
        close()
