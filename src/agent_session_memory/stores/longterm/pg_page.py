"""The bounded page of BM25 in PostgreSQL: which rows a query scores when it matches many.

Scoring a row means reading it from the heap (a random page read each, 40 µs when not
cached), and a query of four ordinary words matched 2,000 of 100k rows: most of a server-mode
recall. So when the lexemes' document frequencies add up to more than the page, the matching
rows are split into parts by which query lexemes they hold (``parts``), read part after part,
most promising first, and scoring stops when the page is full. What a full page leaves out
are rows of common lexemes alone: they score least (a lower IDF at the same tf and length),
and recall's own score (``relevance``) ranks them low too. Under the page everything matching
is scored, as before: the exact ranking.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Rows scored at most per hit asked for, and at least in all (recall asks for 100 hits).
ROWS_PER_HIT, MIN_ROWS = 10, 1000


def page_size(n: int) -> int:
    return max(ROWS_PER_HIT * n, MIN_ROWS)


def parts(terms: Sequence[str], df: Sequence[int], idf: Sequence[float], page: int) -> list[str]:
    """The page's parts as ``tsquery``, most promising first, or ``[]`` when every match fits
    in the page (``terms`` are ``tsquery`` literals). A row is in the part of its rarest query
    lexeme, holding another one or not, so parts are disjoint and cover every match. A part
    goes first by the least IDF sum its rows have: a rare lexeme alone, or two commoner ones
    together, whichever weighs more."""
    if sum(df) <= page:
        return []
    order = [i for _, i in sorted((d, i) for i, d in enumerate(df) if d > 0)]
    keyed: list[tuple[float, int, str]] = []
    for rank, i in enumerate(order):
        head = " & ".join([terms[i], *(f"!{terms[j]}" for j in order[:rank])])
        commoner = order[rank + 1 :]
        if commoner:
            with_more = f"{head} & ({' | '.join(terms[j] for j in commoner)})"
            alone = f"{head} & {' & '.join('!' + terms[j] for j in commoner)}"
            keyed.append((-(idf[i] + idf[order[-1]]), len(keyed), with_more))
            keyed.append((-idf[i], len(keyed), alone))
        else:
            keyed.append((-idf[i], len(keyed), head))
    return [q for *_, q in sorted(keyed)]


__all__ = ["MIN_ROWS", "ROWS_PER_HIT", "page_size", "parts"]
