"""Recall: every filter, and hybrid fusion beating either half on a crafted set."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from agent_session_memory.clock import ManualClock
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.stores.longterm.filters import MemoryFilter

WS = "recall"


def ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.memory.id for h in hits]


def test_every_filter(any_lt: LongTermMemory, clock: ManualClock) -> None:
    a = any_lt.remember(
        WS,
        "Auth uses JWT tokens signed with RS256",
        type="decision",
        importance=0.9,
        tags=["auth", "security"],
        session_id="s1",
    )
    clock.advance(3600)
    b = any_lt.remember(
        WS,
        "Auth tokens expire after 15 minutes",
        type="fact",
        importance=0.3,
        tags=["auth"],
        session_id="s2",
    )
    clock.advance(3600)
    c = any_lt.remember(
        WS,
        "The auth service is deployed on Kubernetes",
        type="fact",
        importance=0.6,
        tags=["ops"],
        session_id="s2",
    )
    q = "auth tokens"
    assert set(ids(any_lt.recall(WS, q, 10, MemoryFilter()))) == {a.id, b.id, c.id}
    assert ids(any_lt.recall(WS, q, 10, MemoryFilter(types=("decision",)))) == [a.id]
    assert set(ids(any_lt.recall(WS, q, 10, MemoryFilter(tags=("security", "ops"))))) == {
        a.id,
        c.id,
    }
    assert set(ids(any_lt.recall(WS, q, 10, MemoryFilter(min_importance=0.5)))) == {a.id, c.id}
    t_b = b.created_at.timestamp()  # type: ignore[union-attr]
    assert set(ids(any_lt.recall(WS, q, 10, MemoryFilter(since=t_b)))) == {b.id, c.id}
    assert ids(any_lt.recall(WS, q, 10, MemoryFilter(until=t_b - 1))) == [a.id]
    assert set(ids(any_lt.recall(WS, q, 10, MemoryFilter(session_id="s2")))) == {b.id, c.id}
    assert any_lt.recall(WS, q, 10, MemoryFilter(tags=("nope",))) == []
    assert len(any_lt.recall(WS, q, 1, MemoryFilter())) == 1
    assert any_lt.recall("other-ws", q, 10, MemoryFilter()) == []  # nothing crosses workspaces
    hit = any_lt.recall(WS, "RS256", 1, MemoryFilter())[0]
    assert hit.memory.id == a.id and hit.lexical_score and hit.semantic_score is not None
    assert datetime.fromtimestamp(t_b, UTC) == b.created_at


CORPUS = [
    "Error E4012 means the upstream payment gateway timed out",  # lexical-only find
    "Customers complain that checkout is slow on mobile phones",  # semantic-only find
    "The billing job runs nightly at 02:00 UTC",
    "Kubernetes pods are autoscaled between 3 and 12 replicas",
    "We store user avatars in an S3 bucket called avatars-prod",
    "The mobile app is built with React Native",
    "Payment retries use exponential backoff capped at 5 minutes",
    "Our search index is rebuilt every Sunday",
    "Feature flags are managed in LaunchDarkly",
    "The marketing site is a static Hugo build",
    "Error E4013 means the upstream inventory service timed out",
    "Error E5012 means the upstream shipping provider timed out",
    "Ticket OPS-7781 tracks the flaky upstream timeout alerts",
]
QUERIES = [
    ("what does E4012 mean", 0),
    ("upstream timeout E4013", 10),
    ("which ticket is OPS-7781", 12),
    ("people say buying things on their smartphone takes forever", 1),
    ("when does billing run", 2),
    ("how many replicas do pods scale to", 3),
    ("where are profile pictures kept", 4),
    ("retry policy for payments", 6),
]


def test_hybrid_beats_either_half(lt: LongTermMemory) -> None:
    mems = [lt.remember(WS, text) for text in CORPUS]
    rank = {"dense": [], "lexical": [], "hybrid": []}  # type: dict[str, list[int]]
    for query, want in QUERIES:
        target = mems[want].id
        [dense] = lt.store.search_vectors(WS, lt.embedder.embed([query]), 100, MemoryFilter())
        lexical = lt.store.search_text(WS, query, 100, MemoryFilter())
        hybrid = ids(lt.recall(WS, query, 10, MemoryFilter()))
        for name, ranked in (
            ("dense", [i for i, _ in dense]),
            ("lexical", [i for i, _ in lexical]),
            ("hybrid", hybrid),
        ):
            rank[name].append(ranked.index(target) + 1 if target in ranked else 99)
    mrr = {name: float(np.mean([1 / r for r in ranks])) for name, ranks in rank.items()}
    assert all(r == 1 for r in rank["hybrid"]), rank
    assert mrr["hybrid"] > mrr["dense"] and mrr["hybrid"] > mrr["lexical"], mrr


def test_fusion_ties_break_on_importance_then_recency(
    any_lt: LongTermMemory, clock: ManualClock
) -> None:
    low = any_lt.remember(WS, "The office wifi password is rotated monthly", importance=0.2)
    clock.advance(10)
    high = any_lt.remember(WS, "the office wifi password is rotated monthly", importance=0.9)
    assert ids(any_lt.recall(WS, "wifi password rotation", 2, MemoryFilter())) == [high.id, low.id]
