"""What every SQLite file of ours needs at open, whichever store holds it.

- A file that exists but holds zero bytes was truncated: SQLite would silently treat it as a new,
  empty database (a home that "lost" every session or memory without a word).
- Switching a file to WAL takes its exclusive lock, and SQLite answers "database is locked" at
  once, without its busy handler, when another opener holds a lock it could deadlock with (two
  processes opening one fresh home): the switch is retried until the busy timeout.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ..errors import BackendUnavailable

# Another process may have just created the file and not written its header yet: a file that
# stays empty this long is damaged, not new.
GRACE_SECONDS = 1.0


def refuse_empty(path: Path, holds: str) -> None:
    """Raise ``BackendUnavailable`` (reason ``empty_file``) when ``path`` stays zero bytes."""
    deadline = time.monotonic() + GRACE_SECONDS
    while _empty(path):
        if time.monotonic() > deadline:
            raise BackendUnavailable(
                f"{path} is empty (0 bytes): the {holds} it held were truncated or lost. "
                "Restore it from a backup, or move it away to start afresh",
                reason="empty_file",
                path=str(path),
            )
        time.sleep(0.05)


def use_wal(db: sqlite3.Connection, timeout_seconds: float) -> str:
    """Switch ``db`` to WAL, waiting up to ``timeout_seconds`` for other openers; returns the
    journal mode SQLite reports (the caller refuses anything but ``wal``)."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        try:
            return str(db.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            busy = getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


__all__ = ["refuse_empty", "use_wal"]
