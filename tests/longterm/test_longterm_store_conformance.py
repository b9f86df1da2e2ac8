"""The long-term store contract (``stores/longterm/base.py``), run against every implementation:
the in-memory reference, SQLite + embedded Chroma, SQLite + a real ``chroma run`` server, and
PostgreSQL + that Chroma server (server mode)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from agent_session_memory.models import Memory, replace
from agent_session_memory.stores.longterm.base import LongTermStore
from agent_session_memory.stores.longterm.chroma import ChromaStore
from agent_session_memory.stores.longterm.filters import MemoryFilter
from agent_session_memory.stores.longterm.memory import InMemoryLongTermStore
from agent_session_memory.stores.longterm.postgres_chroma import PostgresChromaStore
from agent_session_memory.stores.longterm.records import content_hash
from agent_session_memory.stores.longterm.sqlite_chroma import ChromaSqliteStore

KINDS = ["memory", "sqlite+chroma", "sqlite+chroma-server", "postgres+chroma-server"]
T0 = datetime(2026, 1, 1, tzinfo=UTC)
DIM = 8
LIVE = MemoryFilter()
ALL = MemoryFilter(include_superseded=True)


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LongTermStore]:
    if request.param == "memory":
        s: LongTermStore = InMemoryLongTermStore()
    elif request.param == "sqlite+chroma":
        s = ChromaSqliteStore(tmp_path / "memories.db", tmp_path / "chroma")
    elif request.param == "sqlite+chroma-server":
        chroma = ChromaStore(url=request.getfixturevalue("chroma_server"))
        s = ChromaSqliteStore(tmp_path / "memories.db", chroma)
    else:
        chroma = ChromaStore(url=request.getfixturevalue("chroma_server"))
        s = PostgresChromaStore(request.getfixturevalue("postgres_url"), chroma)
    yield s
    s.close()


@pytest.fixture
def ws() -> str:
    """A fresh workspace id: the server's collections outlive a test."""
    return f"ws-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def other() -> str:
    return f"other-{uuid.uuid4().hex[:10]}"


def mem(ws: str, memory_id: str, content: str, minute: int = 0, **fields: Any) -> Memory:
    at = T0 + timedelta(minutes=minute)
    return Memory(
        id=memory_id,
        workspace_id=ws,
        content=content,
        content_hash=content_hash(content),
        created_at=at,
        updated_at=fields.pop("updated_at", at),
        **fields,
    )


def vec(*hot: int) -> np.ndarray:
    """A unit vector with equal weight on the given axes."""
    v = np.zeros(DIM, dtype=np.float32)
    v[list(hot)] = 1.0
    return (v / np.linalg.norm(v)).astype(np.float32)


def ids(found: list[tuple[str, float]]) -> list[str]:
    return [i for i, _ in found]


def write(store: LongTermStore, ws: str, *rows: Memory, axis: dict[str, int] | None = None) -> None:
    """Rows with vectors (row n on axis n % DIM unless ``axis`` says otherwise)."""
    store.put_rows(ws, rows)
    where = axis or {}
    store.put_vectors(ws, rows, {m.id: vec(where.get(m.id, n % DIM)) for n, m in enumerate(rows)})


def test_every_implementation_satisfies_the_protocol(store: LongTermStore) -> None:
    assert isinstance(store, LongTermStore)


# -- canonical rows -----------------------------------------------------------------------------
def test_rows_read_back_field_for_field_and_missing_ids_are_omitted(
    store: LongTermStore, ws: str
) -> None:
    row = mem(ws, "a", "We chose JWT for auth", type="decision", importance=0.8, tags=["auth"],
              metadata={"src": "adr-7", "n": [1, 2]}, session_id="s1", source_sessions=["s1"],
              key="auth")  # fmt: skip
    store.put_rows(ws, [row])
    assert store.get_rows(ws, ["a", "missing"]) == {"a": row}
    assert store.get_rows(ws, []) == {}
    assert store.get_rows(ws, ["missing"]) == {}


