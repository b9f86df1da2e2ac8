"""The lexical index is per workspace: no shared statistics, and old shared homes migrate."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.records import to_json
from agent_session_memory.stores.longterm.sqlite_rows import SqliteRows

from .fakes import fts_matches, memory_row


def _fill(store: SqliteRows, workspace_id: str, texts: list[str]) -> None:
    with store.transaction() as db:
        for n, text in enumerate(texts):
            store.put(db, memory_row(workspace_id, f"{workspace_id}-{n}", text), pending=False)


def test_another_workspace_never_changes_a_workspaces_scores(tmp_path: Path) -> None:
    store = SqliteRows(tmp_path / "memories.db")
    _fill(store, "a", ["postgres is our database", "deploys run on fridays", "we use redis"])
    before = store.search("a", "which database", 10, MemoryFilter())
    _fill(store, "b", [f"database note number {n}" for n in range(200)])
    assert store.search("a", "which database", 10, MemoryFilter()) == before
    assert [i for i, _ in before] == ["a-0"]


def test_a_home_with_the_old_shared_index_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "memories.db"
    SqliteRows(path).close()  # the current schema, then rewound to version 1 by hand
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE memories_fts USING fts5(content, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for rid, (ws, text) in enumerate([("a", "alpha postgres"), ("b", "beta postgres")], 1):
        memory = memory_row(ws, f"m{rid}", text)
        db.execute(
            "INSERT INTO memories (rid, workspace_id, id, record, content_hash, type, importance,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'fact', 0.5, 0, 0)",
            (rid, ws, memory.id, to_json(memory), memory.content_hash),
        )
        db.execute("INSERT INTO memories_fts (rowid, content) VALUES (?, ?)", (rid, text))
    for table in [
        r[0]
        for r in db.execute(
            "SELECT name FROM sqlite_master WHERE name GLOB 'fts_*' AND name NOT GLOB 'fts_*_*'"
        )
    ]:
        db.execute(f"DROP TABLE {table}")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()

    store = SqliteRows(path)
    assert [i for i, _ in store.search("a", "postgres", 10, MemoryFilter())] == ["m1"]
    assert [i for i, _ in store.search("b", "postgres", 10, MemoryFilter())] == ["m2"]
    assert fts_matches(path, "postgres") == 2
    with store.transaction() as db:
        assert (
            db.execute("SELECT name FROM sqlite_master WHERE name='memories_fts'").fetchone()
            is None
        )


def test_term_statistics_follow_writes_by_this_and_other_connections(tmp_path: Path) -> None:
    """The row count behind the IDF is cached between writes: any connection's write counts."""
    store = SqliteRows(tmp_path / "memories.db")
    other = SqliteRows(tmp_path / "memories.db")  # another process, as SQLite sees it

    def add(rows: SqliteRows, memory_id: str, text: str) -> None:
        with rows.transaction() as db:
            rows.put(db, memory_row("a", memory_id, text), pending=False)

    add(store, "m1", "postgres is our database")
    add(store, "m2", "we use redis")
    assert store.term_counts("a", "database") == (2, [1])
    add(store, "m3", "the database moved")
    assert store.term_counts("a", "database") == (3, [2])
    add(other, "m4", "a fourth database note")
    assert store.term_counts("a", "database") == (4, [3])
    with other.transaction() as db:
        other.remove(db, "a", ["m1"])
    assert store.term_counts("a", "database") == (3, [2])
