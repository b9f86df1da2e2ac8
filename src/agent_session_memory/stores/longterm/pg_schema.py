"""The PostgreSQL schema of the canonical rows and the lexical index, as versioned migrations.

``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``; the version lives in
``asm_schema``. Every process runs ``migrate`` when it opens the store: a transaction-level
advisory lock makes N processes starting at once apply each migration exactly once.

The lexical index is a generated ``tsvector`` column with a GIN index. Its text search
configuration is the workspace's language's (``asm_english`` for English): PostgreSQL's with a
Snowball stemmer that keeps stopwords, so like SQLite's FTS5 ``porter`` tokenizer every word is
indexed and the query side (``text.query_terms``) decides which words count. ``doc_len``
(distinct lexemes) feeds BM25's length normalisation (``pg_lexical.py``); a trigger keeps BM25's
statistics per workspace.
The API keys of server mode live here too (``api_keys``), in the same database.
"""

from __future__ import annotations

from typing import Any

#: A fixed advisory lock key for schema changes (any 64-bit number no other code uses).
MIGRATION_LOCK = 0x61736D5F736368  # "asm_sch"
TS_CONFIG = "asm_english"  # the configuration of rows written before schema 5


def ts_config(language: str) -> str:
    """The text search configuration of a language (``languages.LANGUAGES``)."""
    return f"asm_{language}"


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

#: Rows keep their vector (float32 bytes: a pending row is searchable before the index has it),
#: and memories may expire (``Memory.expires_at``: reads hide them, a sweep deletes them).
_V2 = """
ALTER TABLE memories ADD COLUMN IF NOT EXISTS vector BYTEA;
ALTER TABLE memories ADD COLUMN IF NOT EXISTS expires_at DOUBLE PRECISION;
CREATE INDEX IF NOT EXISTS memories_expiry ON memories (workspace_id, expires_at)
    WHERE expires_at IS NOT NULL;
"""

#: BM25's statistics kept on write, so a recall reads them in one index lookup each instead of
#: averaging every row of the workspace and counting each query lexeme through the GIN index
#: (150 ms a recall at 100k rows): the workspace's row count and summed ``doc_len``, and each
#: lexeme's document frequency. Statement triggers keep them from the rows a statement changed
#: (transition tables), so a write of many rows (``PostgresRows.put`` is one statement) adds
#: each lexeme's count once. Each takes the workspace totals rows first and the lexeme rows in
#: order: concurrent writers of a workspace would otherwise deadlock on lexeme rows taken in
#: different orders (a test shows it). Existing rows are counted once here.
_COUNT = """
    INSERT INTO lexical_totals AS s
        SELECT c.workspace_id, sum(c.sign), sum(c.sign * c.doc_len) FROM {changes} c
        GROUP BY c.workspace_id ORDER BY c.workspace_id
        ON CONFLICT (workspace_id) DO UPDATE
        SET rows = s.rows + excluded.rows, doc_len_sum = s.doc_len_sum + excluded.doc_len_sum;
    INSERT INTO lexical_terms AS t
        SELECT c.workspace_id, u.lexeme, sum(c.sign) FROM {changes} c, unnest(c.tsv) u
        GROUP BY c.workspace_id, u.lexeme ORDER BY c.workspace_id, u.lexeme
        ON CONFLICT (workspace_id, lexeme) DO UPDATE SET df = t.df + excluded.df;
"""
#: Lexemes no row holds any more go (after a delete or a rewrite).
_FORGET = """
    DELETE FROM lexical_terms t USING (
        SELECT DISTINCT c.workspace_id, u.lexeme FROM {changes} c, unnest(c.tsv) u
        WHERE c.sign < 0
    ) gone
    WHERE t.workspace_id = gone.workspace_id AND t.lexeme = gone.lexeme AND t.df <= 0;
"""
_CHANGES = {
    "INSERT": "(SELECT workspace_id, tsv, doc_len, 1 AS sign FROM new_rows)",
    "DELETE": "(SELECT workspace_id, tsv, doc_len, -1 AS sign FROM old_rows)",
    # Rows whose content changed: the old version out, the new one in (``mark_done`` and
    # other column updates change nothing here).
    "UPDATE": """(SELECT o.workspace_id, o.tsv, o.doc_len, -1 AS sign
        FROM old_rows o JOIN new_rows n ON n.rid = o.rid WHERE {changed}
        UNION ALL SELECT n.workspace_id, n.tsv, n.doc_len, 1
        FROM old_rows o JOIN new_rows n ON n.rid = o.rid WHERE {changed})""",
}
#: Which updated rows count as changed: their text (schema 3), or its language too (schema 5).
_CHANGED_V3 = "o.content IS DISTINCT FROM n.content OR o.workspace_id <> n.workspace_id"
_CHANGED_V5 = f"{_CHANGED_V3} OR o.language <> n.language"
_TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _statistics_function(op: str, changed: str = _CHANGED_V3) -> str:
    changes = _CHANGES[op].format(changed=changed)
    body = _COUNT.format(changes=changes)
    if op != "INSERT":
        body += _FORGET.format(changes=changes)
    return (
        f"CREATE OR REPLACE FUNCTION asm_lexical_{op.lower()}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $fn$\nBEGIN{body}    RETURN NULL;\nEND\n$fn$"
    )