def test_putting_again_is_idempotent_and_replaces_in_place(store: LongTermStore, ws: str) -> None:
    rows = [mem(ws, f"m{n}", f"note {n}") for n in range(3)]  # same created_at: insertion order
    store.put_rows(ws, rows)
    store.put_rows(ws, rows)
    changed = replace(rows[0], content="note zero, rewritten", importance=0.9)
    store.put_rows(ws, [changed])
    assert store.count_rows(ws) == 3
    assert store.list_rows(ws, LIVE) == [changed, rows[1], rows[2]]


def test_an_id_repeated_in_a_batch_counts_once(store: LongTermStore, ws: str) -> None:
    first, last = mem(ws, "a", "first version"), mem(ws, "a", "last version")
    store.put_rows(ws, [first, mem(ws, "b", "other"), last])
    assert store.list_rows(ws, LIVE) == [last, mem(ws, "b", "other")]
    store.put_vectors(ws, [first, last], {"a": vec(1)})
    assert store.count_vectors(ws) == 1 and list(store.get_vectors(ws, ["a", "a"])) == ["a"]
    assert list(store.get_rows(ws, ["a", "a"])) == ["a"]
    store.delete_vectors(ws, ["a", "a"])
    assert store.delete_rows(ws, ["a", "a"]) == 1
    assert store.count_vectors(ws) == 0 and store.count_rows(ws) == 1


def test_rows_of_another_workspace_are_refused(store: LongTermStore, ws: str, other: str) -> None:
    with pytest.raises(ValueError):
        store.put_rows(ws, [mem(other, "x", "elsewhere")])
    with pytest.raises(ValueError):
        store.put_vectors(ws, [mem(other, "x", "elsewhere")], {"x": vec(0)})
    assert store.count_rows(ws) == store.count_rows(other) == 0


def test_workspaces_share_nothing(store: LongTermStore, ws: str, other: str) -> None:
    write(store, ws, mem(ws, "a", "postgres is our database"))
    write(store, other, mem(other, "a", "redis is our cache"))
    assert store.get_rows(ws, ["a"])["a"].content == "postgres is our database"
    assert ids(store.search_text(other, "postgres", 10, LIVE)) == []
    assert store.delete_rows(other, ["a"]) == 1
    store.delete_vectors(other, ["a"])
    assert store.count_rows(ws) == 1 and store.count_vectors(ws) == 1
    assert ids(store.search_vectors(ws, vec(0)[None, :], 5)[0]) == ["a"]
    assert store.search_vectors(other, vec(0)[None, :], 5) == [[]]


def test_lexical_scores_ignore_other_workspaces(store: LongTermStore, ws: str, other: str) -> None:
    store.put_rows(ws, [mem(ws, "a", "postgres is our database"), mem(ws, "b", "we use redis")])
    before = store.search_text(ws, "which database", 10, LIVE)
    store.put_rows(other, [mem(other, f"o{n}", f"database note {n}") for n in range(50)])
    assert store.search_text(ws, "which database", 10, LIVE) == before
    assert ids(before) == ["a"]


def test_term_counts_are_document_frequencies_in_the_workspace(
    store: LongTermStore, ws: str, other: str
) -> None:
    store.put_rows(
        ws,
        [
            mem(ws, "a", "postgres is our database"),
            mem(ws, "b", "the database backups run nightly"),
            mem(ws, "c", "we use redis"),
        ],
    )
    store.put_rows(other, [mem(other, f"o{n}", f"database note {n}") for n in range(5)])
    assert store.term_counts(ws, "which database uses redis") == (3, [2, 1, 1])
    assert store.term_counts(ws, "zebracorn") == (3, [0])
    assert store.term_counts(f"{ws}-empty", "database") == (0, [0])
    store.put_rows(ws, [mem(ws, "d", "a redis database")])  # counted again after a write
    assert store.term_counts(ws, "which database uses redis") == (4, [3, 1, 2])
    assert ids(store.search_text(ws, "redis database", 10, LIVE))[0] == "d"


