"""``SessionMemory``: token windows measured with the client's tokenizer, O(window) reads."""

from __future__ import annotations

import time

import pytest
from llama_index.core.base.llms.types import ChatMessage, ToolCallBlock

from agent_session_memory import AsyncMemoryClient, InvalidInput, MemoryClient
from agent_session_memory.adapters.llamaindex import SessionMemory
from agent_session_memory.adapters.llamaindex._tokens import tiktoken_tokenizer
from agent_session_memory.tokens import MESSAGE_OVERHEAD_TOKENS

o200k = tiktoken_tokenizer("o200k_base")


def msg(text: str, role: str = "user") -> ChatMessage:
    return ChatMessage(role=role, content=text)


def cost(messages: list[ChatMessage]) -> int:
    """What the session store charges: content tokens (o200k_base) + per-message framing."""
    return sum(len(o200k(m.content or "")) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def test_window_respects_the_limit_with_the_same_tokenizer(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, token_limit=120)
    memory.put(msg("You are a careful assistant.", "system"))
    for i in range(40):
        memory.put(msg(f"question {i} about the weather in Lisbon", "user"))
        memory.put(msg(f"answer {i}: sunny and warm, take a hat", "assistant"))
    window = memory.get()
    assert window[0].role.value == "system"  # never evicted
    assert window[-1].content == "answer 39: sunny and warm, take a hat"
    assert cost(window) <= 120
    everything = memory.get_all()
    next_older = everything[-len(window)]  # the newest message left out
    assert cost([*window, next_older]) > 120  # the window is as large as the budget allows
    assert memory.tokenizer_fn("hello world") == o200k("hello world")


def test_initial_token_count_shrinks_the_window(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, token_limit=200)
    for i in range(30):
        memory.put(msg(f"message number {i}"))
    full = memory.get()
    smaller = memory.get(input="next", initial_token_count=150)
    assert cost(smaller) <= 50 < cost(full)
    with pytest.raises(InvalidInput):
        memory.get(initial_token_count=201)
    with pytest.raises(InvalidInput):
        memory.get(initial_token_count=-1)


def test_newest_user_message_is_kept_even_when_over_budget(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, token_limit=20)
    memory.put(msg("short"))
    memory.put(msg("a very long message " * 50))
    assert [m.content for m in memory.get()] == ["a very long message " * 50]


def test_tool_call_and_its_results_stay_together(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, token_limit=10_000)
    call = ChatMessage(
        role="assistant",
        blocks=[ToolCallBlock(tool_call_id="c1", tool_name="lookup", tool_kwargs={"q": "x"})],
    )
    result = ChatMessage(role="tool", content="y " * 30, additional_kwargs={"tool_call_id": "c1"})
    memory.put_messages([msg("find x"), call, result, msg("thanks", "assistant")])
    total = cost(memory.get_all())
    for limit in range(5, total + 20, 3):
        window = SessionMemory(client, session_id=memory.session_id, token_limit=limit).get()
        kinds = [
            "call" if m.blocks and m.blocks[0].block_type == "tool_call" else m.role.value
            for m in window
        ]
        assert ("call" in kinds) == ("tool" in kinds), (limit, kinds)
        assert window[-1].content == "thanks" or kinds == ["user"]


def test_reads_cost_o_window(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, token_limit=300)
    for start in range(0, 3000, 1000):
        memory.put_messages([msg(f"message {i} " + "x " * 20) for i in range(start, start + 1000)])
    memory.get()  # warm up
    began = time.perf_counter()
    for _ in range(10):
        window = memory.get()
    per_read = (time.perf_counter() - began) / 10
    assert cost(window) <= 300
    assert per_read < 0.2, per_read  # ChatMemoryBuffer.get: ~2.5 s at 1,000 messages


def test_set_reset_and_unknown_session(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, chat_history=[msg("a"), msg("b", "assistant")])
    assert [m.content for m in memory.get_all()] == ["a", "b"]
    memory.set([msg("c")])
    assert [m.content for m in memory.get()] == ["c"]
    memory.reset()
    assert memory.get() == []
    assert SessionMemory.from_defaults(client, session_id="never-written").get() == []


async def test_async_face(aclient: AsyncMemoryClient) -> None:
    memory = SessionMemory.from_defaults(async_client=aclient, token_limit=500)
    await memory.aput(msg("hello"))
    await memory.aput_messages([msg("hi", "assistant"), msg("how are you?")])
    assert [m.content for m in await memory.aget(input="x", initial_token_count=3)] == [
        "hello",
        "hi",
        "how are you?",
    ]
    assert len(await memory.aget_all()) == 3
    await memory.aset([msg("only")])
    assert [m.content for m in await memory.aget()] == ["only"]
    await memory.areset()
    assert await memory.aget() == []
