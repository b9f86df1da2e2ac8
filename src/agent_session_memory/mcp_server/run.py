"""Running the MCP server: stdio (``asm mcp``) and streamable HTTP (``asm mcp --http``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio
import mcp_types as types

from ..client.async_client import AsyncMemoryClient
from .server import MemoryMCP
from .unparsed import AnswerUnparsed
from .workspace import default_workspace


@contextlib.asynccontextmanager
async def memory_mcp(
    path: str | None = None, workspace_id: str | None = None, factory: type[MemoryMCP] = MemoryMCP
) -> AsyncIterator[MemoryMCP]:
    """A server on one client: embedded at ``path`` (or ``$AGENT_MEMORY_HOME``), or remote when
    ``$AGENT_MEMORY_URL`` is set; the workspace defaults to the working directory's project."""
    workspace = workspace_id or default_workspace()
    client = AsyncMemoryClient(path=path, workspace_id=workspace)
    try:
        yield factory(lambda request: client, workspace)
    finally:
        await client.close()


async def serve_stdio(
    path: str | None = None, workspace_id: str | None = None, factory: type[MemoryMCP] = MemoryMCP
) -> None:
    from mcp.server.stdio import stdio_server

    from .unparsed import relay, relay_pair

    async with memory_mcp(path, workspace_id, factory) as mcp, stdio_server() as (read, write):
        send, receive = relay_pair()

        async def call_tool(params: types.CallToolRequestParams) -> types.CallToolResult:
            return await mcp.call_params(params, None)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(relay, read, send, write, call_tool)
            await mcp.server.run(receive, write, mcp.server.create_initialization_options())
            tasks.cancel_scope.cancel()


async def serve_http(
    path: str | None, workspace_id: str | None, host: str, port: int, mount_path: str = "/mcp"
) -> None:
    import uvicorn

    async with memory_mcp(path, workspace_id) as mcp:
        app = mcp.server.streamable_http_app(streamable_http_path=mount_path, host=host)
        config = uvicorn.Config(
            AnswerUnparsed(app, mcp.call_params), host=host, port=port, log_level="warning"
        )
        await uvicorn.Server(config).serve()


def run_stdio(path: str | None = None, workspace_id: str | None = None) -> None:
    anyio.run(serve_stdio, path, workspace_id)


def run_http(path: str | None, workspace_id: str | None, host: str, port: int) -> None:
    anyio.run(serve_http, path, workspace_id, host, port)