def test_count_hidden_bounds_the_rows_a_plain_filter_hides(
    store: LongTermStore, ws: str, other: str
) -> None:
    """Superseded rows and rows with an expiry, each kind counted up to ``at_most``: recall
    asks the dense index for that many more hits than it keeps."""
    assert store.count_hidden(ws, 20) == 0
    store.put_rows(ws, [mem(ws, f"live{n}", f"note {n}") for n in range(5)])
    assert store.count_hidden(ws, 20) == 0
    old = [mem(ws, f"old{n}", f"old note {n}", superseded_by="live0") for n in range(3)]
    store.put_rows(ws, [*old, mem(ws, "temp", "for today", expires_at=T0 + timedelta(days=1))])
    assert store.count_hidden(ws, 20) == 4
    assert 2 <= store.count_hidden(ws, 2) <= 4  # at least min(at_most, 4)
    assert store.count_hidden(other, 20) == 0
    store.delete_rows(ws, ["old0", "temp"])
    assert store.count_hidden(ws, 20) == 2


def test_a_workspace_is_stemmed_in_a_known_language_english_by_default(
    store: LongTermStore, ws: str
) -> None:
    assert store.lexical_language(ws) == "english"  # before any write: the settings' default
    store.put_rows(ws, [mem(ws, "a", "postgres is our database")])
    assert store.lexical_language(ws) == "english"


def test_delete_counts_only_existing_rows_and_removes_their_traces(
    store: LongTermStore, ws: str
) -> None:
    write(
        store, ws, mem(ws, "a", "The zebracorn launch code is 7731"), mem(ws, "b", "Lunch at noon")
    )
    store.put_rows(ws, [], aliases=[("cand-1", "a"), ("cand-2", "b")])
    assert store.delete_rows(ws, ["a", "missing"]) == 1
    assert store.delete_rows(ws, ["a"]) == 0
    assert store.delete_rows(ws, []) == 0
    assert store.get_rows(ws, ["a"]) == {} and store.count_rows(ws) == 1
    assert store.search_text(ws, "zebracorn", 10, ALL) == []
    assert store.resolve_alias(ws, "cand-1") is None
    assert store.resolve_alias(ws, "cand-2") == "b"


def test_rank_fields_of_the_ids_whose_row_matches(store: LongTermStore, ws: str) -> None:
    later = T0 + timedelta(minutes=5)
    store.put_rows(
        ws,
        [
            mem(ws, "a", "alpha", importance=0.9, updated_at=later, tags=["auth"]),
            mem(ws, "b", "beta", importance=0.2),
            mem(ws, "old", "gamma", superseded_by="a"),
        ],
        vectors={"a": vec(3)},
    )
    got = store.rank_fields(ws, ["a", "b", "old", "missing", "a"], LIVE)
    assert {i: f[:3] for i, f in got.items()} == {
        "a": (0.9, later.timestamp(), "alpha"),
        "b": (0.2, T0.timestamp(), "beta"),
    }
    a_vector, b_vector = got["a"].vector, got["b"].vector
    assert a_vector is not None and np.allclose(a_vector, vec(3))  # the kept vector, with it
    assert b_vector is None  # a row kept without one
    assert list(store.rank_fields(ws, ["a", "b"], MemoryFilter(tags=("auth",)))) == ["a"]
    assert set(store.rank_fields(ws, ["a", "old"], ALL)) == {"a", "old"}
    assert store.rank_fields(ws, [], LIVE) == {}


def test_session_neighbours_are_the_rows_written_just_before_and_after_in_the_session(
    store: LongTermStore, ws: str, other: str
) -> None:
    store.put_rows(
        ws, [mem(ws, "a1", "one", session_id="s"), mem(ws, "b1", "lone", session_id="t")]
    )
    store.put_rows(ws, [mem(ws, "none", "no session"), mem(ws, "a2", "two", session_id="s")])
    store.put_rows(ws, [mem(ws, "a3", "three", session_id="s")], vectors={"a3": vec(4)})
    store.put_rows(other, [mem(other, "x", "elsewhere", session_id="s")])
    store.put_rows(ws, [mem(ws, "a1", "one, rewritten", session_id="s")])  # keeps its place
    got = store.session_neighbours(ws, ["a1", "a2", "a3", "b1", "none", "missing", "a2"], LIVE)
    assert got.of == {"a1": ["a2"], "a2": ["a1", "a3"], "a3": ["a2"]}
    assert {i: f[:3] for i, f in got.fields.items()} == {
        "a1": (0.5, T0.timestamp(), "one, rewritten"),
        "a2": (0.5, T0.timestamp(), "two"),
        "a3": (0.5, T0.timestamp(), "three"),
    }
    a3_vector = got.fields["a3"].vector
    assert a3_vector is not None and np.allclose(a3_vector, vec(4))
    assert store.session_neighbours(ws, [], LIVE) == ({}, {})


