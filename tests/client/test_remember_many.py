"""``remember_many``: several memories in one call, checked all before any is written."""

from __future__ import annotations

import pytest

from agent_session_memory import InvalidInput, LimitExceeded, MemoryClient


def test_several_memories_in_one_call_are_recalled(client: MemoryClient) -> None:
    stored = client.remember_many(
        [
            {"content": "We chose JWT for auth", "type": "decision", "tags": ["auth"]},
            {"content": "Deploys go out on Tuesdays", "importance": 0.9},
            {"content": "The billing service is written in Go"},
        ],
        workspace_id="w",
    )
    assert [m.content for m in stored] == [
        "We chose JWT for auth",
        "Deploys go out on Tuesdays",
        "The billing service is written in Go",
    ]
    assert stored[0].type == "decision" and stored[1].importance == 0.9
    hits = client.recall("how do we authenticate?", k=1, workspace_id="w")
    assert hits[0].memory.id == stored[0].id
    events = client.list_events(types=["memory_created"], workspace_id="w")
    assert sorted(e.memory_id for e in events) == sorted(m.id for m in stored)


@pytest.mark.parametrize(
    "bad",
    [
        [{"content": "fine"}, {"content": ""}],
        [{"content": "fine"}, {"content": "x", "importance": 2}],
        [{"content": "fine"}, {"content": "x", "colour": "red"}],
        [{"content": "fine"}, "not an object"],
        [{"text": "no content"}],
    ],
)
def test_one_bad_memory_writes_none(client: MemoryClient, bad: list[object]) -> None:
    with pytest.raises(InvalidInput):
        client.remember_many(bad, workspace_id="w")  # type: ignore[arg-type]
    assert client.list_memories(workspace_id="w") == []


def test_a_batch_has_a_limit(client: MemoryClient) -> None:
    with pytest.raises(LimitExceeded):
        client.remember_many([{"content": f"m{i}"} for i in range(1001)], workspace_id="w")
    assert client.remember_many([], workspace_id="w") == []
