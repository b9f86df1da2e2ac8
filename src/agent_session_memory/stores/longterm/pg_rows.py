"""Canonical memory rows and the lexical index in PostgreSQL (server mode), over a psycopg pool.

The same layout as SQLite's (``sqlite_rows.py``): the record as JSON beside the columns filters
need, a tag table, merge aliases; the lexical index is a generated ``tsvector`` column
(``pg_schema.py``), so a row and its index entry can never disagree. Every process of a
deployment shares the database, so nothing here is cached per process. A refused or lost
connection becomes ``BackendUnavailable`` naming PostgreSQL, fast (``connect_timeout``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ...errors import ConfigurationError
from ...languages import LexicalLanguages, checked
from ...models import Memory, to_timestamp
from .base import Neighbours, RankFields, Vector
from .filters import MemoryFilter
from .pg_errors import describe, guard
from .pg_lexical import bm25_search, term_counts
from .pg_lock import DEFAULT_TIMEOUT as DEFAULT_LOCK_TIMEOUT
from .pg_lock import AdvisoryLock
from .pg_pool import open_pool
from .pg_schema import ts_config
from .records import from_json, to_json, vector_bytes, vector_from_bytes
from .row_reads import (
    NEIGHBOUR_FIELDS,
    hidden_count_sql,
    neighbours_from,
    rank_fields_from,
    record_embedder_sql,
)
from .staged import Staged

log = logging.getLogger(__name__)

#: A workspace's first write fixes its language (``languages.py``); later writes keep it.
_CLAIM_LANGUAGE = """
INSERT INTO workspace_languages (workspace_id, config) VALUES (%s, %s::regconfig)
ON CONFLICT (workspace_id) DO NOTHING
"""
#: Every row of a write in one statement (one array a column), so the statistics trigger runs
#: once a write, not once a row (``pg_schema``). Rows take the workspace's language.
_UPSERT = """
INSERT INTO memories (language, workspace_id, id, record, content, content_hash, key, session_id,
    type, importance, created_at, updated_at, superseded, pending, expires_at, vector)
SELECT (SELECT config FROM workspace_languages WHERE workspace_id = %s), u.*
FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
    %s::text[], %s::text[], %s::float8[], %s::float8[], %s::float8[], %s::int2[], %s::int2[],
    %s::float8[], %s::bytea[]) AS u
ON CONFLICT (workspace_id, id) DO UPDATE SET record = EXCLUDED.record,
    content = EXCLUDED.content, content_hash = EXCLUDED.content_hash, key = EXCLUDED.key,
    session_id = EXCLUDED.session_id, type = EXCLUDED.type, importance = EXCLUDED.importance,
    created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
    superseded = EXCLUDED.superseded, pending = EXCLUDED.pending, expires_at = EXCLUDED.expires_at,
    vector = coalesce(EXCLUDED.vector, memories.vector)
RETURNING id, rid, language = %s::regconfig
"""
_ALIAS = """
INSERT INTO memory_aliases (workspace_id, alias, memory_id) VALUES (%s, %s, %s)
ON CONFLICT (workspace_id, alias) DO UPDATE SET memory_id = EXCLUDED.memory_id
"""


def pg_filter(flt: MemoryFilter) -> tuple[str, list[Any]]:
    """``MemoryFilter.sql()`` in PostgreSQL's dialect (``%s`` placeholders, a boolean true)."""
    cond, params = flt.sql()
    return ("TRUE" if cond == "1" else cond.replace("?", "%s")), params