def test_session_neighbours_that_do_not_match_the_filter_are_left_out(
    store: LongTermStore, ws: str
) -> None:
    store.put_rows(
        ws,
        [
            mem(ws, "q", "question", session_id="s", tags=["chat"]),
            mem(ws, "r", "reply", session_id="s", superseded_by="r2"),
            mem(ws, "t", "thanks", session_id="s", tags=["chat"]),
        ],
    )
    assert store.session_neighbours(ws, ["q", "t"], LIVE).of == {}  # the reply is superseded
    assert store.session_neighbours(ws, ["r"], MemoryFilter(tags=("chat",))).of == {"r": ["q", "t"]}
    assert store.session_neighbours(ws, ["q"], ALL).of == {"q": ["r"]}  # not skipped over


def test_list_filters_orders_and_pages(store: LongTermStore, ws: str) -> None:
    rows = [
        mem(ws, "n1", "old note", minute=0, type="note", importance=0.2, session_id="s1"),
        mem(ws, "f1", "a fact", minute=10, tags=["auth", "x"], importance=0.9, session_id="s2"),
        mem(ws, "f0", "earlier fact", minute=5, tags=["db"], importance=0.5),
        mem(ws, "old", "stale fact", minute=1, superseded_by="f1"),
    ]
    store.put_rows(ws, rows)
    at = [(T0 + timedelta(minutes=m)).timestamp() for m in (0, 5, 10)]

    def listed(flt: MemoryFilter, **page: Any) -> list[str]:
        return [m.id for m in store.list_rows(ws, flt, **page)]

    assert listed(LIVE) == ["n1", "f0", "f1"]
    assert listed(ALL) == ["n1", "old", "f0", "f1"]
    assert listed(MemoryFilter(types=("note",))) == ["n1"]
    assert listed(MemoryFilter(tags=("auth", "db"))) == ["f0", "f1"]
    assert listed(MemoryFilter(min_importance=0.5)) == ["f0", "f1"]
    assert listed(MemoryFilter(since=at[1], until=at[2])) == ["f0", "f1"]
    assert listed(MemoryFilter(before=at[1], include_superseded=True)) == ["n1", "old"]
    assert listed(MemoryFilter(session_id="s2")) == ["f1"]
    assert listed(ALL, limit=2) == ["n1", "old"]
    assert listed(ALL, limit=2, offset=3) == ["f1"]
    assert listed(ALL, offset=1) == ["old", "f0", "f1"]
    assert listed(ALL, newest_first=True) == ["f1", "f0", "old", "n1"]
    assert listed(LIVE, newest_first=True, limit=2, offset=1) == ["f0", "n1"]


def test_workspace_stats_count_live_rows_per_workspace(
    store: LongTermStore, ws: str, other: str
) -> None:
    store.put_rows(ws, [mem(ws, "a", "one", minute=1), mem(ws, "b", "two", minute=7)])
    store.put_rows(ws, [mem(ws, "c", "three", minute=3, superseded_by="b")])
    store.put_rows(other, [mem(other, "d", "four", minute=2)])
    stats = store.workspace_stats()
    newest = max(m.updated_at for m in store.get_rows(ws, ["a", "b", "c"]).values())
    assert stats[ws] == (2, newest.timestamp())
    assert stats[other][0] == 1


def test_pending_until_marked_done(store: LongTermStore, ws: str) -> None:
    store.put_rows(ws, [mem(ws, "a", "first")], pending=True)
    store.put_rows(ws, [mem(ws, "b", "second")])
    assert [m.id for m in store.pending(ws)] == ["a"]
    store.mark_done(ws, ["a", "missing"])
    assert store.pending(ws) == []
    store.put_rows(ws, [mem(ws, "b", "second, again")], pending=True)  # rewriting re-flags
    assert [m.id for m in store.pending(ws)] == ["b"]


