"""The LangGraph store and memories it did not write (issue 19, LangChain defects 3, 5, 7, 8):
fixed mode shows them under ``(workspace,)`` where they can be updated, bookkeeping tags never
reach users or models, TTLs are refused on them, and the value limit is one documented number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent_session_memory import MemoryClient
from agent_session_memory.adapters.langchain import (
    MemoryGraphStore,
    MemoryRetriever,
    create_memory_tools,
)
from agent_session_memory.clock import ManualClock
from agent_session_memory.errors import InvalidInput, LimitExceeded


def test_fixed_mode_shows_other_memories_under_the_workspace_namespace(
    client: MemoryClient,
) -> None:
    plain = client.remember("We deploy on Tuesdays", workspace_id="app")
    store = MemoryGraphStore(client=client, workspace_id="app")
    found = store.search(("app",))
    assert [(i.namespace, i.key) for i in found] == [(("app",), plain.id)]
    assert ("app",) in store.list_namespaces()
    assert () not in store.list_namespaces()
    item = store.get(("app",), plain.id)
    assert item is not None and item.value["content"] == "We deploy on Tuesdays"
    store.put(("app",), plain.id, {"content": "We deploy on Wednesdays"})
    assert client.get_memory(plain.id, workspace_id="app").content == "We deploy on Wednesdays"
    store.delete(("app",), plain.id)
    assert client.list_memories(workspace_id="app") == []


def test_bookkeeping_tags_never_show(client: MemoryClient) -> None:
    store = MemoryGraphStore(client=client, workspaces=["default"])
    store.put(("default", "prefs"), "drink", {"text": "Ana drinks green tea"})
    client.remember("Ana's office is in Lyon", tags=["office"])
    for item in store.search(("default",)):
        tags = item.value.get("tags", [])
        assert not any(str(t).startswith("lg-") for t in tags)
    docs = MemoryRetriever(client=client, k=5).invoke("what does Ana drink?")
    assert docs and all(
        not str(t).startswith("lg-") for d in docs for t in d.metadata.get("tags", [])
    )
    session = client.create_session(600)
    recall = {t.name: t for t in create_memory_tools(session.id, client=client)}["recall"]
    text = recall.invoke({"query": "green tea"})
    assert "lg-item-" not in text and "lg-ns-" not in text
    assert json.loads(text)  # still the hits, as JSON


def test_a_ttl_on_a_memory_the_store_did_not_write_is_refused(client: MemoryClient) -> None:
    plain = client.remember("Keep me", workspace_id="alice")
    store = MemoryGraphStore(client=client, workspaces=["alice"])
    with pytest.raises(InvalidInput, match="TTL"):
        store.put(("alice",), plain.id, {"content": "Keep me too"}, ttl=1)
    assert client.get_memory(plain.id, workspace_id="alice").content == "Keep me"


def test_store_values_have_one_documented_limit(client: MemoryClient) -> None:
    store = MemoryGraphStore(client=client, workspaces=["alice"])
    store.put(("alice",), "fits", {"text": "x" * (32 * 1024 - 20)})
    with pytest.raises(LimitExceeded, match="32768 bytes"):
        store.put(("alice",), "big", {"text": "x" * (32 * 1024)})
    assert store.get(("alice",), "big") is None


def test_a_key_with_nul_says_so(client: MemoryClient) -> None:
    store = MemoryGraphStore(client=client, workspaces=["alice"])
    with pytest.raises(InvalidInput, match="NUL"):
        store.put(("alice",), "a\x00b", {"x": 1})


def test_a_blank_query_finds_nothing_inside_a_chain(client: MemoryClient) -> None:
    client.remember("Something to find")
    retriever = MemoryRetriever(client=client)
    chain = (lambda _: "   ") | retriever
    assert chain.invoke("anything") == []


def test_the_set_context_tool_declares_a_json_type(client: MemoryClient) -> None:
    session = client.create_session(600)
    tool = {t.name: t for t in create_memory_tools(session.id, client=client)}["set_context"]
    schema = convert_to_openai_tool(tool)["function"]["parameters"]["properties"]["value"]
    types = {option["type"] for option in schema["anyOf"]}
    assert types == {"string", "number", "integer", "boolean", "object", "array", "null"}
    tool.invoke({"key": "plan", "value": {"steps": [1, 2]}})
    assert client.get_context(session.id, "plan") == {"steps": [1, 2]}
    tool.invoke({"key": "flag", "value": True})
    assert client.get_context(session.id, "flag") is True


def test_expired_store_items_stay_out_of_the_retriever_and_the_recall_tool(
    home: Path,
) -> None:
    clock = ManualClock()  # the engine's and the store's: expiry is the engine's to decide
    client = MemoryClient(path=str(home), clock=clock)
    store = MemoryGraphStore(client=client, workspaces=["default"], clock=clock.now)
    store.put(("default", "notes"), "short", {"text": "The wifi password is hunter2"}, ttl=1)
    store.put(("default", "notes"), "long", {"text": "The wifi router is in the hall"})
    retriever = MemoryRetriever(client=client, k=5)
    session = client.create_session(600)
    recall = {t.name: t for t in create_memory_tools(session.id, client=client)}["recall"]

    def seen() -> tuple[list[str], str]:
        return [d.page_content for d in retriever.invoke("wifi")], recall.invoke({"query": "wifi"})

    clock.advance(61)  # the TTL item expired
    docs, text = seen()
    client.close()
    assert docs == [c for c in docs if "hunter2" not in c] and len(docs) == 1
    assert "hunter2" not in text and "router" in text


def test_a_commit_never_merges_into_a_store_item(client: MemoryClient) -> None:
    store = MemoryGraphStore(client=client, workspaces=["default"], index_fields=["text"])
    store.put(("default", "prefs"), "drink", {"text": "Ana prefers green tea in the morning"})
    session = client.create_session(600)
    client.set_context(session.id, "drink", "Ana prefers green tea in the morning, no sugar", 0.9)
    result = client.commit_session(session.id)
    assert (result.memories_created, result.memories_updated) == (1, 0)
    item = store.get(("default", "prefs"), "drink")
    assert item is not None and item.value == {"text": "Ana prefers green tea in the morning"}
    contents = sorted(m.content for m in client.list_memories())
    assert contents[0] == "Ana prefers green tea in the morning"  # get and recall agree
