"""Commit: exact duplicates skipped, paraphrases merged, near misses kept apart, idempotent,
crash-safe at every write step, and a rewritten key supersedes its old memory."""

from __future__ import annotations

from typing import Any

import pytest

from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.engine.candidates import Candidate
from agent_session_memory.engine.longterm import LongTermMemory
from agent_session_memory.stores.longterm.dedup import NEAR_DUPLICATE_THRESHOLD, same_fact
from agent_session_memory.stores.longterm.filters import MemoryFilter

from .conftest import Recorder

WS = "proj"
PARAPHRASES = [
    ("We chose JWT for authentication.", "We decided to use JWT for authentication."),
    ("The database is PostgreSQL 16.", "Our database is PostgreSQL 16."),
    ("Deploys happen every Tuesday.", "Deployments happen every Tuesday."),
    ("The API rate limit is 100 requests per minute.", "API rate limit: 100 requests per minute."),
    ("Alice owns the billing service.", "The billing service is owned by Alice."),
    ("Use ruff for linting.", "We use ruff for linting."),
    ("The staging server runs on port 8080.", "Staging server runs on port 8080."),
    ("Tests must pass before merging.", "Tests must pass before a merge."),
    ("task: migrate the user table to UUID keys", "task: migrate the users table to UUID keys"),
    ("The frontend is written in React.", "The front end is written in React."),
]
NEAR_MISSES = [
    ("The staging database runs on port 5432.", "The staging database runs on port 5433."),
    ("We chose JWT for authentication.", "We chose session cookies for authentication."),
    ("Deploys happen every Tuesday.", "Deploys happen every Thursday."),
    ("Alice owns the billing service.", "Bob owns the billing service."),
    (
        "The API rate limit is 100 requests per minute.",
        "The API rate limit is 1000 requests per minute.",
    ),
    ("The database is PostgreSQL 16.", "The database is MySQL 8."),
    ("Use ruff for linting.", "Use black for formatting."),
    ("The frontend is written in React.", "The frontend is written in Vue."),
    ("Production runs in eu-west-1.", "Production runs in us-east-1."),
    ("The cache TTL is 5 minutes.", "The cache TTL is 5 hours."),
]


def cand(
    session: str,
    key: str,
    content: str,
    version: int = 1,
    importance: float = 0.7,
    tags: list[str] | None = None,
) -> Candidate:
    return Candidate(WS, session, key, version, content, content, importance, tags=tags or [])


def live(lt: LongTermMemory) -> list[str]:
    return sorted(m.content for m in lt.list(WS, MemoryFilter(), limit=1000))


def test_shipped_rule_separates_paraphrases_from_near_misses(embedder: MiniLMEmbedder) -> None:
    """B4 on the test set: F1 1.0 and zero false merges; cosine alone cannot do both."""

    def score(a: str, b: str) -> float:
        v = embedder.embed([a, b])
        return float(v[0] @ v[1])

    merged = [same_fact(a, b, score(a, b)) for a, b in PARAPHRASES]
    false = [same_fact(a, b, score(a, b)) for a, b in NEAR_MISSES]
    assert all(merged) and not any(false)
    top_miss = max(score(a, b) for a, b in NEAR_MISSES)
    assert top_miss > min(score(a, b) for a, b in PARAPHRASES)  # why the guard exists
    assert min(score(a, b) for a, b in PARAPHRASES) >= NEAR_DUPLICATE_THRESHOLD


def test_exact_duplicate_creates_nothing(mem_lt: LongTermMemory) -> None:
    mem_lt.commit(WS, "s1", [cand("s1", "db", "The database is PostgreSQL 16.")], True)
    out = mem_lt.commit(WS, "s2", [cand("s2", "db2", "  the DATABASE is  PostgreSQL 16. ")], True)
    assert out.duplicates and not out.created and not out.merged
    assert len(live(mem_lt)) == 1


@pytest.mark.parametrize(("old", "new"), PARAPHRASES[:4])
def test_paraphrase_merges(mem_lt: LongTermMemory, old: str, new: str) -> None:
    first = mem_lt.commit(WS, "s1", [cand("s1", "a", old, importance=0.9, tags=["x"])], True)
    out = mem_lt.commit(WS, "s2", [cand("s2", "b", new, importance=0.4, tags=["y"])], True)
    assert out.merged == first.created and not out.created
    memory = mem_lt.get(WS, first.created[0])
    assert memory.content == new and memory.importance == 0.9
    assert memory.source_sessions == ["s1", "s2"] and memory.tags == ["x", "y"]


def test_near_misses_stay_distinct(mem_lt: LongTermMemory) -> None:
    for i, (a, b) in enumerate(NEAR_MISSES):
        mem_lt.commit(WS, "s1", [cand("s1", f"a{i}", a)], True)
        out = mem_lt.commit(WS, "s2", [cand("s2", f"b{i}", b)], True)
        assert len(out.created) == 1 and not out.merged, (a, b)


