"""Commit and briefing plug-ins on any LangChain chat model, text LLM or runnable over them.

The plug-ins are the framework-free core (``agent_session_memory.llm``: prompts, caps, hardening,
strict replies, deterministic fallback); this module only teaches it how to call a LangChain
model, blocking (``invoke``) and async (``ainvoke``). ``ChatModelScorer``,
``ChatModelFactExtractor`` and ``ChatModelBriefingSummarizer`` are the core's classes under the
names this adapter has always had. Pass them to the client: ``MemoryClient(scorer=...)``.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable

from ...llm import Completion, LLMBriefingSummarizer, LLMFactExtractor, LLMScorer, as_completion

ChatModelScorer = LLMScorer
ChatModelFactExtractor = LLMFactExtractor
ChatModelBriefingSummarizer = LLMBriefingSummarizer


@as_completion.register
def model_completion(model: Runnable) -> Completion:  # type: ignore[type-arg]
    """The prompt as one human message (a text LLM: as its prompt); the reply's text. Any
    runnable that takes a string works (``model.bind(...)``, ``prompt | model``)."""

    def complete(prompt: str) -> str:
        return _text(model.invoke(prompt))

    async def acomplete(prompt: str) -> str:
        return _text(await model.ainvoke(prompt))

    return Completion(complete, acomplete)


def _text(reply: Any) -> str:
    return str(reply.text) if isinstance(reply, BaseMessage) else str(reply)
