"""The bounded page of BM25 in PostgreSQL: which rows a query scores when it matches many.

Scoring a row means reading it from the heap (a random page read each, 40 µs when not
cached), and a query of four ordinary words matched 2,000 of 100k rows: most of a server-mode
recall. So when the lexemes' document frequencies add up to more than the page, the matching
rows are split into parts by which query lexemes they hold (``parts``), read part after part,
most promising first, and scoring stops when the page is full. What a full page leaves out
are rows holding one common lexeme alone: they score least (a lower IDF at the same tf and
length; the exact top 100 differs in its tail, between rows within a few percent of each
other), and recall's own score (``relevance``: the IDF of the query terms a row holds) gives
them all the same lexical part. Under the page everything matching is scored,
as before: the exact ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Rows scored at most per hit asked for, and at least in all (recall asks for 100 hits).
ROWS_PER_HIT, MIN_ROWS = 10, 1000


def page_size(n: int) -> int:
    return max(ROWS_PER_HIT * n, MIN_ROWS)


def parts(terms: Sequence[str], df: Sequence[int], page: int) -> list[str]:
    """The page's parts as ``tsquery``, in the order they are read, or ``[]`` when every match
    fits in the page (``terms`` are ``tsquery`` literals). First the rows holding a rare lexeme
    (the rarest ones whose frequencies fit in the page together), then those holding two or more
    of the common ones, then each common lexeme alone, rarest first. Parts are disjoint and
    cover every match, and few: each is one more scan of the GIN index (and of its pending
    list, up to 4 MB of recent writes: 5-30 ms a scan with 3.5 MB in it)."""
    if sum(df) <= page:
        return []
    order = [terms[i] for _, i in sorted((d, i) for i, d in enumerate(df) if d > 0)]
    taken, fit = 0, 0
    for d in sorted(d for d in df if d > 0):
        if taken + d > page:
            break
        taken, fit = taken + d, fit + 1
    rare, common = order[:fit], order[fit:]
    out = [" | ".join(rare)] if rare else []
    no_rare = "".join(f" & !{t}" for t in rare)
    if len(common) > 1:
        pairs = [f"{t} & ({' | '.join(common[k + 1 :])})" for k, t in enumerate(common[:-1])]
        out.append(f"({' | '.join(f'({p})' for p in pairs)}){no_rare}")
    for t in common:
        out.append(" & ".join([t, *(f"!{o}" for o in order if o != t)]))
    return out


__all__ = ["MIN_ROWS", "ROWS_PER_HIT", "page_size", "parts"]
