"""MemoryGraphStore: LangGraph's store API over long-term memory."""

from __future__ import annotations

import pytest
from langgraph.store.base import GetOp, InvalidNamespaceError, PutOp, SearchOp

from agent_session_memory import AccessDenied, AsyncMemoryClient, InvalidInput, MemoryClient
from agent_session_memory.adapters.langchain import MemoryGraphStore


@pytest.fixture
def store(client: MemoryClient) -> MemoryGraphStore:
    return MemoryGraphStore(client=client, workspaces=["alice", "bob"])


def test_put_get_replace_delete(store: MemoryGraphStore, client: MemoryClient) -> None:
    store.put(("alice", "prefs"), "ui", {"content": "Alice prefers dark mode"})
    item = store.get(("alice", "prefs"), "ui")
    assert item is not None
    assert (item.namespace, item.key, item.value) == (
        ("alice", "prefs"),
        "ui",
        {"content": "Alice prefers dark mode"},
    )
    store.put(("alice", "prefs"), "ui", {"content": "Alice prefers light mode"})
    again = store.get(("alice", "prefs"), "ui")
    assert again is not None and again.value["content"] == "Alice prefers light mode"
    assert again.created_at == item.created_at and again.updated_at > item.updated_at
    memories = client.list_memories(workspace_id="alice")
    assert [m.content for m in memories] == ["Alice prefers light mode"]  # one memory per key
    assert store.get(("alice", "other"), "ui") is None  # keys are per namespace
    assert store.get(("bob", "prefs"), "ui") is None  # and per workspace
    store.delete(("alice", "prefs"), "ui")
    assert store.get(("alice", "prefs"), "ui") is None
    assert client.list_memories(workspace_id="alice") == []


def test_items_are_memories_recall_finds(store: MemoryGraphStore, client: MemoryClient) -> None:
    store.put(("alice", "facts"), "db", {"text": "Billing runs on PostgreSQL 16"})
    hits = client.recall("which database does billing use?", workspace_id="alice")
    assert hits[0].memory.content == "Billing runs on PostgreSQL 16"


def test_search_semantic_filter_paging(store: MemoryGraphStore) -> None:
    facts = {
        "jwt": ("auth", "We chose JWT tokens for API authentication", 3),
        "rotate": ("auth", "Refresh tokens rotate every 30 days", 2),
        "soup": ("food", "The cafeteria serves soup on Fridays", 1),
    }
    for key, (topic, text, rank) in facts.items():
        store.put(("alice", "facts", topic), key, {"text": text, "rank": rank, "topic": topic})
    store.put(("alice", "notes"), "n1", {"text": "Tokens are also mentioned here"})
    found = store.search(("alice", "facts"), query="how do API clients authenticate?")
    assert found[0].key == "jwt"
    assert {i.key for i in found} == {"jwt", "rotate", "soup"}  # not the notes namespace
    assert all(i.score is not None for i in found)
    auth_only = store.search(("alice", "facts"), query="tokens", filter={"topic": "auth"})
    assert {i.key for i in auth_only} == {"jwt", "rotate"}
    ranked = store.search(("alice", "facts"), filter={"rank": {"$gte": 2}})
    assert {i.key for i in ranked} == {"jwt", "rotate"}
    assert store.search(("alice", "facts"), filter={"rank": {"$lt": 2}})[0].key == "soup"
    page1 = store.search(("alice", "facts"), query="tokens", limit=1)
    page2 = store.search(("alice", "facts"), query="tokens", limit=1, offset=1)
    assert len(page1) == len(page2) == 1 and page1[0].key != page2[0].key
    assert len(store.search(("alice", "facts", "auth"), limit=10, offset=1)) == 1
    with pytest.raises(InvalidInput):
        store.search(("alice",), filter={"rank": {"$regex": ".*"}})


def test_unindexed_items_are_stored_but_not_queried(store: MemoryGraphStore) -> None:
    store.put(("alice",), "secret", {"text": "API key rotation schedule"}, index=False)
    store.put(("alice",), "public", {"text": "API docs live in the wiki"})
    assert store.get(("alice",), "secret") is not None
    assert [i.key for i in store.search(("alice",), query="API key rotation")] == ["public"]
    assert {i.key for i in store.search(("alice",))} == {"secret", "public"}


def test_ttl_expires_and_refreshes(client: MemoryClient) -> None:
    now = [1_000_000.0]
    store = MemoryGraphStore(client=client, workspaces=["alice"], clock=lambda: now[0])
    assert store.supports_ttl
    store.put(("alice",), "short", {"text": "temporary"}, ttl=1)  # minutes
    store.put(("alice",), "long", {"text": "durable"})
    now[0] += 50
    assert store.get(("alice",), "short") is not None  # refreshes: expires 60 s from now
    now[0] += 50
    assert store.get(("alice",), "short", refresh_ttl=False) is not None
    now[0] += 20
    assert store.get(("alice",), "short") is None
    assert [i.key for i in store.search(("alice",))] == ["long"]
    assert [m.content for m in client.list_memories(workspace_id="alice")] == ["durable"]
    with pytest.raises(InvalidInput):
        store.put(("alice",), "bad", {"text": "x"}, ttl=-1)


