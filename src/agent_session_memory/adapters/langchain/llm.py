"""Commit and briefing plug-ins on any LangChain chat model.

``ChatModelScorer`` (``ImportanceScorer``), ``ChatModelFactExtractor`` (``FactExtractor``) and
``ChatModelBriefingSummarizer`` (``BriefingSummarizer``) ask the model for JSON (structured
output when the model supports it, else a JSON reply), validate it strictly, and fall back to
the deterministic default on anything malformed or failed, with a warning: an LLM may improve a
commit, it must never break one. Pass them to the client: ``MemoryClient(scorer=...)``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from pydantic import BaseModel, Field, ValidationError

from ...engine.protocols import ImportanceScorer, ScoringItem
from ...engine.scoring import HeuristicScorer
from ...models import Briefing

log = logging.getLogger(__name__)
S = TypeVar("S", bound=BaseModel)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.I)
_VALUE_CHARS = 1500


class Scores(BaseModel):
    scores: list[float] = Field(description="One importance in [0, 1] per item, in order.")


class Facts(BaseModel):
    facts: list[str] = Field(description="Standalone facts worth remembering; [] if none.")


class Summary(BaseModel):
    summary: str = Field(description="One readable paragraph.")


def _parse(text: str, schema: type[S]) -> S:
    body = _FENCE.sub("", text.strip())
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the reply")
    return schema.model_validate_json(body[start : end + 1])


def ask(model: BaseChatModel, messages: list[BaseMessage], schema: type[S]) -> S | None:
    """The model's answer as ``schema``, or None if it failed or answered something else."""
    try:
        structured = model.with_structured_output(schema)
    except (NotImplementedError, AttributeError, TypeError, ValueError):
        structured = None
    if structured is not None:
        try:
            answer = structured.invoke(messages)
            return answer if isinstance(answer, schema) else schema.model_validate(answer)
        except Exception as exc:  # any provider error: try the plain JSON reply instead
            log.debug("structured output failed (%s); asking for plain JSON", exc)
    try:
        reply = model.invoke(messages)
        return _parse(reply.text, schema)
    except (ValidationError, ValueError) as exc:
        log.warning("malformed %s reply from %s: %s", schema.__name__, type(model).__name__, exc)
    except Exception as exc:
        log.warning("%s failed (%s): using the deterministic default", type(model).__name__, exc)
    return None


def _item_text(item: ScoringItem) -> str:
    text = item.content if len(item.content) <= _VALUE_CHARS else item.content[:_VALUE_CHARS] + "…"
    return f"key={item.key!r} rewrites={item.rewrites} reads={item.reads}\n{text}"


class ChatModelScorer:
    """Importance of working-memory items, judged by a chat model, in batches."""

    def __init__(
        self,
        model: BaseChatModel,
        *,
        fallback: ImportanceScorer | None = None,
        batch_size: int = 20,
    ) -> None:
        self.model = model
        self.fallback: ImportanceScorer = fallback or HeuristicScorer()
        self.batch_size = max(1, batch_size)

    def score(self, items: Sequence[ScoringItem]) -> list[float]:
        out: list[float] = []
        for start in range(0, len(items), self.batch_size):
            out.extend(self._batch(items[start : start + self.batch_size]))
        return out

    def _batch(self, items: Sequence[ScoringItem]) -> list[float]:
        listing = "\n\n".join(f"[{i}] {_item_text(it)}" for i, it in enumerate(items))
        answer = ask(
            self.model,
            [
                SystemMessage(
                    "You rate how important it is for an AI agent to remember each "
                    "working-memory item in future sessions: 1 = critical decision, "
                    "requirement or preference; 0 = transient scratch data. Reply with "
                    'JSON only: {"scores": [one number in [0, 1] per item, in order]}.'
                ),
                HumanMessage(listing),
            ],
            Scores,
        )
        if (
            answer is not None
            and len(answer.scores) == len(items)
            and all(0.0 <= s <= 1.0 for s in answer.scores)
        ):
            return [float(s) for s in answer.scores]
        if answer is not None:
            log.warning(
                "scorer reply had %d scores for %d items or one outside [0, 1]",
                len(answer.scores),
                len(items),
            )
        return list(self.fallback.score(items))


class ChatModelFactExtractor:
    """Standalone facts from one working-memory item (``[]``: keep the item's own rendering)."""

    def __init__(self, model: BaseChatModel, *, max_facts: int = 5) -> None:
        self.model = model
        self.max_facts = max_facts

    def extract(self, item: ScoringItem) -> list[str]:
        answer = ask(
            self.model,
            [
                SystemMessage(
                    "Extract the durable facts, decisions and preferences in this "
                    "working-memory item as short standalone sentences that make sense "
                    f"without context (at most {self.max_facts}). Reply with JSON only: "
                    '{"facts": ["..."]}; use [] if nothing is worth remembering.'
                ),
                HumanMessage(_item_text(item)),
            ],
            Facts,
        )
        if answer is None:
            return []
        facts = [f.strip() for f in answer.facts if isinstance(f, str) and f.strip()]
        if len(facts) > self.max_facts or any(len(f) > 2000 for f in facts):
            log.warning("fact extractor reply out of bounds; keeping the item's rendering")
            return []
        return facts


class ChatModelBriefingSummarizer:
    """The briefing's ``recent_activity_summary`` written by a chat model."""

    def __init__(self, model: BaseChatModel, *, max_chars: int = 2000) -> None:
        self.model = model
        self.max_chars = max_chars

    def summarize(self, briefing: Briefing) -> str:
        answer = ask(
            self.model,
            [
                SystemMessage(
                    "Summarise what happened lately in this workspace for an agent about "
                    "to start work: what was done, what was decided, what is still open. "
                    'One short paragraph. Reply with JSON only: {"summary": "..."}.'
                ),
                HumanMessage(
                    json.dumps(_briefing_facts(briefing), ensure_ascii=False, default=str)
                ),
            ],
            Summary,
        )
        text = "" if answer is None else answer.summary.strip()
        if not text or len(text) > self.max_chars:
            return briefing.recent_activity_summary
        return text


def _briefing_facts(briefing: Briefing) -> dict[str, Any]:
    return {
        "workspace": briefing.workspace_summary,
        "deterministic_summary": briefing.recent_activity_summary,
        "sessions": [
            {"summary": a.summary, "status": str(a.status.value), "decisions": a.key_decisions}
            for a in briefing.recent_activity[:20]
        ],
        "open_threads": [
            {"topic": t.topic, "status": str(t.status.value)} for t in briefing.open_threads[:20]
        ],
        "memories": [m.content[:300] for m in briefing.memories[:10]],
    }
