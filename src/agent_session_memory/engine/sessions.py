"""Session lifecycle: create, status, list, touch, end, delete."""

from __future__ import annotations

from typing import Any

from .. import validation as check
from ..models import EventType, Session
from ..stores.sessions.base import SessionRecord
from . import _convert
from ._base import EngineBase, new_id


class SessionOps(EngineBase):
    def create_session(
        self,
        ttl_seconds: float | None = None,
        workspace_id: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
        briefing: bool = False,
        auto_commit: bool | None = None,
    ) -> Session:
        workspace = self.workspace(workspace_id)
        ttl = check.ttl(
            self.settings.default_ttl_seconds if ttl_seconds is None else ttl_seconds, self.limits
        )
        meta = check.metadata(metadata, self.limits)
        now = self.now()
        record = SessionRecord(
            id=new_id(),
            workspace_id=workspace,
            created_at=now,
            touched_at=now,
            expires_at=now + ttl,
            ttl_seconds=ttl,
            auto_commit=self.settings.auto_commit if auto_commit is None else bool(auto_commit),
            metadata=meta,
        )
        started = self.event(
            workspace,
            EventType.SESSION_STARTED.value,
            session_id=record.id,
            at=now,
            ttl_seconds=ttl,
        )
        self._before_workspace_use(workspace)
        self.store.create_session(record, started)
        brief = self._briefing_for_new_session(workspace) if briefing else None
        return _convert.session(record, now, briefing=brief)

    def get_session(self, session_id: str) -> Session:
        """The session's status, whatever it is (active, ended or expired)."""
        record = self._session_record(session_id)
        return _convert.session(record, self.now())

    def list_sessions(
        self,
        workspace_id: str | None = None,
        *,
        status: str | None = None,
        include_expired: bool = True,
        limit: int = 100,
    ) -> list[Session]:
        workspace = self.workspace(workspace_id)
        check.positive_int(limit, "limit", 10_000)
        now = self.now()
        sessions = [_convert.session(r, now) for r in self.store.list_sessions(workspace)]
        if status is not None:
            sessions = [s for s in sessions if s.status.value == status]
        if not include_expired:
            sessions = [s for s in sessions if s.status.value != "expired"]
        return sessions[:limit]

    def touch_session(self, session_id: str, ttl_seconds: float | None = None) -> Session:
        """Extend a live session to now + its TTL (or a new ``ttl_seconds``)."""
        record = self._session_record(session_id)
        ttl = record.ttl_seconds if ttl_seconds is None else check.ttl(ttl_seconds, self.limits)
        now = self.now()
        return _convert.session(self.store.touch_session(session_id, now, ttl), now)

    def end_session(
        self,
        session_id: str,
        commit: bool = False,
        *,
        min_importance: float = 0.5,
        deduplicate: bool = True,
    ) -> Session:
        """End a session; with ``commit=True`` its important working memory is committed first."""
        self._session_record(session_id)
        result = None
        if commit:
            result = self.commit_session(
                session_id, min_importance=min_importance, deduplicate=deduplicate
            )
        record = self._session_record(session_id)
        now = self.now()
        ended = self.event(
            record.workspace_id,
            EventType.SESSION_ENDED.value,
            session_id=session_id,
            at=now,
            committed=bool(commit),
        )
        record = self.store.end_session(session_id, now, ended)
        return _convert.session(record, now, commit_result=result)

    def delete_session(self, session_id: str) -> bool:
        """Remove a session and its working memory; its memories and history stay."""
        check.object_id(session_id, "session_id")
        record = self.store.get_session(session_id)
        if record is None:
            return False
        deleted = self.event(
            record.workspace_id, EventType.SESSION_DELETED.value, session_id=session_id
        )
        return self.store.delete_session(session_id, deleted)

    # -- hooks the lifecycle module fills in ---------------------------------------------------
    def _before_workspace_use(self, workspace_id: str) -> None:
        """Called before a workspace is used: the lazy expiry sweep hooks in here."""

    def _briefing_for_new_session(self, workspace_id: str) -> Any:
        return None