def test_pending_rows_come_first_written_first_and_by_workspace(
    store: LongTermStore, ws: str, other: str
) -> None:
    store.put_rows(ws, [mem(ws, m, m) for m in ("c", "a", "b")], pending=True)
    assert [m.id for m in store.pending(ws)] == ["c", "a", "b"]
    assert [m.id for m in store.pending(ws, limit=2)] == ["c", "a"]
    store.put_rows(other, [mem(other, "x", "x")], pending=True)
    assert {ws, other} <= set(store.pending_workspaces())
    store.mark_done(other, ["x"])
    assert other not in store.pending_workspaces()


def test_rows_keep_their_vectors_and_a_rewrite_without_one_keeps_it(
    store: LongTermStore, ws: str
) -> None:
    store.put_rows(ws, [mem(ws, "a", "alpha"), mem(ws, "b", "beta")], vectors={"a": vec(1)})
    kept = store.row_vectors(ws, ["a", "b", "missing"])
    assert list(kept) == ["a"] and np.allclose(kept["a"], vec(1), atol=1e-6)
    store.put_rows(ws, [mem(ws, "a", "alpha", importance=0.9)])  # no vector given: kept
    assert np.allclose(store.row_vectors(ws, ["a"])["a"], vec(1), atol=1e-6)
    store.put_rows(ws, [mem(ws, "a", "alpha, changed")], vectors={"a": vec(2)})
    assert np.allclose(store.row_vectors(ws, ["a"])["a"], vec(2), atol=1e-6)
    assert store.row_vectors(ws, []) == {}


def test_a_staged_row_is_found_by_its_kept_vector_before_it_is_indexed(
    store: LongTermStore, ws: str
) -> None:
    """The write path acknowledges once rows and vectors are durable; search sees them then."""
    old = mem(ws, "a", "moved", tags=["auth"])
    write(store, ws, old, mem(ws, "b", "stays"), axis={"a": 0, "b": 3})
    store.put_rows(ws, [mem(ws, "new", "fresh")], pending=True, vectors={"new": vec(0)})
    moved = replace(old, tags=["billing"])
    store.put_rows(ws, [moved], pending=True, vectors={"a": vec(5)})  # re-staged elsewhere
    [found] = store.search_vectors(ws, vec(0)[None, :], 3)
    assert ids(found)[0] == "new" and found[0][1] == pytest.approx(1.0, abs=1e-4)
    scores = dict(found)
    assert "a" not in scores or scores["a"] == pytest.approx(0.0, abs=1e-4)  # the kept vector
    assert store.search_vectors(ws, vec(0)[None, :], 5, MemoryFilter(tags=("auth",))) == [[]]
    [billing] = store.search_vectors(ws, vec(5)[None, :], 5, MemoryFilter(tags=("billing",)))
    assert ids(billing) == ["a"]
    [first] = store.search_vectors(ws, np.stack([vec(0), vec(3)]), 1)[:1]
    assert ids(first) == ["new"]


def test_many_restaged_rows_do_not_hide_the_index_s_other_hits(
    store: LongTermStore, ws: str
) -> None:
    """More staged rows than the search asks for, all still in the index at their old place:
    the index is asked again, deeper, rather than answering with too few or wrong hits."""
    moved = [mem(ws, f"m{n}", f"moved {n}") for n in range(10)]
    kept = [mem(ws, "k1", "kept one"), mem(ws, "k2", "kept two")]
    store.put_rows(ws, [*moved, *kept])
    old = {m.id: vec(0) for m in moved} | {"k1": vec(0, 1), "k2": vec(0, 2)}
    store.put_vectors(ws, [*moved, *kept], old)
    store.put_rows(ws, moved, pending=True, vectors={m.id: vec(7) for m in moved})
    [found] = store.search_vectors(ws, vec(0)[None, :], 2)
    assert sorted(ids(found)) == ["k1", "k2"]
    assert [s for _, s in found] == pytest.approx([0.7071, 0.7071], abs=1e-3)


def test_a_filter_finds_lexical_matches_beyond_the_best_ranked_ones(
    store: LongTermStore, ws: str
) -> None:
    """Forty memories mention the deploy; the two of one session rank last (longest texts).
    A search filtered to that session still finds both."""
    rows = [mem(ws, f"d{n}", f"deploy {n}") for n in range(40)]
    filler = " and then some more words about other things" * 3
    rows += [mem(ws, f"s{n}", f"deploy {n}{filler}", session_id="mine") for n in range(2)]
    store.put_rows(ws, rows)
    found = store.search_text(ws, "deploy", 5, MemoryFilter(session_id="mine"))
    assert sorted(ids(found)) == ["s0", "s1"]
    assert len(store.search_text(ws, "deploy", 5, LIVE)) == 5


