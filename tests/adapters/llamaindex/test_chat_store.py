"""What our chat store adds to the contract: keys as sessions, names, policies, no loop blocking."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage, ToolCallBlock

from agent_session_memory import (
    InvalidInput,
    MemoryClient,
    SessionEnded,
    SessionNotFound,
)
from agent_session_memory.adapters.llamaindex import KEY_METADATA, SessionChatStore


def msg(text: str, role: str = "user") -> ChatMessage:
    return ChatMessage(role=role, content=text)


def test_a_session_id_key_is_that_session(client: MemoryClient) -> None:
    session = client.create_session(600)
    store = SessionChatStore(client)
    store.add_message(session.id, msg("hello"))
    stored = client.get_messages(session.id)
    assert [(m.role, m.content) for m in stored] == [("user", "hello")]
    assert store.get_keys() == [session.id]


def test_tool_calls_map_to_session_fields(client: MemoryClient) -> None:
    session = client.create_session(600)
    store = SessionChatStore(client)
    store.set_messages(
        session.id,
        [
            msg("2+3?"),
            ChatMessage(
                role="assistant",
                blocks=[ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs={"a": 2})],
            ),
            ChatMessage(role="tool", content="5", additional_kwargs={"tool_call_id": "c1"}),
        ],
    )
    _, call, result = client.get_messages(session.id)
    assert call.role == "assistant" and call.tool_calls == [
        {"id": "c1", "name": "add", "arguments": '{"a": 2}'}
    ]
    assert result.role == "tool" and result.tool_call_id == "c1" and result.content == "5"


def test_named_key_creates_one_session_and_is_found_again(tmp_path: Any) -> None:
    client = MemoryClient(path=str(tmp_path / "h"), workspace_id="team-a")
    store = SessionChatStore(client, ttl_seconds=120)
    store.add_message("user@example.com", msg("hi"))
    store.add_message("user@example.com", msg("again"))
    sessions = client.list_sessions()
    assert len(sessions) == 1
    assert sessions[0].metadata[KEY_METADATA] == "user@example.com"
    assert sessions[0].ttl_seconds == 120 and sessions[0].workspace_id == "team-a"
    fresh = SessionChatStore(client)  # another process: no cache, same mapping
    assert [m.content for m in fresh.get_messages("user@example.com")] == ["hi", "again"]
    assert fresh.get_keys() == ["user@example.com"]
    client.close()


def test_named_keys_stay_in_their_workspace(tmp_path: Any) -> None:
    client = MemoryClient(path=str(tmp_path / "h"))
    SessionChatStore(client, workspace_id="a").add_message("chat", msg("in a"))
    assert SessionChatStore(client, workspace_id="b").get_messages("chat") == []
    client.close()


def test_unknown_key_policy_error(client: MemoryClient) -> None:
    store = SessionChatStore(client, on_unknown_key="error")
    with pytest.raises(SessionNotFound):
        store.add_message("nobody", msg("x"))
    assert store.get_messages("nobody") == []
    with pytest.raises(ValueError):  # pydantic's ValidationError is a ValueError
        SessionChatStore(client, on_unknown_key="sometimes")  # type: ignore[arg-type]


def test_ended_named_session_starts_a_new_one(client: MemoryClient) -> None:
    store = SessionChatStore(client)
    store.add_message("conv", msg("first"))
    (old,) = client.list_sessions()
    client.end_session(old.id)
    # Reads and writes agree: the ended session is no longer the name's (issue 19, LlamaIndex 4;
    # it used to be read while the next write went to a new session).
    assert store.get_messages("conv") == []
    store.add_message("conv", msg("second"))
    assert [m.content for m in store.get_messages("conv")] == ["second"]
    assert len(client.list_sessions()) == 2
    assert [m.content for m in client.get_messages(old.id)] == ["first"]  # kept, by its id


def test_ended_explicit_session_refuses_writes(client: MemoryClient) -> None:
    session = client.create_session(600)
    client.end_session(session.id)
    with pytest.raises(SessionEnded):
        SessionChatStore(client).add_message(session.id, msg("late"))


@pytest.mark.parametrize("key", ["", "a\x00b", "../../etc/passwd", "x" * 5000, "' OR 1=1 --"])
def test_hostile_keys(client: MemoryClient, key: str) -> None:
    store = SessionChatStore(client)
    assert store.get_messages(key) == [] if key else True
    try:
        store.add_message(key, msg("hi"))
    except InvalidInput:
        return  # refused cleanly
    assert [m.content for m in store.get_messages(key)] == ["hi"]


def test_hostile_content_round_trips(client: MemoryClient) -> None:
    store = SessionChatStore(client)
    nasty = "\x00\u202e🙂" + "'; DROP TABLE messages; --" + "\ud7ff" * 10
    store.add_message("k", msg(nasty))
    assert store.get_messages("k")[0].content == nasty


async def test_async_methods_never_run_the_sync_client_on_the_loop(client: MemoryClient) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    class Spy(MemoryClient):
        def __getattribute__(self, name: str) -> Any:
            value = object.__getattribute__(self, name)
            if name.startswith("_") or not callable(value):
                return value

            def spied(*args: Any, **kwargs: Any) -> Any:
                seen.append(threading.get_ident())  # the thread the blocking call runs on
                return value(*args, **kwargs)

            return spied

    spy = Spy.__new__(Spy)
    spy.__dict__.update(client.__dict__)
    store = SessionChatStore(spy)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await store.aset_messages("k", [msg(f"m{i}") for i in range(300)])
    assert len(await store.aget_messages("k")) == 300
    task.cancel()
    assert seen and loop_thread not in seen
    assert ticks > 0


def test_sync_call_inside_a_loop_with_only_an_async_client_is_refused(tmp_path: Any) -> None:
    from agent_session_memory import AsyncMemoryClient, ConfigurationError

    store = SessionChatStore(async_client=AsyncMemoryClient(path=str(tmp_path / "h")))

    async def misuse() -> None:
        store.get_messages("k")

    with pytest.raises(ConfigurationError, match="async method"):
        asyncio.run(misuse())
