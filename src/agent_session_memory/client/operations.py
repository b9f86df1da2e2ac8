"""The transport seam's vocabulary: every operation a client may ask of an engine.

The local transport calls the engine service method of that name (engine/dispatch.py); the HTTP
transport maps each name to one route. Nothing outside this set crosses the seam.
"""

SESSION_OPERATIONS = frozenset(
    {
        "create_session",
        "get_session",
        "list_sessions",
        "touch_session",
        "end_session",
        "delete_session",
        "commit_session",
    }
)
CONTEXT_OPERATIONS = frozenset(
    {
        "set_context",
        "set_contexts",
        "get_context",
        "get_context_item",
        "get_context_items",
        "delete_context",
        "list_context_keys",
    }
)
MESSAGE_OPERATIONS = frozenset(
    {
        "add_messages",
        "get_messages",
        "count_messages",
        "clear_messages",
        "delete_messages",
        "set_message_status",
    }
)
MEMORY_OPERATIONS = frozenset(
    {
        "remember",
        "recall",
        "get_memory",
        "list_memories",
        "update_memory",
        "forget",
        "forget_where",
        "export_workspace",
        "import_workspace",
        "get_briefing",
        "list_events",
        "sweep",
    }
)
OPERATIONS = SESSION_OPERATIONS | CONTEXT_OPERATIONS | MESSAGE_OPERATIONS | MEMORY_OPERATIONS
