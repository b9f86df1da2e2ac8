"""Expiry without loss: lazy and explicit sweeps, exactly-once auto-commit across processes."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.engine.lifecycle import LAZY_SWEEP_SECONDS
from agent_session_memory.errors import InvalidInput
from agent_session_memory.models import EventType
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore

from ..longterm.fakes import HashingEmbedder

HOUR = 3600.0
START = 1_767_225_600.0


@pytest.fixture(scope="module")
def embedder() -> Any:
    from agent_session_memory.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(params=["sqlite", "memory"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Expiry is not about Chroma: long-term memory runs on the in-memory store (the
    two-process tests below share a real home instead)."""
    url = "memory://" if request.param == "memory" else None
    eng = Engine(
        Settings(home=tmp_path, session_store_url=url),
        clock=ManualClock(START),
        embedding_function=HashingEmbedder(),
        longterm_store=InMemoryLongTermStore(),
    )
    yield eng
    eng.close()


def _count(e: Engine, kind: EventType, session_id: str, ws: str = "w") -> int:
    return len(e.lifecycle.list_events(types=[kind.value], session_id=session_id, workspace_id=ws))


def _expired_session(e: Engine, ws: str = "w", **kwargs: Any) -> str:
    sid = e.sessions.create_session(ttl_seconds=HOUR, workspace_id=ws, **kwargs).id
    e.context.set_context(sid, "auth_decision", "use JWT for auth", importance=0.9)
    e.context.set_context(sid, "scratch", "tmp", importance=0.1)
    e.clock.advance(2 * HOUR)  # type: ignore[attr-defined]
    return sid


def test_using_the_workspace_auto_commits_an_expired_session(engine: Engine) -> None:
    sid = _expired_session(engine)
    engine.sessions.create_session(workspace_id="w")  # the lazy sweep runs here
    record = engine.sessions.get_session(sid)
    assert record.committed_at is not None
    assert _count(engine, EventType.SESSION_COMMITTED, sid) == 1
    [expired] = engine.lifecycle.list_events(
        types=["session_expired"], session_id=sid, workspace_id="w"
    )
    assert expired.at == record.expires_at  # stamped with the expiry, not the sweep
    assert [m.content for m in engine.memories.list_memories(session_id=sid, workspace_id="w")] == [
        "auth decision: use JWT for auth"
    ]
    engine.clock.advance(LAZY_SWEEP_SECONDS + 1)  # type: ignore[attr-defined]
    assert engine.lifecycle.sweep(workspace_id="w") == []
    engine.sessions.create_session(workspace_id="w")
    assert _count(engine, EventType.SESSION_COMMITTED, sid) == 1
    assert _count(engine, EventType.SESSION_EXPIRED, sid) == 1
    assert engine.briefings.get_briefing(workspace_id="w").open_threads == []


def test_sweep_home_commits_every_workspace_once(engine: Engine) -> None:
    a = _expired_session(engine, "a")
    b = _expired_session(engine, "b")
    results = engine.lifecycle.sweep_home()
    assert sorted(r.session_id for r in results) == sorted([a, b])
    assert all(r.memories_created == 1 and r.below_threshold == 1 for r in results)
    assert engine.lifecycle.sweep_home() == []
    assert engine.lifecycle.sweep(workspace_id="a") == []


def test_sweep_reaches_its_own_workspace_only(engine: Engine) -> None:
    a = _expired_session(engine, "a")
    b = _expired_session(engine, "b")
    mine = _expired_session(engine, engine.settings.workspace_id)
    assert [r.session_id for r in engine.lifecycle.sweep()] == [mine]  # the default workspace
    assert [r.session_id for r in engine.lifecycle.sweep(workspace_id="a")] == [a]
    assert engine.sessions.get_session(b).committed_at is None  # another tenant: untouched
    assert engine.store.list_events("b", types=["session_expired"]) == []  # (no lazy sweep)
    assert [r.session_id for r in engine.lifecycle.sweep_home()] == [b]


def test_a_live_or_ended_session_is_not_swept(engine: Engine) -> None:
    live = engine.sessions.create_session(ttl_seconds=10 * HOUR, workspace_id="w").id
    engine.context.set_context(live, "auth_decision", "JWT", importance=0.9)
    ended = engine.sessions.create_session(ttl_seconds=HOUR, workspace_id="w").id
    engine.context.set_context(ended, "db_decision", "Postgres", importance=0.9)
    engine.sessions.end_session(ended)
    engine.clock.advance(2 * HOUR)  # type: ignore[attr-defined]
    assert engine.lifecycle.sweep(workspace_id="w") == []
    assert _count(engine, EventType.SESSION_EXPIRED, ended) == 0
    threads = engine.briefings.get_briefing(workspace_id="w").open_threads
    assert [(t.source, t.session_id) for t in threads] == [("ended_session", ended)]


