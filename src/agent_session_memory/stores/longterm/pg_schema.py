"""The PostgreSQL schema of the canonical rows and the lexical index, as versioned migrations.

``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``; the version lives in
``asm_schema``. Every process runs ``migrate`` when it opens the store: a transaction-level
advisory lock makes N processes starting at once apply each migration exactly once.

The lexical index is a generated ``tsvector`` column with a GIN index. Its text search
configuration, ``asm_english``, is PostgreSQL's ``english`` with a Snowball stemmer that keeps
stopwords: like SQLite's FTS5 ``porter`` tokenizer, every word is indexed and the query side
(``text.query_terms``) decides which words count. ``doc_len`` (distinct lexemes) feeds BM25's
length normalisation (``pg_lexical.py``).
"""

from __future__ import annotations

from typing import Any

#: A fixed advisory lock key for schema changes (any 64-bit number no other code uses).
MIGRATION_LOCK = 0x61736D5F736368  # "asm_sch"
TS_CONFIG = "asm_english"

_V1 = f"""
CREATE TEXT SEARCH DICTIONARY asm_english_stem (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = english);
ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG}
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH asm_english_stem;
CREATE TABLE memories (
    rid BIGSERIAL PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    id TEXT NOT NULL,
    record TEXT NOT NULL,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    key TEXT,
    session_id TEXT,
    type TEXT NOT NULL,
    importance DOUBLE PRECISION NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    superseded SMALLINT NOT NULL DEFAULT 0,
    pending SMALLINT NOT NULL DEFAULT 0,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('{TS_CONFIG}'::regconfig, content)) STORED,
    doc_len INTEGER GENERATED ALWAYS AS (length(to_tsvector('{TS_CONFIG}'::regconfig, content)))
        STORED,
    UNIQUE (workspace_id, id)
);
CREATE INDEX memories_hash ON memories (workspace_id, content_hash) WHERE superseded = 0;
CREATE INDEX memories_key ON memories (workspace_id, key) WHERE superseded = 0;
CREATE INDEX memories_created ON memories (workspace_id, created_at, rid);
CREATE INDEX memories_pending ON memories (workspace_id) WHERE pending = 1;
CREATE INDEX memories_tsv ON memories USING GIN (tsv);
CREATE INDEX memories_doc_len ON memories (workspace_id) INCLUDE (doc_len);
CREATE TABLE memory_tags (
    rid BIGINT NOT NULL REFERENCES memories (rid) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (rid, tag)
);
CREATE INDEX memory_tags_tag ON memory_tags (tag, rid);
CREATE TABLE memory_aliases (
    workspace_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    memory_id TEXT NOT NULL,
    PRIMARY KEY (workspace_id, alias)
);
CREATE INDEX memory_aliases_target ON memory_aliases (workspace_id, memory_id);
"""

#: Rows keep their vector (float32 bytes): a pending row is searchable before the index has it.
_V2 = """
ALTER TABLE memories ADD COLUMN vector BYTEA;
"""

#: Migration n takes the schema from version n to n + 1 (statements separated by ``;``).
MIGRATIONS: list[str] = [_V1, _V2]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: Any) -> int:
    conn.execute("CREATE TABLE IF NOT EXISTS asm_schema (version INTEGER NOT NULL)")
    row = conn.execute("SELECT version FROM asm_schema").fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: Any) -> int:
    """Bring the database to ``SCHEMA_VERSION`` (one transaction, serialised across processes);
    the version it was at. A database newer than this code is refused, never downgraded."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        found = current_version(conn)
        if found > SCHEMA_VERSION:
            raise RuntimeError(
                f"the PostgreSQL schema is at version {found}, newer than this code "
                f"({SCHEMA_VERSION}): upgrade agent-session-memory"
            )
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute("DELETE FROM asm_schema")
        conn.execute("INSERT INTO asm_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
    return found


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TS_CONFIG", "migrate"]
