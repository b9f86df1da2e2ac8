"""SQLite + Chroma against the in-memory reference, driven by a Hypothesis state machine.

The machine puts rows (some pending, some superseded, some with merge aliases), indexes, deletes
and drops vectors in two workspaces; after every step both stores must agree on every row, the
pending set, aliases, live lookups, vector counts and scores, and which rows a text query finds.
Lexical scores are not compared (FTS5's bm25 and the reference's differ in detail), nor the order
of equal scores.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from agent_session_memory.models import Memory
from agent_session_memory.stores.longterm.base import LongTermStore
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore
from agent_session_memory.stores.longterm.records import content_hash
from agent_session_memory.stores.longterm.sqlite_chroma import ChromaSqliteStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
WORKSPACES = st.sampled_from(["a", "b"])
IDS = st.sampled_from(["m1", "m2", "m3", "m4", "m5"])
WORDS = ["postgres", "redis", "kafka", "deploy", "billing", "tuesday", "auth", "cache"]
CONTENT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
VECTORS = [np.eye(4, dtype=np.float32)[i] for i in range(4)] + [
    (np.ones(4, dtype=np.float32) / 2.0),
    (np.array([1, 1, 0, 0], dtype=np.float32) / np.sqrt(np.float32(2))),
]
FILTERS = [
    MemoryFilter(),
    MemoryFilter(include_superseded=True),
    MemoryFilter(types=("note",), include_superseded=True),
    MemoryFilter(tags=("x",)),
    MemoryFilter(min_importance=0.5),
]


@st.composite
def memories(draw: st.DrawFn, workspace_id: str) -> Memory:
    content = draw(CONTENT)
    created = T0 + timedelta(minutes=draw(st.integers(0, 3)))
    return Memory(
        id=draw(IDS),
        workspace_id=workspace_id,
        content=content,
        type=draw(st.sampled_from(["fact", "note"])),
        importance=draw(st.sampled_from([0.2, 0.5, 0.9])),
        tags=draw(st.lists(st.sampled_from(["x", "y"]), unique=True, max_size=2)),
        key=draw(st.sampled_from([None, "k1", "k2"])),
        content_hash=content_hash(content),
        created_at=created,
        updated_at=created + timedelta(minutes=draw(st.integers(0, 3))),
        superseded_by=draw(st.sampled_from([None, None, "m9"])),
    )


class StoreModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        root = Path(self.folder.name)
        self.real: LongTermStore = ChromaSqliteStore(root / "memories.db", root / "chroma")
        self.model: LongTermStore = InMemoryLongTermStore()

    def both(self) -> tuple[LongTermStore, LongTermStore]:
        return self.real, self.model

    @rule(data=st.data(), ws=WORKSPACES, pending=st.booleans(), alias=st.booleans())
    def put_rows(self, data: st.DataObject, ws: str, pending: bool, alias: bool) -> None:
        rows = {m.id: m for m in data.draw(st.lists(memories(ws), max_size=3))}
        aliases = [(f"cand-{m}", m) for m in rows] if alias else []
        for store in self.both():
            store.put_rows(ws, list(rows.values()), aliases=aliases, pending=pending)

    @rule(ws=WORKSPACES, ids=st.lists(IDS, max_size=3))
    def delete_rows(self, ws: str, ids: list[str]) -> None:
        assert self.real.delete_rows(ws, ids) == self.model.delete_rows(ws, ids)

    @rule(ws=WORKSPACES, ids=st.lists(IDS, max_size=3))
    def mark_done(self, ws: str, ids: list[str]) -> None:
        for store in self.both():
            store.mark_done(ws, ids)

    @rule(ws=WORKSPACES, ids=st.lists(IDS, max_size=3), vector=st.sampled_from(range(6)))
    def index(self, ws: str, ids: list[str], vector: int) -> None:
        """Rows as stored; the first gets a new vector, the others only a snapshot refresh."""
        rows = list(self.model.get_rows(ws, ids).values())
        vectors = {rows[0].id: VECTORS[vector]} if rows else {}
        for store in self.both():
            store.put_vectors(ws, rows, vectors)

    @rule(ws=WORKSPACES, ids=st.lists(IDS, max_size=2))
    def delete_vectors(self, ws: str, ids: list[str]) -> None:
        for store in self.both():
            store.delete_vectors(ws, ids)

    @rule(ws=WORKSPACES)
    def drop_vectors(self, ws: str) -> None:
        for store in self.both():
            store.drop_vectors(ws)

    @invariant()
    def rows_agree(self) -> None:
        for ws in ("a", "b"):
            for flt in FILTERS:
                assert self.real.list_rows(ws, flt) == self.model.list_rows(ws, flt)
            assert self.real.count_rows(ws) == self.model.count_rows(ws)
            assert {m.id for m in self.real.pending(ws)} == {m.id for m in self.model.pending(ws)}
            for key in ("k1", "k2"):
                assert self.real.live_by_key(ws, key) == self.model.live_by_key(ws, key)
                alias = f"cand-m{key[-1]}"
                assert self.real.resolve_alias(ws, alias) == self.model.resolve_alias(ws, alias)

    @invariant()
    def indexes_agree(self) -> None:
        for ws in ("a", "b"):
            assert self.real.count_vectors(ws) == self.model.count_vectors(ws)
            queries = np.stack(VECTORS[:2])
            for flt in (None, MemoryFilter(), MemoryFilter(tags=("x",))):
                real = self.real.search_vectors(ws, queries, 10, flt)
                model = self.model.search_vectors(ws, queries, 10, flt)
                for r, m in zip(real, model, strict=True):
                    assert {i: round(s, 4) for i, s in r} == {i: round(s, 4) for i, s in m}
            for word in ("postgres", "auth cache", "billing tuesday"):
                for flt in FILTERS[:2]:
                    real_hits = self.real.search_text(ws, word, 10, flt)
                    assert {i for i, _ in real_hits} == {
                        i for i, _ in self.model.search_text(ws, word, 10, flt)
                    }

    def teardown(self) -> None:
        self.real.close()
        self.folder.cleanup()


@pytest.mark.slow
def test_sqlite_chroma_behaves_like_the_reference() -> None:
    run_state_machine_as_test(
        StoreModel,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
