"""Commit and briefing plug-ins on any LlamaIndex ``LLM``: scorer, fact extractor, summariser.

The plug-ins are the framework-free core (``agent_session_memory.llm``: prompts, caps, hardening,
strict replies, deterministic fallback); this module only teaches it how to call a LlamaIndex
``LLM``, blocking (``complete``) and async (``acomplete``). ``LlamaIndexScorer``,
``LlamaIndexFactExtractor`` and ``LlamaIndexBriefingSummarizer`` are the core's classes under the
names this adapter has always had: ``MemoryClient(scorer=LlamaIndexScorer(llm), ...)``.
"""

from __future__ import annotations

from llama_index.core.llms import LLM

from ...llm import Completion, LLMBriefingSummarizer, LLMFactExtractor, LLMScorer, as_completion

LlamaIndexScorer = LLMScorer
LlamaIndexFactExtractor = LLMFactExtractor
LlamaIndexBriefingSummarizer = LLMBriefingSummarizer


@as_completion.register
def llm_completion(llm: LLM) -> Completion:
    """The prompt as a completion request; the response's text."""

    def complete(prompt: str) -> str:
        return str(llm.complete(prompt).text)

    async def acomplete(prompt: str) -> str:
        return str((await llm.acomplete(prompt)).text)

    return Completion(complete, acomplete)
