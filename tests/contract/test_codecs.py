"""The wire codecs of the public models derive from their types and rebuild the same objects."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from agent_session_memory.contract import OPERATIONS
from agent_session_memory.models import (
    ActivityEntry,
    Briefing,
    CommitResult,
    ContextItem,
    Event,
    EventType,
    Memory,
    Message,
    OpenThread,
    RecallHit,
    Session,
    SessionStatus,
    ThreadStatus,
)

NOW = datetime(2026, 12, 3, 9, 30, 15, 123456, tzinfo=UTC)
MEMORY = Memory(
    id="m1",
    workspace_id="ws",
    content="We chose JWT",
    tags=["auth"],
    metadata={"source": "adr-7", "nested": {"list": [1, 2.5, None, "é"]}},
    source_sessions=["s1", "s2"],
    created_at=NOW,
)
BRIEFING = Briefing(
    workspace_id="ws",
    generated_at=NOW,
    lookback_hours=24,
    workspace_summary="One session.",
    recent_activity=[
        ActivityEntry("s1", NOW, NOW, SessionStatus.ENDED, "Fixed login", 2, ["Use JWT"])
    ],
    recent_activity_summary="Fixed login.",
    open_threads=[OpenThread("deploy", ThreadStatus.BLOCKED, NOW, "working_memory", "s1", "k")],
    memories=[MEMORY],
)
SAMPLES = [
    ContextItem(key="task", value={"goal": "ship", "n": [1, {"x": None}]}, version=3, reads=2),
    Message(role="assistant", content="hi", seq=4, tool_calls=[{"id": "c1"}], created_at=NOW),
    Event("e1", "ws", EventType.MEMORY_CREATED, NOW, memory_id="m1", data={"k": 1}),
    MEMORY,
    RecallHit(MEMORY, 0.87, semantic_score=0.9, lexical_score=0.0, recency_score=1.0),
    CommitResult("s1", memories_created=2, memory_ids=["m1", "m2"]),
    BRIEFING,
    Session("s1", "ws", SessionStatus.ACTIVE, NOW, NOW, 3600.0, {"a": 1}, briefing=BRIEFING),
]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: type(s).__name__)
def test_every_model_survives_json_exactly(sample: object) -> None:
    text = json.dumps(sample.to_dict())  # type: ignore[attr-defined]
    back = type(sample).from_dict(json.loads(text))  # type: ignore[attr-defined]
    assert back == sample
    assert type(back) is type(sample)


def test_times_are_iso_8601_and_enums_their_values() -> None:
    data = SAMPLES[-1].to_dict()  # type: ignore[attr-defined]
    assert data["status"] == "active"
    assert datetime.fromisoformat(data["created_at"]) == NOW
    assert data["briefing"]["open_threads"][0]["status"] == "blocked"


def test_an_operation_result_round_trips_through_its_declared_type() -> None:
    recall = OPERATIONS["recall"].result
    hits = [RecallHit(MEMORY, 0.5)]
    assert recall.validate_json(recall.dump_json(hits)) == hits
    items = OPERATIONS["get_context_items"].result
    value = {"task": SAMPLES[0]}
    assert items.validate_python(items.dump_python(value, mode="json")) == value


def test_a_bad_parameter_is_named() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        OPERATIONS["recall"].params_model.model_validate_json('{"query": "x", "k": "many"}')
    assert caught.value.errors()[0]["loc"] == ("k",)
