"""The scorer, fact extractor and briefing summariser on any model that turns a prompt into text.

Each operation is written once, as a generator that yields prompts and receives replies (``None``
when the call failed); ``run`` drives it with a blocking call and ``arun`` with an awaitable one,
so the sync and async faces cannot drift. Every reply is read strictly (``replies``) and anything
else falls back deterministically, with a warning: the heuristic scorer for that batch, no facts
(the item's own rendering is kept), the briefing's own paragraph. An LLM may improve a commit,
it must never break one.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..engine.protocols import ImportanceScorer, ScoringItem
from ..engine.scoring import HeuristicScorer
from ..models import Briefing
from . import caps, prompts, replies

log = logging.getLogger(__name__)
T = TypeVar("T")
Flow = Generator[str, "str | None", T]
Complete = Callable[[str], str]
AComplete = Callable[[str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class Completion:
    """How to ask one model: a blocking call and, when the model has one, its async twin
    (without it, ``arun`` runs the blocking call in a worker thread)."""

    complete: Complete
    acomplete: AComplete | None = None


@functools.singledispatch
def as_completion(model: Any) -> Completion:
    """How to ask ``model``: a ``Completion`` as it is, a plain ``complete(prompt) -> str``
    callable, or a framework's model whose adapter registered how to call it (loading the
    adapter's plug-in names, e.g. ``ChatModelScorer``, does)."""
    if callable(model):
        return Completion(model)
    raise TypeError(
        f"cannot ask {type(model).__name__}: pass a complete(prompt) -> str callable or a "
        "Completion; for a LangChain or LlamaIndex model use the adapter's plug-ins "
        "(adapters.langchain.ChatModelScorer, adapters.llamaindex.LlamaIndexScorer, ...)"
    )


@as_completion.register
def _(model: Completion) -> Completion:
    return model


def run(flow: Flow[T], completion: Completion) -> T:
    """Drive ``flow`` with blocking calls."""
    try:
        prompt = next(flow)
        while True:
            prompt = flow.send(_ask(completion.complete, prompt))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


async def arun(flow: Flow[T], completion: Completion) -> T:
    """Drive ``flow`` with awaited calls; the event loop is never blocked."""
    try:
        prompt = next(flow)
        while True:
            prompt = flow.send(await _aask(completion, prompt))
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def _ask(complete: Complete, prompt: str) -> str | None:
    try:
        return _text(complete(prompt))
    except Exception as exc:  # any provider or transport error: the caller falls back
        _failed(exc)
        return None


async def _aask(completion: Completion, prompt: str) -> str | None:
    try:
        if completion.acomplete is None:
            return _text(await asyncio.to_thread(completion.complete, prompt))
        return _text(await completion.acomplete(prompt))
    except Exception as exc:
        _failed(exc)
        return None


def _text(reply: object) -> str | None:
    if isinstance(reply, str):
        return reply
    log.warning("the model answered %s, not text: using the deterministic default", type(reply))
    return None


def _failed(exc: Exception) -> None:
    log.warning("the model call failed (%s): using the deterministic default", exc)


def _read(reply: str | None, parse: Callable[[str], T]) -> T | None:
    """``parse(reply)``, or None (with a warning) when there is no usable reply."""
    if reply is None:
        return None
    try:
        return parse(reply)
    except replies.BadReply as exc:
        log.warning("malformed reply (%s): using the deterministic default", exc)
        return None


class LLMPlugin:
    """What the three plug-ins share: the model, and how to ask it (``as_completion``)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.completion = as_completion(model)

    @property
    def llm(self) -> Any:
        """``model`` under the name the LlamaIndex plug-ins gave it."""
        return self.model


class LLMScorer(LLMPlugin):
    """``ImportanceScorer``: one importance in [0, 1] per item, asked in batches."""

    def __init__(
        self,
        model: Any,
        *,
        fallback: ImportanceScorer | None = None,
        batch_size: int = caps.BATCH_SIZE,
    ) -> None:
        super().__init__(model)
        self.fallback: ImportanceScorer = fallback or HeuristicScorer()
        self.batch_size = max(1, batch_size)

    def score(self, items: Sequence[ScoringItem]) -> list[float]:
        return run(self._flow(list(items)), self.completion)

    async def ascore(self, items: Sequence[ScoringItem]) -> list[float]:
        return await arun(self._flow(list(items)), self.completion)

    def _flow(self, items: list[ScoringItem]) -> Flow[list[float]]:
        out: list[float] = []
        for start in range(0, len(items), self.batch_size):
            batch = items[start : start + self.batch_size]
            reply = yield prompts.scoring_prompt(batch)
            found = _read(reply, lambda text: replies.scores(text, len(batch)))  # noqa: B023
            out.extend(found if found is not None else self.fallback.score(batch))
        return out


class LLMFactExtractor(LLMPlugin):
    """``FactExtractor``: standalone facts from one item (``[]``: keep the item's rendering)."""

    def __init__(self, model: Any, *, max_facts: int = caps.MAX_FACTS) -> None:
        super().__init__(model)
        self.max_facts = max(1, max_facts)

    def extract(self, item: ScoringItem) -> list[str]:
        return run(self._flow(item), self.completion)

    async def aextract(self, item: ScoringItem) -> list[str]:
        return await arun(self._flow(item), self.completion)

    def _flow(self, item: ScoringItem) -> Flow[list[str]]:
        reply = yield prompts.facts_prompt(item, self.max_facts)
        return _read(reply, lambda text: replies.facts(text, self.max_facts)) or []


class LLMBriefingSummarizer(LLMPlugin):
    """``BriefingSummarizer``: the briefing's ``recent_activity_summary`` in the model's words."""

    def __init__(self, model: Any, *, max_chars: int = caps.MAX_SUMMARY_CHARS) -> None:
        super().__init__(model)
        self.max_chars = max(1, max_chars)

    def summarize(self, briefing: Briefing) -> str:
        return run(self._flow(briefing), self.completion)

    async def asummarize(self, briefing: Briefing) -> str:
        return await arun(self._flow(briefing), self.completion)

    def _flow(self, briefing: Briefing) -> Flow[str]:
        reply = yield prompts.summary_prompt(briefing)
        text = _read(reply, lambda text: replies.summary(text, self.max_chars))
        return text or briefing.recent_activity_summary
