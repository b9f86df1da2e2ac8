"""API keys: created once, stored hashed, each scoped to workspaces.

A key reads ``asm_<id>_<secret>``: the id finds the row, the secret is checked against its SHA-256
(the secret has 192 random bits, so a slow password hash would add nothing but latency). The
secret is shown once, at creation, and never stored, logged or put into an error.

``KeyStore`` holds all of that logic once; where the rows live is a ``KeyRows`` backend
(``key_rows.py``): a SQLite file embedded, PostgreSQL in server mode (``open_keys`` picks).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Mapping
from pathlib import Path

from ..config import Settings
from ..errors import InvalidInput, NotFound
from ..limits import Limits
from ..validation import workspace_id as check_workspace_id
from .key_rows import ApiKey, KeyRows
from .keys_sqlite import SqliteKeyRows

TOKEN = re.compile(r"asm_([0-9a-f]{12})_([A-Za-z0-9_-]{32})")
KEYS_DB_ENV = "AGENT_MEMORY_KEYS_DB"


class KeyStore:
    """Create, list, revoke and verify keys over one backend (a ``Path`` means a SQLite file)."""

    def __init__(self, rows: KeyRows | Path, limits: Limits | None = None) -> None:
        self.rows: KeyRows = SqliteKeyRows(rows) if isinstance(rows, Path) else rows
        self.limits = limits or Limits()

    @property
    def where(self) -> str:
        """The keys' place, for messages (which store won: ``open_keys``)."""
        return self.rows.location

    def create(self, workspaces: list[str], name: str | None = None) -> tuple[ApiKey, str]:
        """A new key for ``workspaces``; returns it and its token (the only time it is shown)."""
        if not workspaces:
            raise InvalidInput("a key needs at least one workspace", field="workspaces")
        scoped = tuple(dict.fromkeys(check_workspace_id(w, self.limits) for w in workspaces))
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
        key = ApiKey(key_id, name or f"key-{key_id}", scoped, time.time())
        self.rows.insert(key, _digest(secret))
        return key, f"asm_{key_id}_{secret}"

    def list(self) -> list[ApiKey]:
        return self.rows.all()

    def revoke(self, id_or_name: str) -> ApiKey:
        found = self.rows.matching(id_or_name)
        if len(found) != 1:
            raise NotFound(f"{len(found)} keys have the id or name {id_or_name!r}")
        self.rows.mark_revoked(found[0].id, time.time())
        return found[0]

    def verify(self, token: str) -> ApiKey | None:
        """The live key a token names, or None (malformed, unknown, wrong secret or revoked)."""
        match = TOKEN.fullmatch(token)
        if match is None:
            return None
        found = self.rows.lookup(match.group(1))
        if found is None or found[0].revoked_at is not None:
            return None
        key, secret_sha256 = found
        if not hmac.compare_digest(secret_sha256, _digest(match.group(2))):
            return None
        return key

    def close(self) -> None:
        self.rows.close()


def open_keys(settings: Settings, env: Mapping[str, str] | None = None) -> KeyStore:
    """The keys every process of a deployment shares. ``AGENT_MEMORY_KEYS_DB`` (a SQLite file)
    wins when set; else server mode's PostgreSQL (a ``postgresql://`` lexical URL), the same
    database as the memory rows; else the home's ``keys.db``."""
    explicit = (os.environ if env is None else env).get(KEYS_DB_ENV)
    if explicit:
        return KeyStore(Path(explicit), settings.limits)
    url = settings.postgres_url()
    if url is not None:
        from .keys_postgres import PostgresKeyRows

        return KeyStore(PostgresKeyRows(url), settings.limits)
    return KeyStore(settings.home / "keys.db", settings.limits)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


__all__ = ["TOKEN", "ApiKey", "KeyRows", "KeyStore", "open_keys"]