def test_aliases_resolve_and_missing_ones_are_none(store: LongTermStore, ws: str) -> None:
    store.put_rows(ws, [mem(ws, "target", "merged memory")], aliases=[("cand", "target")])
    assert store.resolve_alias(ws, "cand") == "target"
    assert store.resolve_alias(ws, "nobody") is None


def test_the_first_embedder_recorded_stays_unless_replaced_per_workspace(
    store: LongTermStore, ws: str, other: str
) -> None:
    assert store.embedder_of(ws) is None
    assert store.record_embedder(ws, "model-a") == "model-a"
    assert store.record_embedder(ws, "model-b") == "model-a"  # a second first writer loses
    assert store.embedder_of(ws) == "model-a"
    assert store.embedder_of(other) is None
    assert store.record_embedder(ws, "model-b", replace=True) == "model-b"  # repair --full
    assert store.embedder_of(ws) == "model-b"


def test_live_lookups_find_the_newest_live_row(store: LongTermStore, ws: str) -> None:
    text = "The database port is 5432"
    older = mem(ws, "a", text, minute=0, key="db_port")
    newer = mem(ws, "b", text, minute=1, key="db_port")
    gone = mem(ws, "c", text, minute=2, key="db_port", superseded_by="b")
    store.put_rows(ws, [older, newer, gone])
    assert store.live_by_hash(ws, content_hash(text)) == newer
    assert store.live_by_key(ws, "db_port") == newer
    assert store.live_by_hash(ws, content_hash("nothing like it")) is None
    assert store.live_by_key(ws, "other_key") is None


# -- dense index --------------------------------------------------------------------------------
def test_vectors_round_trip_idempotently(store: LongTermStore, ws: str) -> None:
    a = mem(ws, "a", "alpha")
    write(store, ws, a)
    write(store, ws, a)
    got = store.get_vectors(ws, ["a", "missing"])
    assert list(got) == ["a"] and np.allclose(got["a"], vec(0), atol=1e-6)
    assert store.count_vectors(ws) == 1
    assert store.get_vectors(ws, []) == {}


def test_cosine_scores_best_first_within_range(store: LongTermStore, ws: str) -> None:
    rows = [mem(ws, i, i) for i in ("same", "close", "orthogonal", "opposite")]
    store.put_rows(ws, rows)
    vectors = {"same": vec(0), "close": vec(0, 1), "orthogonal": vec(2), "opposite": -vec(0)}
    store.put_vectors(ws, rows, vectors)
    [found] = store.search_vectors(ws, vec(0)[None, :], 10)
    assert ids(found) == ["same", "close", "orthogonal", "opposite"]
    scores = [s for _, s in found]
    assert scores == pytest.approx([1.0, 2**-0.5, 0.0, -1.0], abs=1e-4)
    assert ids(store.search_vectors(ws, vec(0)[None, :], 2)[0]) == ["same", "close"]


def test_a_batch_of_queries_gets_one_list_each(store: LongTermStore, ws: str) -> None:
    write(store, ws, *[mem(ws, f"m{n}", f"text {n}") for n in range(3)])
    found = store.search_vectors(ws, np.stack([vec(2), vec(0), vec(1)]), 1)
    assert [ids(f) for f in found] == [["m2"], ["m0"], ["m1"]]
    assert store.search_vectors(f"{ws}-empty", np.stack([vec(0), vec(1)]), 3) == [[], []]


