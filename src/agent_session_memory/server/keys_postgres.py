"""API keys in server mode's PostgreSQL database (table ``api_keys``, schema migration 4).

Every API process of every machine reads the same rows, and nothing is cached: each request
looks its key up by primary key (one indexed read on a pooled connection), so a key created or
revoked through any process or ``asm keys`` is honoured by all of them at their next request.
"""

from __future__ import annotations

from typing import Any

from ..stores.longterm.pg_errors import describe, guard
from ..stores.longterm.pg_pool import open_pool
from .key_rows import ApiKey

_COLUMNS = "id, name, workspaces, created_at, revoked_at"


class PostgresKeyRows:
    """``KeyRows`` over a small pool of its own (key lookups are short; the memory rows' pool
    stays for long-term work). Workspaces are a ``TEXT[]``."""

    def __init__(self, url: str, *, max_size: int = 4, timeout: float = 3.0) -> None:
        self.where = describe(url)  # what an error names (``guard``)
        self.location = f"PostgreSQL at {self.where}"
        self._pool = open_pool(url, self.where, max_size=max_size, timeout=timeout)

    @guard
    def insert(self, key: ApiKey, secret_sha256: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO api_keys (id, name, secret_sha256, workspaces, created_at)"
                " VALUES (%s, %s, %s, %s, %s)",
                (key.id, key.name, secret_sha256, list(key.workspaces), key.created_at),
            )

    @guard
    def all(self) -> list[ApiKey]:
        with self._pool.connection() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created_at").fetchall()
        return [_key(row) for row in rows]

    @guard
    def matching(self, id_or_name: str) -> list[ApiKey]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM api_keys WHERE id = %s OR name = %s",
                (id_or_name, id_or_name),
            ).fetchall()
        return [_key(row) for row in rows]

    @guard
    def mark_revoked(self, key_id: str, at: float) -> None:
        with self._pool.connection() as conn:
            conn.execute("UPDATE api_keys SET revoked_at = %s WHERE id = %s", (at, key_id))

    @guard
    def lookup(self, key_id: str) -> tuple[ApiKey, str] | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                f"SELECT {_COLUMNS}, secret_sha256 FROM api_keys WHERE id = %s", (key_id,)
            ).fetchone()
        return None if row is None else (_key(row[:5]), row[5])

    def close(self) -> None:
        self._pool.close()


def _key(row: Any) -> ApiKey:
    return ApiKey(row[0], row[1], tuple(row[2]), row[3], row[4])


__all__ = ["PostgresKeyRows"]
