"""create_agent(model, tools, store=MemoryGraphStore(...)) gets long-term memory from us."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain.agents import create_agent
from langchain.tools import ToolRuntime, tool
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.config import get_store

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.langchain import MemoryGraphStore


class ToolCallingFakeModel(GenericFakeChatModel):
    """The fake chat model with ``bind_tools`` (a no-op), as LangChain's own agent tests do."""

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ToolCallingFakeModel:
        return self


def _call(name: str, args: dict[str, Any], call_id: str) -> AIMessage:
    return AIMessage(
        "", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}]
    )


@tool
def save_memory(fact: str, runtime: ToolRuntime) -> str:
    """Save a fact about the user to long-term memory."""
    assert runtime.store is not None
    runtime.store.put(("alice", "facts"), "favourite_drink", {"text": fact})
    return "saved"


@tool
def search_memory(query: str) -> str:
    """Search long-term memory about the user."""
    items = get_store().search(("alice", "facts"), query=query, limit=3)
    return json.dumps([item.value["text"] for item in items])


def test_agent_writes_then_a_new_thread_reads(client: MemoryClient) -> None:
    store = MemoryGraphStore(client=client, workspaces=["alice"])
    writer = create_agent(
        ToolCallingFakeModel(
            messages=iter(
                [
                    _call("save_memory", {"fact": "Alice drinks green tea every morning"}, "c1"),
                    AIMessage("Noted."),
                ]
            )
        ),
        [save_memory, search_memory],
        store=store,
    )
    writer.invoke({"messages": [HumanMessage("I drink green tea every morning")]})
    assert client.recall("what does Alice drink?", workspace_id="alice")[0].memory.content == (
        "Alice drinks green tea every morning"
    )

    reader = create_agent(
        ToolCallingFakeModel(
            messages=iter(
                [
                    _call("search_memory", {"query": "morning drink"}, "c2"),
                    AIMessage("You like green tea."),
                ]
            )
        ),
        [save_memory, search_memory],
        store=MemoryGraphStore(client=client, workspaces=["alice"]),
    )
    result = reader.invoke({"messages": [HumanMessage("What do I drink?")]})
    tool_results = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert json.loads(str(tool_results[0].content)) == ["Alice drinks green tea every morning"]
    assert result["messages"][-1].content == "You like green tea."


async def test_agent_async_with_async_client(aclient: AsyncMemoryClient) -> None:
    store = MemoryGraphStore(async_client=aclient, workspaces=["alice"])
    await store.aput(("alice", "facts"), "favourite_drink", {"text": "Alice drinks coffee"})

    @tool
    async def asearch_memory(query: str, runtime: ToolRuntime) -> str:
        """Search long-term memory about the user."""
        assert runtime.store is not None
        items = await runtime.store.asearch(("alice", "facts"), query=query)
        return json.dumps([item.value["text"] for item in items])

    agent = create_agent(
        ToolCallingFakeModel(
            messages=iter(
                [
                    _call("asearch_memory", {"query": "drink"}, "c3"),
                    AIMessage("Coffee."),
                ]
            )
        ),
        [asearch_memory],
        store=store,
    )
    result = await agent.ainvoke({"messages": [HumanMessage("What do I drink?")]})
    tool_results = [m for m in result["messages"] if isinstance(m, ToolMessage)]
    assert json.loads(str(tool_results[0].content)) == ["Alice drinks coffee"]
