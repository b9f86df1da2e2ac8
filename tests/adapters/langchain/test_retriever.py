"""MemoryRetriever: filters from the constructor and per call, async client, metadata."""

from __future__ import annotations

import pytest

from agent_session_memory import AsyncMemoryClient, InvalidInput, MemoryClient
from agent_session_memory.adapters.langchain import MemoryRetriever


def test_filters_and_overrides(client: MemoryClient) -> None:
    jwt = client.remember("We chose JWT for auth", tags=["auth"], type="decision", importance=0.9)
    client.remember("Sessions cookies were rejected for auth", tags=["auth"], importance=0.2)
    client.remember("The cafeteria serves soup on Fridays", tags=["food"])
    retriever = MemoryRetriever(client=client, memory_tags=["auth"], k=5)
    docs = retriever.invoke("how do we do auth?")
    assert {d.metadata["tags"][0] for d in docs} == {"auth"}
    assert docs[0].metadata["score"] >= docs[-1].metadata["score"]
    only = retriever.invoke("auth", types=["decision"])
    assert [d.id for d in only] == [jwt.id]
    assert only[0].page_content == "We chose JWT for auth"
    assert only[0].metadata["importance"] == 0.9
    assert len(retriever.invoke("auth", min_importance=0.5)) == 1
    with pytest.raises(InvalidInput):
        retriever.invoke("auth", colour="blue")


async def test_async_client(aclient: AsyncMemoryClient) -> None:
    await aclient.remember("Deploys happen on Tuesdays", workspace_id="ops")
    retriever = MemoryRetriever(async_client=aclient, workspace_id="ops", k=1)
    docs = await retriever.ainvoke("when do we deploy?")
    assert [d.page_content for d in docs] == ["Deploys happen on Tuesdays"]
    assert docs[0].metadata["workspace_id"] == "ops"
