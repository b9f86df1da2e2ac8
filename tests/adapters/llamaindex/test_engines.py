"""Chat engines and a FunctionAgent on ``SessionMemory``, with mock LLMs, sync and async."""

from __future__ import annotations

from typing import Any

from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.chat_engine import CondensePlusContextChatEngine, SimpleChatEngine
from llama_index.core.llms import MockLLM
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.tools import FunctionTool

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.llamaindex import SessionMemory

from .conftest import tool_calling_llm


class FixedRetriever(BaseRetriever):
    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return [NodeWithScore(node=TextNode(text="Lisbon is sunny in June."), score=1.0)]


def roles(client: MemoryClient, session_id: str) -> list[str]:
    return [m.role for m in client.get_messages(session_id)]


def test_simple_chat_engine_sync(client: MemoryClient) -> None:
    session = client.create_session(600)
    memory = SessionMemory.from_defaults(client, session_id=session.id, token_limit=400)
    engine = SimpleChatEngine.from_defaults(
        llm=MockLLM(max_tokens=5), memory=memory, system_prompt="You are terse."
    )
    for turn in ("hello", "how are you?", "bye"):
        assert str(engine.chat(turn)) == "text text text text text"
    assert roles(client, session.id) == ["user", "assistant"] * 3
    streamed = engine.stream_chat("one more")
    assert "".join(streamed.response_gen).strip() == "text text text text text"
    assert client.count_messages(session.id) == 8
    engine.reset()
    assert client.count_messages(session.id) == 0


async def test_simple_chat_engine_async(aclient: AsyncMemoryClient) -> None:
    session = await aclient.create_session(600)
    memory = SessionMemory.from_defaults(async_client=aclient, session_id=session.id)
    engine = SimpleChatEngine.from_defaults(llm=MockLLM(max_tokens=3), memory=memory)
    assert str(await engine.achat("hello")) == "text text text"
    assert str(await engine.achat("again")) == "text text text"
    assert [m.role for m in await aclient.get_messages(session.id)] == ["user", "assistant"] * 2


def test_condense_plus_context_sync(client: MemoryClient) -> None:
    session = client.create_session(600)
    memory = SessionMemory.from_defaults(client, session_id=session.id, token_limit=2000)
    engine = CondensePlusContextChatEngine.from_defaults(
        retriever=FixedRetriever(), llm=MockLLM(max_tokens=4), memory=memory
    )
    engine.chat("What is the weather in Lisbon?")
    reply = engine.chat("And in June?")
    assert str(reply) == "text text text text"
    assert [n.node.get_content() for n in reply.source_nodes] == ["Lisbon is sunny in June."]
    assert roles(client, session.id) == ["user", "assistant"] * 2


async def test_condense_plus_context_async(client: MemoryClient) -> None:
    memory = SessionMemory.from_defaults(client, session_id="weather-chat")
    engine = CondensePlusContextChatEngine.from_defaults(
        retriever=FixedRetriever(), llm=MockLLM(max_tokens=2), memory=memory
    )
    await engine.achat("What is the weather?")
    await engine.achat("And tomorrow?")
    assert [m.content for m in await memory.aget_all()][::2] == [
        "What is the weather?",
        "And tomorrow?",
    ]


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def test_function_agent_keeps_tool_calls_in_the_session(client: MemoryClient) -> None:
    session = client.create_session(600)
    memory = SessionMemory.from_defaults(client, session_id=session.id, token_limit=4000)
    agent = FunctionAgent(
        tools=[FunctionTool.from_defaults(fn=add)],
        llm=tool_calling_llm("add", {"a": 2, "b": 3}, "The sum is"),
        system_prompt="Use tools.",
    )
    result: Any = await agent.run("what is 2 + 3?", memory=memory)
    assert "The sum is 5" in str(result)
    stored = client.get_messages(session.id)
    assert [m.role for m in stored] == ["user", "assistant", "tool", "assistant"]
    assert (
        stored[1].tool_calls[0]["name"] == "add"
        and stored[2].tool_call_id == stored[1].tool_calls[0]["id"]
    )
    again: Any = await agent.run("and again?", memory=memory)
    assert "The sum is 5" in str(again)
    assert client.count_messages(session.id) == 8
    history = await memory.aget()
    assert history[-1].content == "The sum is 5"


async def test_function_agent_with_an_async_client(aclient: AsyncMemoryClient) -> None:
    memory = SessionMemory.from_defaults(async_client=aclient, token_limit=4000)
    agent = FunctionAgent(
        tools=[FunctionTool.from_defaults(fn=add)],
        llm=tool_calling_llm("add", {"a": 1, "b": 1}, "Got"),
    )
    assert "Got 2" in str(await agent.run("1+1?", memory=memory))
    assert [m.role.value for m in await memory.aget_all()] == [
        "user",
        "assistant",
        "tool",
        "assistant",
    ]
