"""LLM plug-ins: strict parsing, structured output, deterministic fallback on bad replies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.runnables import RunnableLambda

from agent_session_memory import Briefing, MemoryClient
from agent_session_memory.adapters.langchain import (
    ChatModelBriefingSummarizer,
    ChatModelFactExtractor,
    ChatModelScorer,
)
from agent_session_memory.engine.protocols import (
    BriefingSummarizer,
    FactExtractor,
    ImportanceScorer,
    ScoringItem,
)
from agent_session_memory.engine.scoring import HeuristicScorer

ITEMS = [
    ScoringItem(
        key="decision_db",
        value="Postgres",
        content="decision_db: We chose Postgres",
        rewrites=0,
        reads=2,
    ),
    ScoringItem(key="tmp_cursor", value=3, content="tmp_cursor: 3", rewrites=0, reads=0),
]
BRIEFING = Briefing(
    workspace_id="w",
    generated_at=datetime.now(UTC),
    lookback_hours=24,
    workspace_summary="2 memories",
    recent_activity_summary="Deterministic.",
)


def _model(*replies: str) -> FakeListChatModel:
    return FakeListChatModel(responses=list(replies))


class StructuredFake(FakeListChatModel):
    """A model whose structured output returns a fixed object (what real providers do)."""

    answer: Any = None

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return RunnableLambda(lambda _messages: self.answer)


def test_protocols_are_implemented() -> None:
    assert isinstance(ChatModelScorer(_model()), ImportanceScorer)
    assert isinstance(ChatModelFactExtractor(_model()), FactExtractor)
    assert isinstance(ChatModelBriefingSummarizer(_model()), BriefingSummarizer)


def test_scorer_parses_json_replies() -> None:
    reply = '```json\n{"scores": [0.9, 0.1]}\n```'
    assert ChatModelScorer(_model(reply)).score(ITEMS) == [0.9, 0.1]


def test_scorer_uses_structured_output_when_available() -> None:
    model = StructuredFake(responses=["unused"], answer={"scores": [0.7, 0.2]})
    assert ChatModelScorer(model).score(ITEMS) == [0.7, 0.2]


@pytest.mark.parametrize(
    "reply",
    [
        "I think both matter.",
        '{"scores": [0.9]}',
        '{"scores": [1.5, 0.1]}',
        '{"scores": ["high", "low"]}',
        '{"score": [0.1, 0.2]}',
        "{not json",
    ],
)
def test_scorer_falls_back_on_malformed_replies(reply: str) -> None:
    assert ChatModelScorer(_model(reply)).score(ITEMS) == HeuristicScorer().score(ITEMS)


def test_scorer_batches() -> None:
    model = _model('{"scores": [0.5]}', '{"scores": [0.6]}')
    assert ChatModelScorer(model, batch_size=1).score(ITEMS) == [0.5, 0.6]


def test_fact_extractor() -> None:
    reply = '{"facts": ["The team chose Postgres.", "  "]}'
    assert ChatModelFactExtractor(_model(reply)).extract(ITEMS[0]) == ["The team chose Postgres."]
    assert ChatModelFactExtractor(_model("nope")).extract(ITEMS[0]) == []
    too_many = '{"facts": ["a", "b", "c"]}'
    assert ChatModelFactExtractor(_model(too_many), max_facts=2).extract(ITEMS[0]) == []


def test_briefing_summarizer() -> None:
    good = '{"summary": "Yesterday the team picked Postgres; auth is still open."}'
    assert ChatModelBriefingSummarizer(_model(good)).summarize(BRIEFING).startswith("Yesterday")
    assert ChatModelBriefingSummarizer(_model('{"summary": ""}')).summarize(BRIEFING) == (
        "Deterministic."
    )


def test_model_errors_fall_back() -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise RuntimeError("provider down")

    assert ChatModelScorer(Broken(responses=["x"])).score(ITEMS) == HeuristicScorer().score(ITEMS)


def test_scorer_plugs_into_the_client_commit(tmp_path: Any) -> None:
    reply = '{"scores": [0.95, 0.05]}'
    with MemoryClient(path=str(tmp_path / "h"), scorer=ChatModelScorer(_model(reply))) as client:
        session = client.create_session(600)
        client.set_contexts(session.id, {"decision_db": "We chose Postgres", "tmp_cursor": 3})
        result = client.commit_session(session.id, min_importance=0.5)
    assert result.memories_created == 1 and result.below_threshold == 1
