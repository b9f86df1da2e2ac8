"""Operation name -> the engine service method that implements it.

Each operation lives on exactly one service; transports dispatch through ``bind_operations``
(the operation registry will take this table's place).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .core import Engine

SERVICE_OPERATIONS: dict[str, tuple[str, ...]] = {
    "sessions": (
        "create_session",
        "get_session",
        "list_sessions",
        "touch_session",
        "end_session",
        "delete_session",
    ),
    "commits": ("commit_session",),
    "context": (
        "set_context",
        "set_contexts",
        "get_context",
        "get_context_item",
        "get_context_items",
        "delete_context",
        "list_context_keys",
    ),
    "messages": (
        "add_messages",
        "get_messages",
        "count_messages",
        "clear_messages",
        "delete_messages",
        "set_message_status",
    ),
    "memories": (
        "remember",
        "recall",
        "get_memory",
        "list_memories",
        "update_memory",
        "forget",
        "forget_where",
        "export_workspace",
        "import_workspace",
    ),
    "briefings": ("get_briefing",),
    "lifecycle": ("list_events", "sweep"),
}


def bind_operations(engine: Engine) -> dict[str, Callable[..., Any]]:
    """Every operation name bound to its service method on this engine."""
    return {
        name: getattr(getattr(engine, service), name)
        for service, names in SERVICE_OPERATIONS.items()
        for name in names
    }
