"""The SQLite schema: its migrations, column lists, and rows to records.

The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` apply in order, and each
opening of the file applies the missing ones in one transaction. Bookkeeping lives in triggers
(a session's key count and ``changed_at``) so the single-key ``set_context`` stays one
statement.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ....errors import ConfigurationError
from ..records import ContextRecord, EventRecord, MessageRecord, SessionRecord

MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            created_at REAL NOT NULL,
            touched_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            ttl_seconds REAL NOT NULL,
            status TEXT NOT NULL,
            ended_at REAL,
            committed_at REAL,
            auto_commit INTEGER NOT NULL,
            metadata TEXT NOT NULL,
            changed_at REAL,
            key_count INTEGER NOT NULL DEFAULT 0,
            last_seq INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX sessions_by_workspace ON sessions (workspace_id, created_at, id)",
        "CREATE INDEX sessions_by_created ON sessions (created_at, id)",
        """CREATE TABLE context (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value_json TEXT NOT NULL,
            version INTEGER NOT NULL,
            importance REAL,
            reads INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            committed_version INTEGER,
            PRIMARY KEY (session_id, key)
        )""",
        """CREATE TABLE messages (
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            role TEXT NOT NULL,
            content TEXT NOT NULL,
            token_count INTEGER NOT NULL,
            created_at REAL NOT NULL,
            data_json TEXT NOT NULL,
            status TEXT NOT NULL,
            PRIMARY KEY (session_id, seq)
        )""",
        """CREATE TABLE events (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            type TEXT NOT NULL,
            at REAL NOT NULL,
            session_id TEXT,
            memory_id TEXT,
            data_json TEXT NOT NULL
        )""",
        "CREATE INDEX events_by_workspace ON events (workspace_id, at, id)",
        """CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at REAL NOT NULL
        )""",
        # Bookkeeping in triggers: set_context stays one statement (the B1 fast path).
        """CREATE TRIGGER context_added AFTER INSERT ON context BEGIN
            UPDATE sessions SET key_count = key_count + 1, changed_at = NEW.updated_at
            WHERE id = NEW.session_id;
        END""",
        """CREATE TRIGGER context_rewritten AFTER UPDATE OF value_json ON context BEGIN
            UPDATE sessions SET changed_at = NEW.updated_at WHERE id = NEW.session_id;
        END""",
        """CREATE TRIGGER context_removed AFTER DELETE ON context BEGIN
            UPDATE sessions SET key_count = key_count - 1 WHERE id = OLD.session_id;
        END""",
    ],
    [
        # Named sessions: a name points at one session of its workspace at a time.
        "ALTER TABLE sessions ADD COLUMN name TEXT",
        """CREATE TABLE session_names (
            workspace_id TEXT NOT NULL,
            name TEXT NOT NULL,
            session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            PRIMARY KEY (workspace_id, name)
        )""",
        "CREATE INDEX session_names_by_session ON session_names (session_id)",
    ],
]
SESSION_COLUMNS = (
    "id, workspace_id, created_at, touched_at, expires_at, ttl_seconds, status, ended_at, "
    "committed_at, auto_commit, metadata, changed_at, name"
)
CONTEXT_COLUMNS = (
    "key, value_json, version, importance, reads, created_at, updated_at, committed_version"
)
MESSAGE_COLUMNS = "role, content, token_count, created_at, data_json, status, seq"
EVENT_COLUMNS = "id, workspace_id, type, at, session_id, memory_id, data_json"


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migrations (inside the caller's write transaction)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise ConfigurationError(
            f"{path} has schema version {version}; this library knows up to "
            f"{len(MIGRATIONS)}: upgrade agent-session-memory"
        )
    for step in MIGRATIONS[version:]:
        for statement in step:
            db.execute(statement)
    if version < len(MIGRATIONS):
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


def session(row: Sequence[Any]) -> SessionRecord:
    return SessionRecord(
        id=row[0],
        workspace_id=row[1],
        created_at=row[2],
        touched_at=row[3],
        expires_at=row[4],
        ttl_seconds=row[5],
        status=row[6],
        ended_at=row[7],
        committed_at=row[8],
        auto_commit=bool(row[9]),
        metadata=json.loads(row[10]),
        changed_at=row[11],
        name=row[12],
    )


def context(row: Sequence[Any]) -> ContextRecord:
    return ContextRecord(*row)


def message(row: Sequence[Any]) -> MessageRecord:
    return MessageRecord(*row)


def event(row: Sequence[Any]) -> EventRecord:
    return EventRecord(*row)