class PostgresRows:
    """The rows of every workspace in one PostgreSQL database; a pool of autocommit
    connections, explicit transactions for changes."""

    def __init__(
        self,
        url: str,
        *,
        max_size: int = 8,
        timeout: float = 3.0,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        languages: LexicalLanguages | None = None,
    ) -> None:
        self.url = url
        self.where = describe(url)
        self.languages = languages or LexicalLanguages()
        self._pool = open_pool(url, self.where, max_size=max_size, timeout=timeout)
        self.lock = AdvisoryLock(self._pool, self.where, timeout=lock_timeout)
        self._warned: set[str] = set()  # workspaces whose kept language differs from settings
        try:
            self._check_languages()
        except BaseException:
            self._pool.close()
            raise

    @guard
    def _check_languages(self) -> None:
        """Every configured language has its configuration here (an older PostgreSQL may lack a
        stemmer): refused at start, not at a workspace's first write."""
        wanted = {self.languages.default, *self.languages.workspaces.values()}
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT cfgname FROM pg_ts_config WHERE cfgname = ANY(%s)",
                ([ts_config(language) for language in wanted],),
            ).fetchall()
        missing = sorted(wanted - {str(r[0])[len("asm_") :] for r in rows})
        if missing:
            raise ConfigurationError(
                f"{self.where} has no stemmer for {', '.join(missing)} (lexical language)"
            )

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self._pool.connection() as conn, conn.transaction():
            yield conn

    # -- writes ---------------------------------------------------------------------------------
    @guard
    def put(
        self,
        workspace_id: str,
        rows: Sequence[Memory],
        aliases: Sequence[tuple[str, str]],
        pending: bool,
        vectors: Mapping[str, Vector] | None = None,
    ) -> None:
        """Upsert rows (an existing id keeps its ``rid``, hence its list position) with their
        kept vectors, replace their tags, record aliases: one transaction."""
        kept = vectors or {}
        with self._transaction() as conn:
            if rows:
                wanted = ts_config(self.languages.of(workspace_id))
                conn.execute(_CLAIM_LANGUAGE, (workspace_id, wanted))
                values = [(*_values(m, pending), vector_bytes(kept.get(m.id))) for m in rows]
                columns = [list(column) for column in zip(*values, strict=True)]
                written = conn.execute(_UPSERT, [workspace_id, *columns, wanted]).fetchall()
                rids = {str(i): int(rid) for i, rid, _ in written}
                if not written[0][2]:
                    self._note_language(workspace_id, wanted)
                conn.execute("DELETE FROM memory_tags WHERE rid = ANY(%s)", (list(rids.values()),))
                tags = [(rids[m.id], tag) for m in rows for tag in dict.fromkeys(m.tags)]
                if tags:
                    conn.cursor().executemany(
                        "INSERT INTO memory_tags (rid, tag) VALUES (%s, %s)", tags
                    )
            if aliases:
                conn.cursor().executemany(_ALIAS, [(workspace_id, a, m) for a, m in aliases])

    def _note_language(self, workspace_id: str, wanted: str) -> None:
        """Settings changed after a workspace's first write: say so once, keep its language
        (its rows and its queries must be stemmed alike)."""
        if workspace_id not in self._warned:
            self._warned.add(workspace_id)
            log.warning(
                "workspace %r keeps its lexical language, %s, not %s as configured "
                "(`asm language` changes it)",
                workspace_id,
                self.lexical_language(workspace_id),
                wanted[len("asm_") :],
            )

    @guard
    def remove(self, workspace_id: str, ids: Sequence[str]) -> int:
        """Delete rows (tags cascade, the index entry is the row) and aliases pointing at them."""
        ids = list(dict.fromkeys(ids))
        with self._transaction() as conn:
            conn.execute(
                "DELETE FROM memory_aliases WHERE workspace_id = %s AND memory_id = ANY(%s)",
                (workspace_id, ids),
            )
            cur = conn.execute(
                "DELETE FROM memories WHERE workspace_id = %s AND id = ANY(%s)",
                (workspace_id, ids),
            )
            return int(cur.rowcount)

    @guard
    def mark_done(self, workspace_id: str, ids: Sequence[str]) -> None:
        with self._conn() as conn:
            conn.execute(
                "UPDATE memories SET pending = 0 WHERE workspace_id = %s AND id = ANY(%s) "
                "AND pending = 1",
                (workspace_id, list(ids)),
            )

    # -- reads ----------------------------------------------------------------------------------
    def _records(self, sql: str, params: Sequence[Any]) -> list[Memory]:
        with self._conn() as conn:
            return [from_json(r[0]) for r in conn.execute(sql, params).fetchall()]

    @guard
    def get_many(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Memory]:
        found = self._records(
            "SELECT record FROM memories WHERE workspace_id = %s AND id = ANY(%s)",
            (workspace_id, list(dict.fromkeys(ids))),
        )
        return {m.id: m for m in found}

    @guard
    def resolve_alias(self, workspace_id: str, alias: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT memory_id FROM memory_aliases WHERE workspace_id = %s AND alias = %s",
                (workspace_id, alias),
            ).fetchone()
        return None if row is None else str(row[0])

    @guard
    def newest_live(self, workspace_id: str, column: str, value: str) -> Memory | None:
        """The newest non-superseded row whose ``column`` (``content_hash`` or ``key``) is value."""
        if column not in {"content_hash", "key"}:
            raise ValueError(f"not a lookup column: {column!r}")
        found = self._records(
            f"SELECT record FROM memories WHERE workspace_id = %s AND {column} = %s AND "
            "superseded = 0 ORDER BY updated_at DESC, rid DESC LIMIT 1",
            (workspace_id, value),
        )
        return found[0] if found else None

    @guard
    def select(
        self,
        workspace_id: str,
        flt: MemoryFilter,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[Memory]:
        cond, params = pg_filter(flt)
        order = "DESC" if newest_first else "ASC"
        return self._records(
            f"SELECT m.record FROM memories m WHERE m.workspace_id = %s AND {cond} "
            f"ORDER BY m.created_at {order}, m.rid {order} LIMIT %s OFFSET %s",
            (workspace_id, *params, limit, offset),
        )

    @guard
    def rank_fields(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> dict[str, RankFields]:
        cond, params = pg_filter(flt)
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT m.id, m.importance, m.updated_at, m.content, m.vector FROM memories m "
                f"WHERE m.workspace_id = %s AND m.id = ANY(%s) AND {cond}",
                (workspace_id, list(ids), *params),
            ).fetchall()
        return {str(i): rank_fields_from(*rest) for i, *rest in rows}

    @guard
    def session_neighbours(
        self, workspace_id: str, ids: Sequence[str], flt: MemoryFilter
    ) -> Neighbours:
        cond, params = pg_filter(flt)
        sql = NEIGHBOUR_FIELDS.format(mark="%s", ids="= ANY(%s)", content="m.content", cond=cond)
        with self._conn() as conn:
            rows = conn.execute(sql, (workspace_id, list(ids), workspace_id, *params)).fetchall()
        return neighbours_from(rows)

    @guard
    def workspace_stats(self) -> dict[str, tuple[int, float]]:
        """Each workspace holding memories: its live (not superseded) count, last update."""
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT workspace_id, sum(CASE WHEN superseded = 0 THEN 1 ELSE 0 END), "
                "max(updated_at) FROM memories GROUP BY workspace_id"
            ).fetchall()
        return {str(w): (int(n or 0), float(t or 0.0)) for w, n, t in rows}

    @guard
    def pending(self, workspace_id: str, limit: int | None = None) -> list[Memory]:
        return self._records(
            "SELECT record FROM memories WHERE workspace_id = %s AND pending = 1 ORDER BY rid "
            "LIMIT %s",
            (workspace_id, limit),
        )

    @guard
    def staged(
        self, workspace_id: str, after: int | None = None, flt: MemoryFilter | None = None
    ) -> Staged:
        """Pending rows with a kept vector: what the dense index may not have yet. ``after``
        must be None: these rows pair with a Chroma server, which is never stale."""
        if after is not None:
            raise ValueError("PostgresRows pairs with a Chroma server: no stale index generation")
        keep, keep_params = pg_filter(flt or MemoryFilter(include_superseded=True))
        with self._conn() as conn:
            rows = conn.execute(
                f"SELECT m.id, CASE WHEN {keep} THEN m.vector END FROM memories m "
                "WHERE m.workspace_id = %s AND m.pending = 1 AND m.vector IS NOT NULL",
                (*keep_params, workspace_id),
            ).fetchall()
        return Staged(
            ids=frozenset(str(r[0]) for r in rows),
            matching=[(str(i), vector_from_bytes(v)) for i, v in rows if v is not None],
            behind=0,
        )

    @guard
    def vectors(self, workspace_id: str, ids: Sequence[str]) -> dict[str, Vector]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT id, vector FROM memories WHERE workspace_id = %s AND id = ANY(%s) "
                "AND vector IS NOT NULL",
                (workspace_id, list(ids)),
            ).fetchall()
        return {str(i): vector_from_bytes(v) for i, v in rows}

    @guard
    def pending_workspaces(self) -> list[str]:
        with self._conn() as conn:
            rows = conn.execute("SELECT DISTINCT workspace_id FROM memories WHERE pending = 1")
            return sorted(str(r[0]) for r in rows.fetchall())

    @guard
    def search(
        self, workspace_id: str, query: str, n: int, flt: MemoryFilter
    ) -> list[tuple[str, float]]:
        """``(id, bm25)`` best first, at most ``n`` (``pg_lexical.py``)."""
        with self._conn() as conn:
            return bm25_search(conn, workspace_id, query, n, pg_filter(flt))

    @guard
    def term_counts(self, workspace_id: str, query: str) -> tuple[int, list[int]]:
        with self._conn() as conn:
            return term_counts(conn, workspace_id, query)

    @guard
    def lexical_language(self, workspace_id: str) -> str:
        """The language the workspace's first write fixed (or ``set_language``); the settings'
        before any write. Read each time: another process may have changed it."""
        with self._conn() as conn:
            row = conn.execute(
                "SELECT c.cfgname FROM workspace_languages w JOIN pg_ts_config c "
                "ON c.oid = w.config WHERE w.workspace_id = %s",
                (workspace_id,),
            ).fetchone()
        return self.languages.of(workspace_id) if row is None else str(row[0])[len("asm_") :]

    @guard
    def embedder_of(self, workspace_id: str) -> str | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT embedder FROM workspace_embedders WHERE workspace_id = %s",
                (workspace_id,),
            ).fetchone()
        return None if row is None else str(row[0])

    @guard
    def record_embedder(self, workspace_id: str, name: str, replace: bool = False) -> str:
        sql = record_embedder_sql("%s", replace)
        with self._transaction() as conn:
            row = conn.execute(sql, (workspace_id, name)).fetchone()
        return str(row[0])

    @guard
    def set_language(self, workspace_id: str, language: str) -> int:
        """Stem the workspace in ``language`` from now on, its rows re-indexed (and BM25's
        statistics recounted by the trigger) in one transaction; how many rows. Writes wait
        meanwhile (each ``put`` claims a language first), so none lands in the old language."""
        config = ts_config(checked(language, "lexical language"))
        with self._transaction() as conn:
            conn.execute("LOCK TABLE workspace_languages IN SHARE ROW EXCLUSIVE MODE")
            conn.execute(
                "INSERT INTO workspace_languages (workspace_id, config) VALUES (%s, %s::regconfig) "
                "ON CONFLICT (workspace_id) DO UPDATE SET config = EXCLUDED.config",
                (workspace_id, config),
            )
            cur = conn.execute(
                "UPDATE memories SET language = %s::regconfig WHERE workspace_id = %s "
                "AND language <> %s::regconfig",
                (config, workspace_id, config),
            )
            return int(cur.rowcount)

    @guard
    def count(self, workspace_id: str) -> int:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT rows FROM lexical_totals WHERE workspace_id = %s", (workspace_id,)
            ).fetchone()
        return 0 if row is None else int(row[0])

    @guard
    def count_hidden(self, workspace_id: str, at_most: int) -> int:
        with self._conn() as conn:
            [found] = conn.execute(
                hidden_count_sql("%s", indexed_by=False),
                (workspace_id, at_most, workspace_id, at_most),
            ).fetchone()
        return int(found)

    def close(self) -> None:
        self._pool.close()


def _values(memory: Memory, pending: bool) -> tuple[Any, ...]:
    return (
        memory.workspace_id,
        memory.id,
        to_json(memory),
        memory.content,
        memory.content_hash,
        memory.key,
        memory.session_id,
        memory.type,
        float(memory.importance),
        to_timestamp(memory.created_at) or 0.0,
        to_timestamp(memory.updated_at) or 0.0,
        int(memory.superseded_by is not None),
        int(pending),
        to_timestamp(memory.expires_at),
    )


__all__ = ["PostgresRows", "pg_filter"]
