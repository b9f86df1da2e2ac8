"""ChromaStore behaves the same embedded and against a real ``chroma run`` server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from agent_session_memory.clock import ManualClock
from agent_session_memory.embeddings import MiniLMEmbedder
from agent_session_memory.stores.longterm.chroma import SYNC_THRESHOLD, ChromaStore
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.names import collection_name

from .conftest import Recorder, open_longterm


@pytest.fixture(params=["embedded", "server"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ChromaStore]:
    if request.param == "embedded":
        s = ChromaStore(tmp_path / "chroma")
    else:
        s = ChromaStore(url=request.getfixturevalue("chroma_server"))
    yield s
    s.close()


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_upsert_query_filter_delete(store: ChromaStore, tmp_path: Path) -> None:
    ws = f"ws.{tmp_path.name}"  # distinct per test on the shared server
    vecs = unit(np.random.default_rng(0).random((3, 8)))
    metas = [
        {"type": "fact", "importance": 0.9, "superseded": False, "tag:auth": True},
        {"type": "note", "importance": 0.1, "superseded": False},
        {"type": "fact", "importance": 0.5, "superseded": True},
    ]
    store.upsert(ws, ["a", "b", "c"], vecs, metas, ["A", "B", "C"])
    store.upsert(ws, ["a"], vecs[:1], metas[:1], ["A"])  # idempotent by id
    assert store.count(ws) == 3
    hits = store.query(ws, vecs[0], 10)
    assert hits[0][0] == "a" and hits[0][1] == pytest.approx(1.0, abs=1e-4)
    live = store.query(ws, vecs[0], 10, MemoryFilter().chroma_where())
    assert {i for i, _ in live} == {"a", "b"}
    tagged = store.query(ws, vecs[1], 10, MemoryFilter(tags=("auth",)).chroma_where())
    assert [i for i, _ in tagged] == ["a"]
    store.delete(ws, ["a", "b"])
    assert store.ids(ws) == ["c"]
    store.drop(ws)
    assert store.count(ws) == 0


def _hnsw(store: ChromaStore, ws: str) -> dict[str, object]:
    """The workspace collection's HNSW configuration, as Chroma reports it."""
    with store._use(ws, reading=True) as col:
        return dict(col.configuration["hnsw"])


def test_collections_measure_cosine_and_save_their_index_often(
    store: ChromaStore, tmp_path: Path
) -> None:
    """A new collection saves its HNSW index every ``SYNC_THRESHOLD`` records, not Chroma's
    1,000 (another process's client replays fewer records when it opens), and the
    configuration that sets it keeps the cosine space (without it, Chroma makes the space l2)."""
    ws = f"cfg.{tmp_path.name}"
    vecs = unit(np.random.default_rng(1).random((2, 8)))
    store.upsert(ws, ["a", "b"], vecs, [{"type": "fact"}, {"type": "fact"}], ["A", "B"])
    hnsw = _hnsw(store, ws)
    assert hnsw["space"] == "cosine" and hnsw["sync_threshold"] == SYNC_THRESHOLD == 10
    [(best, similarity)] = store.query(ws, vecs[0] * 3.0, 1)  # cosine ignores the length
    assert best == "a" and similarity == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("made_with", [None, 100], ids=["chroma-default", "every-100"])
def test_a_collection_made_by_an_earlier_version_is_switched_to_frequent_saves(
    tmp_path: Path, made_with: int | None
) -> None:
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    client.get_or_create_collection(  # as earlier versions made them
        collection_name("old"),
        metadata={"hnsw:space": "cosine", "workspace_id": "old"},
        configuration=None
        if made_with is None
        else {"hnsw": {"space": "cosine", "sync_threshold": made_with}},
    )
    del client
    store = ChromaStore(tmp_path / "chroma")
    try:
        store.upsert("old", ["a"], unit(np.ones((1, 8))), [{"type": "fact"}], ["A"])
        hnsw = _hnsw(store, "old")
        assert hnsw["space"] == "cosine" and hnsw["sync_threshold"] == SYNC_THRESHOLD
    finally:
        store.close()


def test_longterm_on_chroma_server(
    chroma_server: str, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    clock = ManualClock()
    lt = open_longterm(
        tmp_path / "home", embedder, clock, Recorder(clock), chroma_url=chroma_server
    )
    try:
        m = lt.remember("srv", "The staging database runs on port 5433")
        lt.remember("srv", "Our CI uses GitHub Actions")
        hits = lt.recall("srv", "which port does staging use?", 1, MemoryFilter())
        assert hits[0].memory.id == m.id
        assert not (tmp_path / "home" / "chroma").exists()  # nothing embedded
    finally:
        lt.close()
