"""The bounded page of server mode's BM25 (``pg_page``): a query matching many rows scores at
most its page of them, the best ones still come first, and a query of common words alone still
fills its ``n`` hits."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import pytest

from agent_session_memory.stores.longterm import pg_lexical
from agent_session_memory.stores.longterm.pg_page import page_size, parts
from agent_session_memory.stores.longterm.pg_rows import PostgresRows

from ..postgres_server import fresh_database
from .fakes import memory_row

WHERE = ("m.superseded = 0", [])


def test_every_match_is_scored_under_the_page_and_parts_cover_them_once_over_it() -> None:
    assert parts(["'a'", "'b'"], [3, 4], page=7) == []
    assert parts(["'a'", "'b'", "'c'", "'d'"], [300, 20, 500, 900], page=400) == [
        "'b' | 'a'",  # the rare ones: 320 rows at most
        "(('c' & ('d'))) & !'b' & !'a'",  # two common ones together
        "'c' & !'b' & !'a' & !'d'",  # each common one alone, rarest first
        "'d' & !'b' & !'a' & !'c'",
    ]
    assert page_size(100) == 1000 and page_size(1) == 1000


class _Recorder:
    """A connection that keeps the last ranking statement it ran."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.ranking = conn, ("", {})

    def execute(self, sql: str, params: Any = None, **options: Any) -> Any:
        if sql.startswith("SELECT id, score"):
            self.ranking = (sql, params)
        return self.conn.execute(sql, params, **options)


def _rows_scored(conn: Any, sql: str, params: Any) -> float:
    """Rows of ``memories`` the statement scored: those its scans returned (every scan, every
    loop; EXPLAIN rounds a scan's rows per loop, so each loop may count half a row too many)."""
    [[plan]] = conn.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params).fetchone()
    plan = plan if isinstance(plan, dict) else json.loads(plan)

    def walk(node: dict[str, Any]) -> float:
        here = 0.0
        if node.get("Relation Name") == "memories":
            here = (node["Actual Rows"] - 0.5) * node["Actual Loops"]
        return here + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan["Plan"])


@pytest.fixture
def crowded(postgres_admin: str) -> Any:
    """A workspace where two common words are in 1,200 rows each, beside a few rows with a
    rare word and a few with both common words: 2,400 matches, over a page of 1,000."""
    with fresh_database(postgres_admin) as url:
        rows = PostgresRows(url)
        texts = [f"backup of the invoice {i}" for i in range(1200)]
        texts += [f"deploy of the service {i}" for i in range(1200)]
        texts += [f"postgres replica number {i}" for i in range(5)]
        texts += [f"backup before each deploy {i}" for i in range(3)]
        memories = [memory_row("w", f"m{i}", text) for i, text in enumerate(texts)]
        rows.put("w", memories, [], False)
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                yield conn
        finally:
            rows.close()


def test_a_query_matching_many_rows_scores_at_most_its_page(crowded: Any) -> None:
    recorder = _Recorder(crowded)
    hits = pg_lexical.bm25_search(recorder, "w", "backup deploy postgres", 10, WHERE)
    assert len(hits) == 10
    assert _rows_scored(crowded, *recorder.ranking) <= page_size(10)


def test_the_page_keeps_the_exact_best_hits_when_common_words_dominate(
    crowded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "backup deploy postgres"
    paged = pg_lexical.bm25_search(crowded, "w", query, 10, WHERE)
    monkeypatch.setattr(pg_lexical, "page_size", lambda n: 10**9)  # every match scored
    exact = pg_lexical.bm25_search(crowded, "w", query, 10, WHERE)
    assert paged[:8] == exact[:8]  # both common words, then the rare one
    assert {i for i, _ in paged[:8]} == {f"m{i}" for i in range(2400, 2408)}
    assert [s for _, s in paged] == [s for _, s in exact]  # the rest: ties, equal scores


def test_a_query_of_common_words_alone_still_fills_its_hits(crowded: Any) -> None:
    recorder = _Recorder(crowded)
    hits = pg_lexical.bm25_search(recorder, "w", "invoice service", 100, WHERE)
    assert len(hits) == 100
    assert _rows_scored(crowded, *recorder.ranking) <= page_size(100)
