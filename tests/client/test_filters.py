"""Filters read as a user means them: one string is one value, an empty list is an error.

Both were defects: ``forget_where(tags="important")`` was read as the tags "i", "m", "p", ...,
and ``recall(types=[])`` reached Chroma as an empty ``$in`` (an untyped error, a 500 remotely).
"""

from __future__ import annotations

import pytest

from agent_session_memory import InvalidInput, MemoryClient


def test_a_single_string_is_one_tag_or_type(client: MemoryClient) -> None:
    client.remember("Rotate the keys monthly", tags=["important"], workspace_id="w")
    client.remember("Lunch is at noon", tags=["i", "m", "p"], workspace_id="w")
    client.remember("We prefer tabs", type="preference", workspace_id="w")
    hits = client.recall("keys", k=5, tags="important", workspace_id="w")
    assert [h.memory.content for h in hits] == ["Rotate the keys monthly"]
    prefs = client.list_memories(types="preference", workspace_id="w")
    assert [m.content for m in prefs] == ["We prefer tabs"]
    assert client.forget_where(tags="important", workspace_id="w") == 1
    left = sorted(m.content for m in client.list_memories(workspace_id="w"))
    assert left == ["Lunch is at noon", "We prefer tabs"]


@pytest.mark.parametrize("field", ["types", "tags"])
def test_an_empty_filter_list_is_refused_and_forgets_nothing(
    client: MemoryClient, field: str
) -> None:
    client.remember("Keep me", tags=["t"], workspace_id="w")
    with pytest.raises(InvalidInput, match="empty list"):
        client.recall("keep", **{field: []}, workspace_id="w")
    with pytest.raises(InvalidInput, match="empty list"):
        client.forget_where(**{field: []}, workspace_id="w")
    assert [m.content for m in client.list_memories(workspace_id="w")] == ["Keep me"]
