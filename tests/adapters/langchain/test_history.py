"""SessionChatMessageHistory: sync, native async, token windows, RunnableWithMessageHistory."""

from __future__ import annotations

import asyncio
import multiprocessing
import warnings
from datetime import datetime
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder

from agent_session_memory import (
    AsyncMemoryClient,
    ConfigurationError,
    InvalidInput,
    MemoryClient,
    Session,
    SessionNotFound,
)
from agent_session_memory.adapters.langchain import SessionChatMessageHistory


def test_add_read_clear(client: MemoryClient, session: Session) -> None:
    history = SessionChatMessageHistory(session.id, client=client)
    assert history.messages == []
    history.add_user_message("hello")
    history.add_messages([AIMessage("hi there", id="a1")])
    assert history.messages == [HumanMessage("hello"), AIMessage("hi there", id="a1")]
    assert client.count_messages(session.id) == 2
    history.clear()
    assert history.messages == []


async def test_async_methods_in_a_running_loop(aclient: AsyncMemoryClient, home: Path) -> None:
    session = await aclient.create_session(ttl_seconds=600)
    history = SessionChatMessageHistory(session.id, async_client=aclient)
    ticks = 0

    async def ticker() -> None:  # proves the loop keeps running while the history works
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await history.aadd_messages([HumanMessage("one"), AIMessage("two")])
    assert await history.aget_messages() == [HumanMessage("one"), AIMessage("two")]
    await history.aclear()
    assert await history.aget_messages() == []
    task.cancel()
    assert ticks > 0
    with pytest.raises(ConfigurationError, match="MemoryClient"):
        _ = history.messages  # the sync face needs a sync client; never nests loops


async def test_async_with_only_a_sync_client_runs_in_a_thread(
    client: MemoryClient, session: Session
) -> None:
    history = SessionChatMessageHistory(session.id, client=client)
    await history.aadd_messages([HumanMessage("from the loop")])
    assert [m.content for m in await history.aget_messages()] == ["from the loop"]


def test_last_tokens_window_keeps_system_and_tool_pairs(
    client: MemoryClient, session: Session
) -> None:
    full = SessionChatMessageHistory(session.id, client=client)
    call = {"name": "f", "args": {}, "id": "c1", "type": "tool_call"}
    full.add_messages(
        [
            SystemMessage("rules"),
            *[HumanMessage(f"old {i} " * 50) for i in range(5)],
            AIMessage("", tool_calls=[call]),
            ToolMessage("r", tool_call_id="c1"),
            HumanMessage("newest"),
        ]
    )
    window = SessionChatMessageHistory(session.id, client=client, max_tokens=60).messages
    # The tool exchange answered "old 4", which does not fit: a window starting with it would
    # put an assistant turn right after the system message (issue 19), so it goes too.
    assert window == [SystemMessage("rules"), HumanMessage("newest")]
    wider = SessionChatMessageHistory(session.id, client=client, max_tokens=300).messages
    assert wider[0] == SystemMessage("rules") and isinstance(wider[1], HumanMessage)
    assert isinstance(wider[-3], AIMessage) and isinstance(wider[-2], ToolMessage)
    assert len(wider) < 9
    # last_n=2 used to return the tool result without its call (an orphan OpenAI rejects).
    last_two = SessionChatMessageHistory(session.id, client=client, last_n=2).messages
    assert last_two == [HumanMessage("newest")]
    last_three = SessionChatMessageHistory(session.id, client=client, last_n=3).messages
    assert [type(m) for m in last_three] == [AIMessage, ToolMessage, HumanMessage]


def test_hostile_ids_and_options(client: MemoryClient) -> None:
    for bad in ["", "../etc/passwd", "a b", "x" * 500, None, 7]:
        with pytest.raises(InvalidInput):
            SessionChatMessageHistory(bad, client=client)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        SessionChatMessageHistory("s1", client=client, max_tokens=10, last_n=2)
    with pytest.raises(InvalidInput):
        SessionChatMessageHistory("s1", client=client, max_tokens=0)
    with pytest.raises(ConfigurationError):
        SessionChatMessageHistory("s1")
    with pytest.raises(SessionNotFound):
        _ = SessionChatMessageHistory("no-such-session", client=client).messages


def test_runnable_with_message_history_keyed_by_session(client: MemoryClient) -> None:
    from langchain_core.runnables.history import RunnableWithMessageHistory

    first, second = client.create_session(600), client.create_session(600)
    model = FakeListChatModel(responses=["one", "two", "three"])
    prompt = ChatPromptTemplate.from_messages(
        [MessagesPlaceholder("history"), ("human", "{question}")]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        chain = RunnableWithMessageHistory(
            prompt | model,
            lambda session_id: SessionChatMessageHistory(session_id, client=client),
            input_messages_key="question",
            history_messages_key="history",
        )
    for sid, question in [(first.id, "q1"), (second.id, "q2"), (first.id, "q3")]:
        chain.invoke({"question": question}, config={"configurable": {"session_id": sid}})
    assert [m.content for m in SessionChatMessageHistory(first.id, client=client).messages] == [
        "q1",
        "one",
        "q3",
        "three",
    ]
    assert [m.content for m in SessionChatMessageHistory(second.id, client=client).messages] == [
        "q2",
        "two",
    ]


def _append_many(home: str, session_id: str, tag: str, count: int) -> None:
    with MemoryClient(path=home) as client:
        history = SessionChatMessageHistory(session_id, client=client)
        for i in range(count):
            history.add_messages([HumanMessage(f"{tag}-{i}")])


@pytest.mark.slow
def test_two_processes_appending_lose_nothing(client: MemoryClient, home: Path) -> None:
    session = client.create_session(600)
    ctx = multiprocessing.get_context("spawn")
    workers = [
        ctx.Process(target=_append_many, args=(str(home), session.id, tag, 40))
        for tag in ("a", "b")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    contents = [m.content for m in SessionChatMessageHistory(session.id, client=client).messages]
    assert len(contents) == 80
    for tag in ("a", "b"):  # every message once, each writer's in its own order
        assert [c for c in contents if c.startswith(tag)] == [f"{tag}-{i}" for i in range(40)]


@pytest.mark.parametrize(
    "kwargs",
    [{"when": datetime(2026, 1, 2, 3, 4)}, {"thing": object()}, {"nan": float("nan")}],
    ids=["datetime", "object", "nan"],
)
def test_values_json_cannot_carry_are_refused_not_changed(
    client: MemoryClient, session: Session, kwargs: dict[str, object]
) -> None:
    history = SessionChatMessageHistory(session.id, client=client)
    with pytest.raises(InvalidInput, match="JSON"):
        history.add_messages([HumanMessage("hi", additional_kwargs=kwargs)])
    assert history.messages == []
    exact = {"when": "2026-01-02T03:04:00", "nested": [1, {"a": None, "b": 2.5}]}
    history.add_messages([HumanMessage("hi", additional_kwargs=exact)])
    assert history.messages[0].additional_kwargs == exact
