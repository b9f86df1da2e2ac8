"""LLM plug-ins on LlamaIndex LLMs: the core's behaviour, called through complete / acomplete.

What the plug-ins do with a reply (strict shapes, caps, fallback, hardening) is tested once, in
tests/llm and tests/adapters/test_llm_parity.py; this file covers how LlamaIndex LLMs are called.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.llms.types import CompletionResponse

from agent_session_memory import MemoryClient
from agent_session_memory.adapters.llamaindex import (
    LlamaIndexBriefingSummarizer,
    LlamaIndexFactExtractor,
    LlamaIndexScorer,
)
from agent_session_memory.engine.protocols import (
    BriefingSummarizer,
    FactExtractor,
    ImportanceScorer,
    ScoringItem,
)
from agent_session_memory.engine.scoring import HeuristicScorer

from .conftest import ScriptedLLM


def item(key: str, content: str) -> ScoringItem:
    return ScoringItem(key=key, value=content, content=content, rewrites=0, reads=0)


ITEMS = [item("decision", "We chose Postgres"), item("tmp", "scratch")]


def test_they_implement_the_protocols() -> None:
    llm = ScriptedLLM()
    assert isinstance(LlamaIndexScorer(llm), ImportanceScorer)
    assert isinstance(LlamaIndexFactExtractor(llm), FactExtractor)
    assert isinstance(LlamaIndexBriefingSummarizer(llm), BriefingSummarizer)


def test_the_sync_face_uses_complete() -> None:
    llm = ScriptedLLM(answers=['```json\n{"scores": [0.9, 0.1]}\n```'])
    assert LlamaIndexScorer(llm).score(ITEMS) == [0.9, 0.1]
    assert "We chose Postgres" in llm.prompts[0]


async def test_the_async_face_uses_acomplete() -> None:
    class AsyncOnly(ScriptedLLM):
        def complete(self, prompt: str, formatted: bool = False, **kw: Any) -> CompletionResponse:
            raise AssertionError("the blocking path was used")

        async def acomplete(
            self, prompt: str, formatted: bool = False, **kw: Any
        ) -> CompletionResponse:
            return CompletionResponse(text='{"facts": ["From acomplete."]}')

    assert await LlamaIndexFactExtractor(AsyncOnly()).aextract(ITEMS[0]) == ["From acomplete."]


def test_a_failing_llm_falls_back() -> None:
    def boom(prompt: str) -> str:
        raise RuntimeError("rate limited")

    llm = ScriptedLLM(responder=boom)
    assert LlamaIndexScorer(llm).score(ITEMS) == HeuristicScorer().score(ITEMS)


def test_summarizer_on_a_real_briefing(client: MemoryClient) -> None:
    session = client.create_session(600)
    client.set_context(session.id, "decision", "Use JWT", importance=0.9)
    client.commit_session(session.id)
    briefing = client.get_briefing()
    nice = ScriptedLLM(answers=['{"summary": "  The team chose JWT.\\n\\nNothing is open. "}'])
    assert LlamaIndexBriefingSummarizer(nice).summarize(briefing) == (
        "The team chose JWT. Nothing is open."
    )
    assert "Use JWT" in nice.prompts[0]
    for bad in ["", "The team chose JWT.", '{"summary": "x" ' + "x" * 5000 + "}"]:
        summary = LlamaIndexBriefingSummarizer(ScriptedLLM(answers=[bad])).summarize(briefing)
        assert summary == briefing.recent_activity_summary


def test_plugged_into_a_client(tmp_path: Any) -> None:
    def respond(prompt: str) -> str:
        return '{"scores": [0.95]}' if '"scores"' in prompt else '{"summary": "A calm week."}'

    llm = ScriptedLLM(responder=respond)
    client = MemoryClient(
        path=str(tmp_path / "h"),
        scorer=LlamaIndexScorer(llm),
        summarizer=LlamaIndexBriefingSummarizer(llm),
    )
    session = client.create_session(600)
    client.set_context(session.id, "tmp_scratch", "a detail the heuristic would skip")
    assert client.commit_session(session.id, min_importance=0.9).memories_created == 1
    assert client.get_briefing().recent_activity_summary == "A calm week."
    client.close()


def test_the_llm_stays_reachable_under_both_names() -> None:
    llm = ScriptedLLM()
    scorer = LlamaIndexScorer(llm, batch_size=5)
    assert scorer.llm is scorer.model is llm and scorer.batch_size == 5
