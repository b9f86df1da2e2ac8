"""The lexical index: one SQLite FTS5 table per workspace (porter stemming), ranked by IDF.

One table per workspace, not one for all: nothing crosses workspaces, term statistics included,
and a query never scans other workspaces' postings. A table's rowid is its memory's ``rid`` in
the canonical ``memories`` table (``sqlite_rows.py``); the caller changes a row and its index
entry in one transaction. Table names are hashes of the workspace id, never input.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from .relevance import stem_weights
from .text import query_terms, rarest, stem

FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def fts_table(workspace_id: str) -> str:
    return "fts_" + hashlib.sha256(workspace_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]


class FtsIndex:
    """Creates tables on first write, remembers which exist; reads never create one.

    Readers use their own connections (``SqliteRows.reading``), so a table a write transaction
    has created but not yet committed must not count as existing for them: ``_created`` (the
    writer's) and ``_committed`` (what readers may query) are kept apart.
    """

    def __init__(self) -> None:
        self._created: set[str] = set()
        self._committed: set[str] = set()

    def table(self, db: sqlite3.Connection, workspace_id: str) -> str:
        """The workspace's FTS5 table, created on first use (inside the writer's transaction)."""
        table = fts_table(workspace_id)
        if table not in self._created:
            db.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
                f"content, tokenize = '{FTS_TOKENIZER}')"
            )
            self._created.add(table)
        return table

    def forget(self) -> None:
        """After a rollback: a table created in the failed transaction is gone again, so what
        is known must be learnt again from ``sqlite_master``."""
        self._created.clear()

    def exists(self, db: sqlite3.Connection, workspace_id: str) -> bool:
        table = fts_table(workspace_id)
        if table in self._committed:  # tables are never dropped
            return True
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name=?", (table,)).fetchone()
        if found is not None and not db.in_transaction:  # outside a transaction: committed
            self._committed.add(table)
        return found is not None

    def put(self, db: sqlite3.Connection, workspace_id: str, rid: int, content: str) -> None:
        table = self.table(db, workspace_id)
        db.execute(f"DELETE FROM {table} WHERE rowid=?", (rid,))
        db.execute(f"INSERT INTO {table} (rowid, content) VALUES (?, ?)", (rid, content))

    def remove(self, db: sqlite3.Connection, workspace_id: str, rid: int) -> None:
        if self.exists(db, workspace_id):
            db.execute(f"DELETE FROM {fts_table(workspace_id)} WHERE rowid=?", (rid,))

    def search(
        self,
        db: sqlite3.Connection,
        workspace_id: str,
        query: str,
        n: int,
        where: tuple[str, list[Any]],
        rows: int,
        frequencies: list[int],
    ) -> list[tuple[str, float]]:
        """``(id, coverage)`` best first, at most ``n``, among rows of ``memories m`` matching
        ``where`` (``MemoryFilter.sql()``); ``rows`` is the workspace's row count and
        ``frequencies`` the query terms' (``term_frequencies``): the terms' IDF.

        A row's coverage is the summed IDF of the query terms it holds: the lexical part recall
        scores it by (``relevance.QueryTerms``), so candidates are chosen by what they will
        score. Ties go to the newest row. Unlike ``bm25()``, which reads every matching row's
        length (a B-tree seek each: 2.5 ms of a recall at 100k rows), this only merges the
        terms' posting lists, in SQLite, off the GIL (0.6 ms)."""
        terms = query_terms(query)
        if not terms or not self.exists(db, workspace_id):
            return []  # no words, or nothing remembered in this workspace yet
        cond, params = where
        table = fts_table(workspace_id)
        weights = _weights_by_stem(terms, frequencies, rows)
        if not weights:
            return []  # no row holds any of the words
        hits = " UNION ALL ".join(
            f"SELECT rowid, ? AS w FROM {table} WHERE {table} MATCH ?" for _ in weights
        )
        hit_params = [p for expr, w in weights.items() for p in (w, expr)]
        scored = f"SELECT rowid, sum(w) AS s FROM ({hits}) GROUP BY rowid"
        # The best page of all matches first, the filter then on that page only. Only if the
        # filter leaves too few of a full page is every match filtered.
        page = 2 * n
        found = db.execute(
            f"SELECT m.id, f.s FROM ({scored} ORDER BY s DESC, rowid DESC LIMIT ?) f "
            f"JOIN memories m ON m.rid = f.rowid WHERE m.workspace_id=? AND {cond} "
            f"ORDER BY f.s DESC, m.rid DESC",
            (*hit_params, page, workspace_id, *params),
        ).fetchall()
        if len(found) < n and self._matches_at_least(db, table, " OR ".join(weights), page):
            found = db.execute(
                f"SELECT m.id, f.s FROM ({scored}) f JOIN memories m ON m.rid = f.rowid "
                f"WHERE m.workspace_id=? AND {cond} ORDER BY f.s DESC, m.rid DESC LIMIT ?",
                (*hit_params, workspace_id, *params, n),
            ).fetchall()
        return [(str(i), float(s)) for i, s in found[:n]]

    @staticmethod
    def _matches_at_least(db: sqlite3.Connection, table: str, expr: str, count: int) -> bool:
        found = db.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",
            (expr, count),
        ).fetchone()
        return bool(found[0] >= count)

    def term_frequencies(self, db: sqlite3.Connection, workspace_id: str, query: str) -> list[int]:
        """Each query term's document frequency (as MATCH sees it: porter-stemmed)."""
        terms = query_terms(query)
        if not self.exists(db, workspace_id):
            return [0] * len(terms)
        table = fts_table(workspace_id)
        return [
            int(
                db.execute(
                    f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (f'"{t}"',)
                ).fetchone()[0]
            )
            for t in terms
        ]


def _weights_by_stem(terms: list[str], frequencies: list[int], rows: int) -> dict[str, float]:
    """One MATCH expression per stem (``text.stem``) with its weight (``stem_weights``, as
    recall scores), so a row holding "deploys" counts that word once, not again for "deploy";
    of the stems some row holds, the rarest (``text.rarest``)."""
    held = [(term, df) for term, df in zip(terms, frequencies, strict=True) if df > 0]
    weights = stem_weights([t for t, _ in held], [df for _, df in held], rows, stem)
    words: dict[str, list[str]] = {}
    for term, _ in held:
        words.setdefault(stem(term), []).append(f'"{term}"')
    return {" OR ".join(words[key]): weight for key, weight in rarest(weights).items()}