def test_auto_commit_off_leaves_the_session_open_until_committed(engine: Engine) -> None:
    sid = _expired_session(engine, auto_commit=False)
    assert engine.lifecycle.sweep(workspace_id="w") == []
    assert engine.lifecycle.sweep(workspace_id="w") == []
    assert _count(engine, EventType.SESSION_EXPIRED, sid) == 1
    assert _count(engine, EventType.SESSION_COMMITTED, sid) == 0
    [thread] = engine.briefings.get_briefing(workspace_id="w").open_threads
    assert (thread.source, thread.session_id, thread.status.value) == (
        "expired_session",
        sid,
        "waiting",
    )
    assert "auth_decision" in thread.topic
    engine.commits.commit_session(sid)
    assert engine.briefings.get_briefing(workspace_id="w").open_threads == []
    assert engine.lifecycle.sweep(workspace_id="w") == []


def test_the_lazy_sweep_is_rate_limited(engine: Engine) -> None:
    engine.sessions.create_session(workspace_id="w")  # sweeps now
    sid = engine.sessions.create_session(ttl_seconds=1, workspace_id="w").id
    engine.context.set_context(sid, "auth_decision", "JWT", importance=0.9)
    engine.clock.advance(2)  # type: ignore[attr-defined]
    engine.sessions.create_session(workspace_id="w")  # within the interval: no sweep
    assert engine.sessions.get_session(sid).committed_at is None
    engine.clock.advance(LAZY_SWEEP_SECONDS)  # type: ignore[attr-defined]
    engine.sessions.create_session(workspace_id="w")
    assert engine.sessions.get_session(sid).committed_at is not None


def test_list_events_filters_and_validates(engine: Engine) -> None:
    sid = engine.sessions.create_session(workspace_id="w").id
    engine.clock.advance(1)  # type: ignore[attr-defined]
    engine.sessions.end_session(sid)
    kinds = [e.type.value for e in engine.lifecycle.list_events(workspace_id="w")]
    assert kinds == ["session_started", "session_ended"]
    assert len(engine.lifecycle.list_events(workspace_id="w", limit=1)) == 1
    assert engine.lifecycle.list_events(workspace_id="w", since=START + 2) == []
    assert (
        len(engine.lifecycle.list_events(workspace_id="w", types=["session_ended"], session_id=sid))
        == len(engine.lifecycle.list_events(workspace_id="w", types="session_ended"))  # one type
        == 1
    )
    assert engine.lifecycle.list_events(workspace_id="other") == []
    for bad in (
        {"types": ["nope"]},
        {"limit": 0},
        {"since": "yesterday"},
        {"until": float("nan")},
        {"session_id": "../x"},
    ):
        with pytest.raises(InvalidInput):
            engine.lifecycle.list_events(workspace_id="w", **bad)


# -- two processes, one SQLite home ---------------------------------------------------------
def _sweeper(home: str, now: float, barrier: Any, out: Any) -> None:
    engine = Engine(Settings(home=Path(home)), clock=ManualClock(now))
    try:
        barrier.wait(timeout=120)
        out.put(sorted(r.session_id for r in engine.lifecycle.sweep_home()))
    except BaseException as exc:  # report, don't hang the parent
        out.put(repr(exc))
    finally:
        engine.close()


@pytest.mark.slow
def test_two_racing_sweeps_auto_commit_each_session_exactly_once(
    tmp_path: Path, embedder: Any
) -> None:
    clock = ManualClock(START)
    engine = Engine(Settings(home=tmp_path), clock=clock, embedding_function=embedder)
    ids = []
    for n in range(4):
        sid = engine.sessions.create_session(ttl_seconds=HOUR, workspace_id="w").id
        engine.context.set_context(sid, f"decision_{n}", f"choice number {n}", importance=0.9)
        ids.append(sid)
    engine.close()

    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_sweeper, args=(str(tmp_path), START + 2 * HOUR, barrier, out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(isinstance(r, list) for r in results), results
    assert sorted(results[0] + results[1]) == sorted(ids)  # each committed by exactly one

    clock.set(START + 3 * HOUR)
    engine = Engine(Settings(home=tmp_path), clock=clock, embedding_function=embedder)
    for sid in ids:
        assert _count(engine, EventType.SESSION_COMMITTED, sid) == 1
        assert _count(engine, EventType.SESSION_EXPIRED, sid) == 1
        assert len(engine.memories.list_memories(session_id=sid, workspace_id="w")) == 1
    assert engine.lifecycle.sweep_home() == []
    engine.close()
