"""LlamaIndex adapters (``pip install 'agent-session-memory[llamaindex]'``, llama-index-core 0.14).

- ``SessionChatStore``: a ``BaseChatStore`` on session messages (keys are session ids), for
  ``ChatMemoryBuffer.from_defaults(chat_store=..., chat_store_key=session_id)``.
- ``SessionDBChatStore``: an ``AsyncDBChatStore`` so ``Memory.from_defaults(chat_store=...,
  session_id=...)`` keeps its short-term history (active and archived) in a session.
- ``SessionMemory``: a ``BaseMemory`` for chat engines and agents, O(window) token-limited reads.
- ``LongTermMemoryBlock``: a ``Memory`` block that injects recalled memories and the briefing
  and keeps what ``Memory`` flushes.
- ``LlamaIndexScorer``, ``LlamaIndexFactExtractor``, ``LlamaIndexBriefingSummarizer``: commit and
  briefing helpers on any LlamaIndex ``LLM``.

Every class speaks to the public ``MemoryClient`` / ``AsyncMemoryClient``: embedded or remote.
"""

from __future__ import annotations

from ...errors import MissingExtra

try:
    import llama_index.core  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise MissingExtra("llamaindex", "llama-index-core") from exc

from ._ops import KEY_METADATA
from .chat_store import SessionChatStore
from .db_chat_store import SessionDBChatStore
from .llm import LlamaIndexBriefingSummarizer, LlamaIndexFactExtractor, LlamaIndexScorer
from .memory import SessionMemory
from .memory_block import LongTermMemoryBlock

__all__ = [
    "KEY_METADATA",
    "LlamaIndexBriefingSummarizer",
    "LlamaIndexFactExtractor",
    "LlamaIndexScorer",
    "LongTermMemoryBlock",
    "SessionChatStore",
    "SessionDBChatStore",
    "SessionMemory",
]