def test_commit_twice_gives_the_same_memories(mem_lt: LongTermMemory, recorder: Recorder) -> None:
    batch = [
        cand("s1", f"k{i}", f"Fact number {i}: the service {i} uses queue q{i}.") for i in range(5)
    ]
    first = mem_lt.commit(WS, "s1", batch, True)
    before = mem_lt.export(WS)
    second = mem_lt.commit(WS, "s1", batch, True)
    assert len(first.created) == 5 and not second.created and len(second.duplicates) == 5
    assert mem_lt.export(WS) == before
    assert mem_lt.index_queue.wait(30)  # the index catches up behind the queue
    assert mem_lt.store.count_vectors(WS) == 5
    assert recorder.types().count("memory_created") == 5


#: Steps on the caller's path (the commit fails) and behind the index queue (the commit is
#: acknowledged; indexing fails and is retried).
CALLER_STEPS = {"put", "put_rows"}
STEPS = ["put", "upsert", "mark_done"]
MEMORY_STEPS = ["put_rows", "put_vectors", "mark_done"]


def _crash_target(request: pytest.FixtureRequest, kind: str, step: str) -> tuple[Any, Any]:
    """The long-term memory and the object whose ``step`` method will fail."""
    if kind == "memory":
        lt = request.getfixturevalue("mem_lt")
        return lt, lt.store
    lt = request.getfixturevalue("lt")
    return lt, {"put": lt.store.rows, "mark_done": lt.store.rows}.get(step, lt.store.chroma)


def _contents(hits: list[Any]) -> list[str]:
    return [h.memory.content for h in hits]


@pytest.mark.parametrize(
    ("kind", "step"),
    [("sqlite+chroma", s) for s in STEPS] + [("memory", s) for s in MEMORY_STEPS],
)
def test_a_failure_at_any_write_step_loses_nothing_and_retries_write_each_memory_once(
    request: pytest.FixtureRequest, kind: str, step: str
) -> None:
    lt, target = _crash_target(request, kind, step)
    lt.commit(WS, "s0", [cand("s0", "port", "The API listens on port 8000.")], True)
    assert lt.index_queue.wait(30)
    batch = [
        cand("s1", "port", "The API listens on port 9000.", version=2),  # supersedes
        cand("s1", "lang", "The service is written in Go."),
        cand("s1", "lang2", "the service is  written in Go."),
    ]  # exact dup in the batch

    def crash(*args: object, **kwargs: object) -> object:
        raise RuntimeError(f"crash in {step}")

    setattr(target, step, crash)
    if step in CALLER_STEPS:
        with pytest.raises(RuntimeError):
            lt.commit(WS, "s1", batch, True)
    else:  # acknowledged: recall finds the new memories while the index keeps failing
        lt.commit(WS, "s1", batch, True)
        assert lt.index_queue.wait(1.5) is False  # still failing, still due
        found = _contents(lt.recall(WS, "which port does the API listen on", 5, MemoryFilter()))
        assert "The API listens on port 9000." in found
        assert "The API listens on port 8000." not in found
        semantic = lt.recall(WS, "what programming language", 5, MemoryFilter())
        assert "The service is written in Go." in _contents(semantic)
    vars(target).pop(step)  # back to the real method
    lt.commit(WS, "s1", batch, True)
    lt.commit(WS, "s1", batch, True)
    assert lt.index_queue.wait(30)
    everything = lt.export(WS)
    assert sorted(m["content"] for m in everything) == sorted(
        [
            "The API listens on port 8000.",
            "The API listens on port 9000.",
            "The service is written in Go.",
        ]
    )
    assert lt.store.count_vectors(WS) == 3
    assert not lt.store.pending(WS)
    hits = lt.recall(WS, "which port does the API listen on", 5, MemoryFilter())
    assert _contents(hits).count("The API listens on port 8000.") == 0


def test_supersession_hides_the_old_value(mem_lt: LongTermMemory, clock: object) -> None:
    first = mem_lt.commit(WS, "s1", [cand("s1", "db_port", "The database port is 5432.")], True)
    out = mem_lt.commit(WS, "s2", [cand("s2", "db_port", "The database port is 6543.")], True)
    assert out.superseded == first.created and len(out.created) == 1
    old = mem_lt.get(WS, first.created[0])
    assert old.superseded_by == out.created[0] and old.valid_until is not None
    hits = mem_lt.recall(WS, "database port", 5, MemoryFilter())
    assert [h.memory.id for h in hits] == out.created
    history = mem_lt.recall(WS, "database port", 5, MemoryFilter(include_superseded=True))
    assert {h.memory.id for h in history} == {*first.created, *out.created}


def test_deduplicate_false_keeps_paraphrases(mem_lt: LongTermMemory) -> None:
    a, b = PARAPHRASES[0]
    mem_lt.commit(WS, "s1", [cand("s1", "a", a)], False)
    out = mem_lt.commit(WS, "s2", [cand("s2", "b", b)], False)
    assert len(out.created) == 1 and len(live(mem_lt)) == 2
