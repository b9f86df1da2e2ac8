"""Sessions: start, find by name, read, keep alive, end, delete, commit."""

# mypy: disable-error-code="empty-body"
# (the declarations are stubs: never called, read for their signatures)

from __future__ import annotations

from typing import Any

from ...models import (
    CommitResult,
    Session,
)
from ..operation import Route, Scope, operation
from .descriptions import DEDUPLICATE, MIN_IMPORTANCE, SESSION_ID, WORKSPACE_ID


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/sessions", 201),
    idempotent=False,
    params={
        "ttl_seconds": "Seconds without a touch before the session expires (default 3600).",
        "workspace_id": WORKSPACE_ID,
        "briefing": "Also return a briefing of the workspace's recent activity (session.briefing).",
        "metadata": "Free JSON metadata kept with the session.",
        "auto_commit": "Commit the session's working memory when it expires (default on).",
    },
)
def create_session(
    ttl_seconds: float | None = None,
    workspace_id: str | None = None,
    *,
    briefing: bool = False,
    metadata: dict[str, Any] | None = None,
    auto_commit: bool | None = None,
) -> Session:
    """Start a session: a span of work with a TTL and its own working memory."""


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/named-sessions"),
    idempotent=True,
    params={
        "name": "The session's name, unique among the workspace's live sessions (1-256 "
        "characters), e.g. a LangGraph thread id or a chat-store key.",
        "workspace_id": WORKSPACE_ID,
        "ttl_seconds": "TTL of a new session (default 3600); an existing one keeps its own "
        "unless this is given.",
        "metadata": "Free JSON metadata kept with a new session.",
        "auto_commit": "Commit a new session's working memory when it expires (default on).",
    },
)
def open_session(
    name: str,
    workspace_id: str | None = None,
    *,
    ttl_seconds: float | None = None,
    metadata: dict[str, Any] | None = None,
    auto_commit: bool | None = None,
) -> Session:
    """The live session with this name, touched; or, atomically, a new one under the name.

    Concurrent callers (threads, processes, servers) all get the same session. Once the named
    session has ended or expired, the next call starts a new one.
    """


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/named-sessions"),
    idempotent=True,
    params={"name": "The session's name.", "workspace_id": WORKSPACE_ID},
)
def find_session(name: str, workspace_id: str | None = None) -> Session | None:
    """The live session with this name, or null when it has none (or it ended or expired)."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("GET", "/v1/sessions/{session_id}"),
    idempotent=True,
    params={"session_id": SESSION_ID},
)
def get_session(session_id: str) -> Session:
    """A session's status, whatever it is (``active``, ``ended`` or ``expired``)."""


@operation(
    service="sessions",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/sessions"),
    idempotent=True,
    params={
        "workspace_id": WORKSPACE_ID,
        "status": "Only sessions in this state: active, ended or expired.",
        "include_expired": "Include sessions whose TTL has passed.",
        "limit": "At most this many sessions, newest first.",
    },
)
def list_sessions(
    workspace_id: str | None = None,
    *,
    status: str | None = None,
    include_expired: bool = True,
    limit: int = 100,
) -> list[Session]:
    """A workspace's sessions, newest first."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/touch"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "ttl_seconds": "Keep it alive this long from now (default: the session's own TTL).",
    },
)
def touch_session(session_id: str, ttl_seconds: float | None = None) -> Session:
    """Keep a session alive: ``expires_at = now + ttl`` (its own, or ``ttl_seconds``)."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/end"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "commit": "Commit the important working-memory items to long-term memory first.",
        "min_importance": MIN_IMPORTANCE,
        "deduplicate": DEDUPLICATE,
    },
)
def end_session(
    session_id: str,
    commit: bool = False,
    *,
    min_importance: float = 0.5,
    deduplicate: bool = True,
) -> Session:
    """End a session, optionally committing it; its working memory stays readable until deleted."""


@operation(
    service="sessions",
    scope=Scope.SESSION,
    route=Route("DELETE", "/v1/sessions/{session_id}"),
    idempotent=True,
    params={"session_id": SESSION_ID},
)
def delete_session(session_id: str) -> bool:
    """Delete a session, its working memory and messages (its memories stay); True if it existed."""


@operation(
    service="commits",
    scope=Scope.SESSION,
    route=Route("POST", "/v1/sessions/{session_id}/commit"),
    idempotent=True,
    params={
        "session_id": SESSION_ID,
        "min_importance": MIN_IMPORTANCE,
        "deduplicate": DEDUPLICATE,
    },
)
def commit_session(
    session_id: str, min_importance: float = 0.5, deduplicate: bool = True
) -> CommitResult:
    """Turn the session's important working-memory items into long-term memories.

    Idempotent: committing twice, or retrying after a failure, creates each memory once.
    """
