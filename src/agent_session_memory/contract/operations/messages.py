"""A session's chat messages."""

# mypy: disable-error-code="empty-body"
# (the declarations are stubs: never called, read for their signatures)

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...models import (
    Message,
)
from ..operation import Route, Scope, operation
from .descriptions import (
    SEQS,
    SESSION_ID,
)


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/messages"),
    idempotent=False,
    params={
        "session_id": SESSION_ID,
        "messages": 'Messages such as {"role": "user", "content": "..."}, oldest first; '
        "optional: name, tool_calls, tool_call_id, data, status.",
    },
)
def add_messages(session_id: str, messages: Sequence[Message | Mapping[str, Any]]) -> list[Message]:
    """Append chat messages to the session, atomically; returns them with their seq numbers."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("PUT", "/v1/sessions/{session_id}/messages"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "messages": "The new history, oldest first (same form as add_messages).",
    },
)
def replace_messages(
    session_id: str, messages: Sequence[Message | Mapping[str, Any]]
) -> list[Message]:
    """Replace every message of the session: all validated first, then swapped atomically."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/messages"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "last_n": "Only the newest N messages.",
        "max_tokens": "Only the newest messages that fit this many tokens (never splits a tool "
        "call from its results; keeps the system message and the newest user message).",
        "status": "Only messages with this status (default active; null: all).",
    },
)
def get_messages(
    session_id: str,
    *,
    last_n: int | None = None,
    max_tokens: int | None = None,
    status: str | None = "active",
) -> list[Message]:
    """The session's messages, oldest first: all, the newest ``last_n`` or what fits ``max_tokens``.

    A token window never splits a tool call from its results, keeps the system message and always
    the newest user message.
    """


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}/messages/count"),
    idempotent=True,
    params={"session_id": SESSION_ID, "status": "Only messages with this status (null: all)."},
)
def count_messages(session_id: str, status: str | None = "active") -> int:
    """How many messages the session holds."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("DELETE", "/v1/sessions/{session_id}/messages"),
    idempotent=True,
    params={"session_id": SESSION_ID},
)
def clear_messages(session_id: str) -> int:
    """Delete every message of the session; returns how many there were."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/messages/delete"),
    idempotent=True,
    params={"session_id": SESSION_ID, "seqs": SEQS},
)
def delete_messages(session_id: str, seqs: Sequence[int]) -> int:
    """Delete messages by sequence number; returns how many existed."""


@operation(
    service="messages",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/messages/status"),
    idempotent=True,
    params={"session_id": SESSION_ID, "seqs": SEQS, "status": "The new status, e.g. archived."},
)
def set_message_status(session_id: str, seqs: Sequence[int], status: str) -> int:
    """Set the status of messages (e.g. ``archived``); returns how many changed."""
