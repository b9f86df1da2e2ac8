"""What the inspector reads, through the client (embedded and remote): workspaces at a glance,
a memory's history, memory listing filters and order, reading working memory without a read."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from agent_session_memory import InvalidInput, MemoryClient, MemoryNotFound


def test_list_workspaces_shows_every_workspace_with_its_counts(client: MemoryClient) -> None:
    session = client.create_session(600, "w1")
    client.set_context(session.id, "note", "hello")
    client.remember("a fact in w2", workspace_id="w2")
    listed = {w.id: w for w in client.list_workspaces()}
    assert set(listed) == {"default", "w1", "w2"}
    assert (listed["w1"].sessions, listed["w1"].active_sessions, listed["w1"].memories) == (1, 1, 0)
    assert (listed["w2"].sessions, listed["w2"].memories) == (0, 1)
    assert listed["w1"].last_activity is not None and listed["default"].last_activity is None
    named = client.list_workspaces(["w2", "nothing-here"])
    assert [(w.id, w.memories) for w in named] == [("nothing-here", 0), ("w2", 1)]
    with pytest.raises(InvalidInput):
        client.list_workspaces(["not a workspace!"])


def test_a_memory_history_shows_supersession_both_ways(client: MemoryClient) -> None:
    first = client.create_session(600, "h")
    client.set_context(first.id, "port", "The API listens on port 8080", importance=0.9)
    [old_id] = client.commit_session(first.id).memory_ids
    second = client.create_session(600, "h")
    client.set_context(second.id, "port", "The API listens on port 9090", importance=0.9)
    [new_id] = client.commit_session(second.id).memory_ids
    new = client.get_memory_history(new_id, workspace_id="h")
    assert [m.id for m in new.supersedes] == [old_id] and new.superseded_by is None
    assert [e.type.value for e in new.events] == ["memory_superseded", "memory_created"]
    old = client.get_memory_history(old_id, workspace_id="h")
    assert old.superseded_by is not None and old.superseded_by.id == new_id
    assert old.supersedes == [] and old.memory.valid_until is not None
    assert {e.type.value for e in old.events} == {"memory_created", "memory_superseded"}


def test_a_memory_history_shows_what_was_merged_into_it(client: MemoryClient) -> None:
    first = client.create_session(600, "m")
    client.set_context(first.id, "database", "The main database is PostgreSQL 16", 0.8)
    [target] = client.commit_session(first.id).memory_ids
    second = client.create_session(600, "m")
    client.set_context(second.id, "primary_database", "The main database is PostgreSQL 16", 0.8)
    assert client.commit_session(second.id).memories_updated == 1
    history = client.get_memory_history(target, workspace_id="m")
    assert len(history.merged_from) == 1
    assert history.memory.source_sessions == [first.id, second.id]
    assert [e.type.value for e in history.events] == ["memory_created", "memory_merged"]


def test_the_history_of_a_forgotten_or_foreign_memory_is_not_found(client: MemoryClient) -> None:
    memory = client.remember("short-lived", workspace_id="f")
    with pytest.raises(MemoryNotFound):
        client.get_memory_history(memory.id, workspace_id="elsewhere")
    client.forget(memory.id, workspace_id="f")
    with pytest.raises(MemoryNotFound):
        client.get_memory_history(memory.id, workspace_id="f")


def test_list_memories_is_newest_first_and_filters_by_importance_and_time(
    client: MemoryClient,
) -> None:
    low = client.remember("the oldest, unimportant", importance=0.2, workspace_id="l")
    time.sleep(0.02)
    middle = datetime.now(UTC)
    time.sleep(0.02)
    high = client.remember("the newest, important", importance=0.9, workspace_id="l")
    assert [m.id for m in client.list_memories(workspace_id="l")] == [high.id, low.id]
    assert [m.id for m in client.list_memories(workspace_id="l", limit=1, offset=1)] == [low.id]
    assert [m.id for m in client.list_memories(workspace_id="l", min_importance=0.5)] == [high.id]
    assert [m.id for m in client.list_memories(workspace_id="l", since=middle)] == [high.id]
    assert [m.id for m in client.list_memories(workspace_id="l", until=middle)] == [low.id]


def test_peeking_at_working_memory_counts_no_read(client: MemoryClient) -> None:
    session = client.create_session(600)
    client.set_context(session.id, "task", "write the docs")
    assert client.get_context_items(session.id, peek=True)["task"].reads == 0
    assert client.get_context_items(session.id)["task"].reads == 1
    assert client.get_context_items(session.id, ["task"], peek=True)["task"].reads == 1


def test_a_session_tells_its_last_activity(client: MemoryClient) -> None:
    session = client.create_session(600)
    assert session.last_activity == session.created_at
    time.sleep(0.05)
    client.set_context(session.id, "task", "changed later")
    later = client.get_session(session.id).last_activity
    assert later is not None and later > session.created_at
