"""Session records in SQLite: one row each in ``sessions``; deleting cascades to their memory."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from ....errors import Conflict
from ..liveness import LIVE, holds, sql
from ..records import EventRecord, SessionRecord
from . import schema
from .connection import SQLiteConnection

_COLUMNS = schema.SESSION_COLUMNS
_INSERT = f"INSERT INTO sessions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SELECT = f"SELECT {_COLUMNS} FROM sessions WHERE id = ?"
_TOUCH = (
    "UPDATE sessions SET touched_at = ?, ttl_seconds = ?, expires_at = ? WHERE id = ?"
    f" RETURNING {_COLUMNS}"
)
_NAMED = (
    f"SELECT {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))} FROM session_names n"
    " JOIN sessions s ON s.id = n.session_id WHERE n.workspace_id = ? AND n.name = ?"
)
_NAME = "INSERT OR REPLACE INTO session_names (workspace_id, name, session_id) VALUES (?, ?, ?)"
# Only a live session ends: an expired one stays expired (ending it must not make its working
# memory readable again).
_END = (
    f"UPDATE sessions SET status = 'ended', ended_at = ?1 WHERE id = ?2 AND {sql(LIVE, now='?1')}"
)


class SQLiteSessions(SQLiteConnection):
    """:class:`~..base.SessionRecords`."""

    def create_session(self, record: SessionRecord, event: EventRecord) -> None:
        with self._write() as db:
            self._insert(db, record, event)

    def _insert(self, db: sqlite3.Connection, record: SessionRecord, event: EventRecord) -> None:
        r = record
        try:
            db.execute(
                _INSERT,
                (r.id, r.workspace_id, r.created_at, r.touched_at, r.expires_at,
                 r.ttl_seconds, r.status, r.ended_at, r.committed_at, int(r.auto_commit),
                 json.dumps(r.metadata), r.changed_at, r.name),
            )  # fmt: skip
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"session {r.id!r} already exists", session_id=r.id) from exc
        self._insert_events(db, [event])

    def open_named_session(
        self, record: SessionRecord, event: EventRecord, now: float
    ) -> tuple[SessionRecord, bool]:
        with self._write() as db:
            row = db.execute(_NAMED, (record.workspace_id, record.name)).fetchone()
            if row is not None:
                found = schema.session(row)
                if holds(LIVE, found.status, found.expires_at, now):
                    return found, False
            self._insert(db, record, event)
            db.execute(_NAME, (record.workspace_id, record.name, record.id))
        return record, True

    def find_named_session(self, workspace_id: str, name: str) -> SessionRecord | None:
        row = self._conn.execute(_NAMED, (workspace_id, name)).fetchone()
        return None if row is None else schema.session(row)

    def get_session(self, session_id: str) -> SessionRecord | None:
        row = self._conn.execute(_SELECT, (session_id,)).fetchone()
        return None if row is None else schema.session(row)

    def list_sessions(
        self, workspace_id: str | None, *, limit: int | None = None
    ) -> list[SessionRecord]:
        where = "" if workspace_id is None else "WHERE workspace_id = ?"
        params: tuple[Any, ...] = () if workspace_id is None else (workspace_id,)
        sql = f"SELECT {_COLUMNS} FROM sessions {where} ORDER BY created_at DESC, id DESC"
        rows = self._conn.execute(f"{sql} LIMIT ?", (*params, -1 if limit is None else limit))
        return [schema.session(row) for row in rows.fetchall()]

    def touch_session(self, session_id: str, now: float, ttl_seconds: float) -> SessionRecord:
        with self._write() as db:
            self._live(db, session_id, now)
            row = db.execute(_TOUCH, (now, ttl_seconds, now + ttl_seconds, session_id)).fetchone()
        return schema.session(row)

    def end_session(self, session_id: str, now: float, event: EventRecord) -> SessionRecord:
        with self._write() as db:
            self._exists(db, session_id)
            if db.execute(_END, (now, session_id)).rowcount:
                self._insert_events(db, [event])
            row = db.execute(_SELECT, (session_id,)).fetchone()
        return schema.session(row)

    def mark_committed(
        self, session_id: str, now: float, versions: Mapping[str, int], event: EventRecord | None
    ) -> None:
        with self._write() as db:
            self._exists(db, session_id)
            db.execute("UPDATE sessions SET committed_at = ? WHERE id = ?", (now, session_id))
            db.executemany(
                "UPDATE context SET committed_version = ? WHERE session_id = ? AND key = ?",
                [(version, session_id, key) for key, version in versions.items()],
            )
            if event is not None:
                self._insert_events(db, [event])

    def delete_session(self, session_id: str, event: EventRecord | None) -> bool:
        with self._write() as db:
            deleted = db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
            if deleted and event is not None:
                self._insert_events(db, [event])
        return bool(deleted)
