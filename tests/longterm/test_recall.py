"""Recall: every filter, and hybrid fusion beating either half on a crafted set."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.engine.longterm.recall import recall
from agent_session_memory.models import Memory
from agent_session_memory.stores.longterm.base import LongTermStore
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore
from agent_session_memory.stores.longterm.records import content_hash
from agent_session_memory.stores.longterm.relevance import RelevanceConfig
from agent_session_memory.stores.longterm.sqlite_chroma import ChromaSqliteStore

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


class AxisEmbedder:
    """Every text on the first axis: the query's vector, fixed, for rows placed around it."""

    dimension = 8

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        out[:, 0] = 1.0
        return out


@pytest.mark.parametrize("kind", ["memory", "sqlite+chroma"])
def test_superseded_and_expired_rows_nearest_the_query_cost_no_live_candidate(
    kind: str, tmp_path: Path
) -> None:
    """The dense index is asked for as many more hits as rows the filter may hide, so the
    hidden rows at the top of its list leave recall ``depth`` live ones."""
    store: LongTermStore = (
        InMemoryLongTermStore()
        if kind == "memory"
        else ChromaSqliteStore(tmp_path / "memories.db", tmp_path / "chroma")
    )
    at = datetime(2026, 1, 1, tzinfo=UTC)

    def row(memory_id: str, **fields: object) -> Memory:
        text = f"note {memory_id}"  # no word of the query: the dense index alone finds them
        return Memory(
            id=memory_id, workspace_id=WS, content=text, content_hash=content_hash(text),
            created_at=at, updated_at=at, **fields,  # type: ignore[arg-type]
        )  # fmt: skip

    rows = [
        row("replaced", superseded_by="live0"),
        row("expired", expires_at=at + timedelta(hours=1)),
        *(row(f"live{n}") for n in range(4)),
        *(row(f"far{n}") for n in range(4)),
    ]
    cosines = [1.0, 0.99, 0.9, 0.8, 0.7, 0.6, 0.1, 0.1, 0.1, 0.1]
    vectors = {
        m.id: np.array([c, np.sqrt(1 - c * c), 0, 0, 0, 0, 0, 0], dtype=np.float32)
        for m, c in zip(rows, cosines, strict=True)
    }
    store.put_rows(WS, rows, vectors=vectors)
    store.put_vectors(WS, rows, vectors)
    later = (at + timedelta(days=1)).timestamp()
    hits = recall(
        store, AxisEmbedder(), RelevanceConfig(depth=4), WS, "which one", 4,  # type: ignore[arg-type]
        MemoryFilter(live_at=later), now=later,
    )  # fmt: skip
    store.close()
    assert ids(hits) == ["live0", "live1", "live2", "live3"]
