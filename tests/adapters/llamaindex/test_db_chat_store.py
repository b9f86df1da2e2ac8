"""``Memory.from_defaults(chat_store=SessionDBChatStore(...))``: short-term history in a session."""

from __future__ import annotations

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.memory import Memory
from llama_index.core.storage.chat_store.base_db import MessageStatus

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.llamaindex import SessionDBChatStore
from agent_session_memory.adapters.llamaindex._tokens import tiktoken_tokenizer


def msg(text: str, role: str = "user") -> ChatMessage:
    return ChatMessage(role=role, content=text)


async def test_store_api_active_archived_counts_and_oldest_first(client: MemoryClient) -> None:
    session = client.create_session(600)
    store = SessionDBChatStore(client)
    await store.add_messages(session.id, [msg(f"m{i}") for i in range(6)])
    await store.add_message(session.id, msg("old", "assistant"), status=MessageStatus.ARCHIVED)
    assert await store.count_messages(session.id) == 6
    assert await store.count_messages(session.id, status=MessageStatus.ARCHIVED) == 1
    assert await store.count_messages(session.id, status=None) == 7

    archived = await store.archive_oldest_messages(session.id, 2)
    assert [m.content for m in archived] == ["m0", "m1"]
    assert [m.content for m in await store.get_messages(session.id)] == ["m2", "m3", "m4", "m5"]
    assert await store.count_messages(session.id, status=MessageStatus.ARCHIVED) == 3
    assert [m.status for m in client.get_messages(session.id, status="archived")] == [
        "archived"
    ] * 3

    deleted = await store.delete_oldest_messages(session.id, 1)
    assert [m.content for m in deleted] == ["m2"]
    page = await store.get_messages(session.id, limit=2, offset=1)
    assert [m.content for m in page] == ["m4", "m5"]

    seq = client.get_messages(session.id)[0].seq
    removed = await store.delete_message(session.id, seq)
    assert removed is not None and removed.content == "m3"
    assert await store.delete_message(session.id, 10_000) is None

    await store.delete_messages(session.id, status=MessageStatus.ARCHIVED)
    assert await store.count_messages(session.id, status=None) == 2
    await store.set_messages(session.id, [msg("fresh")])
    assert [m.content for m in await store.get_messages(session.id, status=None)] == ["fresh"]
    assert await store.get_keys() == [session.id]
    await store.delete_messages(session.id)
    assert await store.count_messages(session.id, status=None) == 0


async def test_memory_keeps_short_term_history_in_the_session(client: MemoryClient) -> None:
    session = client.create_session(600)
    memory = Memory.from_defaults(
        session_id=session.id,
        chat_store=SessionDBChatStore(client),
        token_limit=200,
        token_flush_size=40,
        chat_history_token_ratio=0.5,
        tokenizer_fn=tiktoken_tokenizer(),
    )
    for i in range(20):
        await memory.aput(msg(f"user turn {i} " + "words " * 10))
        await memory.aput(msg(f"assistant turn {i} " + "words " * 10, "assistant"))
    active = client.count_messages(session.id)
    archived = client.count_messages(session.id, status="archived")
    assert active + archived == 40
    assert archived > 0 and active < 40
    history = await memory.aget()
    assert str(history[-1].content).startswith("assistant turn 19")
    assert len(history) == active
    everything = await memory.aget_all()
    assert [str(m.content).split(" words")[0] for m in everything][:2] == [
        "user turn 0",
        "assistant turn 0",
    ]
    await memory.areset()
    assert client.count_messages(session.id, status=None) == 0


def test_memory_sync_face_with_an_async_client(aclient: AsyncMemoryClient) -> None:
    memory = Memory.from_defaults(
        session_id="named-conversation",
        chat_store=SessionDBChatStore(async_client=aclient),
        token_limit=1000,
    )
    memory.put(msg("hello"))
    memory.put(msg("hi", "assistant"))
    assert [m.content for m in memory.get()] == ["hello", "hi"]
    memory.set([msg("replaced")])
    assert [m.content for m in memory.get_all()] == ["replaced"]
