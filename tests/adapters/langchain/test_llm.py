"""LLM plug-ins on LangChain models: the core's behaviour, called through invoke / ainvoke.

What the plug-ins do with a reply (strict shapes, caps, fallback, hardening) is tested once, in
tests/llm and tests/adapters/test_llm_parity.py; this file covers how LangChain models are called.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake import FakeListLLM
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from agent_session_memory import MemoryClient
from agent_session_memory.adapters.langchain import (
    ChatModelBriefingSummarizer,
    ChatModelFactExtractor,
    ChatModelScorer,
)
from agent_session_memory.engine.protocols import (
    BriefingSummarizer,
    FactExtractor,
    ImportanceScorer,
)
from agent_session_memory.engine.scoring import HeuristicScorer

from ...llm.samples import BRIEFING, ITEMS


def _model(*replies: str) -> FakeListChatModel:
    return FakeListChatModel(responses=list(replies))


def test_protocols_are_implemented() -> None:
    assert isinstance(ChatModelScorer(_model()), ImportanceScorer)
    assert isinstance(ChatModelFactExtractor(_model()), FactExtractor)
    assert isinstance(ChatModelBriefingSummarizer(_model()), BriefingSummarizer)


def test_chat_models_and_text_llms_both_work() -> None:
    reply = '```json\n{"scores": [0.9, 0.1]}\n```'
    assert ChatModelScorer(_model(reply)).score(ITEMS) == [0.9, 0.1]
    assert ChatModelScorer(FakeListLLM(responses=[reply])).score(ITEMS) == [0.9, 0.1]


def test_content_blocks_are_read_as_text() -> None:
    class Blocks(FakeListChatModel):
        def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
            parts = [{"type": "text", "text": '{"facts": '}, {"type": "text", "text": '["A."]}'}]
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=parts))])

    assert ChatModelFactExtractor(Blocks(responses=[""])).extract(ITEMS[0]) == ["A."]


async def test_the_async_face_uses_ainvoke() -> None:
    class AsyncOnly(FakeListChatModel):
        def _call(self, *args: Any, **kwargs: Any) -> str:
            raise AssertionError("the blocking path was used")

        async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
            message = AIMessage(content='{"summary": "From ainvoke."}')
            return ChatResult(generations=[ChatGeneration(message=message)])

    summarizer = ChatModelBriefingSummarizer(AsyncOnly(responses=[""]))
    assert await summarizer.asummarize(BRIEFING) == "From ainvoke."


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


def test_fact_extractor_plugs_into_the_client_commit(tmp_path: Any) -> None:
    model = _model('{"facts": ["The team chose Postgres.", "Postgres runs on port 5432."]}')
    with MemoryClient(path=str(tmp_path / "h"), fact_extractor=ChatModelFactExtractor(model)) as c:
        session = c.create_session(600)
        c.set_context(session.id, "decision_db", "Postgres on 5432", importance=0.9)
        assert c.commit_session(session.id).memories_created == 2
        assert {h.memory.content for h in c.recall("Postgres", k=5)} >= {
            "The team chose Postgres.",
            "Postgres runs on port 5432.",
        }


def test_runnables_over_a_model_work_too() -> None:
    bound = _model('{"scores": [0.4, 0.6]}').bind(stop=["\n\n\n"])
    assert ChatModelScorer(bound).score(ITEMS) == [0.4, 0.6]
