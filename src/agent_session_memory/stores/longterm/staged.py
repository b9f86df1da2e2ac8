"""Dense search over rows written but not yet indexed: the index's hits plus exact cosine.

A write is acknowledged once its rows are durable with their vectors (``put_rows(vectors=)``);
the dense index catches up later, in batches (``engine/longterm/index_queue.py``). Until then a
search must still find those rows, so it adds them here by exact cosine. A staged row's vector
is newer than anything the index holds for its id, so it replaces the index's hit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...models import Memory
from .base import Scored, Vector
from .filters import MemoryFilter


def with_staged(
    found: Sequence[Sequence[Scored]],
    queries: Vector,
    staged: Sequence[tuple[Memory, Vector]],
    n: int,
    flt: MemoryFilter | None,
) -> list[list[Scored]]:
    """``found`` (the index's hits per query row, best first) merged with ``staged`` rows that
    match ``flt``; at most ``n`` per query, best first (ties: by id)."""
    if not staged:
        return [list(hits) for hits in found]
    replaced = {m.id for m, _ in staged}
    matching = [(m.id, v) for m, v in staged if flt is None or flt.matches(m)]
    matrix = np.stack([v for _, v in matching]) if matching else np.zeros((0, 1), np.float32)
    norms = np.linalg.norm(matrix, axis=1) if matching else np.zeros(0, np.float32)
    out = []
    for query, hits in zip(np.atleast_2d(queries), found, strict=True):
        merged = [h for h in hits if h[0] not in replaced]
        if matching:
            denominator = norms * float(np.linalg.norm(query))
            cosines = (matrix @ query) / np.where(denominator > 0, denominator, 1.0)
            merged += [(i, float(c)) for (i, _), c in zip(matching, cosines, strict=True)]
        merged.sort(key=lambda s: (-s[1], s[0]))
        out.append(merged[:n])
    return out


__all__ = ["with_staged"]