def test_vector_filters_use_the_rows_snapshot(store: LongTermStore, ws: str) -> None:
    live = mem(ws, "live", "current", tags=["auth"])
    old = mem(ws, "old", "history", superseded_by="live")
    write(store, ws, live, old, axis={"live": 0, "old": 0})
    query = vec(0)[None, :]
    assert sorted(ids(store.search_vectors(ws, query, 5)[0])) == ["live", "old"]
    assert ids(store.search_vectors(ws, query, 5, LIVE)[0]) == ["live"]
    assert ids(store.search_vectors(ws, query, 5, MemoryFilter(tags=("auth",)))[0]) == ["live"]
    retagged = replace(live, tags=["other"])
    store.put_vectors(ws, [retagged], {})  # no vector: only the snapshot changes
    assert store.search_vectors(ws, query, 5, MemoryFilter(tags=("auth",))) == [[]]
    assert np.allclose(store.get_vectors(ws, ["live"])["live"], vec(0), atol=1e-6)
    store.put_vectors(ws, [mem(ws, "never", "not indexed")], {})  # nothing to refresh
    assert store.count_vectors(ws) == 2


def test_deleting_and_dropping_vectors(store: LongTermStore, ws: str) -> None:
    write(store, ws, *[mem(ws, f"m{n}", f"text {n}") for n in range(3)])
    store.delete_vectors(ws, ["m0", "missing"])
    store.delete_vectors(ws, ["m0"])
    assert store.count_vectors(ws) == 2 and store.get_vectors(ws, ["m0"]) == {}
    store.drop_vectors(ws)
    assert store.count_vectors(ws) == 0
    assert store.count_rows(ws) == 3  # rows are the engine's to delete
    write(store, ws, mem(ws, "m9", "after the drop"))
    assert store.count_vectors(ws) == 1


def test_a_batch_bigger_than_the_index_takes_in_one_call(store: LongTermStore, ws: str) -> None:
    """6,000 vectors (an import, a repair) exceed Chroma's max batch of 5,461: still one call."""
    rows = [mem(ws, f"m{n}", f"text {n}") for n in range(6000)]
    store.put_rows(ws, rows)
    store.put_vectors(ws, rows, {m.id: vec(n % DIM) for n, m in enumerate(rows)})
    assert store.count_vectors(ws) == 6000
    store.put_vectors(ws, rows, {})  # snapshots refreshed from the stored vectors
    assert store.count_vectors(ws) == 6000
    store.delete_vectors(ws, [m.id for m in rows[:5500]])
    assert store.count_vectors(ws) == 500


# -- lexical index ------------------------------------------------------------------------------
def test_text_search_ranks_rows_holding_more_and_rarer_query_terms_first(
    store: LongTermStore, ws: str
) -> None:
    store.put_rows(ws, [
        mem(ws, "both", "postgres replication lag"),
        mem(ws, "rare", "replication is configured per cluster"),
        mem(ws, "older", "postgres holds rows"),
        mem(ws, "newer", "postgres runs jobs"),
        mem(ws, "none", "redis holds the sessions"),
    ])  # fmt: skip
    found = store.search_text(ws, "the postgres REPLICATION?", 10, LIVE)
    # both words; then the rarer word (in 2 rows, "postgres" is in 3); then equals, newest first
    assert ids(found) == ["both", "rare", "newer", "older"]
    scores = [s for _, s in found]
    assert all(s > 0 for s in scores) and scores[0] > scores[1] > scores[2]
    assert ids(store.search_text(ws, "postgres replication", 1, LIVE)) == ["both"]
    # one word, in three rows of three words each: all equal, so newest first
    assert ids(store.search_text(ws, "postgres", 10, LIVE)) == ["newer", "older", "both"]


def test_text_search_without_words_or_rows_is_empty(store: LongTermStore, ws: str) -> None:
    assert store.search_text(ws, "postgres", 10, LIVE) == []  # nothing written yet
    store.put_rows(ws, [mem(ws, "a", "postgres is the database")])
    assert store.search_text(ws, "", 10, LIVE) == []
    assert store.search_text(ws, "?! ...", 10, LIVE) == []
    [(found, score)] = store.search_text(ws, "the", 10, LIVE)  # only stopwords: kept as words
    assert found == "a" and score > 0


def test_text_search_applies_the_filter_and_follows_rewrites(store: LongTermStore, ws: str) -> None:
    a = mem(ws, "a", "deploys happen on tuesday", type="note")
    b = mem(ws, "b", "deploys are automated", superseded_by="a")
    store.put_rows(ws, [a, b])
    assert ids(store.search_text(ws, "deploys", 10, LIVE)) == ["a"]
    assert sorted(ids(store.search_text(ws, "deploys", 10, ALL))) == ["a", "b"]
    assert store.search_text(ws, "deploys", 10, MemoryFilter(types=("fact",))) == []
    store.put_rows(ws, [replace(a, content="releases happen on thursday")])
    assert store.search_text(ws, "tuesday", 10, LIVE) == []
    assert ids(store.search_text(ws, "thursday", 10, LIVE)) == ["a"]


