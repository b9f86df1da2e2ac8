"""Recall scores through the public API (embedded and remote): absolute, with a threshold."""

from __future__ import annotations

from typing import Any

import pytest

from agent_session_memory import InvalidInput, MemoryClient


def test_an_unrelated_query_scores_low_with_one_memory_stored(client: MemoryClient) -> None:
    client.remember("We chose JWT tokens signed with RS256 for authentication")
    [hit] = client.recall("what is the capital of France")
    assert hit.score < 0.2
    [good] = client.recall("how are authentication tokens signed?")
    assert good.score > 0.5
    assert 0 < good.semantic_score <= 1 and 0 < good.lexical_score <= 1
    assert good.recency_score == pytest.approx(1.0, abs=0.01) and good.importance_score == 0.5


def test_min_score_is_a_threshold(client: MemoryClient) -> None:
    auth = client.remember("We chose JWT tokens signed with RS256 for authentication")
    client.remember("The cafeteria serves soup on Fridays")
    assert client.recall("what is the capital of France", min_score=0.3) == []
    hits = client.recall("how are authentication tokens signed?", min_score=0.3)
    assert [h.memory.id for h in hits] == [auth.id]
    assert client.recall("how are authentication tokens signed?", min_score=0.0)[-1].score < 0.3


@pytest.mark.parametrize("bad", [-0.1, 1.5, "high", True])
def test_min_score_out_of_range_is_invalid_input(client: MemoryClient, bad: Any) -> None:
    client.remember("We chose JWT tokens signed with RS256 for authentication")
    with pytest.raises(InvalidInput) as caught:
        client.recall("tokens", min_score=bad)
    assert caught.value.details["field"] == "min_score"
