"""One LLM plug-in core for commit scoring, fact extraction and briefing summaries.

No framework: a model is anything that turns a prompt into text, ``complete(prompt) -> str``
(optionally with an async twin, see ``Completion``). The LangChain and LlamaIndex adapters only
say how to call their framework's model; prompts, caps, hardening and reply checks live here,
so every framework gets the same behaviour for the same replies.

    from agent_session_memory.llm import LLMScorer
    client = MemoryClient(scorer=LLMScorer(lambda prompt: my_model(prompt)))

Hardening against instructions inside user content: items reach the model as JSON strings,
cleaned of control sequences and cut to the caps (``caps``), between marker lines tagged with a
hash of the data, with a notice that they are data; the reply must be one JSON object of exactly
the expected shape (``replies``), and anything else falls back deterministically.
"""

from __future__ import annotations

from . import caps
from .plugins import (
    AComplete,
    Complete,
    Completion,
    LLMBriefingSummarizer,
    LLMFactExtractor,
    LLMScorer,
    as_completion,
)
from .replies import BadReply

__all__ = [
    "AComplete",
    "BadReply",
    "Complete",
    "Completion",
    "LLMBriefingSummarizer",
    "LLMFactExtractor",
    "LLMScorer",
    "as_completion",
    "caps",
]
