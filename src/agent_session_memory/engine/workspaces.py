"""The workspaces of a home at a glance: what an inspector lists before opening one.

The one read that spans workspaces, and only the ones it is given: the server names the
workspaces a key reaches (``Scope.WORKSPACES``); embedded, ``None`` lists every workspace that
holds sessions or memories, and the engine's default one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InvalidInput, LimitExceeded
from ..models import WorkspaceSummary, to_datetime
from ..stores.sessions.base import SessionRecord, session_state
from ..validation import workspace_id as check_workspace_id
from .longterm import LazyLongTerm
from .shared import Shared

MAX_NAMED = 1_000


class WorkspaceService:
    def __init__(self, shared: Shared, longterm: LazyLongTerm) -> None:
        self._shared = shared
        self._store = shared.store
        self._longterm = longterm

    def list_workspaces(self, workspace_ids: Sequence[str] | None = None) -> list[WorkspaceSummary]:
        """Named workspaces are listed even when empty; ``None``: every one there is."""
        named = self._named(workspace_ids)
        sessions: dict[str, list[SessionRecord]] = {}
        if named is None:
            for record in self._store.list_sessions(None):
                sessions.setdefault(record.workspace_id, []).append(record)
        else:
            sessions = {w: self._store.list_sessions(w) for w in named}
        memories: dict[str, tuple[int, float]] = self._longterm.get().workspace_stats()
        if named is None:
            named = sorted({*sessions, *memories, self._shared.settings.workspace_id})
        now = self._shared.now()
        return [_summary(w, sessions.get(w, []), memories.get(w), now) for w in named]

    def _named(self, workspace_ids: Any) -> list[str] | None:
        if workspace_ids is None:
            return None
        if isinstance(workspace_ids, str):
            workspace_ids = [workspace_ids]
        if not isinstance(workspace_ids, (list, tuple)):
            raise InvalidInput(
                "workspace_ids must be a list of workspace ids", field="workspace_ids"
            )
        if len(workspace_ids) > MAX_NAMED:
            raise LimitExceeded(f"at most {MAX_NAMED} workspaces", field="workspace_ids")
        limits = self._shared.limits
        return sorted({check_workspace_id(w, limits) for w in workspace_ids})


def _summary(
    workspace_id: str,
    sessions: list[SessionRecord],
    memories: tuple[int, float] | None,
    now: float,
) -> WorkspaceSummary:
    times = [max(r.touched_at, r.changed_at or 0.0) for r in sessions]
    if memories is not None:
        times.append(memories[1])
    return WorkspaceSummary(
        id=workspace_id,
        sessions=len(sessions),
        active_sessions=sum(session_state(r, now) == "active" for r in sessions),
        memories=memories[0] if memories else 0,
        last_activity=to_datetime(max(times)) if times else None,
    )
