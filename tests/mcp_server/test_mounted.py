"""``/mcp`` of ``asm serve``: the MCP server under the HTTP API's keys and workspace scoping."""

from __future__ import annotations

from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from agent_session_memory.config import Settings
from agent_session_memory.server.keys import KeyStore
from tests.live_server import serve_in_thread

from .conftest import call, error_of
from .test_hostile_input import surrogate_call

pytestmark = pytest.mark.timeout(120)


def _client(url: str, token: str | None) -> Client:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    transport = streamable_http_client(
        f"{url}/mcp", http_client=httpx2.AsyncClient(headers=headers)
    )
    return Client(transport, mode="legacy")


async def test_the_mounted_server_uses_the_api_keys_and_their_workspaces(home: Path) -> None:
    keys = KeyStore(home / "keys.db", Settings(home=home).limits)
    _, alpha = keys.create(["alpha"], "alpha")
    _, beta = keys.create(["beta"], "beta")
    with serve_in_thread(home=home, keys=keys) as url:
        refused = httpx.post(f"{url}/mcp", json={}, timeout=10)
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthenticated"
        async with _client(url, alpha) as client:
            started = await call(client, "memory_session_start", {})
            assert started["workspace_id"] == "alpha"  # the key's one workspace
            await call(client, "memory_set_context", {"key": "task", "value": "mounted"})
            denied = await error_of(client, "memory_recall", {"query": "x", "workspace_id": "beta"})
            assert denied["code"] == "access_denied"
        async with _client(url, beta) as other:
            hidden = await error_of(other, "memory_get_context", {"session_id": started["id"]})
            assert hidden["code"] == "session_not_found"  # another workspace's session
            forbidden = await error_of(other, "memory_session_start", {"workspace_id": "alpha"})
            assert forbidden["code"] == "access_denied"
        error = surrogate_call(f"{url}/mcp", {"authorization": f"Bearer {alpha}"})
        assert error["code"] == "invalid_input"
        # the HTTP API sees what MCP wrote
        value = httpx.get(
            f"{url}/v1/sessions/{started['id']}/memory",
            params={"keys": "task"},
            headers={"authorization": f"Bearer {alpha}"},
            timeout=10,
        )
        assert value.json() == "mounted"
    keys.close()


async def test_the_open_mode_serves_mcp_without_a_key(home: Path) -> None:
    with serve_in_thread(home=home) as url:
        async with _client(url, None) as client:
            started = await call(client, "memory_session_start", {"workspace_id": "open"})
            assert (await call(client, "memory_session_status"))["id"] == started["id"]
