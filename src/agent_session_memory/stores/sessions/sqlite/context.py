"""Working memory in SQLite: the ``context`` table, one row per key.

The single-key ``set_context`` (the common call) is one ``INSERT ... SELECT ... ON CONFLICT``
statement, its own transaction, with the liveness, limit and version checks in its ``WHERE``;
triggers keep the session's key count and ``changed_at``. Only a refused write pays for a second
look that names the reason.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

from ....errors import Conflict
from ..checks import check_key_count, check_version
from ..liveness import LIVE, READABLE, sql
from ..records import ContextRecord, ContextWrite
from . import schema
from .connection import SQLiteConnection

_COLUMNS = schema.CONTEXT_COLUMNS
_SELECT_VERSION = "SELECT version FROM context WHERE session_id = ? AND key = ?"
# One statement does the whole checked write: the session is live, a new key fits under the
# limit, ``expected_version`` holds. No row back means one of them failed (see _raise_refusal).
# ?1 session, ?2 key, ?3 value, ?4 importance, ?5 now, ?6 expected version, ?7 max keys.
_UPSERT = f"""
INSERT INTO context (session_id, key, value_json, version, importance, reads, created_at,
                     updated_at)
SELECT ?1, ?2, ?3, 1, ?4, 0, ?5, ?5 FROM sessions
WHERE id = ?1 AND {sql(LIVE, now="?5")}
  AND ((coalesce(?6, 0) = 0 AND key_count < ?7)
       OR EXISTS (SELECT 1 FROM context WHERE session_id = ?1 AND key = ?2))
ON CONFLICT (session_id, key) DO UPDATE SET
  value_json = excluded.value_json, version = version + 1,
  importance = coalesce(excluded.importance, importance), updated_at = excluded.updated_at
  WHERE ?6 IS NULL OR version = ?6
RETURNING version"""
_READABLE = f"EXISTS (SELECT 1 FROM sessions WHERE id = ? AND {sql(READABLE)})"
_EXISTS = "EXISTS (SELECT 1 FROM sessions WHERE id = ?)"
_KEYS = "key IN (SELECT value FROM json_each(?))"


class SQLiteContext(SQLiteConnection):
    """:class:`~..base.ContextStore`."""

    def set_context(
        self, session_id: str, writes: Sequence[ContextWrite], now: float, max_keys: int
    ) -> dict[str, int]:
        if len(writes) == 1:  # one statement is its own transaction: no BEGIN/COMMIT round trips
            for _ in range(3):
                version = self._upsert(self._conn, session_id, writes[0], now, max_keys)
                if version is not None:
                    return {writes[0].key: version}
            raise Conflict(f"key {writes[0].key!r} keeps changing; retry", key=writes[0].key)
        versions: dict[str, int] = {}
        with self._write() as db:
            if not writes:
                self._live(db, session_id, now)
            for write in writes:
                version = self._upsert(db, session_id, write, now, max_keys)
                if version is None:  # cannot happen: the transaction holds the write lock
                    raise Conflict(f"key {write.key!r} changed concurrently", key=write.key)
                versions[write.key] = version
        return versions

    def _upsert(
        self, db: sqlite3.Connection, session_id: str, w: ContextWrite, now: float, max_keys: int
    ) -> int | None:
        """The new version; None when a concurrent writer made the refusal moot (retry)."""
        params = (session_id, w.key, w.value_json, w.importance, now, w.expected_version, max_keys)
        rows = self._statement(db, _UPSERT, params)
        if rows:
            return int(rows[0][0])
        self._raise_refusal(db, session_id, w, now, max_keys)
        return None

    def _raise_refusal(
        self, db: sqlite3.Connection, session_id: str, w: ContextWrite, now: float, max_keys: int
    ) -> None:
        """Raise the contract's error for a write the upsert refused (returns if none applies)."""
        key_count = self._live(db, session_id, now)
        row = db.execute(_SELECT_VERSION, (session_id, w.key)).fetchone()
        current = None if row is None else int(row[0])
        check_version(w.key, w.expected_version, current)
        if current is None:
            check_key_count(session_id, key_count, 1, max_keys)

    def get_context(
        self,
        session_id: str,
        keys: Sequence[str] | None,
        now: float,
        *,
        count_read: bool = True,
        include_expired: bool = False,
    ) -> dict[str, ContextRecord]:
        where = "session_id = ?" if keys is None else f"session_id = ? AND {_KEYS}"
        params: tuple[Any, ...] = (session_id,) if keys is None else (session_id, json.dumps(keys))
        if include_expired:
            where, params = f"{where} AND {_EXISTS}", (*params, session_id)
        else:
            where, params = f"{where} AND {_READABLE}", (*params, session_id, now)
        if count_read:
            sql_ = f"UPDATE context SET reads = reads + 1 WHERE {where} RETURNING {_COLUMNS}"
        else:
            sql_ = f"SELECT {_COLUMNS} FROM context WHERE {where}"
        # One statement: one snapshot (and, counting reads, one write transaction).
        rows = self._statement(self._conn, sql_, params)
        if not rows:  # no keys, or not readable: tell which
            with self._read() as db:
                self._readable(db, session_id, now, include_expired)
        return {row[0]: schema.context(row) for row in rows}

    def delete_context(self, session_id: str, keys: Sequence[str], now: float) -> int:
        with self._write() as db:
            self._live(db, session_id, now)
            removed = db.execute(
                f"DELETE FROM context WHERE session_id = ? AND {_KEYS}",
                (session_id, json.dumps(keys)),
            ).rowcount
            if removed:
                db.execute("UPDATE sessions SET changed_at = ? WHERE id = ?", (now, session_id))
        return int(removed)
