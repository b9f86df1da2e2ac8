"""The lexical half of long-term memory, and its canonical rows: SQLite FTS5 under the home.

One file (``<home>/memories.db``, WAL) holds every memory as JSON (what export reads and recall
hydrates from), a tag table for filters, merge aliases, and one FTS5 index per workspace (porter
stemming, ``bm25()``) whose rowid is the memory's row. A row and its index entry change in one
transaction. One index per workspace, not one for all: nothing crosses workspaces, bm25's term
statistics included, and a query never scans other workspaces' postings.

``pending`` marks a row whose dense-index write may not have happened yet (a commit writes the row
first, then Chroma, then clears the flag): anything pending is finished by the next writer, which
is what makes a crash at any step of a commit safe to retry.

Server mode: every API process must see one lexical index. For now that is this SQLite file under
a shared home; server deployments will point ``AGENT_MEMORY_LEXICAL_URL`` at a shared engine
(next round). The engine refuses a lexical URL it does not support rather than silently falling
back to dense-only recall.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ...models import Memory, to_timestamp
from .filters import MemoryFilter
from .records import from_json, to_json

SCHEMA = """
CREATE TABLE IF NOT EXISTS memories (
    rid INTEGER PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    record TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    key TEXT,
    session_id TEXT,
    type TEXT NOT NULL,
    importance REAL NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0,
    pending INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, id)
);
CREATE INDEX IF NOT EXISTS memories_hash ON memories (workspace_id, content_hash);
CREATE INDEX IF NOT EXISTS memories_key ON memories (workspace_id, key);
CREATE INDEX IF NOT EXISTS memories_pending ON memories (pending) WHERE pending = 1;
CREATE TABLE IF NOT EXISTS memory_tags (
    rid INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (rid, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memory_aliases (
    workspace_id TEXT NOT NULL, alias TEXT NOT NULL, memory_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, alias)
) WITHOUT ROWID;
"""
SCHEMA_VERSION = 2
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "re",
        "ve",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """Query text -> FTS5 MATCH: the words without stopwords, quoted, OR-ed (None: no words)."""
    words = [w.lower() for w in _WORD.findall(query)]
    kept = [w for w in words if w not in STOPWORDS] or words
    unique = list(dict.fromkeys(kept))
    return " OR ".join(f'"{w}"' for w in unique) if unique else None


def fts_table(workspace_id: str) -> str:
    return "fts_" + hashlib.sha256(workspace_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class LexicalStore:
    """Canonical memory rows + FTS5, in one SQLite file. Thread-safe; multi-process via SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=30
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._fts_tables: set[str] = set()
        with self.transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._split_shared_index(db)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _split_shared_index(self, db: sqlite3.Connection) -> None:
        """Migration 1 -> 2: the one FTS table of every workspace becomes one per workspace."""
        shared = db.execute("SELECT 1 FROM sqlite_master WHERE name='memories_fts'").fetchone()
        if shared is None:
            return
        for (workspace_id,) in db.execute("SELECT DISTINCT workspace_id FROM memories").fetchall():
            table = self._fts(db, workspace_id)
            db.execute(
                f"INSERT INTO {table} (rowid, content) SELECT rid, json_extract(record, "
                "'$.content') FROM memories WHERE workspace_id=?",
                (workspace_id,),
            )
        db.execute("DROP TABLE memories_fts")

    def _fts(self, db: sqlite3.Connection, workspace_id: str) -> str:
        """The workspace's FTS5 table (created on first use); its name is a hash, never input."""
        table = fts_table(workspace_id)
        if table not in self._fts_tables:
            db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
                f"content, tokenize = '{FTS_TOKENIZER}')"
            )
            self._fts_tables.add(table)
        return table

    def _has_fts(self, db: sqlite3.Connection, workspace_id: str) -> bool:
        """Whether the workspace has an index yet (reads never create one)."""
        table = fts_table(workspace_id)
        if table not in self._fts_tables:
            found = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (table,)).fetchone()
            if found is None:
                return False
            self._fts_tables.add(table)
        return True

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: all of a change or none of it."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- writes (call inside ``transaction()``) -------------------------------------------------
    def put(self, db: sqlite3.Connection, memory: Memory, *, pending: bool = True) -> None:
        """Insert or replace one memory with its tags and index entry."""
        table = self._fts(db, memory.workspace_id)
        row = db.execute(
            "SELECT rid FROM memories WHERE workspace_id=? AND id=?",
            (memory.workspace_id, memory.id),
        ).fetchone()
        values = (
            to_json(memory),
            memory.content_hash,
            memory.key,
            memory.session_id,
            memory.type,
            memory.importance,
            to_timestamp(memory.created_at) or 0.0,
            to_timestamp(memory.updated_at) or 0.0,
            int(memory.superseded_by is not None),
            int(pending),
        )
        if row is None:
            cur = db.execute(
                "INSERT INTO memories (record, content_hash, key, session_id, type, importance, "
                "created_at, updated_at, superseded, pending, workspace_id, id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values, memory.workspace_id, memory.id),
            )
            rid = int(cur.lastrowid or 0)
        else:
            rid = int(row[0])
            db.execute(
                "UPDATE memories SET record=?, content_hash=?, key=?, session_id=?, type=?, "
                "importance=?, created_at=?, updated_at=?, superseded=?, pending=? "
                "WHERE rid=?",
                (*values, rid),
            )
            db.execute(f"DELETE FROM {table} WHERE rowid=?", (rid,))
            db.execute("DELETE FROM memory_tags WHERE rid=?", (rid,))
        db.execute(f"INSERT INTO {table} (rowid, content) VALUES (?, ?)", (rid, memory.content))
        db.executemany(
            "INSERT INTO memory_tags (rid, tag) VALUES (?, ?)", [(rid, t) for t in memory.tags]
        )

    @staticmethod
    def add_alias(db: sqlite3.Connection, workspace_id: str, alias: str, memory_id: str) -> None:
        db.execute(
            "INSERT OR REPLACE INTO memory_aliases VALUES (?, ?, ?)",
            (workspace_id, alias, memory_id),
        )

    def remove(self, db: sqlite3.Connection, workspace_id: str, ids: Sequence[str]) -> int:
        removed = 0
        table = self._fts(db, workspace_id)
        for memory_id in ids:
            row = db.execute(
                "SELECT rid FROM memories WHERE workspace_id=? AND id=?", (workspace_id, memory_id)
            ).fetchone()
            db.execute(
                "DELETE FROM memory_aliases WHERE workspace_id=? AND memory_id=?",
                (workspace_id, memory_id),
            )
            if row is None:
                continue
            db.execute(f"DELETE FROM {table} WHERE rowid=?", (row[0],))
            db.execute("DELETE FROM memory_tags WHERE rid=?", (row[0],))
            db.execute("DELETE FROM memories WHERE rid=?", (row[0],))
            removed += 1
        return removed

    def mark_done(self, workspace_id: str, ids: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany(
                "UPDATE memories SET pending=0 WHERE workspace_id=? AND id=?",
                [(workspace_id, i) for i in ids],
            )

    # -- reads ----------------------------------------------------------------------------------
    def get(self, workspace_id: str, memory_id: str) -> Memory | None:
        return self.get_many(workspace_id, [memory_id]).get(memory_id)

    def get_many(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        out: dict[str, Memory] = {}
        with self._tx() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                rows = db.execute(
                    f"SELECT record FROM memories WHERE workspace_id=? AND id IN "
                    f"({','.join('?' * len(chunk))})",
                    (workspace_id, *chunk),
                ).fetchall()
                for (record,) in rows:
                    memory = from_json(record)
                    out[memory.id] = memory
        return out

    def resolve_alias(self, workspace_id: str, alias: str) -> str | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT memory_id FROM memory_aliases WHERE workspace_id=? AND alias=?",
                (workspace_id, alias),
            ).fetchone()
        return None if row is None else str(row[0])

    def by_hash(self, workspace_id: str, digest: str) -> Memory | None:
        """The newest live memory with this normalised content hash."""
        return self._one("content_hash=? AND superseded=0", (workspace_id, digest))

    def by_key(self, workspace_id: str, key: str) -> Memory | None:
        """The newest live memory made from this working-memory key."""
        return self._one("key=? AND superseded=0", (workspace_id, key))

    def _one(self, cond: str, params: tuple[str, ...]) -> Memory | None:
        with self._tx() as db:
            row = db.execute(
                f"SELECT record FROM memories WHERE workspace_id=? AND {cond} "
                "ORDER BY updated_at DESC, rid DESC LIMIT 1",
                params,
            ).fetchone()
        return None if row is None else from_json(row[0])

    def select(
        self,
        workspace_id: str,
        flt: MemoryFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Memory]:
        where, params = flt.sql()
        order = "DESC" if newest_first else "ASC"
        sql = (
            f"SELECT m.record FROM memories m WHERE m.workspace_id=? AND {where} "
            f"ORDER BY m.created_at {order}, m.rid {order} LIMIT ? OFFSET ?"
        )
        with self._tx() as db:
            rows = db.execute(
                sql, (workspace_id, *params, -1 if limit is None else limit, offset)
            ).fetchall()
        return [from_json(r[0]) for r in rows]

    def pending(self, workspace_id: str) -> list[Memory]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT record FROM memories WHERE pending=1 AND workspace_id=?", (workspace_id,)
            ).fetchall()
        return [from_json(r[0]) for r in rows]

    def search(
        self, workspace_id: str, query: str, n: int, flt: MemoryFilter
    ) -> list[tuple[str, float]]:
        """``(id, -bm25)`` best first (higher is better), at most ``n``."""
        expr = match_expression(query)
        if expr is None:
            return []
        where, params = flt.sql()
        table = fts_table(workspace_id)
        sql = (
            f"SELECT m.id, bm25({table}) AS s FROM {table} "
            f"JOIN memories m ON m.rid = {table}.rowid "
            f"WHERE {table} MATCH ? AND m.workspace_id=? AND {where} ORDER BY s LIMIT ?"
        )
        with self._tx() as db:
            if not self._has_fts(db, workspace_id):
                return []  # nothing remembered in this workspace yet
            rows = db.execute(sql, (expr, workspace_id, *params, n)).fetchall()
        return [(str(i), -float(s)) for i, s in rows]

    def count(self, workspace_id: str) -> int:
        with self._tx() as db:
            return int(
                db.execute(
                    "SELECT count(*) FROM memories WHERE workspace_id=?", (workspace_id,)
                ).fetchone()[0]
            )

    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        """Each workspace holding memories: its live (not superseded) count, last update."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT workspace_id, sum(superseded = 0), max(updated_at) FROM memories "
                "GROUP BY workspace_id"
            ).fetchall()
        return {str(w): (int(n or 0), float(t or 0.0)) for w, n, t in rows}

    def fts_matches(self, text: str) -> int:
        """Index entries matching ``text`` in any workspace (tests: forgetting leaves nothing)."""
        expr = match_expression(text)
        if expr is None:
            return 0
        with self._tx() as db:
            tables = [
                r[0]
                for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name GLOB 'fts_*' "
                    "AND name NOT GLOB 'fts_*_*'"
                )
            ]
            return sum(
                int(
                    db.execute(f"SELECT count(*) FROM {t} WHERE {t} MATCH ?", (expr,)).fetchone()[0]
                )
                for t in tables
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
