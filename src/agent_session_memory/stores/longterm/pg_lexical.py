"""BM25 over PostgreSQL's full-text index: the lexical half of recall in server mode.

``ts_rank`` has no inverse document frequency, and on the LoCoMo dev split that cost recall
(lexical R@10: ``ts_rank`` 0.598 with length normalisation, 0.633 without, FTS5's bm25 0.640).
So the score is Okapi BM25 (k1 1.2, b 0.75, as FTS5), computed from the workspace's own
statistics only: its row count, its mean document length (``doc_len``: distinct lexemes, a
generated column) and each query lexeme's document frequency, which a trigger keeps on write
(``pg_schema``). Three round trips: the query's lexemes (PostgreSQL's stemmer for the
workspace's language), the statistics, the ranking. A query matching more rows than its page
scores a bounded part of them (``pg_page``).
"""

from __future__ import annotations

import math
from typing import Any

from .pg_page import page_size, parts
from .pg_schema import TS_CONFIG
from .text import query_terms

K1, B = 1.2, 0.75

#: A row's score: each query lexeme it holds, tf from its positions. ``setweight`` marks the
#: query's lexemes (``to_tsvector`` gives every lexeme weight D) and ``ts_filter`` keeps only
#: them, so only those are unnested: half the cost of unnesting the row's every lexeme.
_SCORE = """(
    SELECT sum(
        (%(idf)s::float8[])[array_position(%(lexemes)s::text[], v.lexeme)]
        * (tf * {k1_plus}) / (tf + {k1} * ({one_minus_b} + {b} * m.doc_len / %(avgdl)s))
    )
    FROM unnest(ts_filter(setweight(m.tsv, 'A', %(lexemes)s::text[]), '{{a}}')) v,
        LATERAL (SELECT array_length(v.positions, 1)::float8 AS tf) t
)"""
#: The rows of one ``tsquery`` with their scores.
_ROWS = """SELECT m.rid, m.id, {score} AS score FROM memories m
WHERE m.workspace_id = %(ws)s AND m.tsv @@ {tsquery} AND ({cond})"""
_RANK = """SELECT id, score FROM ({rows}) c ORDER BY score DESC, rid DESC LIMIT %(n)s"""
#: The page: its parts in order (a nested loop over them keeps it), until ``page`` rows.
_PAGE = """SELECT r.* FROM unnest(%(parts)s::text[]) WITH ORDINALITY p(q, i)
CROSS JOIN LATERAL ({rows} LIMIT %(page)s) r LIMIT %(page)s"""

#: The workspace's text search configuration (a workspace without rows has no lexemes to find).
_CONFIG = (
    "coalesce((SELECT config FROM workspace_languages WHERE workspace_id = %(ws)s), "
    f"'{TS_CONFIG}'::regconfig)"
)

_STATISTICS = """
SELECT s.rows, s.doc_len_sum, ARRAY(
    SELECT coalesce(t.df, 0)
    FROM unnest(%(lexemes)s::text[]) WITH ORDINALITY AS q(lexeme, i)
    LEFT JOIN lexical_terms t ON t.workspace_id = %(ws)s AND t.lexeme = q.lexeme
    ORDER BY q.i
)
FROM lexical_totals s WHERE s.workspace_id = %(ws)s
"""


def lexemes(conn: Any, workspace_id: str, query: str) -> list[str]:
    """The query's terms (``text.query_terms``) as the workspace's index's lexemes (stemmed in
    its language), in query order."""
    terms = query_terms(query)
    if not terms:
        return []
    rows = conn.execute(
        f"SELECT lexeme FROM unnest(to_tsvector({_CONFIG}, %(text)s)) ORDER BY positions[1]",
        {"ws": workspace_id, "text": " ".join(terms)},
    ).fetchall()
    return [str(r[0]) for r in rows]


def quoted(lexeme: str) -> str:
    """A lexeme as a ``tsquery`` literal (no stemming again): quotes doubled, backslashes
    escaped."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def statistics(conn: Any, workspace_id: str, found: list[str]) -> tuple[int, float, list[int]]:
    """``(rows, mean doc_len, document frequency of each lexeme)`` in the workspace, as the
    statistics trigger keeps them (``pg_schema``: one index lookup each)."""
    row = conn.execute(_STATISTICS, {"ws": workspace_id, "lexemes": found}).fetchone()
    if row is None:
        return 0, 0.0, [0] * len(found)
    rows, doc_len_sum, df = int(row[0]), int(row[1]), [int(d) for d in row[2]]
    return rows, doc_len_sum / rows if rows else 0.0, df


def bm25_search(
    conn: Any, workspace_id: str, query: str, n: int, where: tuple[str, list[Any]]
) -> list[tuple[str, float]]:
    """``(id, bm25)`` best first (higher is better, always positive), at most ``n``, among
    rows of ``memories m`` matching ``where`` (``pg_filter``: ``%s`` placeholders)."""
    found = lexemes(conn, workspace_id, query)
    if not found or n <= 0:
        return []
    total, avgdl, df = statistics(conn, workspace_id, found)
    if total == 0 or not any(df):
        return []
    idf = [math.log(1 + (total - d + 0.5) / (d + 0.5)) for d in df]
    cond, params = where
    named = {f"f{i}": p for i, p in enumerate(params)}
    for i in range(len(params)):
        cond = cond.replace("%s", f"%(f{i})s", 1)
    score = _SCORE.format(k1_plus=K1 + 1, k1=K1, one_minus_b=1 - B, b=B)
    terms = [quoted(lex) for lex in found]
    page = page_size(n)
    ordered = parts(terms, df, page)
    if ordered:  # many matches: the page's parts, most promising first, until it is full
        sql = _PAGE.format(rows=_ROWS.format(score=score, tsquery="p.q::tsquery", cond=cond))
    else:
        sql = _ROWS.format(score=score, tsquery="%(query)s::tsquery", cond=cond)
    # Never a prepared statement: its generic plan (``workspace_id``, the page unknown) can
    # walk the workspace's btree instead of the GIN index (a second a query, measured).
    rows = conn.execute(
        _RANK.format(rows=sql),
        {
            "idf": idf,
            "lexemes": found,
            "avgdl": max(avgdl, 1.0),
            "ws": workspace_id,
            "query": " | ".join(terms),
            "parts": ordered,
            "page": page,
            "n": n,
            **named,
        },
        prepare=False,
    ).fetchall()
    return [(str(i), float(s)) for i, s in rows]


def term_counts(conn: Any, workspace_id: str, query: str) -> tuple[int, list[int]]:
    """The workspace's row count and each of ``query_terms(query)``'s document frequency (a
    term PostgreSQL's stemmer drops, as a stopword, counts 0)."""
    terms = query_terms(query)
    rows = conn.execute(
        f"SELECT (SELECT min(lexeme) FROM unnest(to_tsvector({_CONFIG}, t))) "
        "FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS u(t, i) ORDER BY i",
        {"ws": workspace_id, "terms": terms},
    ).fetchall()
    found = [r[0] for r in rows]
    distinct = list(dict.fromkeys(lex for lex in found if lex is not None))
    total, _, df = statistics(conn, workspace_id, distinct)
    by_lexeme = dict(zip(distinct, df, strict=True))
    return total, [by_lexeme.get(lex, 0) if lex is not None else 0 for lex in found]


__all__ = ["bm25_search", "lexemes", "statistics", "term_counts"]
