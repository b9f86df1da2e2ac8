"""Import, as a user calls it (embedded and remote): times in either form, and what an id the
workspace already holds does under each ``on_conflict`` mode."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.errors import Conflict, InvalidInput

EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z


def test_epoch_seconds_are_a_time_like_iso_8601(client: MemoryClient) -> None:
    client.import_workspace(
        [
            {"id": "m1", "content": "epoch int", "created_at": EPOCH, "updated_at": EPOCH + 60},
            {"id": "m2", "content": "epoch float", "created_at": EPOCH + 0.5},
            {"id": "m3", "content": "iso", "created_at": "2026-01-01T00:00:00+00:00"},
        ]
    )
    got = {m.id: m for m in client.list_memories()}
    first = datetime(2026, 1, 1, tzinfo=UTC)
    assert got["m1"].created_at == first
    assert got["m1"].updated_at == datetime(2026, 1, 1, 0, 1, tzinfo=UTC)
    assert got["m2"].created_at == datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    assert got["m3"].created_at == first


@pytest.mark.parametrize(
    "value", [True, False, 10**15, -(10**15), 1e300, "2026-13-01", "yesterday", [EPOCH], {}]
)
def test_a_time_that_is_no_time_is_refused_and_nothing_is_written(
    client: MemoryClient, value: Any
) -> None:
    records = [
        {"id": "ok", "content": "fine"},
        {"id": "bad", "content": "bad time", "created_at": value},
    ]
    with pytest.raises(InvalidInput) as info:
        client.import_workspace(records)
    assert "records[1]" in info.value.message
    assert client.list_memories() == []


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinite_times_are_refused(client: MemoryClient, value: float) -> None:
    with pytest.raises(InvalidInput):
        client.import_workspace([{"id": "bad", "content": "x", "updated_at": value}])
    assert client.list_memories() == []


def _two(client: MemoryClient) -> None:
    result = client.import_workspace(
        [{"id": "a", "content": "JWT tokens guard the login"}, {"id": "b", "content": "old b"}]
    )
    assert (result.imported, result.skipped, result.replaced) == (2, 0, 0)


INCOMING = [
    {"id": "b", "content": "the deploy runs on Fridays", "tags": ["new"]},
    {"id": "c", "content": "Redis keeps the hot keys"},
]


def test_by_default_an_existing_id_refuses_the_whole_import(client: MemoryClient) -> None:
    _two(client)
    with pytest.raises(Conflict) as info:
        client.import_workspace(INCOMING)
    assert info.value.details["ids"] == ["b"]
    assert {m.id: m.content for m in client.list_memories()} == {
        "a": "JWT tokens guard the login",
        "b": "old b",
    }


def test_skip_keeps_existing_memories_and_imports_the_rest(client: MemoryClient) -> None:
    _two(client)
    result = client.import_workspace(INCOMING, on_conflict="skip")
    assert (result.imported, result.skipped, result.replaced) == (1, 1, 0)
    assert {m.id: m.content for m in client.list_memories()} == {
        "a": "JWT tokens guard the login",
        "b": "old b",
        "c": "Redis keeps the hot keys",
    }
    # the same import again: everything is already there
    again = client.import_workspace(INCOMING, on_conflict="skip")
    assert (again.imported, again.skipped, again.replaced) == (0, 2, 0)
    assert len(client.list_memories()) == 3


def test_replace_overwrites_existing_memories_re_embedded(client: MemoryClient) -> None:
    _two(client)
    result = client.import_workspace(INCOMING, on_conflict="replace")
    assert (result.imported, result.skipped, result.replaced) == (1, 0, 1)
    got = {m.id: m for m in client.list_memories()}
    assert sorted(got) == ["a", "b", "c"]
    assert got["b"].content == "the deploy runs on Fridays"
    assert got["b"].tags == ["new"]
    # the new text is what recall finds (vector and lexical index follow the row)
    assert client.recall("which weekday do we ship releases?", k=1)[0].memory.id == "b"
    assert client.recall("old b", k=3, tags=["new"])[0].memory.id == "b"
    assert client.recall("Fridays", k=3)[0].memory.id == "b"


@pytest.mark.parametrize("mode", ["overwrite", "", "SKIP", 1, None])
def test_an_unknown_conflict_mode_is_refused_and_nothing_is_written(
    client: MemoryClient, mode: Any
) -> None:
    with pytest.raises(InvalidInput):
        client.import_workspace(INCOMING, on_conflict=mode)
    assert client.list_memories() == []
