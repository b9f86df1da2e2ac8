"""Commit through the public client: thresholds, idempotency, crashes, plug-ins, processes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import InvalidInput, MemoryClient
from agent_session_memory.engine.protocols import ScoringItem
from agent_session_memory.engine.scoring import HeuristicScorer, score_item
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore

from ..longterm.fakes import HashingEmbedder

# Items whose default score is known (see docs/commit.md): topic 0.30, user_name 0.55,
# decision 0.65 + content cues.
SCORED = {"topic": "Python debugging", "user_name": "Alice", "decision_db": "Use Postgres"}


def _client(path: Path, **options: Any) -> MemoryClient:
    """Commit is not about Chroma: long-term memory in dicts, a model-free embedder."""
    return MemoryClient(
        path=str(path),
        longterm_store=InMemoryLongTermStore(),
        embedding_function=HashingEmbedder(),
        **options,
    )


def _score(key: str, value: Any) -> float:
    return score_item(ScoringItem(key, value, f"{key}: {value}", 0, 0))


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.55, 0.7])
@pytest.mark.parametrize("explicit", [None, 0.0, 0.49, 0.5, 0.51, 1.0])
def test_explicit_importance_wins_and_the_threshold_splits(
    tmp_path: Path, threshold: float, explicit: float | None
) -> None:
    with _client(tmp_path) as client:
        session = client.create_session(ttl_seconds=600)
        for key, value in SCORED.items():
            client.set_context(session.id, key, value)
        client.set_context(session.id, "explicit_item", "Deploys run on Fridays", explicit)
        levels = {k: _score(k, v) for k, v in SCORED.items()}
        levels["explicit_item"] = (
            explicit if explicit is not None else _score("explicit_item", "Deploys run on Fridays")
        )
        result = client.commit_session(session.id, min_importance=threshold)
        expected = sorted(k for k, level in levels.items() if level >= threshold)
        assert result.memories_created == len(expected)
        assert result.below_threshold == len(levels) - len(expected)
        keys = sorted(m.key or "" for m in client.list_memories())
        assert keys == expected


def test_committing_twice_creates_nothing_and_a_new_value_supersedes(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_context(session.id, "decision_db", "We decided to use Postgres", 0.9)
        first = client.commit_session(session.id)
        again = client.commit_session(session.id)
        assert (first.memories_created, again.memories_created) == (1, 0)
        client.set_context(session.id, "decision_db", "We decided to use SQLite after all", 0.9)
        third = client.commit_session(session.id)
        assert third.memories_created == 1 and third.superseded_ids == first.memory_ids
        current = client.list_memories()
        assert [m.content for m in current] == ["decision db: We decided to use SQLite after all"]
        history = client.list_memories(include_superseded=True)
        assert len(history) == 2


def test_a_crash_before_the_bookkeeping_then_a_retry_writes_each_memory_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(tmp_path) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_contexts(
            session.id, {"decision_a": "Use JWT", "decision_b": "Use Postgres"}, importance=0.9
        )
        engine = client._transport.engine  # type: ignore[attr-defined]

        def crash(*_: Any, **__: Any) -> None:
            raise RuntimeError("power cut")

        with monkeypatch.context() as patch:
            patch.setattr(engine.store, "mark_committed", crash)
            with pytest.raises(RuntimeError):
                client.commit_session(session.id)
        retry = client.commit_session(session.id)
        assert retry.memories_created + retry.duplicates_skipped == 2
        assert sorted(m.key or "" for m in client.list_memories()) == ["decision_a", "decision_b"]
        assert client.commit_session(session.id).memories_created == 0


class _Constant:
    def __init__(self, value: float) -> None:
        self.value = value
        self.seen: list[str] = []

    def score(self, items: Sequence[ScoringItem]) -> list[float]:
        self.seen.extend(i.key for i in items)
        return [self.value] * len(items)


class _Splitter:
    def extract(self, item: ScoringItem) -> list[str]:
        return [part.strip() for part in str(item.value).split(";")]


def test_a_plugged_scorer_scores_only_items_without_explicit_importance(tmp_path: Path) -> None:
    scorer = _Constant(0.9)
    with _client(tmp_path, scorer=scorer) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_context(session.id, "scratch", "anything")
        client.set_context(session.id, "pinned", "kept low on purpose", importance=0.1)
        result = client.commit_session(session.id)
    assert scorer.seen == ["scratch"]
    assert (result.memories_created, result.below_threshold) == (1, 1)


def test_a_fact_extractor_turns_one_item_into_several_memories(tmp_path: Path) -> None:
    with _client(tmp_path, fact_extractor=_Splitter()) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_context(session.id, "notes", "Alice leads auth; Bob owns billing", 0.8)
        result = client.commit_session(session.id)
        assert result.memories_created == 2
        assert sorted(m.content for m in client.list_memories()) == [
            "Alice leads auth",
            "Bob owns billing",
        ]


def test_end_session_with_commit_reports_the_result(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_context(session.id, "decision_auth", "We chose JWT", 0.9)
        ended = client.end_session(session.id, commit=True)
        assert ended.status.value == "ended"
        assert ended.commit_result is not None and ended.commit_result.memories_created == 1


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", None])
def test_bad_thresholds_are_refused(tmp_path: Path, bad: Any) -> None:
    with _client(tmp_path) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_context(session.id, "decision", "x y z", 0.9)
        with pytest.raises(InvalidInput):
            client.commit_session(session.id, min_importance=bad)
        assert client.list_memories() == []


def _commit_in_a_process(home: str, label: str) -> None:
    with MemoryClient(path=home) as client:
        session = client.create_session(ttl_seconds=600)
        client.set_contexts(
            session.id,
            {f"decision_{label}_{i}": f"Team {label} decided rule number {i}" for i in range(5)},
            importance=0.9,
        )
        assert client.commit_session(session.id).memories_created == 5


def test_two_processes_committing_into_one_embedded_home(tmp_path: Path) -> None:
    with MemoryClient(path=str(tmp_path)) as client:  # the parent opens the home first
        client.remember("a memory written before the children start", importance=0.5)
        ctx = multiprocessing.get_context("spawn")
        children = [
            ctx.Process(target=_commit_in_a_process, args=(str(tmp_path), label))
            for label in ("red", "blue")
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(240)
        assert [c.exitcode for c in children] == [0, 0]
        assert len(client.list_memories(limit=1000)) == 11
        hits = client.recall("which rule did team blue decide?", k=3)
        assert any("blue" in h.memory.content for h in hits)


def test_the_default_scorer_is_the_documented_one() -> None:
    scores = HeuristicScorer().score(
        [ScoringItem(k, v, f"{k}: {v}", 0, 0) for k, v in SCORED.items()]
    )
    assert scores == [0.3, 0.55, 0.65]


def test_an_expiring_memory_never_absorbs_a_commit(tmp_path: Path) -> None:
    """A commit's fact must outlive a same-content memory that expires (``ttl_seconds``)."""
    from agent_session_memory.clock import ManualClock

    clock = ManualClock()
    with _client(tmp_path, clock=clock) as client:
        probe = client.create_session(ttl_seconds=600, workspace_id="probe")
        client.set_context(probe.id, "decision_db", "Use Postgres", 0.9)
        client.commit_session(probe.id)
        [rendered] = [m.content for m in client.list_memories(workspace_id="probe")]
        client.remember(rendered, ttl_seconds=60, workspace_id="w")
        session = client.create_session(ttl_seconds=600, workspace_id="w")
        client.set_context(session.id, "decision_db", "Use Postgres", 0.9)
        result = client.commit_session(session.id)
        assert (result.memories_created, result.duplicates_skipped) == (1, 0)
        clock.advance(61)
        assert [m.content for m in client.list_memories(workspace_id="w")] == [rendered]
