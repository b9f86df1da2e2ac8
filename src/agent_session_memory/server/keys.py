"""API keys: created once, stored hashed, each scoped to workspaces.

A key reads ``asm_<id>_<secret>``: the id finds the row, the secret is checked against its SHA-256
(the secret has 192 random bits, so a slow password hash would add nothing but latency). The
secret is shown once, at creation, and never stored, logged or put into an error.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidInput, NotFound
from ..limits import Limits
from ..stores.sqlite_file import use_wal
from ..validation import workspace_id as check_workspace_id

TOKEN = re.compile(r"asm_([0-9a-f]{12})_([A-Za-z0-9_-]{32})")
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


@dataclass(frozen=True)
class ApiKey:
    """What is known of a key without its secret."""

    id: str
    name: str
    workspaces: tuple[str, ...]
    created_at: float
    revoked_at: float | None = None


class KeyStore:
    """Keys in one SQLite file (the home's ``keys.db``), shared by every server process."""

    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits or Limits()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            use_wal(db, 30)
            self._local.db = db
        return db

    def create(self, workspaces: list[str], name: str | None = None) -> tuple[ApiKey, str]:
        """A new key for ``workspaces``; returns it and its token (the only time it is shown)."""
        if not workspaces:
            raise InvalidInput("a key needs at least one workspace", field="workspaces")
        scoped = tuple(dict.fromkeys(check_workspace_id(w, self.limits) for w in workspaces))
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
        key = ApiKey(key_id, name or f"key-{key_id}", scoped, time.time())
        self._connect().execute(
            "INSERT INTO api_keys (id, name, secret_sha256, workspaces, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (key.id, key.name, _digest(secret), json.dumps(scoped), key.created_at),
        )
        return key, f"asm_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        rows = self._connect().execute(
            "SELECT id, name, workspaces, created_at, revoked_at FROM api_keys ORDER BY created_at"
        )
        return [_key(row) for row in rows]

    def revoke(self, id_or_name: str) -> ApiKey:
        db = self._connect()
        found = db.execute(
            "SELECT id, name, workspaces, created_at, revoked_at FROM api_keys"
            " WHERE id = ? OR name = ?",
            (id_or_name, id_or_name),
        ).fetchall()
        if len(found) != 1:
            raise NotFound(f"{len(found)} keys have the id or name {id_or_name!r}")
        db.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?", (time.time(), found[0][0]))
        return _key(found[0])

    def verify(self, token: str) -> ApiKey | None:
        """The live key a token names, or None (malformed, unknown, wrong secret or revoked)."""
        match = TOKEN.fullmatch(token)
        if match is None:
            return None
        row = (
            self._connect()
            .execute(
                "SELECT id, name, workspaces, created_at, revoked_at, secret_sha256"
                " FROM api_keys WHERE id = ?",
                (match.group(1),),
            )
            .fetchone()
        )
        if row is None or row[4] is not None:
            return None
        if not hmac.compare_digest(row[5], _digest(match.group(2))):
            return None
        return _key(row[:5])

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _key(row: tuple[str, str, str, float, float | None]) -> ApiKey:
    return ApiKey(row[0], row[1], tuple(json.loads(row[2])), row[3], row[4])
