"""Answer the messages the SDK cannot parse, so a client never waits forever on stdio.

The SDK's JSON parser refuses a lone surrogate escape (``"\\ud800"``, valid JSON text but not
valid Unicode) and drops the message without an answer, leaving the client waiting on its id.
Python's own parser reads it, so the request's id is known: a ``tools/call`` gets the tool error
our validation gives (``invalid_input``, naming the argument), anything else a JSON-RPC error.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import mcp_types as types
import pydantic_core
from anyio.abc import ObjectReceiveStream, ObjectSendStream
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

Item = SessionMessage | Exception
ToolCall = Callable[[types.CallToolRequestParams], Awaitable[types.CallToolResult]]
HttpToolCall = Callable[[types.CallToolRequestParams, Any], Awaitable[types.CallToolResult]]


def raw_request(exc: Exception) -> dict[str, Any] | None:
    """The request in a message the SDK refused, read by Python's parser; None if there is none."""
    if not isinstance(exc, ValidationError):
        return None
    errors = exc.errors()
    raw = errors[0].get("input") if errors else None
    return _request(raw) if isinstance(raw, (str, bytes)) else None


def refused_request(body: bytes) -> dict[str, Any] | None:
    """The request in an HTTP body the SDK's parser will refuse but Python's reads, else None."""
    try:
        pydantic_core.from_json(body)
    except ValueError:
        return _request(body)
    return None


def _request(raw: str | bytes) -> dict[str, Any] | None:
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if isinstance(message, dict) and "id" in message and isinstance(message.get("method"), str):
        return message
    return None


async def answer(request: dict[str, Any], call_tool: ToolCall) -> types.JSONRPCMessage:
    """The reply to a request the SDK could not parse."""
    request_id = request["id"] if isinstance(request["id"], (str, int)) else 0
    params = request.get("params")
    if request["method"] == "tools/call" and isinstance(params, dict):
        try:
            call = types.CallToolRequestParams(
                name=str(params.get("name")), arguments=params.get("arguments")
            )
        except ValidationError:
            call = None
        if call is not None:
            result = await call_tool(call)
            data = result.model_dump(by_alias=True, mode="json", exclude_none=True)
            return types.JSONRPCResponse(jsonrpc="2.0", id=request_id, result=data)
    error = types.ErrorData(code=types.INVALID_PARAMS, message="invalid unicode (a lone surrogate)")
    return types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error)


async def relay(
    source: ObjectReceiveStream[Item],
    target: ObjectSendStream[Item],
    replies: ObjectSendStream[SessionMessage],
    call_tool: ToolCall,
) -> None:
    """Forward the transport's messages to the server, answering the ones it cannot parse."""
    async with target:
        async for item in source:
            request = raw_request(item) if isinstance(item, Exception) else None
            if request is None:
                await target.send(item)
            else:
                await replies.send(SessionMessage(await answer(request, call_tool)))


def relay_pair() -> tuple[ObjectSendStream[Item], ObjectReceiveStream[Item]]:
    return anyio.create_memory_object_stream[Item](16)


class AnswerUnparsed:
    """ASGI wrapper of the streamable HTTP endpoint: the same answers for POST bodies the SDK
    cannot parse (read up to ``limit`` bytes; anything else passes through untouched)."""

    def __init__(self, app: Any, call_tool: HttpToolCall, limit: int = 4 * 2**20) -> None:
        self.app = app
        self.call_tool = call_tool
        self.limit = limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            await self.app(scope, receive, send)
            return
        chunks, complete = await _read(receive, self.limit)
        request = refused_request(b"".join(chunks)) if complete else None
        if request is None:
            await self.app(scope, _replay(chunks, complete, receive), send)
            return
        from starlette.requests import Request
        from starlette.responses import JSONResponse

        http_request = Request(scope)
        reply = await answer(request, lambda params: self.call_tool(params, http_request))
        body = reply.model_dump(by_alias=True, mode="json", exclude_none=True)
        await JSONResponse(body)(scope, receive, send)


async def _read(receive: Any, limit: int) -> tuple[list[bytes], bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return chunks, False
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if not message.get("more_body"):
            return chunks, True
        if size > limit:
            return chunks, False


def _replay(chunks: list[bytes], complete: bool, receive: Any) -> Any:
    pending = list(chunks)

    async def replay() -> Any:
        if pending:
            body = pending.pop(0)
            more = bool(pending) or not complete
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replay
