"""The product doc's session flow through a real MCP client, over stdio and streamable HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_session_memory import MemoryClient

from .conftest import call, connect, error_of

pytestmark = pytest.mark.timeout(180)


@pytest.mark.parametrize("transport", ["stdio", "http", "stdio-remote"])
async def test_the_product_docs_session_flow(transport: str, home: Path) -> None:
    async with connect(transport, home) as client:
        started = await call(
            client, "memory_session_start", {"workspace_id": "my-project", "ttl_seconds": 3600}
        )
        assert started["status"] == "active" and started["workspace_id"] == "my-project"
        assert started["briefing"]["workspace_id"] == "my-project"
        assert (await call(client, "memory_session_status"))["id"] == started["id"]

        decision = "We chose JWT because sessions must be stateless"
        assert await call(
            client,
            "memory_set_context",
            {"key": "auth_decision", "value": decision, "importance": 0.9},
        ) == {"version": 1}
        value = await call(client, "memory_get_context", {"keys": ["auth_decision"]})
        assert value == {"value": decision}
        remembered = await call(
            client,
            "memory_remember",
            {
                "content": "Tokens expire after 15 minutes",
                "type": "fact",
                "importance": 0.8,
                "tags": ["auth"],
            },
        )
        memory = remembered  # the Memory itself
        assert memory["session_id"] == started["id"] and memory["tags"] == ["auth"]

        committed = await call(client, "memory_session_commit", {"importance_threshold": 0.5})
        assert committed["memories_created"] == 1
        hits = (await call(client, "memory_recall", {"query": "how do we authenticate?"}))["hits"]
        contents = [hit["memory"]["content"] for hit in hits]
        assert any(decision in c for c in contents) and "Tokens expire after 15 minutes" in contents

        briefing = await call(client, "memory_briefing")
        assert briefing["workspace_id"] == "my-project" and briefing["memories"]

        ended = await call(client, "memory_session_end", {"commit": True})
        assert ended["status"] == "ended"
        assert (await call(client, "memory_session_status"))["status"] == "ended"
        error = await error_of(client, "memory_set_context", {"key": "late", "value": 1})
        assert error["code"] == "session_ended"

        assert await call(client, "memory_forget", {"memory_id": memory["id"]}) == {
            "forgotten": True
        }
        hits = (await call(client, "memory_recall", {"query": "token expiry"}))["hits"]
        assert memory["id"] not in [hit["memory"]["id"] for hit in hits]

    with MemoryClient(path=str(home), workspace_id="my-project") as direct:
        assert [s.status.value for s in direct.list_sessions()] == ["ended"]
        assert len(direct.list_memories()) == 1  # the committed decision; the other forgotten


async def test_the_briefing_resource_the_working_memory_resource_and_the_primer(
    home: Path,
) -> None:
    async with connect("stdio", home) as client:
        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert resources == {"memory://briefing", "memory://session/context"}
        with pytest.raises(Exception, match="memory_session_start"):
            await client.read_resource("memory://session/context")
        await call(client, "memory_session_start", {"workspace_id": "primed"})
        await call(client, "memory_set_context", {"key": "task", "value": "ship the MCP server"})
        context = await client.read_resource("memory://session/context")
        assert '"task": "ship the MCP server"' in context.contents[0].text
        await call(client, "memory_remember", {"content": "Deploys happen on Fridays"})
        briefing = await client.read_resource("memory://briefing")
        assert "workspace primed" in briefing.contents[0].text
        assert "Deploys happen on Fridays" in briefing.contents[0].text
        prompts = (await client.list_prompts()).prompts
        assert [p.name for p in prompts] == ["memory_primer"]
        primer = await client.get_prompt("memory_primer", {"lookback_hours": "48"})
        assert "Deploys happen on Fridays" in primer.messages[0].content.text


async def test_stateless_http_says_plainly_that_a_session_id_is_needed(home: Path) -> None:
    """The 2026-07-28 HTTP protocol has no connection: the session travels as an argument."""
    from mcp import Client

    from .conftest import http_process

    with http_process(home) as url:
        async with Client(url) as client:
            started = await call(client, "memory_session_start", {"workspace_id": "stateless"})
            error = await error_of(client, "memory_session_status", {})
            assert error["code"] == "session_not_found"
            assert "memory_session_start" in error["message"]
            status = await call(client, "memory_session_status", {"session_id": started["id"]})
            assert status["id"] == started["id"]


async def test_a_session_named_explicitly_becomes_the_connections(home: Path) -> None:
    """The session a Claude Code hook started (and named in the context) is adopted."""
    with MemoryClient(path=str(home), workspace_id="hooked") as direct:
        started = direct.create_session(600, metadata={"claude_code_session_id": "c1"})
    async with connect("stdio", home) as client:
        arguments = {"key": "task", "value": "adopt it", "session_id": started.id}
        await call(client, "memory_set_context", arguments)
        status = await call(client, "memory_session_status")
        assert status["id"] == started.id
        assert await call(client, "memory_get_context", {"keys": "task"}) == {"value": "adopt it"}
