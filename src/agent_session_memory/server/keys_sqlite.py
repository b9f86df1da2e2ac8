"""API keys in one SQLite file (the home's ``keys.db``): the embedded default.

Every process of one host that opens the file shares the keys (WAL, a busy timeout); a file is
not shared across machines, which is why server mode keeps keys in PostgreSQL instead.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from ..stores.sqlite_file import use_wal
from .key_rows import ApiKey

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    workspaces TEXT NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
)
"""
_COLUMNS = "id, name, workspaces, created_at, revoked_at"


class SqliteKeyRows:
    """``KeyRows`` in a SQLite file; one connection per thread. Workspaces are a JSON list."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connect().execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            use_wal(db, 30)
            self._local.db = db
        return db

    def insert(self, key: ApiKey, secret_sha256: str) -> None:
        self._connect().execute(
            "INSERT INTO api_keys (id, name, secret_sha256, workspaces, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key.id, key.name, secret_sha256, json.dumps(key.workspaces), key.created_at),
        )

    def all(self) -> list[ApiKey]:
        rows = self._connect().execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at")
        return [_key(row) for row in rows]

    def matching(self, id_or_name: str) -> list[ApiKey]:
        rows = self._connect().execute(
            f"SELECT {_COLUMNS} FROM api_keys WHERE id = ? OR name = ?", (id_or_name, id_or_name)
        )
        return [_key(row) for row in rows]

    def mark_revoked(self, key_id: str, at: float) -> None:
        self._connect().execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", (at, key_id))

    def lookup(self, key_id: str) -> tuple[ApiKey, str] | None:
        row = (
            self._connect()
            .execute(f"SELECT {_COLUMNS}, secret_sha256 FROM api_keys WHERE id = ?", (key_id,))
            .fetchone()
        )
        return None if row is None else (_key(row[:5]), row[5])

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _key(row: tuple[str, str, str, float, float | None]) -> ApiKey:
    return ApiKey(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4])


__all__ = ["SqliteKeyRows"]
