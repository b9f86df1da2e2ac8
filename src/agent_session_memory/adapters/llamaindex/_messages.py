"""``ChatMessage`` <-> session ``Message``, losing nothing.

``content`` gets the readable text (what token windows count and other frameworks show);
``data["llamaindex"]`` keeps the exact ``model_dump(mode="json")`` of the original (blocks,
additional kwargs), the same form LlamaIndex's own SQL chat store persists. Tool calls (from
``ToolCallBlock`` s or OpenAI-style ``additional_kwargs["tool_calls"]``) go to ``tool_calls``, a
tool result's ``tool_call_id`` to ``tool_call_id``: the token window keeps a call with its results.
Messages written by other clients (no ``data["llamaindex"]``) are rebuilt from the common fields.
"""

from __future__ import annotations

import json
from typing import Any

from llama_index.core.base.llms.types import (
    AudioBlock,
    ChatMessage,
    CitableBlock,
    CitationBlock,
    DocumentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ToolCallBlock,
    VideoBlock,
)

from ...errors import InvalidInput
from ...models import Message

DATA_KEY = "llamaindex"
_ROLE_ALIASES = {"human": "user", "ai": "assistant"}
_MEDIA = (ImageBlock, AudioBlock, VideoBlock, DocumentBlock)


def to_record(message: ChatMessage) -> dict[str, Any]:
    """The ``add_messages`` payload for one ``ChatMessage``; ``InvalidInput`` when it cannot be
    stored as JSON (an object in ``additional_kwargs``, a lone surrogate)."""
    try:
        dumped = message.model_dump(mode="json")
        _check_surrogates(dumped)
    except (ValueError, TypeError) as exc:  # PydanticSerializationError, UnicodeEncodeError
        raise InvalidInput(
            f"a chat message cannot be stored: {exc} (additional_kwargs must be JSON values; "
            "text must be valid Unicode)",
            field="message",
        ) from None
    record: dict[str, Any] = {
        "role": message.role.value,
        "content": readable_text(message),
        "data": {DATA_KEY: dumped},
    }
    tool_calls = _tool_calls(message, dumped)
    if tool_calls:
        record["tool_calls"] = tool_calls
    tool_call_id = message.additional_kwargs.get("tool_call_id")
    if isinstance(tool_call_id, str):
        record["tool_call_id"] = tool_call_id
    name = message.additional_kwargs.get("name")
    if isinstance(name, str):
        record["name"] = name
    return record


def _check_surrogates(value: Any) -> None:
    """Raise ``UnicodeEncodeError`` for a lone surrogate in any string, key or value."""
    if isinstance(value, str):
        value.encode()
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_surrogates(key)
            _check_surrogates(item)
    elif isinstance(value, list):
        for item in value:
            _check_surrogates(item)


def from_message(message: Message) -> ChatMessage:
    """The original ``ChatMessage`` when we stored it; else one rebuilt from the common fields."""
    original = message.data.get(DATA_KEY) if isinstance(message.data, dict) else None
    if isinstance(original, dict):
        return ChatMessage.model_validate(original)
    extra: dict[str, Any] = {}
    if message.tool_calls:
        extra["tool_calls"] = message.tool_calls
    if message.tool_call_id:
        extra["tool_call_id"] = message.tool_call_id
    if message.name:
        extra["name"] = message.name
    return ChatMessage(role=_role(message.role), content=message.content, additional_kwargs=extra)


def readable_text(message: ChatMessage) -> str:
    """Text a person (or a token counter) would read; media become short placeholders."""
    parts: list[str] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            parts.append(block.text)
        elif isinstance(block, (CitableBlock, CitationBlock)):
            parts.extend(b.text for b in _nested(block) if isinstance(b, TextBlock))
        elif isinstance(block, _MEDIA):
            where = getattr(block, "url", None) or getattr(block, "path", None)
            parts.append(f"[{block.block_type}{': ' + str(where) if where else ''}]")
    return "\n".join(parts)


def _nested(block: CitableBlock | CitationBlock) -> list[Any]:
    content = getattr(block, "content", None) or getattr(block, "cited_content", None)
    if isinstance(content, list):
        return content
    return [content] if content is not None else []


def _tool_calls(message: ChatMessage, dumped: dict[str, Any]) -> list[dict[str, Any]]:
    calls = [
        {
            "id": block.tool_call_id,
            "name": block.tool_name,
            "arguments": block.tool_kwargs
            if isinstance(block.tool_kwargs, str)
            else json.dumps(block.tool_kwargs, sort_keys=True, default=str),
        }
        for block in message.blocks
        if isinstance(block, ToolCallBlock)
    ]
    if calls:
        return calls
    legacy = dumped.get("additional_kwargs", {}).get("tool_calls")
    if isinstance(legacy, list) and all(isinstance(c, dict) for c in legacy):
        return legacy
    return []


def _role(role: str) -> MessageRole:
    role = _ROLE_ALIASES.get(role, role)
    try:
        return MessageRole(role)
    except ValueError:
        return MessageRole.USER
