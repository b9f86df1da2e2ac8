"""``LongTermMemoryBlock``: long-term memory and the briefing inside LlamaIndex's ``Memory``.

On every ``Memory.get`` it recalls the memories most relevant to the newest user input
(``client.recall``) and adds the workspace briefing (``client.get_briefing``, cached for
``briefing_refresh_seconds``), as one text block that ``Memory`` renders into the system message.
When ``Memory`` flushes old messages out of its short-term queue it hands them here, and they are
kept in long-term memory (``flush_mode``):

- ``"remember"`` (default): the flushed turns become memories (``client.remember``), or, with a
  ``fact_extractor``, the standalone facts it finds in them;
- ``"context"``: they go into the working memory of ``session_id`` (a session id), so that
  session's commit scores, de-duplicates and supersedes them like any other item;
- ``"none"``: flushed messages are only archived in the session.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Literal, cast

from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.bridge.pydantic import Field, PrivateAttr, model_validator
from llama_index.core.memory.memory import BaseMemoryBlock

from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...engine.protocols import FactExtractor, ScoringItem
from ...models import Briefing, RecallHit
from .. import _transcript as transcript
from .._bridge import ClientBridge, Flow, call
from ._messages import readable_text

FlushMode = Literal["remember", "context", "none"]
MAX_QUERY_CHARS = 4000  # recall takes queries up to 8 KiB


class LongTermMemoryBlock(BaseMemoryBlock[str]):
    """Recalled memories and the briefing in; flushed conversation out to long-term memory."""

    name: str = "long_term_memory"
    description: str | None = "Relevant long-term memories and what happened lately."
    priority: int = 1  # Memory may truncate it (0 would mean never)
    k: int = Field(default=5, gt=0, le=100)
    min_score: float | None = None
    include_briefing: bool = True
    briefing_lookback_hours: float = 24
    briefing_refresh_seconds: float = 300
    flush_mode: FlushMode = "remember"
    memory_type: str = "conversation"
    fact_type: str = "fact"
    importance: float | None = None
    tags: list[str] = Field(default_factory=lambda: ["llamaindex"])
    session_id: str | None = None
    workspace_id: str | None = None
    fact_extractor: Any | None = Field(default=None, exclude=True)

    _bridge: ClientBridge = PrivateAttr()
    _briefing: tuple[float, str] | None = PrivateAttr(default=None)

    def __init__(
        self,
        client: MemoryClient | None = None,
        *,
        async_client: AsyncMemoryClient | None = None,
        **data: Any,
    ) -> None:
        super().__init__(**data)
        self._bridge = ClientBridge(client, async_client)

    @model_validator(mode="after")
    def _check(self) -> LongTermMemoryBlock:
        if self.flush_mode == "context" and not self.session_id:
            raise ValueError("flush_mode='context' needs session_id= (the session to commit)")
        if self.fact_extractor is not None and not isinstance(self.fact_extractor, FactExtractor):
            raise ValueError("fact_extractor must have extract(item) -> list[str]")
        return self

    # -- in ------------------------------------------------------------------------------------
    async def _aget(self, messages: list[ChatMessage] | None = None, **block_kwargs: Any) -> str:
        query = _latest_user_text(messages or [])[:MAX_QUERY_CHARS]
        return await self._bridge.arun(self._render(query))

    def _render(self, query: str) -> Flow[str]:
        parts: list[str] = []
        if query.strip():
            hits: list[RecallHit] = yield call(
                "recall", query, self.k, min_score=self.min_score, workspace_id=self.workspace_id
            )
            lines = [f"- {hit.memory.content}" for hit in hits]
            if lines:
                parts.append("Relevant memories:\n" + "\n".join(lines))
        if self.include_briefing:
            briefing = yield from self._briefing_text()
            if briefing:
                parts.append(briefing)
        return "\n\n".join(parts)

    def _briefing_text(self) -> Flow[str]:
        now = time.monotonic()
        if self._briefing is not None and now - self._briefing[0] < self.briefing_refresh_seconds:
            return self._briefing[1]
        briefing: Briefing = yield call(
            "get_briefing", self.briefing_lookback_hours, workspace_id=self.workspace_id
        )
        text = render_briefing(briefing)
        self._briefing = (now, text)
        return text

    # -- out -----------------------------------------------------------------------------------
    async def _aput(self, messages: list[ChatMessage]) -> None:
        if self.flush_mode == "none":
            return
        chunks = transcript_chunks(messages)
        kept: list[tuple[str, str]] = [(c, self.memory_type) for c in chunks]
        if self.fact_extractor is not None:
            found = await asyncio.gather(*(asyncio.to_thread(self._facts, c) for c in chunks))
            kept = [item for items in found for item in items]
        chat_key = next(
            (
                str(m.additional_kwargs["session_id"])
                for m in messages
                if "session_id" in m.additional_kwargs
            ),
            None,
        )
        await self._bridge.arun(self._keep(kept, chat_key))

    def _facts(self, chunk: str) -> list[tuple[str, str]]:
        """The facts in a chunk (type ``fact_type``), or the chunk itself when there are none."""
        item = ScoringItem(key="conversation", value=chunk, content=chunk, rewrites=0, reads=0)
        extractor = cast(FactExtractor, self.fact_extractor)
        facts = [f.strip() for f in extractor.extract(item) if isinstance(f, str) and f.strip()]
        if not facts:
            return [(chunk, self.memory_type)]
        return [(fact, self.fact_type) for fact in dict.fromkeys(facts)]

    def _keep(self, items: list[tuple[str, str]], chat_key: str | None) -> Flow[None]:
        if self.flush_mode == "context":
            yield from self._to_context([text for text, _ in items])
            return
        for text, kind in items:
            if kind == self.fact_type:
                known = yield from self._known_fact(text)
                if known:
                    continue  # the same fact from an earlier flush: keep it once
            yield call(
                "remember",
                text,
                type=kind,
                importance=self.importance,
                tags=self.tags,
                metadata={
                    "source": "llamaindex.memory",
                    **({"chat_key": chat_key} if chat_key else {}),
                },
                session_id=self.session_id,
                workspace_id=self.workspace_id,
            )

    def _known_fact(self, fact: str) -> Flow[bool]:
        """Is this fact (same text, case and spacing aside) already a memory of the workspace?"""
        hits = yield call(
            "recall", fact, k=3, types=[self.fact_type], workspace_id=self.workspace_id
        )
        wanted = _normal(fact)
        return any(_normal(h.memory.content) == wanted for h in hits)

    def _to_context(self, texts: list[str]) -> Flow[None]:
        """Working-memory items with readable keys (``conversation excerpt 3``), so what the
        session's commit writes reads ``conversation excerpt 3: user: ...``."""
        assert self.session_id is not None
        yield from transcript.to_context(self.session_id, texts, self.importance)


def render_briefing(briefing: Briefing) -> str:
    """The briefing as a few readable lines (summary, then open threads)."""
    lines: list[str] = []
    if briefing.recent_activity_summary:
        lines.append(f"Recent activity: {briefing.recent_activity_summary}")
    threads = [
        f"- {t.topic} ({getattr(t.status, 'value', t.status)})" for t in briefing.open_threads
    ]
    if threads:
        lines.append("Open threads:\n" + "\n".join(threads))
    return "\n".join(lines)


def transcript_chunks(messages: list[ChatMessage], limit: int = transcript.MAX_CHARS) -> list[str]:
    """Flushed messages as ``role: text`` lines, split into chunks of at most ``limit`` chars."""
    return transcript.chunks(((m.role.value, readable_text(m)) for m in messages), limit)


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _latest_user_text(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role.value == "user":
            return readable_text(message)
    return ""
