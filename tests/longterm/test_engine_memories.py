"""The Engine's memory methods: round trip through validation, and hostile input refused."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory.config import Settings
from agent_session_memory.engine import Engine
from agent_session_memory.errors import (
    ConfigurationError,
    InvalidInput,
    LimitExceeded,
    MemoryNotFound,
)
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore

from .fakes import HashingEmbedder


def test_remember_recall_update_forget(engine: Any) -> None:
    m = engine.memories.remember(
        "We chose JWT for auth", importance=0.8, tags=["auth"], metadata={"source": "adr-7"}
    )
    assert m.importance == 0.8 and m.metadata == {"source": "adr-7"}
    default = engine.memories.remember("Lunch is at noon")
    assert default.importance == 0.5
    hits = engine.memories.recall("how do we authenticate?", k=5)
    assert hits[0].memory.id == m.id
    updated = engine.memories.update_memory(
        m.id, content="We chose PASETO for auth", tags=["auth", "x"]
    )
    assert engine.memories.get_memory(m.id).content == "We chose PASETO for auth" == updated.content
    assert engine.memories.recall("PASETO", k=1, tags=["x"])[0].memory.id == m.id
    assert [x.id for x in engine.memories.list_memories(tags=["x"])] == [m.id]
    exported = engine.memories.export_workspace()
    assert len(exported) == 2
    assert engine.memories.forget(m.id) is True and engine.memories.forget(m.id) is False
    with pytest.raises(MemoryNotFound):
        engine.memories.get_memory(m.id)
    assert engine.memories.forget_where(everything=True) == 1
    assert engine.memories.import_workspace(exported, workspace_id="copy") == 2
    assert len(engine.memories.list_memories(workspace_id="copy")) == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"content": ""},
        {"content": "   "},
        {"content": 42},
        {"content": "x", "importance": 1.5},
        {"content": "x", "importance": -0.1},
        {"content": "x", "importance": math.nan},
        {"content": "x", "importance": True},
        {"content": "x", "tags": [""]},
        {"content": "x", "metadata": {"bad": math.inf}},
        {"content": "x", "type": ""},
        {"content": "x", "session_id": "../etc"},
        {"content": "x", "workspace_id": "a b"},
    ],
)
def test_remember_refuses_bad_input(engine: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        engine.memories.remember(**kwargs)


def test_huge_content_is_a_limit(engine: Any) -> None:
    with pytest.raises(LimitExceeded):
        engine.memories.remember("x" * (32 * 1024 + 1))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"query": ""},
        {"query": "q", "k": 0},
        {"query": "q", "k": -1},
        {"query": "q", "k": 1.5},
        {"query": "q", "k": 10**9},
        {"query": "q" * 10_000},
        {"query": "q", "tags": [1]},
        {"query": "q", "min_importance": 2},
        {"query": "q", "since": "yesterday"},
        {"query": "q", "until": math.nan},
        {"query": "q", "session_id": "a/b"},
        {"query": None},
    ],
)
def test_recall_refuses_bad_input(engine: Any, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        engine.memories.recall(**kwargs)


def test_unknown_and_malformed_ids(engine: Any) -> None:
    with pytest.raises(MemoryNotFound):
        engine.memories.get_memory("0" * 32)
    with pytest.raises(MemoryNotFound):
        engine.memories.update_memory("0" * 32, importance=0.1)
    for bad in ("", "../x", "a b", "x" * 200, None):
        with pytest.raises(InvalidInput):
            engine.memories.get_memory(bad)
    assert engine.memories.forget("0" * 32) is False
    with pytest.raises(InvalidInput):
        engine.memories.forget_where()  # no filter and not everything
    with pytest.raises(InvalidInput):
        engine.memories.import_workspace([{"id": "ok", "content": ""}])
    with pytest.raises(InvalidInput):
        engine.memories.list_memories(limit=0)


def test_lexical_query_syntax_is_inert(engine: Any) -> None:
    engine.memories.remember('He said "hello" AND left; NEAR(x) * ^ -- DROP TABLE memories')
    for q in ['"', "AND OR NOT", "NEAR(", "*", "'; DROP TABLE memories; --", "???", "日本語"]:
        engine.memories.recall(q, k=3)
    assert len(engine.memories.list_memories()) == 1


def test_an_injected_store_is_used_and_nothing_is_opened_on_disk(tmp_path: Path) -> None:
    store = InMemoryLongTermStore()
    home = tmp_path / "home"
    engine = Engine(
        Settings(home=home, session_store_url="memory://"),
        embedding_function=HashingEmbedder(),
        longterm_store=store,
    )
    memory = engine.memories.remember("The deploy key rotates monthly", workspace_id="w")
    assert store.get_rows("w", [memory.id]) == {memory.id: memory}
    assert [h.memory.id for h in engine.memories.recall("deploy key", workspace_id="w")] == [
        memory.id
    ]
    engine.close()  # finishes the index queue
    assert store.count_vectors("w") == 1 and store.pending("w") == []
    engine.close()
    assert not (home / "chroma").exists() and not (home / "memories.db").exists()


def test_a_store_that_is_not_a_longterm_store_is_refused(tmp_path: Path) -> None:
    engine = Engine(Settings(home=tmp_path, session_store_url="memory://"), longterm_store=object())
    with pytest.raises(ConfigurationError):
        engine.memories.remember("anything")
    engine.close()
