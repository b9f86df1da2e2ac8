"""One way to open PostgreSQL: a psycopg pool of autocommit connections, migrated on open.

Every opener (the memory rows, the API keys) goes through here, so each sees the same schema
version, names itself alike in ``pg_stat_activity`` and fails alike when the database is down:
fast (``connect_timeout``), as ``BackendUnavailable`` naming the database, never a password.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from ...errors import MissingExtra
from .pg_errors import unavailable_as_503
from .pg_schema import migrate


def application_name() -> str:
    """How this process's sessions show in ``pg_stat_activity`` (and in a lock timeout's error):
    ``asm pid N on HOST``, at most PostgreSQL's 63 bytes."""
    return f"asm pid {os.getpid()} on {socket.gethostname()}"[:63]


def open_pool(url: str, where: str, *, max_size: int, timeout: float) -> Any:
    """An open ``psycopg_pool.ConnectionPool`` on a migrated database; closed again (no background
    reconnects for a pool nobody holds) when the database cannot be reached or migrated."""
    try:
        import psycopg_pool
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise MissingExtra("postgres", exc.name or "psycopg") from exc
    pool = psycopg_pool.ConnectionPool(
        url,
        min_size=1,
        max_size=max_size,
        timeout=timeout,
        kwargs={
            "autocommit": True,
            "connect_timeout": max(1, int(timeout)),
            "application_name": application_name(),
        },
        check=psycopg_pool.ConnectionPool.check_connection,
        open=False,
    )
    try:
        with unavailable_as_503(where):
            pool.open(wait=True, timeout=timeout)
            with pool.connection() as conn:
                migrate(conn)
    except BaseException:
        pool.close()
        raise
    return pool


__all__ = ["application_name", "open_pool"]
