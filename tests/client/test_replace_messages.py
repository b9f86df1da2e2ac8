"""``replace_messages`` and message text validation, embedded and remote."""

from __future__ import annotations

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.errors import InvalidInput, LimitExceeded


def test_replace_messages_validates_everything_first(client: MemoryClient) -> None:
    session = client.create_session(600)
    client.add_messages(session.id, [{"role": "user", "content": "old"}])
    with pytest.raises(LimitExceeded):
        client.replace_messages(
            session.id,
            [{"role": "user", "content": "new"}, {"role": "user", "content": "x" * 2_000_000}],
        )
    assert [m.content for m in client.get_messages(session.id)] == ["old"]
    new = client.replace_messages(
        session.id, [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    )
    assert [(m.content, m.seq) for m in new] == [("a", 2), ("b", 3)]
    assert [m.content for m in client.get_messages(session.id)] == ["a", "b"]


def test_a_lone_surrogate_is_invalid_input(client: MemoryClient) -> None:
    session = client.create_session(600)
    with pytest.raises(InvalidInput, match="surrogate"):
        client.add_messages(session.id, [{"role": "user", "content": "bad \ud800"}])
    assert client.get_messages(session.id) == []
