"""LangChain and LangGraph adapters (extra ``[langchain]``): drop-in memory for agents.

    from agent_session_memory import MemoryClient
    from agent_session_memory.adapters.langchain import MemoryGraphStore
    store = MemoryGraphStore(client=MemoryClient(), workspaces=["my-app"])
    agent = create_agent(model, tools, store=store)

Importing this package without ``langchain-core`` raises ``MissingExtra`` naming the extra.
Names load lazily, so ``MemoryGraphStore`` alone needs ``langgraph``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ...errors import MissingExtra

try:
    import langchain_core  # noqa: F401
except ImportError as exc:
    raise MissingExtra("langchain", "langchain-core") from exc

if TYPE_CHECKING:
    from .checkpointer import SessionCheckpointer
    from .graph_store import MemoryGraphStore
    from .history import SessionChatMessageHistory
    from .llm import ChatModelBriefingSummarizer, ChatModelFactExtractor, ChatModelScorer
    from .retriever import MemoryRetriever
    from .store import SessionContextStore
    from .tools import TOOL_NAMES, create_memory_tools

_NAMES = {
    "ChatModelBriefingSummarizer": "llm",
    "ChatModelFactExtractor": "llm",
    "ChatModelScorer": "llm",
    "MemoryGraphStore": "graph_store",
    "MemoryRetriever": "retriever",
    "SessionChatMessageHistory": "history",
    "SessionCheckpointer": "checkpointer",
    "SessionContextStore": "store",
    "TOOL_NAMES": "tools",
    "create_memory_tools": "tools",
}
_EXTRA_MODULES = {"graph_store": "langgraph", "checkpointer": "langgraph"}

__all__ = [
    "TOOL_NAMES",
    "ChatModelBriefingSummarizer",
    "ChatModelFactExtractor",
    "ChatModelScorer",
    "MemoryGraphStore",
    "MemoryRetriever",
    "SessionChatMessageHistory",
    "SessionCheckpointer",
    "SessionContextStore",
    "create_memory_tools",
]


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        loaded = importlib.import_module(f"{__name__}.{module}")
    except ImportError as exc:
        needed = _EXTRA_MODULES.get(module)
        if needed and exc.name and exc.name.split(".")[0] == needed:
            raise MissingExtra("langchain", needed) from exc
        raise
    return getattr(loaded, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_NAMES))
