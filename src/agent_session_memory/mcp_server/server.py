"""The MCP server: the tools of ``tools.py``, two resources and a prompt, over the client API.

It is built on the SDK's low-level ``Server`` rather than ``MCPServer``: ``MCPServer`` derives a
tool's schema from a Python signature, ours come from the operation registry, and the low-level
handlers let every call go through the same strict validation as the HTTP API. Every call runs on
an ``AsyncMemoryClient``, so the server is embedded or a client of a remote server alike.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from .._version import __version__
from ..client.async_client import AsyncMemoryClient
from ..errors import AgentMemoryError, NotFound, SessionNotFound
from .briefing_text import briefing_markdown
from .connections import Connection, Connections
from .tools import TOOLS, TOOLS_BY_NAME, SessionUse, ToolSpec

log = logging.getLogger("agent_session_memory.mcp")

NAME = "agent-session-memory"
INSTRUCTIONS = (
    "Working memory for this conversation and long-term memory across conversations. Start with "
    "memory_session_start (it returns a briefing of recent work); keep the task and findings with "
    "memory_set_context; store decisions with memory_remember; search with memory_recall; end "
    "with memory_session_end(commit=true)."
)
BRIEFING_URI = "memory://briefing"
CONTEXT_URI = "memory://session/context"
PRIMER = "memory_primer"

# The client a request runs on: one for the whole server, or one per HTTP request (``asm serve``
# mounts the server with a client that carries the caller's API key).
ClientFor = Callable[[Any], AsyncMemoryClient]
# The workspace a new connection starts in: fixed, or from the request (the caller's key).
WorkspaceFor = Callable[[Any], str]


class NoSession(SessionNotFound):
    """A session tool was called before memory_session_start on this connection."""


class MemoryMCP:
    """The server's handlers, bound to a client and the connections' state."""

    def __init__(self, client_for: ClientFor, workspace: str | WorkspaceFor) -> None:
        self.client_for = client_for
        self.workspace_for: WorkspaceFor = (
            (lambda request: workspace) if isinstance(workspace, str) else workspace
        )
        self.connections = Connections()
        self.server: Server[Any] = Server(
            NAME,
            version=__version__,
            instructions=INSTRUCTIONS,
            on_list_tools=self.list_tools,
            on_call_tool=self.call_tool,
            on_list_resources=self.list_resources,
            on_read_resource=self.read_resource,
            on_list_prompts=self.list_prompts,
            on_get_prompt=self.get_prompt,
        )

    # -- tools ----------------------------------------------------------------------------------
    async def list_tools(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[_tool(spec) for spec in TOOLS])

    async def call_tool(
        self, ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        return await self.call(params.name, params.arguments or {}, ctx.request)

    async def call_params(
        self, params: types.CallToolRequestParams, request: Any
    ) -> types.CallToolResult:
        return await self.call(params.name, params.arguments or {}, request)

    async def call(
        self, name: str, arguments: dict[str, Any], request: Any
    ) -> types.CallToolResult:
        """Run a tool; every failure is a tool error carrying our error code, never a crash."""
        try:
            spec = TOOLS_BY_NAME.get(name)
            if spec is None:
                raise NotFound(f"no tool {name!r}; the tools are: {', '.join(TOOLS_BY_NAME)}")
            structured = await self.run(spec, arguments, request)
        except AgentMemoryError as exc:
            return _error(exc.to_dict())
        except Exception:
            log.exception("tool %r failed", name)
            return _error({"code": "internal_error", "message": "internal error", "details": {}})
        text = json.dumps(structured, ensure_ascii=False)
        return types.CallToolResult(
            content=[types.TextContent(text=text)], structured_content=structured
        )

    async def run(self, spec: ToolSpec, arguments: dict[str, Any], request: Any) -> dict[str, Any]:
        """Validate, fill in the connection's session and workspace, call the client."""
        connection = self._connection(request)
        params = spec.params(arguments, _defaults(spec, arguments, connection))
        client = self.client_for(request)
        result = await getattr(client, spec.operation)(**params)
        _keep_session(spec, connection, params, result)
        return spec.structured(result)

    def _connection(self, request: Any) -> Connection:
        return self.connections.get(request, self.workspace_for(request))

    # -- resources ------------------------------------------------------------------------------
    async def list_resources(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[
                types.Resource(
                    uri=BRIEFING_URI,
                    name="briefing",
                    description="The workspace's briefing: recent work, open threads, memories.",
                    mime_type="text/markdown",
                ),
                types.Resource(
                    uri=CONTEXT_URI,
                    name="working-memory",
                    description="The current session's working memory (JSON).",
                    mime_type="application/json",
                ),
            ]
        )

    async def read_resource(
        self, ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        try:
            text, mime = await self._resource(uri, ctx.request)
        except AgentMemoryError as exc:
            raise MCPError(
                code=types.INVALID_PARAMS, message=f"{exc.code}: {exc.message}", data=exc.to_dict()
            ) from None
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, text=text, mime_type=mime)]
        )

    async def _resource(self, uri: str, request: Any) -> tuple[str, str]:
        connection = self._connection(request)
        client = self.client_for(request)
        if uri == BRIEFING_URI:
            briefing = await client.get_briefing(workspace_id=connection.workspace_id)
            return briefing_markdown(briefing), "text/markdown"
        if uri == CONTEXT_URI:
            session_id = _current(connection, None)
            value = await client.get_context(session_id)
            return json.dumps(value, ensure_ascii=False, default=str), "application/json"
        raise NotFound(f"no resource {uri!r}")

    # -- prompts --------------------------------------------------------------------------------
    async def list_prompts(
        self, ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        argument = types.PromptArgument(
            name="lookback_hours", description="How far back recent activity goes (default 24)."
        )
        prompt = types.Prompt(
            name=PRIMER,
            description="Prime the conversation with the workspace's memory briefing.",
            arguments=[argument],
        )
        return types.ListPromptsResult(prompts=[prompt])

    async def get_prompt(
        self, ctx: ServerRequestContext[Any], params: types.GetPromptRequestParams
    ) -> types.GetPromptResult:
        if params.name != PRIMER:
            raise MCPError(code=types.INVALID_PARAMS, message=f"no prompt {params.name!r}")
        hours = _hours((params.arguments or {}).get("lookback_hours"))
        connection = self._connection(ctx.request)
        try:
            briefing = await self.client_for(ctx.request).get_briefing(
                hours, workspace_id=connection.workspace_id
            )
        except AgentMemoryError as exc:
            reason = f"{exc.code}: {exc.message}"
            raise MCPError(code=types.INVALID_PARAMS, message=reason) from None
        text = (
            f"{briefing_markdown(briefing)}\n\nThis is what the memory of this workspace holds. "
            "Start a session with memory_session_start, keep the task in working memory with "
            "memory_set_context, and end it with memory_session_end(commit=true)."
        )
        message = types.PromptMessage(role="user", content=types.TextContent(text=text))
        return types.GetPromptResult(description="The workspace's memory", messages=[message])


def _tool(spec: ToolSpec) -> types.Tool:
    op = spec.op
    annotations = types.ToolAnnotations(
        read_only_hint=spec.read_only,
        destructive_hint=spec.name == "memory_forget",
        idempotent_hint=op.idempotent,
        open_world_hint=False,
    )
    return types.Tool(
        name=spec.name,
        description=spec.description,
        input_schema=spec.input_schema,
        output_schema=spec.output_schema,
        annotations=annotations,
    )


def _defaults(spec: ToolSpec, arguments: dict[str, Any], connection: Connection) -> dict[str, Any]:
    """The connection's session and workspace, for the parameters the caller left out."""
    defaults: dict[str, Any] = {"workspace_id": connection.workspace_id}
    if spec.session is SessionUse.REQUIRED:
        defaults["session_id"] = _current(connection, arguments.get("session_id"))
    elif spec.session is SessionUse.OPTIONAL:
        defaults["session_id"] = connection.session_id
    return defaults


def _keep_session(
    spec: ToolSpec, connection: Connection, params: dict[str, Any], result: Any
) -> None:
    """The session just started is the connection's; so is one named on a connection without
    one (e.g. the session a Claude Code hook started and named in the context)."""
    if spec.session is SessionUse.STARTS:
        connection.session_id = result.id
        connection.workspace_id = result.workspace_id
    elif spec.session is SessionUse.REQUIRED and connection.session_id is None:
        connection.session_id = params["session_id"]


def _current(connection: Connection, session_id: str | None) -> str:
    if session_id is not None:
        return session_id
    if connection.session_id is None:
        raise NoSession(
            "no memory session is started on this connection: call memory_session_start first "
            "(or pass session_id)"
        )
    return connection.session_id


def _hours(value: Any) -> float:
    try:
        hours = float(value) if value not in (None, "") else 24.0
    except (TypeError, ValueError):
        raise MCPError(code=types.INVALID_PARAMS, message="lookback_hours: not a number") from None
    if not 0 < hours < 1e6:
        raise MCPError(code=types.INVALID_PARAMS, message="lookback_hours: out of range")
    return hours


def _error(error: dict[str, Any]) -> types.CallToolResult:
    error = _clean(error)
    text = f"{error['code']}: {error['message']}"
    return types.CallToolResult(
        content=[types.TextContent(text=text)], structured_content={"error": error}, is_error=True
    )


def _clean(value: Any) -> Any:
    """No lone surrogate from a caller's input may reach the reply: it cannot be encoded."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value
