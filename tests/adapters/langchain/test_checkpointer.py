"""``SessionCheckpointer`` in use: agents keep conversations across processes, retention bounds
what a thread keeps, a thread lives as long as its session, and ending a thread commits it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest
from langchain.agents import create_agent
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langgraph.channels.delta import DeltaChannel
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.graph import END, START, StateGraph

from agent_session_memory import AsyncMemoryClient, InvalidInput, MemoryClient
from agent_session_memory.adapters.langchain import SessionCheckpointer

SRC = str(Path(__file__).resolve().parents[3] / "src")

AGENT_SCRIPT = textwrap.dedent(
    """
    import sys
    from langchain.agents import create_agent
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
    from agent_session_memory import MemoryClient
    from agent_session_memory.adapters.langchain import MemoryGraphStore, SessionCheckpointer

    with MemoryClient(path=sys.argv[1]) as client:
        agent = create_agent(
            GenericFakeChatModel(messages=iter([AIMessage("reply to " + sys.argv[2])])),
            [],
            checkpointer=SessionCheckpointer(client=client),
            store=MemoryGraphStore(client=client, workspaces=["default"]),
        )
        config = {"configurable": {"thread_id": "conversation-1"}}
        result = agent.invoke({"messages": [HumanMessage(sys.argv[2])]}, config)
        print("|".join(str(m.content) for m in result["messages"]))
    """
)


def _agent(client: MemoryClient | None = None, **options: object) -> object:
    replies = iter([AIMessage(f"reply {i}") for i in range(100)])
    return create_agent(
        GenericFakeChatModel(messages=replies),
        [],
        checkpointer=SessionCheckpointer(client=client, **options),  # type: ignore[arg-type]
    )


def test_an_agent_keeps_its_conversation_across_processes(tmp_path: Path) -> None:
    script = tmp_path / "agent.py"
    script.write_text(AGENT_SCRIPT)
    env = {**os.environ, "PYTHONPATH": SRC}
    outputs = [
        subprocess.run(
            [sys.executable, str(script), str(tmp_path / "home"), text],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=True,
        ).stdout.strip()
        for text in ("hello", "again")
    ]
    assert outputs[0] == "hello|reply to hello"
    assert outputs[1] == "hello|reply to hello|again|reply to again"


def test_retention_bounds_what_a_thread_keeps(client: MemoryClient) -> None:
    agent = _agent(client, max_checkpoints=4)
    config = {"configurable": {"thread_id": "long"}}
    for i in range(12):
        agent.invoke({"messages": [HumanMessage(f"turn {i}")]}, config)  # type: ignore[attr-defined]
    session = client.find_session("langgraph:long")
    assert session is not None
    keys = client.list_context_keys(session.id, "lg/")
    checkpoints = [k for k in keys if k.startswith("lg/c/")]
    assert 4 <= len(checkpoints) <= 5  # 4 kept, pruned once a quarter more (1) piles up
    assert len(keys) <= 5 * 6  # each kept checkpoint adds a few values and writes, no more
    state = agent.get_state(config)  # type: ignore[attr-defined]
    assert len(state.values["messages"]) == 24  # the newest checkpoint is whole
    history = list(agent.get_state_history(config))  # type: ignore[attr-defined]
    assert len(history) == len(checkpoints)


def test_a_thread_lives_as_long_as_its_session(client: MemoryClient) -> None:
    saver = SessionCheckpointer(client=client, ttl_seconds=1)
    agent = create_agent(
        GenericFakeChatModel(messages=iter([AIMessage("a"), AIMessage("b")])),
        [],
        checkpointer=saver,
    )
    config = {"configurable": {"thread_id": "short"}}
    agent.invoke({"messages": [HumanMessage("one")]}, config)
    first = client.find_session("langgraph:short")
    assert first is not None and saver.get_tuple(config) is not None
    time.sleep(1.2)
    assert saver.get_tuple(config) is None  # expired with its session
    result = agent.invoke({"messages": [HumanMessage("two")]}, config)
    assert [m.content for m in result["messages"]] == ["two", "b"]
    second = client.find_session("langgraph:short")
    assert second is not None and second.id != first.id


def test_writes_touch_the_session(client: MemoryClient) -> None:
    agent = _agent(client, ttl_seconds=600)
    config = {"configurable": {"thread_id": "touched"}}
    agent.invoke({"messages": [HumanMessage("one")]}, config)  # type: ignore[attr-defined]
    before = client.find_session("langgraph:touched")
    time.sleep(0.05)
    agent.invoke({"messages": [HumanMessage("two")]}, config)  # type: ignore[attr-defined]
    after = client.find_session("langgraph:touched")
    assert before is not None and after is not None and after.id == before.id
    assert after.expires_at > before.expires_at


def test_ending_a_thread_commits_its_working_memory_not_its_checkpoints(
    client: MemoryClient,
) -> None:
    saver = SessionCheckpointer(client=client)
    agent = _agent(client)
    config = {"configurable": {"thread_id": "ending"}}
    agent.invoke({"messages": [HumanMessage("we pick Postgres")]}, config)  # type: ignore[attr-defined]
    session = client.find_session("langgraph:ending")
    assert session is not None
    client.set_context(session.id, "decision", "We use PostgreSQL", importance=0.9)
    ended = saver.end_thread("ending")
    assert ended is not None and ended.status.value == "ended"
    assert ended.commit_result is not None and ended.commit_result.memories_created == 1
    memories = client.list_memories()
    assert len(memories) == 1 and "We use PostgreSQL" in memories[0].content
    assert saver.get_tuple(config) is None  # the next run starts a new thread session
    assert saver.end_thread("ending") is None


def test_ending_a_thread_can_commit_its_conversation(client: MemoryClient) -> None:
    saver = SessionCheckpointer(client=client)
    agent = _agent(client)
    config = {"configurable": {"thread_id": "talk"}}
    rules = SystemMessage("Answer in one line.")
    agent.invoke({"messages": [rules, HumanMessage("I drink green tea")]}, config)  # type: ignore[attr-defined]
    agent.invoke({"messages": [HumanMessage("My cat is Miso")]}, config)  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput):
        saver.end_thread("talk", commit=False, messages=True)
    ended = saver.end_thread("talk", messages=True, messages_importance=0.8)
    assert ended is not None and ended.commit_result is not None
    assert ended.commit_result.memories_created == 1  # the conversation, not the checkpoints
    [memory] = client.list_memories()
    assert memory.content == (
        "conversation excerpt 1: user: I drink green tea\nassistant: reply 0\n"
        "user: My cat is Miso\nassistant: reply 1"
    )
    assert [h.memory.id for h in client.recall("what is the cat called?")] == [memory.id]


async def test_an_async_thread_end_commits_its_conversation(aclient: AsyncMemoryClient) -> None:
    saver = SessionCheckpointer(async_client=aclient)
    agent = create_agent(
        GenericFakeChatModel(messages=iter([AIMessage("Noted.")])), [], checkpointer=saver
    )
    config = {"configurable": {"thread_id": "async-talk"}}
    await agent.ainvoke({"messages": [HumanMessage("We ship on Fridays")]}, config)
    ended = await saver.aend_thread("async-talk", messages=True, messages_importance=0.9)
    assert ended is not None and ended.commit_result is not None
    [memory] = await aclient.list_memories()
    assert memory.content == "conversation excerpt 1: user: We ship on Fridays\nassistant: Noted."


def test_delete_thread_removes_every_session_of_the_thread(client: MemoryClient) -> None:
    saver = SessionCheckpointer(client=client)
    agent = _agent(client)
    config = {"configurable": {"thread_id": "gone"}}
    agent.invoke({"messages": [HumanMessage("one")]}, config)  # type: ignore[attr-defined]
    saver.end_thread("gone", commit=False)
    agent.invoke({"messages": [HumanMessage("two")]}, config)  # type: ignore[attr-defined]
    named = [s for s in client.list_sessions() if s.name == "langgraph:gone"]
    assert len(named) == 2
    saver.delete_thread("gone")
    assert [s for s in client.list_sessions() if s.name == "langgraph:gone"] == []


async def test_async_agent_on_the_async_client(aclient: AsyncMemoryClient) -> None:
    agent = create_agent(
        GenericFakeChatModel(messages=iter([AIMessage("x"), AIMessage("y")])),
        [],
        checkpointer=SessionCheckpointer(async_client=aclient),
    )
    config = {"configurable": {"thread_id": "async"}}
    await agent.ainvoke({"messages": [HumanMessage("one")]}, config)
    result = await agent.ainvoke({"messages": [HumanMessage("two")]}, config)
    assert [m.content for m in result["messages"]] == ["one", "x", "two", "y"]


def _add_all(state: list[object] | None, writes: list[list[object]]) -> list[object]:
    return [*(state or []), *(x for w in writes for x in w)]


def test_retention_keeps_what_delta_channels_are_rebuilt_from(client: MemoryClient) -> None:
    """A ``DeltaChannel`` stores a value only every few updates; the checkpoints in between
    are rebuilt from their ancestors' writes, so retention must not drop those ancestors."""

    class State(TypedDict):
        log: Annotated[list[object], DeltaChannel(_add_all, list, snapshot_frequency=10)]

    graph = StateGraph(State)
    graph.add_node("step", lambda s: {"log": [len(s["log"])]})
    graph.add_edge(START, "step")
    graph.add_edge("step", END)
    app = graph.compile(checkpointer=SessionCheckpointer(client=client, max_checkpoints=2))
    config: Any = {"configurable": {"thread_id": "delta"}}
    held: list[int] = []
    for i in range(12):  # a run is 2 updates and 3 checkpoints: a snapshot every 5 runs
        result = app.invoke({"log": [f"in{i}"]}, config)
        expected = [x for n in range(i + 1) for x in (f"in{n}", 2 * n + 1)]
        assert result["log"] == expected  # dropped ancestors lost it from the 2nd run on
        assert app.get_state(config).values["log"] == expected
        session = client.find_session("langgraph:delta")
        assert session is not None
        held.append(len(client.list_context_keys(session.id, "lg/c/")))
    assert max(held) <= 15  # bounded: back to the snapshot, 36 were written


def test_retention_leaves_the_writes_of_a_checkpoint_not_stored_yet(client: MemoryClient) -> None:
    """LangGraph (``durability="async"``) may store a checkpoint's writes before the checkpoint
    itself, while the previous ``put`` prunes: those writes must survive."""
    saver = SessionCheckpointer(client=client, max_checkpoints=1)
    config: Any = {"configurable": {"thread_id": "early", "checkpoint_ns": ""}}
    checkpoints = [empty_checkpoint() for _ in range(4)]  # ids sort by creation
    early = {"configurable": {**config["configurable"], "checkpoint_id": checkpoints[3]["id"]}}
    saver.put_writes(early, [("messages", "kept")], "task-1")
    for checkpoint in checkpoints[:3]:  # the third put prunes (1 kept + 1 of slack)
        config = saver.put(config, checkpoint, {"step": 0}, {})
    saver.put(config, checkpoints[3], {"step": 1}, {})
    stored = saver.get_tuple(early)
    assert stored is not None and stored.pending_writes == [("task-1", "messages", "kept")]
