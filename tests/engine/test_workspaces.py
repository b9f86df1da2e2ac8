"""Nothing crosses workspaces: an operation that names a workspace reaches that one only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.client.transport import LocalTransport
from agent_session_memory.clock import ManualClock
from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.errors import MemoryNotFound, SessionNotFound

START = 1_767_225_600.0


@pytest.fixture(scope="module")
def embedder() -> Any:
    from agent_session_memory.embeddings import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture(params=["sqlite", "memory"])
def engine(request: pytest.FixtureRequest, tmp_path: Path, embedder: Any) -> Iterator[Engine]:
    url = "memory://" if request.param == "memory" else None
    eng = Engine(
        Settings(home=tmp_path, session_store_url=url),
        clock=ManualClock(START),
        embedding_function=embedder,
    )
    yield eng
    eng.close()


def _naming_a_session(engine: Engine, sid: str) -> dict[str, Callable[[], Any]]:
    """Every operation that takes a workspace and a session id, naming workspace ``a``."""
    memories, lifecycle = engine.memories, engine.lifecycle
    return {
        "remember": lambda: memories.remember("x", session_id=sid, workspace_id="a"),
        "recall": lambda: memories.recall("x", session_id=sid, workspace_id="a"),
        "list_memories": lambda: memories.list_memories(session_id=sid, workspace_id="a"),
        "forget_where": lambda: memories.forget_where(session_id=sid, workspace_id="a"),
        "list_events": lambda: lifecycle.list_events(session_id=sid, workspace_id="a"),
    }


def test_a_session_of_another_workspace_is_not_found(engine: Engine) -> None:
    theirs = engine.sessions.create_session(workspace_id="b").id
    engine.context.set_context(theirs, "auth_decision", "JWT", importance=0.9)
    engine.commits.commit_session(theirs)
    for name, call in _naming_a_session(engine, theirs).items():
        with pytest.raises(SessionNotFound) as caught:
            call()
        assert caught.value.code == "session_not_found", name
    assert engine.memories.list_memories(workspace_id="a") == []  # nothing was written to a
    assert len(engine.memories.list_memories(session_id=theirs, workspace_id="b")) == 1


def test_a_deleted_sessions_id_still_filters_its_workspace(engine: Engine) -> None:
    sid = engine.sessions.create_session(workspace_id="a").id
    engine.memories.remember("We chose JWT for auth", session_id=sid, workspace_id="a")
    assert engine.sessions.delete_session(sid)
    [memory] = engine.memories.list_memories(session_id=sid, workspace_id="a")
    assert memory.session_id == sid
    assert [h.memory.id for h in engine.memories.recall("auth", session_id=sid, workspace_id="a")]
    kinds = [e.type.value for e in engine.lifecycle.list_events(session_id=sid, workspace_id="a")]
    assert sorted(kinds) == ["memory_created", "session_deleted", "session_started"]
    assert engine.memories.forget_where(session_id=sid, workspace_id="a") == 1


def test_a_memory_of_another_workspace_is_not_found(engine: Engine) -> None:
    memory = engine.memories.remember("We chose JWT for auth", workspace_id="b")
    with pytest.raises(MemoryNotFound):
        engine.memories.get_memory(memory.id, workspace_id="a")
    with pytest.raises(MemoryNotFound):
        engine.memories.update_memory(memory.id, content="hijacked", workspace_id="a")
    assert engine.memories.forget(memory.id, workspace_id="a") is False
    assert engine.memories.recall("JWT auth", workspace_id="a") == []
    assert engine.memories.get_memory(memory.id, workspace_id="b").content == memory.content


def test_importing_another_workspaces_export_copies_it(engine: Engine) -> None:
    memory = engine.memories.remember("We chose JWT for auth", workspace_id="a")
    result = engine.memories.import_workspace(
        engine.memories.export_workspace(workspace_id="a"), workspace_id="b"
    )
    assert result.imported == 1
    assert engine.memories.forget(memory.id, workspace_id="b") is True
    assert engine.memories.get_memory(memory.id, workspace_id="a").content == memory.content
    assert [h.memory.id for h in engine.memories.recall("JWT", workspace_id="a")] == [memory.id]


def test_briefings_and_session_lists_stay_in_their_workspace(engine: Engine) -> None:
    theirs = engine.sessions.create_session(workspace_id="b").id
    engine.context.set_context(theirs, "task", {"status": "in_progress", "goal": "secret"})
    engine.memories.remember("b's secret decision", type="decision", workspace_id="b")
    assert engine.sessions.list_sessions(workspace_id="a") == []
    briefing = engine.briefings.get_briefing(workspace_id="a")
    assert briefing.recent_activity == [] and briefing.open_threads == []
    assert briefing.memories == []
    assert "secret" not in briefing.recent_activity_summary


def test_a_clients_sweep_reaches_the_clients_workspace_only(tmp_path: Path, embedder: Any) -> None:
    clock = ManualClock(START)
    settings = Settings(home=tmp_path, workspace_id="a")
    engine = Engine(settings, clock=clock, embedding_function=embedder)
    with MemoryClient(transport=LocalTransport(engine)) as client:
        ids = {}
        for ws in ("a", "b"):
            ids[ws] = client.create_session(ttl_seconds=60, workspace_id=ws).id
            client.set_context(ids[ws], "auth_decision", f"JWT for {ws}", importance=0.9)
        clock.advance(120)
        assert [r.session_id for r in client.sweep()] == [ids["a"]]
        assert client.get_session(ids["b"]).committed_at is None
        assert engine.store.list_events("b", types=["session_committed"]) == []
