"""``open_session`` / ``find_session``: a session by name, embedded and remote."""

from __future__ import annotations

import asyncio

import pytest

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.errors import InvalidInput, LimitExceeded


def test_open_session_gets_or_creates_by_name(client: MemoryClient) -> None:
    assert client.find_session("t-1") is None
    first = client.open_session("t-1", ttl_seconds=120, metadata={"k": 1})
    assert first.name == "t-1" and first.ttl_seconds == 120 and first.metadata == {"k": 1}
    again = client.open_session("t-1")
    assert again.id == first.id and again.expires_at >= first.expires_at
    found = client.find_session("t-1")
    assert found is not None and found.id == first.id
    assert client.get_session(first.id).name == "t-1"
    client.end_session(first.id)
    assert client.find_session("t-1") is None  # reads agree with the next write:
    assert client.open_session("t-1").id != first.id


def test_names_are_per_workspace(client: MemoryClient) -> None:
    a = client.open_session("same", workspace_id="wa")
    b = client.open_session("same", workspace_id="wb")
    assert a.id != b.id and a.workspace_id == "wa"
    found = client.find_session("same", workspace_id="wb")
    assert found is not None and found.id == b.id


def test_bad_names_are_refused(client: MemoryClient) -> None:
    with pytest.raises(InvalidInput, match="NUL"):
        client.open_session("a\x00b")
    with pytest.raises(InvalidInput):
        client.open_session("")
    with pytest.raises(LimitExceeded):
        client.find_session("x" * 257)


async def test_concurrent_opens_share_one_session(aclient: AsyncMemoryClient) -> None:
    sessions = await asyncio.gather(*(aclient.open_session("raced") for _ in range(6)))
    assert len({s.id for s in sessions}) == 1
