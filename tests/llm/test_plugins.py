"""The plug-ins on a plain ``complete(prompt) -> str``: sync and async alike, batches, fallback."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from agent_session_memory.engine.protocols import (
    BriefingSummarizer,
    FactExtractor,
    ImportanceScorer,
    ScoringItem,
)
from agent_session_memory.engine.scoring import HeuristicScorer
from agent_session_memory.llm import (
    Completion,
    LLMBriefingSummarizer,
    LLMFactExtractor,
    LLMScorer,
    as_completion,
    caps,
)

from .samples import BRIEFING, ITEMS


class Script:
    """A complete(prompt) callable answering from a list, recording every prompt."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.replies.pop(0)


def test_they_implement_the_protocols() -> None:
    assert isinstance(LLMScorer(Script()), ImportanceScorer)
    assert isinstance(LLMFactExtractor(Script()), FactExtractor)
    assert isinstance(LLMBriefingSummarizer(Script()), BriefingSummarizer)


def test_a_model_must_be_callable() -> None:
    with pytest.raises(TypeError, match="complete"):
        LLMScorer(object())
    completion = Completion(Script())
    assert as_completion(completion) is completion


async def test_sync_and_async_faces_give_the_same_answers() -> None:
    replies = ['{"scores": [0.9, 0.2]}', '{"facts": ["We use Postgres."]}', '{"summary": "Calm."}']
    sync, asyn = Script(*replies), Script(*replies)

    async def acomplete(prompt: str) -> str:
        return asyn(prompt)

    both = Completion(sync, acomplete)
    assert LLMScorer(both).score(ITEMS) == await LLMScorer(both).ascore(ITEMS) == [0.9, 0.2]
    assert LLMFactExtractor(both).extract(ITEMS[0]) == ["We use Postgres."]
    assert await LLMFactExtractor(both).aextract(ITEMS[0]) == ["We use Postgres."]
    assert LLMBriefingSummarizer(both).summarize(BRIEFING) == "Calm."
    assert await LLMBriefingSummarizer(both).asummarize(BRIEFING) == "Calm."
    assert sync.prompts == asyn.prompts


async def test_async_without_an_async_twin_runs_the_call_off_the_loop() -> None:
    threads: list[str] = []

    def complete(prompt: str) -> str:
        threads.append(threading.current_thread().name)
        return '{"scores": [0.5, 0.5]}'

    assert await LLMScorer(complete).ascore(ITEMS) == [0.5, 0.5]
    assert threads and threads[0] != threading.main_thread().name


def test_scores_are_asked_in_batches_and_each_batch_falls_back_alone() -> None:
    many = [ScoringItem(f"k{i}", i, f"k{i}: {i}", 0, 0) for i in range(45)]
    first, last = json.dumps({"scores": [0.5] * 20}), json.dumps({"scores": [0.7] * 5})
    script = Script(first, "no idea", last)
    scores = LLMScorer(script).score(many)
    assert len(script.prompts) == 3 and caps.BATCH_SIZE == 20
    assert scores[:20] == [0.5] * 20
    assert scores[20:40] == HeuristicScorer().score(many[20:40])
    assert scores[40:] == [0.7] * 5


def test_nothing_to_score_asks_nothing() -> None:
    script = Script()
    assert LLMScorer(script).score([]) == [] and script.prompts == []


def test_failing_calls_and_non_text_answers_fall_back() -> None:
    def down(prompt: str) -> str:
        raise RuntimeError("rate limited")

    def odd(prompt: str) -> str:
        return {"scores": [1, 1]}  # type: ignore[return-value]

    for model in (down, odd):
        assert LLMScorer(model).score(ITEMS) == HeuristicScorer().score(ITEMS)
        assert LLMFactExtractor(model).extract(ITEMS[0]) == []
        assert LLMBriefingSummarizer(model).summarize(BRIEFING) == "Deterministic."


async def test_failing_async_calls_fall_back() -> None:
    async def down(prompt: str) -> str:
        raise ConnectionError("provider down")

    completion = Completion(lambda p: "", down)
    assert await LLMScorer(completion).ascore(ITEMS) == HeuristicScorer().score(ITEMS)
    assert await LLMFactExtractor(completion).aextract(ITEMS[0]) == []


async def test_cancellation_is_not_swallowed() -> None:
    async def slow(prompt: str) -> str:
        await asyncio.sleep(10)
        return ""

    task = asyncio.create_task(LLMScorer(Completion(lambda p: "", slow)).ascore(ITEMS))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_fallback_scorer_and_caps_are_settable() -> None:
    class Half:
        def score(self, items: object) -> list[float]:
            return [0.5] * len(items)  # type: ignore[arg-type]

    assert LLMScorer(Script("?"), fallback=Half()).score(ITEMS) == [0.5, 0.5]
    three = json.dumps({"facts": ["a", "b", "c"]})
    assert LLMFactExtractor(Script(three), max_facts=2).extract(ITEMS[0]) == []
    assert LLMFactExtractor(Script(three)).extract(ITEMS[0]) == ["a", "b", "c"]
    long = json.dumps({"summary": "x" * 50})
    assert LLMBriefingSummarizer(Script(long), max_chars=10).summarize(BRIEFING) == (
        "Deterministic."
    )
