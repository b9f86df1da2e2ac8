"""The workspace event log in SQLite: the ``events`` table, ordered by (workspace, at, id)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..records import EventRecord
from . import schema
from .connection import SQLiteConnection


class SQLiteEvents(SQLiteConnection):
    """:class:`~..base.EventLog`; a session's lifecycle events go in with its own changes."""

    def append_events(self, events: Sequence[EventRecord]) -> None:
        with self._write() as db:
            self._insert_events(db, events)

    def list_events(
        self,
        workspace_id: str,
        *,
        since: float | None = None,
        until: float | None = None,
        types: Sequence[str] | None = None,
        session_id: str | None = None,
        limit: int | None = None,
    ) -> list[EventRecord]:
        clauses = ["workspace_id = ?"]
        params: list[Any] = [workspace_id]
        for clause, value in (
            ("at >= ?", since),
            ("at < ?", until),
            ("session_id = ?", session_id),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        if types is not None:
            clauses.append("type IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(types)))
        params.append(-1 if limit is None else limit)
        query = (
            f"SELECT {schema.EVENT_COLUMNS} FROM events WHERE {' AND '.join(clauses)}"
            " ORDER BY at, id LIMIT ?"
        )
        return [schema.event(row) for row in self._conn.execute(query, params).fetchall()]

    def prune_events(self, before: float) -> int:
        with self._write() as db:
            return int(db.execute("DELETE FROM events WHERE at < ?", (before,)).rowcount)
