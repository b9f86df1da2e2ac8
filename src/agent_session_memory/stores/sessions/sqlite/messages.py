"""Chat messages in SQLite: the ``messages`` table, keyed by (session, seq); the session row
holds ``last_seq`` so a seq is never reused."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from ..liveness import LIVE, sql
from ..records import MessageRecord
from . import schema
from .connection import SQLiteConnection

_COLUMNS = schema.MESSAGE_COLUMNS
# ?1 count, ?2 now, ?3 session: reserve seqs on a live session, or return no row.
_RESERVE = (
    "UPDATE sessions SET last_seq = last_seq + ?1, changed_at = ?2 "
    f"WHERE id = ?3 AND {sql(LIVE, now='?2')} RETURNING last_seq"
)
_INSERT = f"INSERT INTO messages (session_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_SEQS = "seq IN (SELECT value FROM json_each(?))"
_MARK_CHANGED = "UPDATE sessions SET changed_at = ? WHERE id = ?"
_BEFORE_ANY = 1 << 62


class SQLiteMessages(SQLiteConnection):
    """:class:`~..base.MessageLog`."""

    def append_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        with self._write() as db:
            return self._append(db, session_id, messages, now)

    def replace_messages(
        self, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        with self._write() as db:
            self._live(db, session_id, now)
            db.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
            db.execute(_MARK_CHANGED, (now, session_id))
            return self._append(db, session_id, messages, now)

    def _append(
        self, db: sqlite3.Connection, session_id: str, messages: Sequence[MessageRecord], now: float
    ) -> list[int]:
        if not messages:
            self._live(db, session_id, now)
            return []
        row = db.execute(_RESERVE, (len(messages), now, session_id)).fetchone()
        if row is None:
            self._live(db, session_id, now)
        last = row[0]
        first = last - len(messages) + 1
        db.executemany(
            _INSERT,
            [
                (session_id, m.role, m.content, m.token_count, m.created_at, m.data_json,
                 m.status, first + i)
                for i, m in enumerate(messages)
            ],
        )  # fmt: skip
        return list(range(first, last + 1))

    def read_messages(
        self,
        session_id: str,
        now: float,
        *,
        before_seq: int | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        status: str | None = "active",
    ) -> list[MessageRecord]:
        query = (
            f"SELECT {_COLUMNS} FROM messages WHERE session_id = ? AND seq < ?"
            " AND (? IS NULL OR status = ?)"
            f" ORDER BY seq {'DESC' if newest_first else 'ASC'} LIMIT ?"
        )
        before = _BEFORE_ANY if before_seq is None else before_seq
        with self._read() as db:
            self._readable(db, session_id, now)
            rows = db.execute(
                query, (session_id, before, status, status, -1 if limit is None else limit)
            ).fetchall()
        return [schema.message(row) for row in rows]

    def count_messages(self, session_id: str, now: float, status: str | None = "active") -> int:
        with self._read() as db:
            self._readable(db, session_id, now)
            row = db.execute(
                "SELECT count(*) FROM messages WHERE session_id = ? AND (? IS NULL OR status = ?)",
                (session_id, status, status),
            ).fetchone()
        return int(row[0])

    def set_message_status(
        self, session_id: str, seqs: Sequence[int], status: str, now: float
    ) -> int:
        with self._write() as db:
            self._live(db, session_id, now)
            changed = db.execute(
                f"UPDATE messages SET status = ? WHERE session_id = ? AND {_SEQS}",
                (status, session_id, json.dumps(list(seqs))),
            ).rowcount
            if changed:
                db.execute(_MARK_CHANGED, (now, session_id))
        return int(changed)

    def delete_messages(self, session_id: str, seqs: Sequence[int] | None, now: float) -> int:
        with self._write() as db:
            self._live(db, session_id, now)
            if seqs is None:
                cursor = db.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
            else:
                cursor = db.execute(
                    f"DELETE FROM messages WHERE session_id = ? AND {_SEQS}",
                    (session_id, json.dumps(list(seqs))),
                )
            if cursor.rowcount:
                db.execute(_MARK_CHANGED, (now, session_id))
        return int(cursor.rowcount)
