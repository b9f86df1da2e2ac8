"""A SQLite home written before memories could expire gains the column, keeping its rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from agent_session_memory.models import Memory
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.records import content_hash, to_json
from agent_session_memory.stores.longterm.sqlite_rows import SqliteRows

T0 = datetime(2026, 1, 1, tzinfo=UTC)

# The memories table as schema version 2 made it (no expires_at column).
V2_TABLE = """
CREATE TABLE memories (
    rid INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL,
    content_hash TEXT NOT NULL, key TEXT, session_id TEXT, type TEXT NOT NULL,
    importance REAL NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, id)
)
"""


def _memory(memory_id: str, **fields: object) -> Memory:
    return Memory(
        id=memory_id,
        workspace_id="ws",
        content=f"note {memory_id}",
        content_hash=content_hash(f"note {memory_id}"),
        created_at=T0,
        updated_at=T0,
        **fields,  # type: ignore[arg-type]
    )


def test_a_version_2_home_gains_expiry(tmp_path: Path) -> None:
    path = tmp_path / "memories.db"
    db = sqlite3.connect(path)
    db.execute(V2_TABLE)
    db.execute(
        "INSERT INTO memories (workspace_id, id, record, content_hash, type, importance, "
        "created_at, updated_at) VALUES ('ws', 'old', ?, ?, 'fact', 0.5, 0, 0)",
        (to_json(_memory("old")), "h"),
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    rows = SqliteRows(path)
    later = datetime(2026, 1, 2, tzinfo=UTC)
    with rows.transaction() as tx:
        rows.put(tx, _memory("new", expires_at=later), pending=False)
    live = rows.select("ws", MemoryFilter(live_at=later.timestamp()))
    assert [m.id for m in live] == ["old"]
    assert rows.get_many("ws", ["new"])["new"].expires_at == later
    rows.close()
