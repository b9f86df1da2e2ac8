"""Sessions: create, status, list, touch, end, delete.

Its collaborators come in through the constructor: the lifecycle's lazy sweep (run before a
workspace is used), the briefing a new session may ask for, and the commit that may end a session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import validation as check
from ..errors import Conflict, InvalidInput, SessionEnded, SessionExpired
from ..models import Briefing, EventType, Session
from ..stores.sessions.base import EventRecord, SessionRecord, session_state
from . import _convert
from .boundary import boundary
from .shared import CommitFn, Shared, new_id

SESSION_STATES = frozenset({"active", "ended", "expired"})


@boundary
class SessionService:
    def __init__(
        self,
        shared: Shared,
        *,
        lazy_sweep: Callable[[str], None],
        briefing: Callable[[str], Briefing],
        commit: CommitFn,
    ) -> None:
        self._shared = shared
        self._store = shared.store
        self._settings = shared.settings
        self._limits = shared.limits
        self._lazy_sweep = lazy_sweep
        self._briefing = briefing
        self._commit = commit

    def create_session(
        self,
        ttl_seconds: float | None = None,
        workspace_id: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
        briefing: bool = False,
        auto_commit: bool | None = None,
    ) -> Session:
        record, started = self._new(workspace_id, ttl_seconds, metadata, auto_commit, None)
        self._lazy_sweep(record.workspace_id)
        self._store.create_session(record, started)
        brief = self._briefing(record.workspace_id) if briefing else None
        return _convert.session(record, self._shared.now(), briefing=brief)

    def open_session(
        self,
        name: str,
        workspace_id: str | None = None,
        *,
        ttl_seconds: float | None = None,
        metadata: dict[str, Any] | None = None,
        auto_commit: bool | None = None,
    ) -> Session:
        """The live session named ``name``, touched; or a new one under that name (atomic)."""
        name = check.session_name(name, self._limits)
        record, started = self._new(workspace_id, ttl_seconds, metadata, auto_commit, name)
        self._lazy_sweep(record.workspace_id)
        for _ in range(3):
            found, created = self._store.open_named_session(record, started, self._shared.now())
            if created:
                return _convert.session(found, self._shared.now())
            ttl = found.ttl_seconds if ttl_seconds is None else record.ttl_seconds
            try:
                now = self._shared.now()
                return _convert.session(self._store.touch_session(found.id, now, ttl), now)
            except (SessionExpired, SessionEnded):
                continue  # it expired or ended between the look and the touch: look again
        raise Conflict(f"session name {name!r} keeps changing hands; try again", name=name)

    def find_session(self, name: str, workspace_id: str | None = None) -> Session | None:
        """The live session named ``name``; None when the name has none (or it ended)."""
        name = check.session_name(name, self._limits)
        workspace = self._shared.workspace(workspace_id)
        record = self._store.find_named_session(workspace, name)
        now = self._shared.now()
        if record is None or session_state(record, now) != "active":
            return None
        return _convert.session(record, now)

    def _new(
        self,
        workspace_id: str | None,
        ttl_seconds: float | None,
        metadata: dict[str, Any] | None,
        auto_commit: bool | None,
        name: str | None,
    ) -> tuple[SessionRecord, EventRecord]:
        """A validated new record and its ``session_started`` event."""
        workspace = self._shared.workspace(workspace_id)
        ttl = check.ttl(
            self._settings.default_ttl_seconds if ttl_seconds is None else ttl_seconds, self._limits
        )
        meta = check.metadata(metadata, self._limits)
        now = self._shared.now()
        record = SessionRecord(
            id=new_id(),
            workspace_id=workspace,
            created_at=now,
            touched_at=now,
            expires_at=now + ttl,
            ttl_seconds=ttl,
            auto_commit=self._settings.auto_commit if auto_commit is None else bool(auto_commit),
            metadata=meta,
            name=name,
        )
        started = self._shared.event(
            workspace,
            EventType.SESSION_STARTED.value,
            session_id=record.id,
            at=now,
            ttl_seconds=ttl,
        )
        return record, started

    def get_session(self, session_id: str) -> Session:
        """The session's status, whatever it is (active, ended or expired)."""
        record = self._shared.session_record(session_id)
        return _convert.session(record, self._shared.now())

    def list_sessions(
        self,
        workspace_id: str | None = None,
        *,
        status: str | None = None,
        include_expired: bool = True,
        limit: int = 100,
    ) -> list[Session]:
        workspace = self._shared.workspace(workspace_id)
        check.positive_int(limit, "limit", 10_000)
        if status is not None and (not isinstance(status, str) or status not in SESSION_STATES):
            raise InvalidInput(
                f"status must be one of {sorted(SESSION_STATES)}, not {status!r}", field="status"
            )
        now = self._shared.now()
        sessions = [_convert.session(r, now) for r in self._store.list_sessions(workspace)]
        if status is not None:
            sessions = [s for s in sessions if s.status.value == status]
        if not include_expired:
            sessions = [s for s in sessions if s.status.value != "expired"]
        return sessions[:limit]

    def touch_session(self, session_id: str, ttl_seconds: float | None = None) -> Session:
        """Extend a live session to now + its TTL (or a new ``ttl_seconds``)."""
        record = self._shared.session_record(session_id)
        ttl = record.ttl_seconds if ttl_seconds is None else check.ttl(ttl_seconds, self._limits)
        now = self._shared.now()
        return _convert.session(self._store.touch_session(session_id, now, ttl), now)

    def end_session(
        self,
        session_id: str,
        commit: bool = False,
        *,
        min_importance: float = 0.5,
        deduplicate: bool = True,
    ) -> Session:
        """End a session; with ``commit=True`` its important working memory is committed first."""
        self._shared.session_record(session_id)
        result = None
        if commit:
            result = self._commit(
                session_id, min_importance=min_importance, deduplicate=deduplicate
            )
        record = self._shared.session_record(session_id)
        now = self._shared.now()
        ended = self._shared.event(
            record.workspace_id,
            EventType.SESSION_ENDED.value,
            session_id=session_id,
            at=now,
            committed=bool(commit),
        )
        record = self._store.end_session(session_id, now, ended)
        return _convert.session(record, now, commit_result=result)

    def delete_session(self, session_id: str) -> bool:
        """Remove a session and its working memory; its memories and history stay."""
        check.object_id(session_id, "session_id")
        record = self._store.get_session(session_id)
        if record is None:
            return False
        deleted = self._shared.event(
            record.workspace_id, EventType.SESSION_DELETED.value, session_id=session_id
        )
        return self._store.delete_session(session_id, deleted)
