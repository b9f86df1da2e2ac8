"""What every operation mixin may rely on: settings, clock, stores and a few helpers."""

from __future__ import annotations

import json
import threading
import uuid
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from ..config import Settings
from ..errors import SessionNotFound
from ..limits import Limits
from ..stores.sessions.base import EventRecord, SessionRecord, SessionStore
from ..tokens import TokenCounter, tiktoken_counter
from ..validation import object_id
from ..validation import workspace_id as check_workspace_id

if TYPE_CHECKING:
    from ..models import CommitResult


def new_id() -> str:
    return uuid.uuid4().hex


class EngineBase:
    settings: Settings
    limits: Limits
    clock: Clock
    store: SessionStore
    _token_counter: TokenCounter | None
    _longterm: Any
    _longterm_options: dict[str, Any]
    _longterm_lock: threading.Lock

    if TYPE_CHECKING:  # provided by CommitOps; sessions end with a commit

        def commit_session(
            self, session_id: str, min_importance: float = 0.5, deduplicate: bool = True
        ) -> CommitResult: ...

    def now(self) -> float:
        return self.clock.now()

    def count_tokens(self, text: str) -> int:
        if self._token_counter is None:
            self._token_counter = tiktoken_counter(self.settings.token_encoding)
        return self._token_counter(text)

    def workspace(self, workspace_id: str | None) -> str:
        """The validated workspace id, or the engine's default one."""
        chosen = self.settings.workspace_id if workspace_id is None else workspace_id
        return check_workspace_id(chosen, self.limits)

    def _session_record(self, session_id: str) -> SessionRecord:
        """The session's stored record, whatever its state; SessionNotFound if there is none."""
        object_id(session_id, "session_id")
        record = self.store.get_session(session_id)
        if record is None:
            raise SessionNotFound(f"session {session_id!r} does not exist", session_id=session_id)
        return record

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

    @property
    def longterm(self) -> Any:
        """The long-term memory (Chroma + lexical index), opened on first use: it is heavy."""
        if self._longterm is None:
            with self._longterm_lock:
                if self._longterm is None:
                    from .memories import LongTermMemory

                    self._longterm = LongTermMemory(
                        self.settings,
                        clock=self.clock,
                        emit=self.store.append_events,
                        event=self.event,
                        **self._longterm_options,
                    )
        return self._longterm