def _statistics_trigger(op: str) -> list[str]:
    name = f"asm_lexical_{op.lower()}"
    return [
        _statistics_function(op),
        f"CREATE TRIGGER memories_{name} AFTER {op} ON memories "
        f"REFERENCING {_TRANSITIONS[op]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


_V3 = [
    """CREATE TABLE lexical_totals (
        workspace_id TEXT PRIMARY KEY,
        rows BIGINT NOT NULL,
        doc_len_sum BIGINT NOT NULL
    )""",
    """CREATE TABLE lexical_terms (
        workspace_id TEXT NOT NULL,
        lexeme TEXT NOT NULL,
        df BIGINT NOT NULL,
        PRIMARY KEY (workspace_id, lexeme)
    )""",
    *(statement for op in ("INSERT", "UPDATE", "DELETE") for statement in _statistics_trigger(op)),
    "DROP INDEX IF EXISTS memories_doc_len",  # the mean was computed from it
    """INSERT INTO lexical_totals
        SELECT workspace_id, count(*), coalesce(sum(doc_len), 0) FROM memories
        GROUP BY workspace_id""",
    """INSERT INTO lexical_terms
        SELECT m.workspace_id, u.lexeme, count(*) FROM memories m, unnest(m.tsv) u
        GROUP BY m.workspace_id, u.lexeme""",
]

#: API keys (``server/keys_postgres.py``): in server mode every API process of every machine
#: reads the same rows, so a key created or revoked through one is seen by all at the next
#: request. Only the SHA-256 of a key's secret is stored.
_V4 = [
    """CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secret_sha256 TEXT NOT NULL,
        workspaces TEXT[] NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        revoked_at DOUBLE PRECISION
    )""",
    "CREATE INDEX api_keys_name ON api_keys (name)",
]

#: A workspace's words are stemmed in its own language (``languages.py``): one text search
#: configuration ``asm_<language>`` per Snowball stemmer PostgreSQL has, keeping stopwords as
#: ``asm_english`` does, and ``asm_simple``. ``workspace_languages`` keeps the language a
#: workspace's first write chose; each row names its configuration (``language``), from which
#: ``tsv`` and ``doc_len`` are generated. Rows written before are English, as they were indexed,
#: so their lexemes and the statistics stay as they are. A changed language counts as changed
#: text for the statistics (``_CHANGED_V5``).
_V5 = [
    """DO $$ DECLARE lang TEXT; BEGIN
    FOR lang IN SELECT c.cfgname FROM pg_ts_config c JOIN pg_ts_dict d
        ON d.dictname = c.cfgname || '_stem' AND d.dictnamespace = c.cfgnamespace
        WHERE c.cfgnamespace = 'pg_catalog'::regnamespace AND c.cfgname <> 'english'
    LOOP
        EXECUTE format('CREATE TEXT SEARCH DICTIONARY %I (TEMPLATE = snowball, Language = %I)',
            'asm_' || lang || '_stem', lang);
        EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = %I)', 'asm_' || lang, lang);
        EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR asciiword, '
            'asciihword, hword_asciipart, word, hword, hword_part WITH %I',
            'asm_' || lang, 'asm_' || lang || '_stem');
    END LOOP;
    END $$""",
    "CREATE TEXT SEARCH CONFIGURATION asm_simple (COPY = simple)",
    """CREATE TABLE workspace_languages (
        workspace_id TEXT PRIMARY KEY,
        config regconfig NOT NULL
    )""",
    f"""INSERT INTO workspace_languages
        SELECT DISTINCT workspace_id, '{TS_CONFIG}'::regconfig FROM memories""",
    f"""ALTER TABLE memories ADD COLUMN language regconfig NOT NULL DEFAULT '{TS_CONFIG}',
        DROP COLUMN tsv, DROP COLUMN doc_len""",
    """ALTER TABLE memories
        ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector(language, content)) STORED,
        ADD COLUMN doc_len INTEGER GENERATED ALWAYS AS (length(to_tsvector(language, content)))
            STORED""",
    "CREATE INDEX memories_tsv ON memories USING GIN (tsv)",
    _statistics_function("UPDATE", _CHANGED_V5),
]

#: Migration n takes the schema from version n to n + 1: a text of statements separated by
#: ``;``, or a list of statements (function bodies hold ``;`` of their own).
#: Recall reads each memory's neighbours in its session (``PostgresRows.session_neighbours``).
_V6 = "CREATE INDEX IF NOT EXISTS memories_session ON memories (workspace_id, session_id, rid)"

#: The embedder each workspace's vectors come from (``engine/longterm/embedder_check.py``).
_V7 = """CREATE TABLE IF NOT EXISTS workspace_embedders (
    workspace_id TEXT PRIMARY KEY,
    embedder TEXT NOT NULL
)"""

#: Recall counts the superseded rows it may have to skip (``row_reads.hidden_count_sql``).
_V8 = (
    "CREATE INDEX IF NOT EXISTS memories_superseded ON memories (workspace_id) WHERE superseded = 1"
)

MIGRATIONS: list[str | list[str]] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8]
SCHEMA_VERSION = len(MIGRATIONS)


def statements(migration: str | list[str]) -> list[str]:
    if isinstance(migration, list):
        return migration
    return [s for s in migration.split(";") if s.strip()]


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
            for statement in statements(MIGRATIONS[version]):
                conn.execute(statement)
        conn.execute("DELETE FROM asm_schema")
        conn.execute("INSERT INTO asm_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
    return found


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "TS_CONFIG", "migrate", "ts_config"]