def test_text_search_finds_the_few_rows_a_filter_keeps_among_many_better_ones(
    store: LongTermStore, ws: str
) -> None:
    """The best page of all matches holds none the filter keeps: every match is filtered."""
    notes = [mem(ws, f"note{i}", f"postgres note {i}", type="note") for i in range(2)]
    facts = [mem(ws, f"fact{i}", f"postgres replication fact {i}") for i in range(30)]
    store.put_rows(ws, [*notes, *facts])
    found = store.search_text(ws, "postgres replication", 2, MemoryFilter(types=("note",)))
    assert ids(found) == ["note1", "note0"]


def test_text_search_counts_a_word_and_its_inflection_once(store: LongTermStore, ws: str) -> None:
    """ "deploys" and "deploy" are one term: a row holding it does not score it twice."""
    store.put_rows(ws, [
        mem(ws, "bill", "billing runs monthly"),
        mem(ws, "word", "deploys happen nightly"),
        mem(ws, "word2", "we deploy on fridays"),
        mem(ws, "other", "redis holds sessions"),
    ])  # fmt: skip
    found = store.search_text(ws, "deploy deploys billing", 10, LIVE)
    assert ids(found)[0] == "bill"  # the rarer word beats the commoner one, even said twice


def test_text_search_takes_a_query_of_a_thousand_distinct_words(
    store: LongTermStore, ws: str
) -> None:
    """A pasted document as the query (recall takes 8 KiB): no SQL limit is hit, and the row
    holding its words is found."""
    store.put_rows(ws, [
        mem(ws, "hit", "zq17 zq940 replication"),
        mem(ws, "other", "redis holds sessions"),
    ])  # fmt: skip
    query = " ".join(f"zq{i}" for i in range(1000))
    assert len(query) <= 8 * 1024
    assert ids(store.search_text(ws, query, 10, LIVE)) == ["hit"]


def test_expiry_hides_rows_from_lists_and_text_search(store: LongTermStore, ws: str) -> None:
    """``live_at`` hides what expired by then; ``expired_by`` finds it (the sweep)."""
    soon, later = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    store.put_rows(
        ws,
        [
            mem(ws, "brief", "deploy window tonight", expires_at=soon),
            mem(ws, "longer", "deploy freeze this week", minute=1, expires_at=later),
            mem(ws, "kept", "deploy checklist", minute=2),
        ],
    )
    assert store.get_rows(ws, ["brief"])["brief"].expires_at == soon  # the row carries it
    between = (soon + timedelta(minutes=30)).timestamp()

    def listed(flt: MemoryFilter) -> list[str]:
        return [m.id for m in store.list_rows(ws, flt)]

    assert listed(MemoryFilter(live_at=T0.timestamp())) == ["brief", "longer", "kept"]
    assert listed(MemoryFilter(live_at=between)) == ["longer", "kept"]
    assert listed(MemoryFilter(live_at=soon.timestamp())) == ["longer", "kept"]  # at: gone
    assert listed(MemoryFilter(expired_by=between)) == ["brief"]
    assert listed(MemoryFilter(expired_by=T0.timestamp())) == []
    found = store.search_text(ws, "deploy", 10, MemoryFilter(live_at=between))
    assert sorted(ids(found)) == ["kept", "longer"]
    store.put_rows(ws, [replace(store.get_rows(ws, ["brief"])["brief"], expires_at=later)])
    assert listed(MemoryFilter(live_at=between)) == ["brief", "longer", "kept"]  # moved


# -- the writers' lock --------------------------------------------------------------------------
def test_the_lock_is_reentrant_and_excludes_other_threads(store: LongTermStore) -> None:
    entered = threading.Event()

    def other_writer() -> None:
        with store.locked():
            entered.set()

    with store.locked(), store.locked():
        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not entered.wait(0.2)
    assert entered.wait(5)
    thread.join()
