"""``LongTermMemoryBlock`` inside ``Memory``: recall and briefing in, flushed turns out."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.memory import Memory

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.llamaindex import LongTermMemoryBlock, SessionDBChatStore
from agent_session_memory.adapters.llamaindex._tokens import tiktoken_tokenizer
from agent_session_memory.adapters.llamaindex.memory_block import transcript_chunks

from .conftest import ScriptedLLM


def msg(text: str, role: str = "user") -> ChatMessage:
    return ChatMessage(role=role, content=text)


def memory_for(client: MemoryClient, chat_key: str, **block: Any) -> Memory:
    return Memory.from_defaults(
        session_id=chat_key,
        chat_store=SessionDBChatStore(client),
        memory_blocks=[LongTermMemoryBlock(client, **block)],
        token_limit=400,
        token_flush_size=60,
        chat_history_token_ratio=0.5,
        tokenizer_fn=tiktoken_tokenizer(),
    )


async def test_recalls_a_fact_committed_in_an_earlier_session(client: MemoryClient) -> None:
    earlier = client.create_session(600)
    client.set_context(earlier.id, "user_preference", "The user prefers green tea", importance=0.9)
    client.end_session(earlier.id, commit=True)

    today = client.create_session(600)
    memory = memory_for(client, today.id)
    await memory.aput(msg("Hi! What should I drink this afternoon? I like tea."))
    messages = await memory.aget()
    system = messages[0]
    assert system.role.value == "system"
    assert "The user prefers green tea" in (system.content or "")
    assert "Recent activity:" in (system.content or "")  # the briefing
    assert messages[-1].content == "Hi! What should I drink this afternoon? I like tea."


async def test_flushed_turns_are_remembered_and_recalled_later(client: MemoryClient) -> None:
    first = client.create_session(600)
    memory = memory_for(client, first.id, include_briefing=False, session_id=first.id)
    await memory.aput(msg("My cat is called Miso and she is nine years old."))
    await memory.aput(msg("What a lovely name for a cat.", "assistant"))
    for i in range(12):
        await memory.aput(msg(f"Filler question {i} about nothing in particular " * 2))
        await memory.aput(msg(f"Filler answer {i} " * 4, "assistant"))
    assert client.count_messages(first.id, status="archived") > 0
    memories = client.list_memories(session_id=first.id)
    assert memories and any("Miso" in m.content for m in memories)
    assert all(m.type == "conversation" and "llamaindex" in m.tags for m in memories)

    block = LongTermMemoryBlock(client, include_briefing=False)
    text = await block.aget([msg("What is my cat called?")])
    assert "Miso" in text


async def test_context_flush_mode_feeds_the_session_commit(client: MemoryClient) -> None:
    session = client.create_session(600)
    block = LongTermMemoryBlock(client, flush_mode="context", session_id=session.id, importance=0.9)
    await block.aput([msg("We decided to ship on Friday."), msg("Noted.", "assistant")])
    (key,) = client.get_context(session.id).keys()
    assert key == "conversation excerpt 1"
    await block.aput([msg("And the demo is on Monday.")])
    assert sorted(client.get_context(session.id)) == [
        "conversation excerpt 1",
        "conversation excerpt 2",
    ]
    result = client.commit_session(session.id)
    assert result.memories_created == 2
    # the memory reads as conversation, not as an internal key (issue 19, LlamaIndex 7)
    contents = sorted(m.content for m in client.list_memories(session_id=session.id))
    assert contents[0].startswith("conversation excerpt 1: user: We decided to ship on Friday.")
    assert "llamaindex/" not in " ".join(contents)
    with pytest.raises(ValueError):
        LongTermMemoryBlock(client, flush_mode="context")


async def test_fact_extractor_and_none_mode(client: MemoryClient) -> None:
    from agent_session_memory.adapters.llamaindex import LlamaIndexFactExtractor

    llm = ScriptedLLM(answers=['{"facts": ["The user lives in Porto."]}'])
    block = LongTermMemoryBlock(client, fact_extractor=LlamaIndexFactExtractor(llm))
    await block.aput([msg("I live in Porto, by the river."), msg("Nice!", "assistant")])
    assert [(m.content, m.type) for m in client.list_memories()] == [
        ("The user lives in Porto.", "fact")
    ]
    # the next flush finds the same fact again: it is kept once (issue 19, LlamaIndex 7)
    llm.answers.append('{"facts": ["The user lives in Porto.", "The user has a cat."]}')
    await block.aput([msg("Porto again, and my cat."), msg("Nice!", "assistant")])
    assert sorted(m.content for m in client.list_memories()) == [
        "The user has a cat.",
        "The user lives in Porto.",
    ]
    quiet = LongTermMemoryBlock(client, name="quiet", flush_mode="none")
    await quiet.aput([msg("nothing to keep")])
    assert len(client.list_memories()) == 2


async def test_async_client_and_no_input(aclient: AsyncMemoryClient) -> None:
    block = LongTermMemoryBlock(async_client=aclient, include_briefing=False)
    assert await block.aget([]) == ""
    assert await block.aget([msg("anything?")]) == ""


def test_transcript_chunks_split_long_conversations() -> None:
    chunks = transcript_chunks(
        [msg("system stuff", "system"), msg("x" * 20_000), msg("short", "assistant")], limit=8000
    )
    assert all(len(c) <= 8000 for c in chunks)
    assert "".join(chunks).count("x") == 20_000
    assert "system stuff" not in "".join(chunks)
