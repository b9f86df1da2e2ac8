"""The MCP server at ``/mcp`` of ``asm serve``, under the same API keys and scoping as ``/v1``.

Each MCP request runs on an ``AsyncMemoryClient`` whose transport calls the engine as the
authenticated caller: the operation's access check (``access.authorize``) runs before every call,
exactly as for the HTTP routes. Without the ``[mcp]`` extra nothing is mounted.

MCP sessions of the handshake era live in the process that opened them: behind several workers
or a load balancer, clients should use the stateless 2026-07-28 protocol (and pass
``session_id``), or one worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from ..client.async_client import AsyncMemoryClient
from ..contract import OPERATIONS
from ..errors import AgentMemoryError
from .access import Caller, authenticate, authorize
from .keys import KeyStore
from .settings import LOOPBACK

PATH = "/mcp"


class CallerTransport:
    """An ``AsyncTransport`` to the engine for one caller, with the HTTP API's access rules."""

    def __init__(
        self,
        implementations: dict[str, Callable[..., Any]],
        session_workspace: Callable[[str], str],
        caller: Caller,
    ) -> None:
        self.implementations = implementations
        self.session_workspace = session_workspace
        self.caller = caller

    async def call(self, operation: str, /, **params: Any) -> Any:
        def serve() -> Any:
            authorize(self.caller, OPERATIONS[operation], params, self.session_workspace)
            return self.implementations[operation](**params)

        return await run_in_threadpool(serve)

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        """The engine belongs to the server."""


class KeyedEndpoint:
    """Refuses a request without a valid key (401) before the MCP transport sees it."""

    def __init__(self, app: Any, keys: KeyStore | None) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            try:
                await run_in_threadpool(authenticate, self.keys, Request(scope).headers)
            except AgentMemoryError as exc:
                response = JSONResponse({"error": exc.to_dict()}, status_code=exc.status)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def mount_mcp(
    app: Any,
    implementations: dict[str, Callable[..., Any]],
    session_workspace: Callable[[str], str],
    keys: KeyStore | None,
    default_workspace: str,
) -> contextlib.AbstractAsyncContextManager[None] | None:
    """Mount ``/mcp`` on ``app``; returns the context the app's lifespan must run (None: the
    ``[mcp]`` extra is not installed, nothing mounted)."""
    try:
        from mcp.server.streamable_http_manager import (
            StreamableHTTPASGIApp,
            StreamableHTTPSessionManager,
        )
        from mcp.server.transport_security import TransportSecuritySettings

        from ..mcp_server.server import MemoryMCP
        from ..mcp_server.unparsed import AnswerUnparsed
    except ImportError:
        return None

    def caller(request: Any) -> Caller:
        return authenticate(keys, request.headers)

    def client_for(request: Any) -> AsyncMemoryClient:
        transport = CallerTransport(implementations, session_workspace, caller(request))
        return AsyncMemoryClient(transport=transport)

    def workspace_for(request: Any) -> str:
        reach = caller(request).workspaces
        return next(iter(reach)) if reach and len(reach) == 1 else default_workspace

    security = None
    if keys is None:  # the open mode is loopback-only: refuse DNS rebinding from web pages
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=[f"{host}:*" for host in LOOPBACK] + ["[::1]:*"],
            allowed_origins=[f"http://{host}:*" for host in LOOPBACK] + ["http://[::1]:*"],
        )
    mcp = MemoryMCP(client_for, workspace_for)
    manager = StreamableHTTPSessionManager(app=mcp.server, security_settings=security)
    endpoint = AnswerUnparsed(StreamableHTTPASGIApp(manager), mcp.call_params)
    app.add_route(PATH, KeyedEndpoint(endpoint, keys), methods=["GET", "POST", "DELETE"])
    return manager.run()
