"""Recall scores are absolute relevance: comparable whatever else the workspace holds."""

from __future__ import annotations

import numpy as np
import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.relevance import RelevanceConfig

WS = "scores"
ALL = MemoryFilter()


def test_an_unrelated_query_scores_low_against_a_single_memory(any_lt: LongTermMemory) -> None:
    any_lt.remember(WS, "We chose JWT tokens signed with RS256 for authentication")
    [unrelated] = any_lt.recall(WS, "what is the capital of France", 5, ALL)
    [related] = any_lt.recall(WS, "how do we sign authentication tokens", 5, ALL)
    assert unrelated.score < 0.2
    assert related.score > 0.5
    assert related.lexical_score > 0 and unrelated.lexical_score == 0


def test_a_score_does_not_depend_on_the_other_hits(any_lt: LongTermMemory) -> None:
    target = any_lt.remember(WS, "The billing job runs nightly at 02:00 UTC")
    query = "when does the billing job run"
    [alone] = any_lt.recall(WS, query, 5, ALL)
    for text in ("The office wifi is rotated monthly", "Pods scale between 3 and 12 replicas"):
        any_lt.remember(WS, text)
    crowd = any_lt.recall(WS, query, 5, ALL)
    assert crowd[0].memory.id == target.id
    assert crowd[0].semantic_score == pytest.approx(alone.semantic_score, abs=1e-5)
    assert crowd[0].lexical_score == pytest.approx(1.0) == alone.lexical_score
    assert crowd[-1].score < 0.3  # the unrelated ones are not stretched up to look relevant


def test_hits_carry_their_parts_and_are_sorted_by_score(
    any_lt: LongTermMemory, clock: ManualClock
) -> None:
    old = any_lt.remember(WS, "Deploys go out on Tuesdays", importance=0.9)
    clock.advance(30 * 86_400)
    new = any_lt.remember(WS, "Deploys are frozen in December", importance=0.2)
    hits = any_lt.recall(WS, "when do deploys happen", 5, ALL)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    by_id = {h.memory.id: h for h in hits}
    assert by_id[old.id].importance_score == 0.9 and by_id[new.id].importance_score == 0.2
    assert by_id[new.id].recency_score == pytest.approx(1.0)
    assert by_id[old.id].recency_score == pytest.approx(0.5)
    for h in hits:
        for part in (h.score, h.semantic_score, h.lexical_score, h.recency_score):
            assert 0.0 <= part <= 1.0
        assert h.score == pytest.approx((h.semantic_score + 0.7 * h.lexical_score) / 1.7)


def test_min_score_drops_hits_below_it(any_lt: LongTermMemory) -> None:
    relevant = any_lt.remember(WS, "Auth tokens expire after 15 minutes")
    any_lt.remember(WS, "The marketing site is a static Hugo build")
    hits = any_lt.recall(WS, "when do auth tokens expire", 5, ALL)
    assert len(hits) == 2
    threshold = (hits[0].score + hits[1].score) / 2
    kept = any_lt.recall(WS, "when do auth tokens expire", 5, ALL, min_score=threshold)
    assert [h.memory.id for h in kept] == [relevant.id]
    assert any_lt.recall(WS, "when do auth tokens expire", 5, ALL, min_score=1.0) == []


def test_a_hit_only_the_lexical_index_found_gets_its_exact_cosine(any_lt: LongTermMemory) -> None:
    texts = [
        "Error E4012 means the upstream payment gateway timed out",
        "Customers complain that checkout is slow on mobile phones",
        "The billing job runs nightly at 02:00 UTC",
    ]
    for text in texts:
        any_lt.remember(WS, text)
    for query in ("02:00 error", "gateway nightly", "what does error E4012 mean"):
        any_lt.relevance = RelevanceConfig()
        [wide] = any_lt.recall(WS, query, 1, ALL)
        any_lt.relevance = RelevanceConfig(depth=1)  # one candidate from each index
        [narrow] = any_lt.recall(WS, query, 1, ALL)
        assert narrow.memory.id == wide.memory.id and narrow.score == pytest.approx(wide.score)
        vectors = any_lt.embedder.embed([query, narrow.memory.content])
        cosine = float(np.dot(vectors[0], vectors[1]))
        assert narrow.semantic_score == pytest.approx(max(0.0, cosine), abs=1e-4)
