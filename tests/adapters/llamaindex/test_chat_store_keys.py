"""Chat-store keys resolve atomically, agree between reads and writes, and stay in their
workspace (issue 19, LlamaIndex defects 1, 4 and 5)."""

from __future__ import annotations

import asyncio

from llama_index.core.base.llms.types import ChatMessage

from agent_session_memory import AsyncMemoryClient, MemoryClient
from agent_session_memory.adapters.llamaindex import SessionChatStore


def msg(text: str) -> ChatMessage:
    return ChatMessage(role="user", content=text)


async def test_concurrent_first_writes_to_a_new_key_lose_nothing(
    aclient: AsyncMemoryClient,
) -> None:
    store = SessionChatStore(async_client=aclient)
    await asyncio.gather(*(store.async_add_message("fresh", msg(f"m{i}")) for i in range(5)))
    messages = await store.aget_messages("fresh")
    assert sorted(str(m.content) for m in messages) == [f"m{i}" for i in range(5)]
    assert len(await aclient.list_sessions()) == 1


async def test_two_stores_racing_on_a_new_key_share_one_session(
    aclient: AsyncMemoryClient,
) -> None:
    stores = [SessionChatStore(async_client=aclient) for _ in range(4)]
    await asyncio.gather(
        *(s.async_add_message("shared", msg(f"s{i}")) for i, s in enumerate(stores))
    )
    assert len(await stores[0].aget_messages("shared")) == 4


def test_a_store_of_another_workspace_cannot_reach_a_session_by_id(client: MemoryClient) -> None:
    theirs = client.create_session(600, workspace_id="tenant-a")
    client.add_messages(theirs.id, [{"role": "user", "content": "secret"}])
    store_b = SessionChatStore(client, workspace_id="tenant-b")
    assert store_b.get_messages(theirs.id) == []
    store_b.delete_messages(theirs.id)
    store_b.add_message(theirs.id, msg("mine"))  # a name in tenant-b, not their session
    assert [m.content for m in client.get_messages(theirs.id)] == ["secret"]
    assert [m.content for m in store_b.get_messages(theirs.id)] == ["mine"]
    same_tenant = SessionChatStore(client, workspace_id="tenant-a")
    assert [m.content for m in same_tenant.get_messages(theirs.id)] == ["secret"]


def test_reads_follow_the_session_writes_go_to(client: MemoryClient) -> None:
    store = SessionChatStore(client)
    store.add_message("conv", msg("old"))
    (session,) = client.list_sessions()
    client.end_session(session.id)
    assert store.get_messages("conv") == []  # what a write would now extend: nothing
    store.add_message("conv", msg("new"))
    assert [m.content for m in store.get_messages("conv")] == ["new"]
