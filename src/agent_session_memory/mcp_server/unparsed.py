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
from anyio.abc import ObjectReceiveStream, ObjectSendStream
from mcp.shared.message import SessionMessage
from pydantic import ValidationError

Item = SessionMessage | Exception
ToolCall = Callable[[types.CallToolRequestParams], Awaitable[types.CallToolResult]]


def raw_request(exc: Exception) -> dict[str, Any] | None:
    """The request in a message the SDK refused, read by Python's parser; None if there is none."""
    if not isinstance(exc, ValidationError):
        return None
    errors = exc.errors()
    raw = errors[0].get("input") if errors else None
    if not isinstance(raw, (str, bytes)):
        return None
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
