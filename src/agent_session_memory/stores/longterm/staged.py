"""Dense search over rows the reader's index may lack: the index's hits plus exact cosine.

A write is acknowledged once its rows are durable with their vectors (``put_rows(vectors=)``);
the dense index catches up later, in batches (``engine/longterm/index_queue.py``). Until then a
search must still find those rows, so it adds them here by exact cosine. So does a reader whose
embedded index is older than rows other processes indexed since (``chroma.py``). A staged row's
vector is newer than anything the index holds for its id, so it replaces the index's hit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .base import Scored, Vector
from .similarity import cosines


@dataclass(frozen=True)
class Staged:
    """What a row store says about the rows a dense index of some generation may lack."""

    #: every such row: the index's hit for one of them is stale or missing
    ids: frozenset[str]
    #: those of them the search's filter keeps, with their kept vectors
    matching: list[tuple[str, Vector]]
    #: how many were indexed after that generation (a reopened index would hold them)
    behind: int


NOTHING_STAGED = Staged(frozenset(), [], 0)


def with_staged(
    found: Sequence[Sequence[Scored]], queries: Vector, staged: Staged, n: int
) -> list[list[Scored]]:
    """``found`` (the index's hits per query row, best first) merged with the ``staged`` rows
    the filter keeps; at most ``n`` per query, best first (ties: by id)."""
    if not staged.ids:
        return [list(hits) for hits in found]
    matching = staged.matching
    matrix = np.stack([v for _, v in matching]) if matching else np.zeros((0, 1), np.float32)
    out = []
    for query, hits in zip(np.atleast_2d(queries), found, strict=True):
        merged = [h for h in hits if h[0] not in staged.ids]
        if matching:
            similar = cosines(matrix, query)
            merged += [(i, float(c)) for (i, _), c in zip(matching, similar, strict=True)]
        merged.sort(key=lambda s: (-s[1], s[0]))
        out.append(merged[:n])
    return out


__all__ = ["NOTHING_STAGED", "Staged", "with_staged"]
