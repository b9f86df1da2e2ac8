"""Expiry without loss: the sweep that notices expired sessions and auto-commits them.

A sweep looks at the expired sessions of one workspace and, for each one that needs attention,
under a per-session sweep lease (so two processes never both act):

1. re-reads the record; a session committed after its expiry is done (skip);
2. writes one ``session_expired`` event, stamped with the expiry time, the first time it notices
   (its id derives from the session id, so even a lost lease cannot write it twice);
3. with ``auto_commit`` on, commits it through ``commit_session`` (which takes the commit lease).

It runs lazily when a workspace is used (at most once per ``LAZY_SWEEP_SECONDS`` of the engine's
clock per workspace and engine, and never failing the caller), before every briefing, and on
demand through ``sweep(workspace_id)``, which, like every operation, reaches one workspace only.
``sweep_home()`` sweeps every workspace of the home: it is no operation (no client, route or tool
reaches it); only ``asm gc`` and a server's background task call it. It also deletes the
long-term memories whose ``expires_at`` has passed (reads hide them before that already).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from .. import validation as check
from ..errors import AgentMemoryError, InvalidInput
from ..models import CommitResult, Event, EventType
from ..stores.sessions.base import SessionRecord, session_state
from ..stores.sessions.holders import lease_owner
from . import _convert
from .boundary import boundary
from .shared import CommitFn, Shared

log = logging.getLogger(__name__)

LAZY_SWEEP_SECONDS = 15.0
SWEEP_LEASE_SECONDS = 300.0
AUTO_COMMIT_MIN_IMPORTANCE = 0.5
MAX_EVENTS = 10_000
_EXPIRED = EventType.SESSION_EXPIRED.value


def expired_event_id(session_id: str) -> str:
    """One ``session_expired`` event per session, whoever writes it."""
    return hashlib.sha256(f"{_EXPIRED}\x00{session_id}".encode()).hexdigest()[:32]


def committed_since_expiry(record: SessionRecord) -> bool:
    return record.committed_at is not None and record.committed_at >= record.expires_at


@boundary
class LifecycleService:
    def __init__(
        self,
        shared: Shared,
        *,
        commit: CommitFn,
        forget_expired_memories: Callable[[], int] = lambda: 0,
    ) -> None:
        self._shared = shared
        self._forget_expired_memories = forget_expired_memories
        self._store = shared.store
        self._commit = commit
        self._sweep_stamps: dict[str, float] = {}  # workspace -> last lazy sweep (engine clock)
        self._stamps_lock = threading.Lock()

    # -- operations -------------------------------------------------------------------------
    def sweep(self, *, workspace_id: str | None = None) -> list[CommitResult]:
        """Notice and auto-commit the expired sessions of one workspace now (``None``: the
        engine's default workspace; never any other).

        Returns the commits this call made; a session another process handles is skipped.
        A failing session is logged and left for the next sweep; the others go on.
        """
        workspace = self._shared.workspace(workspace_id)
        return self._sweep_records(workspace, self._store.list_sessions(workspace))

    def list_events(
        self,
        *,
        since: datetime | float | None = None,
        until: datetime | float | None = None,
        types: Sequence[str] | None = None,
        session_id: str | None = None,
        limit: int | None = None,
        workspace_id: str | None = None,
    ) -> list[Event]:
        """The workspace's activity log, oldest first, ``since <= at < until``."""
        workspace = self._shared.workspace(workspace_id)
        kinds = _event_types(types)
        self._shared.session_in(workspace, session_id)
        if limit is not None:
            check.positive_int(limit, "limit", MAX_EVENTS)
        self.lazy_sweep(workspace)
        records = self._store.list_events(
            workspace,
            since=check.timestamp(since, "since"),
            until=check.timestamp(until, "until"),
            types=kinds,
            session_id=session_id,
            limit=limit,
        )
        return [_convert.event(r) for r in records]

    # -- for the home's operator ------------------------------------------------------------
    def sweep_home(self) -> list[CommitResult]:
        """Sweep every workspace of the home (``asm gc``, a server's background task).

        Not an operation: it crosses workspaces, so no client, route or tool may reach it.
        """
        by_workspace: dict[str, list[SessionRecord]] = {}
        for record in self._store.list_sessions(None):
            by_workspace.setdefault(record.workspace_id, []).append(record)
        results: list[CommitResult] = []
        for ws, found in sorted(by_workspace.items()):
            results += self._sweep_records(ws, found)
        try:
            self._forget_expired_memories()
        except AgentMemoryError as exc:
            log.warning("sweeping expired memories failed: %s", exc)
        return results

    # -- for the other services -------------------------------------------------------------
    def lazy_sweep(self, workspace_id: str) -> None:
        """Before a workspace is used: cheap when nothing expired, never the caller's failure."""
        self._quiet_sweep(workspace_id, force=False)

    def sweep_now(self, workspace_id: str) -> None:
        """Before a briefing: expired sessions are committed before it looks (never failing)."""
        self._quiet_sweep(workspace_id, force=True)

    def _quiet_sweep(self, workspace_id: str, *, force: bool) -> None:
        now = self._shared.now()
        with self._stamps_lock:
            last = self._sweep_stamps.get(workspace_id)
            if not force and last is not None and 0 <= now - last < LAZY_SWEEP_SECONDS:
                return
            self._sweep_stamps[workspace_id] = now
        try:
            self._sweep_records(workspace_id, self._store.list_sessions(workspace_id))
        except AgentMemoryError as exc:
            log.warning("lazy sweep of workspace %r failed: %s", workspace_id, exc)

    # -- the sweep --------------------------------------------------------------------------
    def _sweep_records(
        self, workspace_id: str, records: Sequence[SessionRecord]
    ) -> list[CommitResult]:
        now = self._shared.now()
        expired = [r for r in records if session_state(r, now) == "expired"]
        if not expired:
            return []
        noticed = self._noticed(workspace_id, min(r.expires_at for r in expired))
        results: list[CommitResult] = []
        for record in expired:
            if record.id in noticed and (not record.auto_commit or committed_since_expiry(record)):
                continue  # nothing left to do (without auto-commit: an open thread until committed)
            try:
                result = self._sweep_one(record.id)
            except AgentMemoryError as exc:
                log.warning("sweep of expired session %s failed: %s", record.id, exc)
                continue
            if result is not None:
                results.append(result)
        return results

    def _noticed(self, workspace_id: str, since: float) -> set[str]:
        events = self._store.list_events(workspace_id, since=since, types=[_EXPIRED])
        return {e.session_id for e in events if e.session_id is not None}

    def _sweep_one(self, session_id: str) -> CommitResult | None:
        """Under the sweep lease: re-read, note the expiry once, auto-commit once."""
        owner = lease_owner()
        lease = f"sweep:{session_id}"
        if not self._store.acquire_lease(lease, owner, self._shared.now(), SWEEP_LEASE_SECONDS):
            return None  # another sweeper has it
        try:
            record = self._store.get_session(session_id)
            if record is None or session_state(record, self._shared.now()) != "expired":
                return None
            self._note_expiry(record)
            if not record.auto_commit or committed_since_expiry(record):
                return None
            return self._commit(session_id, min_importance=AUTO_COMMIT_MIN_IMPORTANCE)
        finally:
            self._store.release_lease(lease, owner)

    def _note_expiry(self, record: SessionRecord) -> None:
        seen = self._store.list_events(
            record.workspace_id, since=record.expires_at, types=[_EXPIRED], session_id=record.id
        )
        if seen:
            return
        event = self._shared.event(
            record.workspace_id,
            _EXPIRED,
            session_id=record.id,
            at=record.expires_at,
            noticed_at=self._shared.now(),
            auto_commit=record.auto_commit,
        )
        event.id = expired_event_id(record.id)
        self._store.append_events([event])


def _event_types(types: Sequence[str] | None) -> list[str] | None:
    if types is None:
        return None
    if isinstance(types, str):
        types = [types]  # one type, not its characters
    if not isinstance(types, (list, tuple)) or not types:
        raise InvalidInput("types must be a non-empty list of event types", field="types")
    known = {t.value for t in EventType}
    for kind in types:
        if not isinstance(kind, str) or kind not in known:
            raise InvalidInput(
                f"unknown event type {kind!r}; one of {sorted(known)}", field="types"
            )
    return [EventType(t).value for t in types]
