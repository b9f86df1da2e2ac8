"""Session context: a memory whose neighbour in its session is relevant is lifted.

A conversation turn often means little alone ("Yeah, glad to be part of it!") while the turn
before it names the subject, so the words and the meaning a query looks for sit in the
neighbour. A memory's neighbours are the memories of the same ``session_id`` written just
before and just after it (``LongTermStore.session_neighbours``). Recall lifts a memory by its
most relevant neighbour among the ``LIFTERS`` most relevant candidates, toward 1 and never past
it: ``lifted = r + CONTEXT_WEIGHT * n * (1 - r)``. A memory without a session, or whose
neighbours are not relevant, keeps its own relevance ``r``, so scores stay in [0, 1] and one
memory alone still scores as its relevance says.

Measured with ``bench/locomo.py`` (evidence R@10, turns remembered with their LoCoMo session as
``session_id``; docs/recall.md has every variant): without context 0.714 on the dev split and
0.668 on the five held-out conversations, with it 0.743 and 0.709. Weight and ``LIFTERS`` were
chosen on dev: more lifters recall a little more (100: 0.756) but each lifter's neighbours are
rows to read (at 20k memories, 25 lifters add about 1 ms a recall, 100 about 7 ms).
"""

from __future__ import annotations

#: How much of the best neighbour's relevance lifts a memory (of what it lacks to 1).
CONTEXT_WEIGHT = 0.5
#: How many of the most relevant candidates lift their neighbours.
LIFTERS = 25


def lifted(relevance: float, context: float) -> float:
    """``relevance`` lifted by a neighbour of relevance ``context``; in [0, 1]."""
    return relevance + CONTEXT_WEIGHT * context * (1.0 - relevance)


def contexts(relevance: dict[str, float], neighbours: dict[str, list[str]]) -> dict[str, float]:
    """Each memory's best neighbour relevance, from the lifters' ``neighbours`` (a neighbour
    relation is symmetric: a lifter is the neighbour of its neighbours)."""
    out: dict[str, float] = {}
    for lifter, near in neighbours.items():
        for other in near:
            out[other] = max(out.get(other, 0.0), relevance.get(lifter, 0.0))
    return out


__all__ = ["CONTEXT_WEIGHT", "LIFTERS", "contexts", "lifted"]
