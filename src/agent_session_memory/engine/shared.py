"""What every service needs, in one place: settings, clock, the session store and small helpers.

Services hold a ``Shared`` (composition, not a base class); ``Engine.__init__`` builds one and hands
it to each service. Nothing here creates state on first use except the token counter.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from ..clock import Clock
from ..config import Settings
from ..errors import SessionNotFound
from ..limits import Limits
from ..stores.sessions.base import EventRecord, SessionRecord, SessionStore
from ..tokens import TokenCounter, tiktoken_counter
from ..validation import object_id
from ..validation import workspace_id as check_workspace_id


def new_id() -> str:
    return uuid.uuid4().hex


class Shared:
    """Settings, limits, clock and session store, with the helpers every service uses."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        store: SessionStore,
        token_counter: TokenCounter | None = None,
    ) -> None:
        self.settings = settings
        self.limits: Limits = settings.limits
        self.clock = clock
        self.store = store
        self._token_counter = token_counter
        self._token_lock = threading.Lock()

    def now(self) -> float:
        return self.clock.now()

    def count_tokens(self, text: str) -> int:
        """Loads the tiktoken encoding on first use: most engines never count a token."""
        if self._token_counter is None:
            with self._token_lock:
                if self._token_counter is None:
                    self._token_counter = tiktoken_counter(self.settings.token_encoding)
        return self._token_counter(text)

    def workspace(self, workspace_id: str | None) -> str:
        """The validated workspace id, or the engine's default one."""
        chosen = self.settings.workspace_id if workspace_id is None else workspace_id
        return check_workspace_id(chosen, self.limits)

    def session_record(self, session_id: str) -> SessionRecord:
        """The session's stored record, whatever its state; SessionNotFound if there is none."""
        object_id(session_id, "session_id")
        record = self.store.get_session(session_id)
        if record is None:
            raise SessionNotFound(f"session {session_id!r} does not exist", session_id=session_id)
        return record

    def session_in(self, workspace: str, session_id: str | None) -> str | None:
        """A session id named beside a workspace: it may be unknown (a deleted session's
        memories keep its id) but never a session of another workspace (SessionNotFound)."""
        if session_id is None:
            return None
        object_id(session_id, "session_id")
        record = self.store.get_session(session_id)
        if record is not None and record.workspace_id != workspace:
            raise SessionNotFound(
                f"session {session_id!r} does not exist in workspace {workspace!r}",
                session_id=session_id,
                workspace_id=workspace,
            )
        return session_id

    def event(
        self,
        workspace_id: str,
        type_: str,
        *,
        session_id: str | None = None,
        memory_id: str | None = None,
        at: float | None = None,
        **data: Any,
    ) -> EventRecord:
        return EventRecord(
            id=new_id(),
            workspace_id=workspace_id,
            type=type_,
            at=self.now() if at is None else at,
            session_id=session_id,
            memory_id=memory_id,
            data_json=json.dumps(data, default=str),
        )
