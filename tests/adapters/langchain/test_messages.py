"""LangChain messages survive a trip through a session exactly; foreign ones are rebuilt."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
    ToolMessage,
)

from agent_session_memory import InvalidInput, Message
from agent_session_memory.adapters.langchain._messages import from_message, to_record

RICH: list[BaseMessage] = [
    SystemMessage("You are terse.", id="s1"),
    HumanMessage(
        content=[
            {"type": "text", "text": "What is in this picture?"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ],
        id="h1",
        name="alice",
        additional_kwargs={"lang": "en"},
    ),
    AIMessage(
        content="",
        id="a1",
        tool_calls=[{"name": "lookup", "args": {"q": "cat"}, "id": "call_1", "type": "tool_call"}],
        response_metadata={"model_name": "fake", "finish_reason": "tool_calls"},
        usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
    ),
    ToolMessage("a cat", tool_call_id="call_1", name="lookup", artifact={"raw": [1, 2]}),
    AIMessage("A cat.", id="a2"),
    ChatMessage(role="critic", content="Fine."),
]


def _stored(record: dict[str, Any], seq: int) -> Message:
    """What the client returns for an appended record (the engine's field handling)."""
    return Message(
        role=record["role"],
        content=record["content"],
        seq=seq,
        name=record.get("name"),
        tool_calls=record.get("tool_calls", []),
        tool_call_id=record.get("tool_call_id"),
        data=record.get("data", {}),
    )


@pytest.mark.parametrize("message", RICH, ids=lambda m: m.type)
def test_round_trip_is_exact(message: BaseMessage) -> None:
    assert from_message(_stored(to_record(message), 1)) == message


def test_roles_and_readable_content() -> None:
    records = [to_record(m) for m in RICH]
    assert [r["role"] for r in records] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "critic",
    ]
    assert records[1]["content"] == "What is in this picture?\n[image_url]"
    assert records[2]["tool_calls"][0]["name"] == "lookup"
    assert records[3]["tool_call_id"] == "call_1"
    assert to_record(FunctionMessage("x", name="f"))["role"] == "tool"


def test_messages_from_other_surfaces_are_rebuilt() -> None:
    openai_call = {
        "id": "c9",
        "type": "function",
        "function": {"name": "add", "arguments": '{"a": 1}'},
    }
    rebuilt = [
        from_message(Message(role="user", content="hi", name="bob")),
        from_message(Message(role="assistant", content="", tool_calls=[openai_call])),
        from_message(Message(role="tool", content="2", tool_call_id="c9")),
        from_message(Message(role="system", content="sys")),
        from_message(Message(role="narrator", content="meanwhile")),
    ]
    assert isinstance(rebuilt[0], HumanMessage) and rebuilt[0].name == "bob"
    assert isinstance(rebuilt[1], AIMessage)
    assert rebuilt[1].tool_calls == [
        {"name": "add", "args": {"a": 1}, "id": "c9", "type": "tool_call"}
    ]
    assert isinstance(rebuilt[2], ToolMessage) and rebuilt[2].tool_call_id == "c9"
    assert isinstance(rebuilt[3], SystemMessage)
    assert isinstance(rebuilt[4], ChatMessage) and rebuilt[4].role == "narrator"


def test_corrupt_data_falls_back_to_fields() -> None:
    message = Message(role="user", content="hi", data={"langchain": {"type": "??", "data": {}}})
    assert from_message(message) == HumanMessage("hi")


def test_non_messages_are_refused() -> None:
    with pytest.raises(InvalidInput):
        to_record("hello")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        to_record(RemoveMessage(id="x"))
