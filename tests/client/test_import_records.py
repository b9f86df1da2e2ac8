"""Import, as a user calls it (embedded and remote): times in either form, and what an id the
workspace already holds does under each ``on_conflict`` mode."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.errors import InvalidInput

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
