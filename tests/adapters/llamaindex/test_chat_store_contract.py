"""The ``BaseChatStore`` contract LlamaIndex does not ship, run against ours and SimpleChatStore.

SimpleChatStore passing every test shows the suite asks only what LlamaIndex's own reference
store does. Ours runs twice: on a ``MemoryClient`` and on an ``AsyncMemoryClient`` alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ImageBlock,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)
from llama_index.core.memory import ChatMemoryBuffer
from llama_index.core.storage.chat_store import BaseChatStore, SimpleChatStore

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.llamaindex import SessionChatStore


@pytest.fixture(params=["session", "session-async-client", "simple"])
def store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[BaseChatStore]:
    if request.param == "simple":
        yield SimpleChatStore()
    elif request.param == "session":
        client = MemoryClient(path=str(tmp_path / "home"))
        yield SessionChatStore(client)
        client.close()
    else:
        aclient = AsyncMemoryClient(path=str(tmp_path / "home"))
        yield SessionChatStore(async_client=aclient)


def dumps(messages: list[ChatMessage] | None) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json") for m in messages or []]


def msg(text: str, role: str = "user") -> ChatMessage:
    return ChatMessage(role=role, content=text)


def tool_turn() -> list[ChatMessage]:
    return [
        ChatMessage(role="system", content="You are terse."),
        ChatMessage(role="user", content="2+3?"),
        ChatMessage(
            role="assistant",
            blocks=[
                ThinkingBlock(content="use the tool"),
                ToolCallBlock(tool_call_id="c1", tool_name="add", tool_kwargs={"a": 2, "b": 3}),
            ],
            additional_kwargs={
                "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "add"}}]
            },
        ),
        ChatMessage(
            role="tool", content="5", additional_kwargs={"tool_call_id": "c1", "name": "add"}
        ),
        ChatMessage(
            role="assistant",
            blocks=[
                TextBlock(text="5. See "),
                ImageBlock(image=b"\x89PNG\r\n", image_mimetype="image/png"),
            ],
        ),
        ChatMessage(role="user", content="ünïcödé ✓ \u202e <script>\x00</script>"),
    ]


# -- sync -----------------------------------------------------------------------------------------
def test_unknown_key_reads_empty(store: BaseChatStore) -> None:
    assert store.get_messages("nobody") == []
    assert store.delete_messages("nobody") is None
    assert store.delete_message("nobody", 0) is None
    assert store.delete_last_message("nobody") is None


def test_add_then_get_keeps_order(store: BaseChatStore) -> None:
    for i in range(5):
        store.add_message("k", msg(f"m{i}", "user" if i % 2 == 0 else "assistant"))
    assert [m.content for m in store.get_messages("k")] == [f"m{i}" for i in range(5)]
    assert [m.role.value for m in store.get_messages("k")][:2] == ["user", "assistant"]


def test_set_replaces(store: BaseChatStore) -> None:
    store.add_message("k", msg("old"))
    store.set_messages("k", [msg("a"), msg("b", "assistant")])
    assert [m.content for m in store.get_messages("k")] == ["a", "b"]


def test_round_trip_fidelity_of_blocks_and_tool_calls(store: BaseChatStore) -> None:
    turn = tool_turn()
    store.set_messages("k", turn)
    assert dumps(store.get_messages("k")) == dumps(turn)
    store.add_message("k2", turn[2])
    assert dumps(store.get_messages("k2")) == dumps([turn[2]])


def test_keys_are_isolated(store: BaseChatStore) -> None:
    store.add_message("alice", msg("for alice"))
    store.add_message("bob", msg("for bob"))
    assert [m.content for m in store.get_messages("alice")] == ["for alice"]
    assert [m.content for m in store.get_messages("bob")] == ["for bob"]
    store.delete_messages("alice")
    assert [m.content for m in store.get_messages("bob")] == ["for bob"]


def test_get_keys(store: BaseChatStore) -> None:
    store.add_message("alice", msg("x"))
    store.add_message("bob", msg("y"))
    assert set(store.get_keys()) == {"alice", "bob"}
    store.delete_messages("alice")
    assert set(store.get_keys()) == {"bob"}


def test_delete_messages_returns_them(store: BaseChatStore) -> None:
    store.set_messages("k", [msg("a"), msg("b")])
    assert [m.content for m in store.delete_messages("k") or []] == ["a", "b"]
    assert store.get_messages("k") == []


def test_delete_by_index(store: BaseChatStore) -> None:
    store.set_messages("k", [msg("a"), msg("b"), msg("c"), msg("d")])
    deleted = store.delete_message("k", 1)
    assert deleted is not None and deleted.content == "b"
    assert [m.content for m in store.get_messages("k")] == ["a", "c", "d"]
    assert store.delete_message("k", 3) is None  # out of range
    last = store.delete_message("k", -1)
    assert last is not None and last.content == "d"
    assert [m.content for m in store.get_messages("k")] == ["a", "c"]


def test_delete_last(store: BaseChatStore) -> None:
    store.set_messages("k", [msg("a"), msg("b")])
    last = store.delete_last_message("k")
    assert last is not None and last.content == "b"
    assert [m.content for m in store.get_messages("k")] == ["a"]


def test_chat_memory_buffer_on_the_store(store: BaseChatStore) -> None:
    buffer = ChatMemoryBuffer.from_defaults(chat_store=store, chat_store_key="conv", token_limit=50)
    buffer.put(msg("hello"))
    buffer.put(msg("hi there", "assistant"))
    assert [m.content for m in buffer.get()] == ["hello", "hi there"]
    assert [m.content for m in store.get_messages("conv")] == ["hello", "hi there"]
    buffer.reset()
    assert store.get_messages("conv") == []


# -- async ----------------------------------------------------------------------------------------
async def test_async_twins(store: BaseChatStore) -> None:
    await store.async_add_message("k", msg("a"))
    await store.async_add_message("k", msg("b", "assistant"))
    assert [m.content for m in await store.aget_messages("k")] == ["a", "b"]
    await store.aset_messages("k", tool_turn())
    assert dumps(await store.aget_messages("k")) == dumps(tool_turn())
    first = await store.adelete_message("k", 0)
    assert first is not None and first.content == "You are terse."
    last = await store.adelete_last_message("k")
    assert last is not None and last.role.value == "user"
    assert len(await store.aget_messages("k")) == 4
    await store.async_add_message("other", msg("z"))
    assert set(await store.aget_keys()) == {"k", "other"}
    assert len(await store.adelete_messages("k") or []) == 4
    assert await store.aget_messages("k") == []
    assert await store.adelete_messages("missing") is None


async def test_async_chat_memory_buffer(store: BaseChatStore) -> None:
    buffer = ChatMemoryBuffer.from_defaults(chat_store=store, chat_store_key="conv", token_limit=50)
    await buffer.aput(msg("hello"))
    await buffer.aput(msg("hi there", "assistant"))
    assert [m.content for m in await buffer.aget()] == ["hello", "hi there"]
