"""Canonical memory rows in one SQLite file (WAL): the records, tags, merge aliases, migrations.

Each memory is stored as JSON (what export reads and recall hydrates from) beside the columns
filters need, a tag table, and merge aliases. A row and its lexical index entry (``fts.py``)
change in one transaction. ``pending`` marks a row whose dense-index write may not have
happened yet (see ``engine/longterm/writer.py``); ``vector`` keeps the row's embedding (float32
bytes), so a pending row is searchable before the index has it and the index can be rebuilt
without the model; ``indexed_at`` is the vector index's generation that indexed the row, so a
reader whose index is older than that (``chroma.py``) searches the row by its kept vector.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ...languages import DEFAULT_LANGUAGE
from ...models import Memory, to_timestamp
from ..sqlite_file import refuse_empty, use_wal
from .base import Neighbours, RankFields, Vector
from .filters import MemoryFilter
from .fts import FtsIndex
from .records import from_json, to_json, vector_bytes, vector_from_bytes
from .row_reads import (
    NEIGHBOUR_FIELDS,
    hidden_count_sql,
    neighbours_from,
    rank_fields_from,
    record_embedder_sql,
)
from .staged import Staged

MMAP_BYTES = 1 << 30
BUSY_SECONDS = 30.0  # how long a writer waits for another process's transaction
CACHE_KIB = 64 * 1024
CONTENT = "json_extract(m.record, '$.content')"  # a row's content, without parsing its record

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
    vector BLOB,
    indexed_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, id)
);
CREATE INDEX IF NOT EXISTS memories_hash ON memories (workspace_id, content_hash);
CREATE INDEX IF NOT EXISTS memories_key ON memories (workspace_id, key);
CREATE INDEX IF NOT EXISTS memories_session ON memories (workspace_id, session_id, rid);
CREATE INDEX IF NOT EXISTS memories_pending ON memories (pending) WHERE pending = 1;
CREATE INDEX IF NOT EXISTS memories_superseded ON memories (workspace_id) WHERE superseded = 1;
CREATE TABLE IF NOT EXISTS memory_tags (
    rid INTEGER NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (rid, tag)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS memory_aliases (
    workspace_id TEXT NOT NULL, alias TEXT NOT NULL, memory_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, alias)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS workspace_embedders (
    workspace_id TEXT PRIMARY KEY, embedder TEXT NOT NULL
) WITHOUT ROWID;
"""
SCHEMA_VERSION = 3
_ADD_EXPIRY = (
    "ALTER TABLE memories ADD COLUMN expires_at REAL",
    "CREATE INDEX IF NOT EXISTS memories_expiry ON memories (workspace_id, expires_at) "
    "WHERE expires_at IS NOT NULL",
)
_UPDATE = (
    "UPDATE memories SET record=?, content_hash=?, key=?, session_id=?, type=?, importance=?, "
    "created_at=?, updated_at=?, superseded=?, pending=?, expires_at=?, "
    "vector=coalesce(?, vector) WHERE rid=?"
)
_INSERT = (
    "INSERT INTO memories (record, content_hash, key, session_id, type, importance, created_at, "
    "updated_at, superseded, pending, expires_at, vector, workspace_id, id) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


class SqliteRows:
    """Canonical rows + the FTS index beside them. Thread-safe; multi-process via SQLite."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        refuse_empty(path, "memories")
        self.fts = FtsIndex()
        self._counts: dict[tuple[int, str], tuple[tuple[int, int], int]] = {}  # see _count
        self._frequencies: dict[tuple[int, str], tuple[tuple[int, int], str, list[int]]] = {}
        self._lock = threading.RLock()
        self._writer: int | None = None  # the thread inside ``transaction``
        self._idle_readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()  # not ``_lock``: a transaction holds that
        self._closed = False
        self._db = self._connect()
        use_wal(self._db, BUSY_SECONDS)
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self.transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version < 2:
                self._split_shared_index(db)
            # 2 -> 3: rows keep their vector, and memories may expire (``Memory.expires_at``).
            # By column, not by version: idempotent whatever an earlier build left.
            self._keep_vectors(db)
            columns = {row[1] for row in db.execute("PRAGMA table_info(memories)")}
            if "expires_at" not in columns:
                for statement in _ADD_EXPIRY:
                    db.execute(statement)
            if version < SCHEMA_VERSION:
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @staticmethod
    def _keep_vectors(db: sqlite3.Connection) -> None:
        """Migration 2 -> 3: rows keep their vector (empty for rows written before)."""
        columns = {r[1] for r in db.execute("PRAGMA table_info(memories)").fetchall()}
        if "vector" not in columns:
            db.execute("ALTER TABLE memories ADD COLUMN vector BLOB")
        if "indexed_at" not in columns:
            db.execute("ALTER TABLE memories ADD COLUMN indexed_at INTEGER NOT NULL DEFAULT 0")
        db.execute(
            "CREATE INDEX IF NOT EXISTS memories_indexed ON memories (workspace_id, indexed_at)"
        )

    def _split_shared_index(self, db: sqlite3.Connection) -> None:
        """Migration 1 -> 2: the one FTS table of every workspace becomes one per workspace."""
        shared = db.execute("SELECT 1 FROM sqlite_master WHERE name='memories_fts'").fetchone()
        if shared is None:
            return
        for (workspace_id,) in db.execute("SELECT DISTINCT workspace_id FROM memories").fetchall():
            table = self.fts.table(db, workspace_id)
            db.execute(
                f"INSERT INTO {table} (rowid, content) SELECT rid, json_extract(record, "
                "'$.content') FROM memories WHERE workspace_id=?",
                (workspace_id,),
            )
        db.execute("DROP TABLE memories_fts")

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            str(self.path), check_same_thread=False, isolation_level=None, timeout=BUSY_SECONDS
        )
        db.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        # Recall reads a few hundred random rows per query: read through a memory map (no
        # read() call per page) with a 64 MiB page cache, not SQLite's 2 MiB default.
        db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        return db

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection to read committed rows on. Readers take one of their own (WAL lets
        them read while a transaction writes), so a recall's lexical half and its dense half
        read at once instead of queueing on one connection, and no read waits for a commit.
        The thread inside ``transaction`` reads on the writer's connection: it sees its own
        uncommitted rows."""
        if self._writer == threading.get_ident():
            yield self._db
            return
        db = self._take_reader()
        try:
            yield db
        finally:
            self._give_back(db)

    def _take_reader(self) -> sqlite3.Connection:
        with self._readers_lock:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            if self._idle_readers:
                return self._idle_readers.pop()
        db = self._connect()  # as many as read at once, opened when first needed
        db.execute("PRAGMA query_only=1")
        return db

    def _give_back(self, db: sqlite3.Connection) -> None:
        with self._readers_lock:
            if self._closed:
                db.close()
            else:
                self._idle_readers.append(db)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``: all of a change or none of it."""
        with self._lock:
            outer = self._writer
            self._writer = threading.get_ident()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    self.fts.forget()  # a table this transaction created is gone with it
                    raise
                self._db.execute("COMMIT")
            finally:
                self._writer = outer

    # -- writes ---------------------------------------------------------------------------------
    def put(
        self,
        db: sqlite3.Connection,
        memory: Memory,
        *,
        pending: bool,
        vector: Vector | None = None,
    ) -> None:
        """Insert or replace one memory with its tags and index entry (inside a transaction);
        without a ``vector`` a replaced row keeps the one it had."""
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
            to_timestamp(memory.expires_at),
            vector_bytes(vector),
        )
        if row is None:
            rid = int(db.execute(_INSERT, (*values, memory.workspace_id, memory.id)).lastrowid or 0)
        else:
            rid = int(row[0])
            db.execute(_UPDATE, (*values, rid))
            db.execute("DELETE FROM memory_tags WHERE rid=?", (rid,))
        self.fts.put(db, memory.workspace_id, rid, memory.content)
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
        """Delete rows, their tags, index entries and aliases (inside a transaction)."""
        removed = 0
        for memory_id in dict.fromkeys(ids):
            row = db.execute(
                "SELECT rid FROM memories WHERE workspace_id=? AND id=?", (workspace_id, memory_id)
            ).fetchone()
            db.execute(
                "DELETE FROM memory_aliases WHERE workspace_id=? AND memory_id=?",
                (workspace_id, memory_id),
            )
            if row is None:
                continue
            self.fts.remove(db, workspace_id, int(row[0]))
            db.execute("DELETE FROM memory_tags WHERE rid=?", (row[0],))
            db.execute("DELETE FROM memories WHERE rid=?", (row[0],))
            removed += 1
        return removed

    def mark_done(self, workspace_id: str, ids: Sequence[str], generation: int = 0) -> None:
        """Clear the pending flag; ``generation``: the vector index's, now holding the rows."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE memories SET pending=0, indexed_at=? WHERE workspace_id=? AND id=?",
                [(generation, workspace_id, i) for i in ids],
            )

    # -- reads ----------------------------------------------------------------------------------
    def get_many(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        out: dict[str, Memory] = {}
        with self.reading() as db:
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
        with self.reading() as db:
            row = db.execute(
                "SELECT memory_id FROM memory_aliases WHERE workspace_id=? AND alias=?",
                (workspace_id, alias),
            ).fetchone()
        return None if row is None else str(row[0])

    def newest_live(self, workspace_id: str, column: str, value: str) -> Memory | None:
        """The newest non-superseded row whose ``column`` (``content_hash`` or ``key``) is value."""
        if column not in {"content_hash", "key"}:
            raise ValueError(f"not a lookup column: {column!r}")
        with self.reading() as db:
            row = db.execute(
                f"SELECT record FROM memories WHERE workspace_id=? AND {column}=? AND "
                "superseded=0 ORDER BY updated_at DESC, rid DESC LIMIT 1",
                (workspace_id, value),
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
        with self.reading() as db:
            rows = db.execute(
                sql, (workspace_id, *params, -1 if limit is None else limit, offset)
            ).fetchall()
        return [from_json(r[0]) for r in rows]

    def rank_fields(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> dict[str, RankFields]:
        where, params = flt.sql()
        out: dict[str, RankFields] = {}
        with self.reading() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = db.execute(
                    f"SELECT m.id, m.importance, m.updated_at, {CONTENT}, m.vector FROM memories m "
                    f"WHERE m.workspace_id=? AND m.id IN ({marks}) AND {where}",
                    (workspace_id, *chunk, *params),
                ).fetchall()
                out.update((str(i), rank_fields_from(*rest)) for i, *rest in rows)
        return out

    def session_neighbours(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> Neighbours:
        where, params = flt.sql()
        rows = []
        with self.reading() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                sql = NEIGHBOUR_FIELDS.format(
                    mark="?", ids=f"IN ({','.join('?' * len(chunk))})", content=CONTENT, cond=where
                )
                rows += db.execute(sql, (workspace_id, *chunk, workspace_id, *params)).fetchall()
        return neighbours_from(rows)

    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        """Each workspace holding memories: its live (not superseded) count, last update."""
        with self.reading() as db:
            rows = db.execute(
                "SELECT workspace_id, sum(superseded = 0), max(updated_at) FROM memories "
                "GROUP BY workspace_id"
            ).fetchall()
        return {str(w): (int(n or 0), float(t or 0.0)) for w, n, t in rows}

    def pending(self, workspace_id: str, limit: int | None = None) -> list[Memory]:
        with self.reading() as db:
            rows = db.execute(
                "SELECT record FROM memories WHERE pending=1 AND workspace_id=? ORDER BY rid "
                "LIMIT ?",
                (workspace_id, -1 if limit is None else limit),
            ).fetchall()
        return [from_json(r[0]) for r in rows]

    def staged(
        self, workspace_id: str, after: int | None = None, flt: MemoryFilter | None = None
    ) -> Staged:
        """Rows with a kept vector that a dense index of generation ``after`` may not hold:
        pending ones, and ones indexed by a later generation (None: pending ones only). The
        filter runs here, in SQL: only the vectors of rows it keeps are read."""
        keep, keep_params = (flt or MemoryFilter(include_superseded=True)).sql()
        part = (
            f"SELECT m.id, m.pending, CASE WHEN {keep} THEN m.vector END FROM memories m "
            "WHERE m.workspace_id=? AND m.vector IS NOT NULL AND "
        )
        # Two index lookups (the pending flag's, and (workspace, indexed_at)), never a scan.
        sql = part + "m.pending=1"
        params: list[object] = [*keep_params, workspace_id]
        if after is not None:
            sql += " UNION ALL " + part + "m.indexed_at > ? AND m.pending=0"
            params += [*keep_params, workspace_id, after]
        with self.reading() as db:
            rows = db.execute(sql, params).fetchall()
        return Staged(
            ids=frozenset(str(r[0]) for r in rows),
            matching=[(str(i), vector_from_bytes(v)) for i, _, v in rows if v is not None],
            behind=sum(1 for r in rows if not r[1]),
        )

    def pending_workspaces(self) -> list[str]:
        with self.reading() as db:
            rows = db.execute("SELECT DISTINCT workspace_id FROM memories WHERE pending=1")
            return sorted(str(r[0]) for r in rows.fetchall())

    def vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        """The kept vectors of these rows (rows without one omitted)."""
        out: dict[str, Vector] = {}
        with self.reading() as db:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                rows = db.execute(
                    f"SELECT id, vector FROM memories WHERE workspace_id=? AND vector IS NOT NULL "
                    f"AND id IN ({','.join('?' * len(chunk))})",
                    (workspace_id, *chunk),
                ).fetchall()
                out.update((str(i), vector_from_bytes(v)) for i, v in rows)
        return out

    def search(
        self, workspace_id: str, query: str, n: int, flt: MemoryFilter
    ) -> list[tuple[str, float]]:
        """``(id, coverage)`` best first (higher is better), at most ``n`` (``fts.py``)."""
        with self.reading() as db:
            rows = self._count(db, workspace_id)
            frequencies = self._term_frequencies(db, workspace_id, query)
            return self.fts.search(db, workspace_id, query, n, flt.sql(), rows, frequencies)

    def term_counts(self, workspace_id: str, query: str) -> tuple[int, list[int]]:
        """The workspace's row count (each row has one lexical entry) and each query term's
        document frequency: the IDF of the lexical score."""
        with self.reading() as db:
            return self._count(db, workspace_id), self._term_frequencies(db, workspace_id, query)

    def lexical_language(self, workspace_id: str) -> str:
        """FTS5's one stemmer is Porter's English, for every workspace."""
        return DEFAULT_LANGUAGE

    def embedder_of(self, workspace_id: str) -> str | None:
        with self.reading() as db:
            row = db.execute(
                "SELECT embedder FROM workspace_embedders WHERE workspace_id=?", (workspace_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def record_embedder(self, workspace_id: str, name: str, replace: bool = False) -> str:
        with self.transaction() as db:
            sql = record_embedder_sql("?", replace)
            [recorded] = db.execute(sql, (workspace_id, name)).fetchone()
        return str(recorded)

    def count(self, workspace_id: str) -> int:
        with self.reading() as db:
            return self._count(db, workspace_id)

    def count_hidden(self, workspace_id: str, at_most: int) -> int:
        with self.reading() as db:
            [found] = db.execute(
                hidden_count_sql("?", indexed_by=True),
                (workspace_id, at_most, workspace_id, at_most),
            ).fetchone()
        return int(found)

    def _count(self, db: sqlite3.Connection, workspace_id: str) -> int:
        """Counted again only after a write by any connection: at 100k rows counting costs
        about 3 ms a recall (counting the FTS table itself, 18 ms)."""
        # Both counters are the connection's own: so is the cache entry.
        version = (db.execute("PRAGMA data_version").fetchone()[0], db.total_changes)
        cached = self._counts.get((id(db), workspace_id))
        if cached is not None and cached[0] == version:
            return cached[1]
        [total] = db.execute(
            "SELECT count(*) FROM memories WHERE workspace_id=?", (workspace_id,)
        ).fetchone()
        self._counts[(id(db), workspace_id)] = (version, int(total))
        return int(total)

    def _term_frequencies(self, db: sqlite3.Connection, workspace_id: str, query: str) -> list[int]:
        """The last query's are kept, per connection, until a write: recall asks for them
        twice (``term_counts``, then ``search``), and counting them is a tenth of the lexical
        half's time at 100k rows."""
        version = (db.execute("PRAGMA data_version").fetchone()[0], db.total_changes)
        cached = self._frequencies.get((id(db), workspace_id))
        if cached is not None and cached[:2] == (version, query):
            return cached[2]
        counted = self.fts.term_frequencies(db, workspace_id, query)
        self._frequencies[(id(db), workspace_id)] = (version, query, counted)
        return counted

    def close(self) -> None:
        with self._lock, self._readers_lock:
            self._closed = True
            for db in self._idle_readers:
                db.close()  # one still reading is closed when it is given back
            self._idle_readers.clear()
            self._db.close()
