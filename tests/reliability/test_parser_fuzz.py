"""Fuzz targets for the two parsers that take structured input: import records and memory
filters. Bounded (a few seconds each); ``FUZZ_EXAMPLES`` raises the count for a longer run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_session_memory import MemoryClient
from agent_session_memory.engine.importing import FIELDS, check_records
from agent_session_memory.errors import InvalidInput
from agent_session_memory.limits import Limits

from .strategies import hostile

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

fitting_record = st.fixed_dictionaries(
    {"id": st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True), "content": st.just("c")},
    optional={
        "type": st.sampled_from(["fact", "decision"]),
        "importance": st.floats(min_value=0, max_value=1),
        "tags": st.lists(st.sampled_from(["a", "b"]), max_size=2),
        "created_at": st.sampled_from(["2026-01-01T00:00:00+00:00", None]),
        "metadata": st.dictionaries(st.text(max_size=3), st.integers(-5, 5), max_size=2),
    },
)
field_names = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=6))
any_record = st.one_of(
    fitting_record,
    st.dictionaries(field_names, hostile, max_size=5),
    fitting_record.flatmap(
        lambda r: st.builds(lambda k, v: {**r, k: v}, st.sampled_from(sorted(FIELDS)), hostile)
    ),
    hostile,
)


@FUZZ
@given(records=st.lists(any_record, max_size=4))
def test_import_records_parse_or_are_refused_by_index(records: list[Any]) -> None:
    try:
        memories = check_records(records, "w", Limits())
    except InvalidInput as exc:
        assert exc.message.startswith("records") or exc.details.get("field") == "records"
        return
    assert [m.id for m in memories] == [r["id"] for r in records]
    assert all(m.workspace_id == "w" and m.content_hash for m in memories)


# -- filters: the SQL, the Chroma where clause and the in-process rule must agree --------------
MEMORIES = [
    {"id": f"m{i}", "content": f"note {i}", "type": t, "importance": imp, "tags": tags}
    for i, (t, imp, tags) in enumerate(
        [
            ("fact", 0.1, []),
            ("fact", 0.5, ["a"]),
            ("decision", 0.9, ["a", "b"]),
            ("decision", 0.5, ["b"]),
            ("preference", 1.0, ["c"]),
        ]
    )
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemoryClient]:
    home: Path = tmp_path_factory.mktemp("filters") / "home"
    with MemoryClient(path=str(home)) as client:
        client.import_workspace(MEMORIES)
        yield client


def _expected(types: Any, tags: Any, min_importance: float | None) -> set[str]:
    types = [types] if isinstance(types, str) else types
    tags = [tags] if isinstance(tags, str) else tags
    return {
        m["id"]
        for m in MEMORIES
        if (types is None or m["type"] in types)
        and (tags is None or set(tags) & set(m["tags"]))
        and (min_importance is None or m["importance"] >= min_importance)
    }


names = st.sampled_from(["fact", "decision", "preference", "other"])
labels = st.sampled_from(["a", "b", "c", "z"])


@FUZZ
@given(
    types=st.one_of(st.none(), names, st.lists(names, min_size=1, max_size=3)),
    tags=st.one_of(st.none(), labels, st.lists(labels, min_size=1, max_size=3)),
    min_importance=st.one_of(st.none(), st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0])),
)
def test_filters_select_the_same_memories_in_every_path(
    loaded: MemoryClient, types: Any, tags: Any, min_importance: float | None
) -> None:
    expected = _expected(types, tags, min_importance)
    flt = {"types": types, "tags": tags}
    listed = {m.id for m in loaded.list_memories(**flt)}  # SQL
    recalled = {  # Chroma's where clause and the lexical index's SQL, fused
        h.memory.id for h in loaded.recall("note", k=10, min_importance=min_importance, **flt)
    }
    assert listed == _expected(types, tags, None)
    assert recalled == expected


@FUZZ
@given(
    types=st.one_of(st.none(), hostile),
    tags=st.one_of(st.none(), hostile),
    min_importance=st.one_of(st.none(), hostile),
    since=st.one_of(st.none(), hostile),
)
def test_hostile_filters_are_refused_or_select_a_subset(
    loaded: MemoryClient, types: Any, tags: Any, min_importance: Any, since: Any
) -> None:
    everything = {m["id"] for m in MEMORIES}
    try:
        found = loaded.recall(
            "note", k=10, types=types, tags=tags, min_importance=min_importance, since=since
        )
    except InvalidInput:
        return
    assert {h.memory.id for h in found} <= everything
    forgettable = {"types": types, "tags": tags}
    try:
        assert {m.id for m in loaded.list_memories(**forgettable)} <= everything
    except InvalidInput:
        return
