"""Test helpers for long-term memory: a model-free embedder, a memory row to store, and a look
inside the FTS5 file."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent_session_memory.models import Memory
from agent_session_memory.stores.longterm.records import content_hash
from agent_session_memory.stores.longterm.text import match_expression, stem, words


class HashingEmbedder:
    """Deterministic bag-of-words vectors: each (stemmed) word hashed into one of ``dimension``
    buckets, then unit length. Texts sharing words get a positive cosine, identical word bags
    get 1.0; no model, no ONNX, microseconds a text. Not a semantic model: tests about recall
    quality or paraphrase merging use MiniLM."""

    name = "hashing-bow"

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def _bucket(self, word: str) -> int:
        digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "little") % self.dimension

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        matrix = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in words(text):
                matrix[row, self._bucket(stem(word))] += 1.0
            norm = float(np.linalg.norm(matrix[row]))
            if norm == 0:
                matrix[row, 0] = 1.0  # no words: one fixed unit vector
            else:
                matrix[row] /= norm
        return matrix


def memory_row(workspace_id: str, memory_id: str, content: str) -> Memory:
    """A memory as the row stores take it, created and updated now."""
    now = datetime.now(UTC)
    return Memory(
        id=memory_id,
        workspace_id=workspace_id,
        content=content,
        content_hash=content_hash(content),
        created_at=now,
        updated_at=now,
    )


def fts_matches(path: Path, text: str) -> int:
    """FTS5 index entries matching ``text`` in every workspace of the SQLite file at ``path``
    (forgetting must leave nothing behind in any index)."""
    expr = match_expression(text)
    if expr is None:
        return 0
    db = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name GLOB 'fts_*' "
                "AND name NOT GLOB 'fts_*_*'"
            )
        ]
        return sum(
            int(db.execute(f"SELECT count(*) FROM {t} WHERE {t} MATCH ?", (expr,)).fetchone()[0])
            for t in tables
        )
    finally:
        db.close()


def postgres_at_version(url: str, version: int, workspace_id: str, texts: Sequence[str]) -> None:
    """A PostgreSQL database as schema ``version`` left it, holding ``texts`` as rows
    ``m0, m1, ...`` of one workspace written through that schema's columns (migration tests)."""
    import psycopg

    from agent_session_memory.stores.longterm.pg_schema import MIGRATIONS, statements

    with psycopg.connect(url, autocommit=True) as conn:
        for migration in MIGRATIONS[:version]:
            for statement in statements(migration):
                conn.execute(statement)
        conn.execute("CREATE TABLE asm_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO asm_schema VALUES (%s)", (version,))
        for i, text in enumerate(texts):
            conn.execute(
                "INSERT INTO memories (workspace_id, id, record, content, content_hash, type,"
                " importance, created_at, updated_at) VALUES (%s, %s, '{}', %s, '', 'fact',"
                " 0.5, 0, 0)",
                (workspace_id, f"m{i}", text),
            )


def pg_recount(url: str, workspace_id: str, found: list[str]) -> tuple[int, float, list[int]]:
    """What BM25's kept statistics must equal: rows, mean ``doc_len`` and each lexeme's
    document frequency, counted from the rows themselves."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows, mean = conn.execute(
            "SELECT count(*), coalesce(avg(doc_len), 0)::float8 FROM memories "
            "WHERE workspace_id = %s",
            (workspace_id,),
        ).fetchone()
        df = [
            conn.execute(
                "SELECT count(*) FROM memories m WHERE workspace_id = %s AND EXISTS "
                "(SELECT 1 FROM unnest(m.tsv) u WHERE u.lexeme = %s)",
                (workspace_id, lexeme),
            ).fetchone()[0]
            for lexeme in found
        ]
    return int(rows), float(mean), [int(d) for d in df]
