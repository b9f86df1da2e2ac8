"""Memory tools: schemas an LLM can use, each tool doing what it says, errors as text."""

from __future__ import annotations

import json

import pytest
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent_session_memory import AsyncMemoryClient, InvalidInput, MemoryClient, Session
from agent_session_memory.adapters.langchain import TOOL_NAMES, create_memory_tools


def _by_name(tools: list[BaseTool]) -> dict[str, BaseTool]:
    return {t.name: t for t in tools}


def test_schemas_are_described(client: MemoryClient, session: Session) -> None:
    tools = create_memory_tools(session.id, client=client)
    assert [t.name for t in tools] == list(TOOL_NAMES)
    for tool in tools:
        spec = convert_to_openai_tool(tool)["function"]
        assert len(spec["description"]) > 40
        for name, prop in spec["parameters"]["properties"].items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"
    assert convert_to_openai_tool(tools[0])["function"]["parameters"]["required"] == ["content"]


def test_tools_work_on_the_session(client: MemoryClient) -> None:
    session = client.create_session(600, workspace_id="team")
    tools = _by_name(create_memory_tools(session.id, client=client))
    out = json.loads(
        tools["set_context"].invoke(
            {
                "key": "decision_db",
                "value": {"choice": "We decided to use PostgreSQL because we need transactions"},
                "importance": 0.9,
            }
        )
    )
    assert out == {"stored": "decision_db", "version": 1}
    assert json.loads(tools["get_context"].invoke({})) == {
        "decision_db": {"choice": "We decided to use PostgreSQL because we need transactions"}
    }
    committed = json.loads(tools["commit"].invoke({"min_importance": 0.5}))
    assert committed["memories_created"] == 1
    remembered = json.loads(
        tools["remember"].invoke({"content": "Alice prefers dark mode", "tags": ["ui"]})
    )
    memory = client.get_memory(remembered["remembered"], workspace_id="team")
    assert memory.session_id == session.id  # source session kept, in the session's workspace
    hits = json.loads(tools["recall"].invoke({"query": "which database?", "k": 1}))
    assert "PostgreSQL" in hits[0]["content"]


def test_errors_reach_the_model_as_text(client: MemoryClient, session: Session) -> None:
    tools = _by_name(create_memory_tools(session.id, client=client))
    message = tools["set_context"].invoke({"key": "", "value": 1})
    assert "invalid_input" in message
    with pytest.raises(InvalidInput):
        create_memory_tools(session.id, client=client, include=["remember", "rm -rf"])
    with pytest.raises(InvalidInput):
        create_memory_tools("not a session id", client=client)


async def test_async_tools(aclient: AsyncMemoryClient) -> None:
    session = await aclient.create_session(600)
    tools = _by_name(
        create_memory_tools(
            session.id,
            async_client=aclient,
            name_prefix="mem_",
            include=["set_context", "get_context"],
        )
    )
    await tools["mem_set_context"].ainvoke({"key": "task", "value": "write docs"})
    assert json.loads(await tools["mem_get_context"].ainvoke({"keys": ["task"]})) == {
        "task": "write docs"
    }