def test_default_ttl_from_config(client: MemoryClient) -> None:
    now = [0.0]
    store = MemoryGraphStore(
        client=client,
        workspaces=["alice"],
        clock=lambda: now[0],
        ttl={"default_ttl": 2, "refresh_on_read": False},
    )
    store.put(("alice",), "k", {"text": "v"})
    now[0] = 100
    assert store.get(("alice",), "k") is not None
    now[0] = 121
    assert store.get(("alice",), "k") is None


def test_list_namespaces(store: MemoryGraphStore) -> None:
    for ns in [("alice", "a", "x"), ("alice", "a", "y", "z"), ("alice", "b"), ("bob", "a")]:
        store.put(ns, "k", {"text": "/".join(ns)})
    assert store.list_namespaces(prefix=("alice",)) == [
        ("alice", "a", "x"),
        ("alice", "a", "y", "z"),
        ("alice", "b"),
    ]
    assert store.list_namespaces(prefix=("alice", "a"), max_depth=3) == [
        ("alice", "a", "x"),
        ("alice", "a", "y"),
    ]
    assert store.list_namespaces(prefix=("alice",), suffix=("z",)) == [("alice", "a", "y", "z")]
    assert store.list_namespaces(prefix=("*", "a"), max_depth=2) == [("alice", "a"), ("bob", "a")]
    assert store.list_namespaces(prefix=("alice",), limit=1, offset=1) == [("alice", "a", "y", "z")]


def test_workspace_memories_appear_under_the_workspace(client: MemoryClient) -> None:
    memory = client.remember("We deploy on Tuesdays", workspace_id="alice")
    store = MemoryGraphStore(client=client, workspaces=["alice"])
    item = store.get(("alice",), memory.id)
    assert item is not None and item.value["content"] == "We deploy on Tuesdays"
    assert [i.key for i in store.search(("alice",), query="deploy day")] == [memory.id]
    assert store.list_namespaces() == [("alice",)]
    store.put(("alice",), memory.id, {"content": "We deploy on Wednesdays"})
    assert client.get_memory(memory.id, workspace_id="alice").content == "We deploy on Wednesdays"
    hidden = MemoryGraphStore(client=client, workspaces=["alice"], include_workspace_memories=False)
    assert hidden.search(("alice",)) != [] and hidden.get(("alice",), "nope") is None


def test_fixed_workspace_mode(client: MemoryClient) -> None:
    store = MemoryGraphStore(client=client, workspace_id="my.app")
    store.put(("memories", "u1"), "k", {"text": "User one likes tea"})
    assert store.get(("memories", "u1"), "k") is not None
    assert client.list_memories(workspace_id="my.app")[0].content == "User one likes tea"
    assert store.list_namespaces() == [("memories", "u1")]
    assert [i.key for i in store.search(("memories",), query="tea")] == ["k"]


@pytest.mark.parametrize(
    "namespace",
    [
        (),
        ("langgraph",),
        ("alice", ""),
        ("alice", "a.b"),
        ("alice", "nul\x00"),
        ("al ice",),
        ("../etc",),
        (1,),
        ["alice"],
        ("a" * 65,),
        ("alice",) + ("x",) * 80,
    ],
)
def test_hostile_namespaces_are_refused(store: MemoryGraphStore, namespace: object) -> None:
    with pytest.raises(InvalidNamespaceError):
        store.batch([PutOp(namespace, "k", {"text": "x"})])  # type: ignore[arg-type]


def test_other_workspaces_and_bad_values_are_refused(store: MemoryGraphStore) -> None:
    with pytest.raises(AccessDenied):
        store.put(("mallory",), "k", {"text": "x"})
    with pytest.raises(InvalidNamespaceError):
        store.get(("mallory",), "k")
    for value in [{"b": b"bytes"}, {"nan": float("nan")}, {1: "int key"}, ["not", "a", "dict"]]:
        with pytest.raises(InvalidInput):
            store.batch([PutOp(("alice",), "k", value)])  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        store.batch([GetOp(("alice",), "")])
    with pytest.raises(InvalidInput):
        store.batch([SearchOp(("alice",), limit=-1)])


async def test_async_batch(aclient: AsyncMemoryClient) -> None:
    store = MemoryGraphStore(async_client=aclient, workspaces=["alice"])
    await store.aput(("alice", "prefs"), "tea", {"text": "Alice drinks green tea"})
    results = await store.abatch(
        [
            GetOp(("alice", "prefs"), "tea"),
            SearchOp(("alice",), query="what does Alice drink?"),
            PutOp(("alice", "prefs"), "tea", None),
            GetOp(("alice", "prefs"), "tea"),
        ]
    )
    assert results[0] is not None and results[0].value == {"text": "Alice drinks green tea"}
    assert [i.key for i in results[1]] == ["tea"]
    assert results[2] is None and results[3] is None
    assert await store.alist_namespaces() == []
