"""What happened in a workspace: briefings, the activity log, sweeps, workspaces."""

# mypy: disable-error-code="empty-body"
# (the declarations are stubs: never called, read for their signatures)

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ...models import (
    Briefing,
    CommitResult,
    Event,
    WorkspaceSummary,
)
from ..operation import Route, Scope, operation
from .descriptions import SINCE, UNTIL, WORKSPACE_ID


@operation(
    service="briefings",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/sessions/briefing"),
    idempotent=True,
    params={
        "lookback_hours": "How far back recent activity goes.",
        "include_threads": "List open threads (unfinished work) too.",
        "max_memories": "How many top memories to include.",
        "workspace_id": WORKSPACE_ID,
    },
)
def get_briefing(
    lookback_hours: float = 24,
    *,
    include_threads: bool = True,
    max_memories: int = 10,
    workspace_id: str | None = None,
) -> Briefing:
    """What happened lately in a workspace and what is still open: read it at session start."""


@operation(
    service="lifecycle",
    scope=Scope.WORKSPACE,
    route=Route("GET", "/v1/events"),
    idempotent=True,
    params={
        "since": SINCE,
        "until": UNTIL,
        "types": "Only events of these types (e.g. session_started, memory_created).",
        "session_id": "Only events of this session.",
        "limit": "At most this many events, newest last.",
        "workspace_id": WORKSPACE_ID,
    },
)
def list_events(
    *,
    since: datetime | float | None = None,
    until: datetime | float | None = None,
    types: str | Sequence[str] | None = None,
    session_id: str | None = None,
    limit: int | None = None,
    workspace_id: str | None = None,
) -> list[Event]:
    """The workspace's activity log, oldest first."""


@operation(
    service="lifecycle",
    scope=Scope.WORKSPACE,
    route=Route("POST", "/v1/sweep"),
    idempotent=True,
    params={"workspace_id": WORKSPACE_ID},
)
def sweep(*, workspace_id: str | None = None) -> list[CommitResult]:
    """Commit the workspace's expired sessions now (normally done lazily and by ``asm gc``)."""


@operation(
    service="workspaces",
    scope=Scope.WORKSPACES,
    route=Route("GET", "/v1/workspaces"),
    idempotent=True,
    params={
        "workspace_ids": "Only these workspaces, listed even when empty (default: every one the "
        "caller reaches: an API key's own, or all of the home's)."
    },
)
def list_workspaces(workspace_ids: str | Sequence[str] | None = None) -> list[WorkspaceSummary]:
    """The workspaces with their session and memory counts and last activity (an overview)."""
