"""Absolute scores and ``min_score`` in the LangChain/LangGraph adapters; batched embedding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings
from langgraph.store.base import PutOp

from agent_session_memory import InvalidInput, MemoryClient
from agent_session_memory.adapters.langchain import (
    MemoryGraphStore,
    MemoryRetriever,
    create_memory_tools,
)
from agent_session_memory.embeddings.minilm import MiniLMEmbedder

FACT = "We chose JWT tokens signed with RS256 for authentication"
UNRELATED = "what is the capital of France"


class CountingEmbeddings(Embeddings):
    """The real MiniLM behind LangChain's interface, counting the calls that reach it."""

    def __init__(self) -> None:
        self.model = MiniLMEmbedder()
        self.calls: list[int] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return [list(map(float, row)) for row in self.model.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@pytest.fixture
def counting() -> CountingEmbeddings:
    return CountingEmbeddings()


@pytest.fixture
def counted_client(tmp_path: Path, counting: CountingEmbeddings) -> Iterator[MemoryClient]:
    with MemoryClient(path=str(tmp_path / "home"), embedding_function=counting) as c:
        yield c


def test_a_batch_of_puts_is_embedded_in_one_call(
    counted_client: MemoryClient, counting: CountingEmbeddings
) -> None:
    store = MemoryGraphStore(client=counted_client, workspaces=["alice"])
    texts = [f"Fact number {n}: the service on port {8000 + n} is healthy" for n in range(12)]
    counting.calls.clear()
    store.batch([PutOp(("alice", "facts"), f"k{n}", {"text": t}) for n, t in enumerate(texts)])
    assert counting.calls == [12]
    assert [store.get(("alice", "facts"), f"k{n}").value["text"] for n in range(12)] == texts  # type: ignore[union-attr]


def test_repeated_keys_in_one_batch_keep_the_last_value(
    counted_client: MemoryClient, counting: CountingEmbeddings
) -> None:
    store = MemoryGraphStore(client=counted_client, workspaces=["alice"])
    store.batch(
        [
            PutOp(("alice",), "ui", {"text": "dark mode"}),
            PutOp(("alice",), "ui", {"text": "light mode"}),
        ]
    )
    item = store.get(("alice",), "ui")
    assert item is not None and item.value == {"text": "light mode"}
    assert len(counted_client.list_memories(workspace_id="alice")) == 1


def test_store_search_scores_are_absolute_and_min_score_drops_the_rest(
    client: MemoryClient,
) -> None:
    store = MemoryGraphStore(client=client, workspaces=["alice"])
    store.put(("alice", "facts"), "auth", {"text": FACT})
    [unrelated] = store.search(("alice",), query=UNRELATED)
    assert unrelated.score is not None and unrelated.score < 0.2
    strict = MemoryGraphStore(client=client, workspaces=["alice"], min_score=0.3)
    assert strict.search(("alice",), query=UNRELATED) == []
    [found] = strict.search(("alice",), query="how are authentication tokens signed?")
    assert found.key == "auth" and found.score is not None and found.score >= 0.3


def test_store_refuses_a_min_score_out_of_range(client: MemoryClient) -> None:
    with pytest.raises(InvalidInput):
        MemoryGraphStore(client=client, workspaces=["alice"], min_score=2)


def test_retriever_min_score(client: MemoryClient) -> None:
    client.remember(FACT)
    retriever = MemoryRetriever(client=client, min_score=0.3)
    assert retriever.invoke(UNRELATED) == []
    [doc] = retriever.invoke("how are authentication tokens signed?")
    assert doc.metadata["score"] >= 0.3
    assert set(doc.metadata["score_parts"]) == {
        "semantic",
        "lexical",
        "context",
        "recency",
        "importance",
    }
    assert (
        MemoryRetriever(client=client).invoke(UNRELATED, min_score=0.0)[0].metadata["score"] < 0.2
    )
    with pytest.raises(InvalidInput):
        retriever.invoke("tokens", min_score=-1)


def test_recall_tool_min_score(client: MemoryClient) -> None:
    session = client.create_session()
    client.remember(FACT)
    [recall] = create_memory_tools(
        session.id, client=client, include=["recall"], recall_min_score=0.3
    )
    assert recall.invoke({"query": UNRELATED}) == "[]"
    assert "RS256" in recall.invoke({"query": "how are authentication tokens signed?"})
    with pytest.raises(InvalidInput):
        create_memory_tools(session.id, client=client, recall_min_score=1.1)
