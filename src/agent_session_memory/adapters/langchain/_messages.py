"""LangChain messages <-> session messages, losslessly.

A session message keeps readable text in ``content`` (what token windows count and other
surfaces read) and the exact LangChain message in ``data["langchain"]`` (``message_to_dict``), so
ids, ``additional_kwargs``, ``response_metadata``, tool calls and content lists come back as they
went in. Messages written by other surfaces (no ``data``) are rebuilt from role and fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    message_to_dict,
    messages_from_dict,
)
from langchain_core.messages.tool import ToolCall

from ...errors import InvalidInput
from ...models import Message

DATA_KEY = "langchain"

_ROLE_BY_TYPE = {
    "human": "user",
    "HumanMessageChunk": "user",
    "ai": "assistant",
    "AIMessageChunk": "assistant",
    "system": "system",
    "SystemMessageChunk": "system",
    "tool": "tool",
    "ToolMessageChunk": "tool",
    "function": "tool",
    "FunctionMessageChunk": "tool",
}
_CHAT_ROLES = {"human": "user", "ai": "assistant"}


def role_of(message: BaseMessage) -> str:
    """Our role for a LangChain message: system, user, assistant or tool (or a chat role)."""
    if isinstance(message, ChatMessage):
        return _CHAT_ROLES.get(message.role, message.role)
    role = _ROLE_BY_TYPE.get(message.type)
    if role is None:
        raise InvalidInput(
            f"cannot store a {type(message).__name__} ({message.type!r}) in a chat history",
            field="messages",
        )
    return role


def readable_text(content: str | list[Any]) -> str:
    """Text blocks joined; other blocks (images, files, ...) as a short ``[type]`` marker."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, Mapping):
            kind = str(block.get("type", "block"))
            text = block.get("text")
            parts.append(text if kind == "text" and isinstance(text, str) else f"[{kind}]")
    return "\n".join(p for p in parts if p)


def conversation_lines(messages: Any) -> list[tuple[str, str]]:
    """``(role, text)`` of the LangChain messages in a graph's ``messages`` value (anything
    else, such as a ``DeltaChannel`` placeholder, has none)."""
    if not isinstance(messages, list):
        return []
    known = [
        m
        for m in messages
        if isinstance(m, ChatMessage) or (isinstance(m, BaseMessage) and m.type in _ROLE_BY_TYPE)
    ]
    return [(role_of(m), readable_text(m.content)) for m in known]


def _json_only(value: Any, what: str) -> Any:
    """``value`` as JSON stores it; ``InvalidInput`` for anything JSON cannot carry exactly
    (a datetime, bytes, an object, NaN), rather than a silently changed copy."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            f"cannot store this message: its {what} holds a value JSON cannot carry ({exc}); "
            "use JSON values (e.g. a datetime as an ISO 8601 string)",
            field="messages",
        ) from None


def to_record(message: BaseMessage) -> dict[str, Any]:
    """The fields ``client.add_messages`` takes for one LangChain message."""
    if not isinstance(message, BaseMessage):
        raise InvalidInput(
            f"expected a LangChain BaseMessage, not {type(message).__name__}", field="messages"
        )
    record: dict[str, Any] = {
        "role": role_of(message),
        "content": readable_text(message.content),
        "data": {DATA_KEY: _json_only(message_to_dict(message), "fields")},
    }
    if message.name:
        record["name"] = message.name
    if isinstance(message, AIMessage) and message.tool_calls:
        record["tool_calls"] = _json_only([dict(tc) for tc in message.tool_calls], "tool calls")
    if isinstance(message, ToolMessage):
        record["tool_call_id"] = message.tool_call_id
    return record


def from_message(message: Message) -> BaseMessage:
    """The LangChain message for a stored one: exact when we wrote it, rebuilt otherwise."""
    stored = message.data.get(DATA_KEY) if isinstance(message.data, Mapping) else None
    if isinstance(stored, Mapping) and "type" in stored and "data" in stored:
        try:
            return messages_from_dict([dict(stored)])[0]
        except (ValueError, TypeError, KeyError):
            pass  # not ours after all (or an incompatible version): rebuild from the fields
    return _rebuild(message)


def _rebuild(message: Message) -> BaseMessage:
    name = message.name
    if message.role == "user":
        return HumanMessage(content=message.content, name=name)
    if message.role == "assistant":
        calls = [_tool_call(tc) for tc in message.tool_calls if isinstance(tc, Mapping)]
        return AIMessage(content=message.content, name=name, tool_calls=calls)
    if message.role == "system":
        return SystemMessage(content=message.content, name=name)
    if message.role in ("tool", "function"):
        return ToolMessage(
            content=message.content, tool_call_id=message.tool_call_id or "", name=name
        )
    return ChatMessage(role=message.role, content=message.content, name=name)


def _tool_call(raw: Mapping[str, Any]) -> ToolCall:
    """A LangChain tool call from ours or from the OpenAI wire shape (``function.arguments``)."""
    function = raw.get("function")
    if isinstance(function, Mapping):
        name, args = function.get("name"), function.get("arguments")
        if isinstance(args, str):
            try:
                args = json.loads(args)
            except ValueError:
                args = {"input": args}
    else:
        name, args = raw.get("name"), raw.get("args")
    return ToolCall(
        name=str(name or ""),
        args=dict(args) if isinstance(args, Mapping) else {},
        id=None if raw.get("id") is None else str(raw.get("id")),
        type="tool_call",
    )
