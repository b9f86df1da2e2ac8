"""Chat-store writes validate before they change anything (issue 19, LlamaIndex 2 and 6)."""

from __future__ import annotations

from datetime import datetime

import pytest
from llama_index.core.base.llms.types import ChatMessage

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.llamaindex import SessionChatStore
from agent_session_memory.errors import InvalidInput, LimitExceeded


def msg(text: str, **kwargs: object) -> ChatMessage:
    return ChatMessage(role="user", content=text, additional_kwargs=dict(kwargs))


def test_set_messages_with_an_oversized_message_leaves_the_key_as_it_was(
    client: MemoryClient,
) -> None:
    store = SessionChatStore(client)
    store.set_messages("k", [msg("one"), msg("two")])
    with pytest.raises(LimitExceeded):
        store.set_messages("k", [msg("ok"), msg("x" * (1024 * 1024 + 1))])
    assert [m.content for m in store.get_messages("k")] == ["one", "two"]
    store.set_messages("k", [msg("three")])
    assert [m.content for m in store.get_messages("k")] == ["three"]


async def test_async_set_messages_is_atomic_too(aclient: AsyncMemoryClient) -> None:
    store = SessionChatStore(async_client=aclient)
    await store.aset_messages("k", [msg("one")])
    with pytest.raises(InvalidInput):
        await store.aset_messages("k", [msg("fine"), msg("bad \ud800")])
    assert [m.content for m in await store.aget_messages("k")] == ["one"]


@pytest.mark.parametrize(
    "bad",
    [
        msg("lone \ud800 surrogate"),
        msg("x", when=object()),
        msg("x", **{"key\udfff": 1}),
        msg("x", nested={"deep": ["\ud83d"]}),
    ],
    ids=["content", "object", "surrogate-key", "surrogate-value"],
)
def test_unstorable_messages_raise_invalid_input(client: MemoryClient, bad: ChatMessage) -> None:
    store = SessionChatStore(client)
    with pytest.raises(InvalidInput):
        store.add_message("k", bad)
    assert store.get_messages("k") == []


def test_json_kwargs_round_trip(client: MemoryClient) -> None:
    store = SessionChatStore(client)
    store.add_message("k", msg("x", when=datetime(2026, 1, 2).isoformat(), n=[1, {"a": None}]))
    assert store.get_messages("k")[0].additional_kwargs == {
        "when": "2026-01-02T00:00:00",
        "n": [1, {"a": None}],
    }
