# Generated from async_client.py by scripts/unasync.py: edit that file, not this one.
"""``MemoryClient``: the public synchronous API (the twin of AsyncMemoryClient).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ..errors import Conflict, InvalidInput
from ..models import (
    Briefing,
    CommitResult,
    ContextItem,
    Event,
    Memory,
    Message,
    RecallHit,
    Session,
)
from ._construct import build_transport
from .transport import Transport

UPDATE_RETRIES = 64


class MemoryClient:
    """Sessions, working memory, chat messages and long-term memory, over one transport.

    ``MemoryClient()`` is embedded (SQLite + embedded Chroma under ``$AGENT_MEMORY_HOME``);
    ``path=`` picks the folder; ``base_url=`` talks to a server. Calls not about one session take
    ``workspace_id=`` (default: the client's ``workspace_id``).
    """

    def __init__(
        self,
        path: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        workspace_id: str | None = None,
        session_store_url: str | None = None,
        chroma_url: str | None = None,
        transport: Transport | None = None,
        **options: Any,
    ) -> None:
        self._transport = transport or build_transport(
            path=path,
            base_url=base_url,
            api_key=api_key,
            workspace_id=workspace_id,
            session_store_url=session_store_url,
            chroma_url=chroma_url,
            **options,
        )
        self.workspace_id = workspace_id

    def _workspace(self, workspace_id: str | None) -> str | None:
        """An explicit workspace (even an invalid one: the engine says why) or the client's."""
        return self.workspace_id if workspace_id is None else workspace_id

    def __enter__(self) -> MemoryClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    # -- sessions -------------------------------------------------------------------------------
    def create_session(
        self,
        ttl_seconds: float | None = None,
        workspace_id: str | None = None,
        *,
        briefing: bool = False,
        metadata: dict[str, Any] | None = None,
        auto_commit: bool | None = None,
    ) -> Session:
        return self._transport.call(
            "create_session",
            ttl_seconds=ttl_seconds,
            workspace_id=self._workspace(workspace_id),
            briefing=briefing,
            metadata=metadata,
            auto_commit=auto_commit,
        )

    def get_session(self, session_id: str) -> Session:
        """A session's status, whatever it is (``active``, ``ended`` or ``expired``)."""
        return self._transport.call("get_session", session_id=session_id)

    def list_sessions(
        self,
        workspace_id: str | None = None,
        *,
        status: str | None = None,
        include_expired: bool = True,
        limit: int = 100,
    ) -> list[Session]:
        return self._transport.call(
            "list_sessions",
            workspace_id=self._workspace(workspace_id),
            status=status,
            include_expired=include_expired,
            limit=limit,
        )

    def touch_session(self, session_id: str, ttl_seconds: float | None = None) -> Session:
        """Keep a session alive: ``expires_at = now + ttl`` (its own, or ``ttl_seconds``)."""
        return self._transport.call(
            "touch_session", session_id=session_id, ttl_seconds=ttl_seconds
        )

    def end_session(
        self,
        session_id: str,
        commit: bool = False,
        *,
        min_importance: float = 0.5,
        deduplicate: bool = True,
    ) -> Session:
        return self._transport.call(
            "end_session",
            session_id=session_id,
            commit=commit,
            min_importance=min_importance,
            deduplicate=deduplicate,
        )

    def delete_session(self, session_id: str) -> bool:
        return self._transport.call("delete_session", session_id=session_id)

    def commit_session(
        self, session_id: str, min_importance: float = 0.5, deduplicate: bool = True
    ) -> CommitResult:
        return self._transport.call(
            "commit_session",
            session_id=session_id,
            min_importance=min_importance,
            deduplicate=deduplicate,
        )

    # -- working memory -------------------------------------------------------------------------
    def set_context(
        self,
        session_id: str,
        key: str,
        value: Any,
        importance: float | None = None,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Store a JSON value under ``key``; returns its new version."""
        return self._transport.call(
            "set_context",
            session_id=session_id,
            key=key,
            value=value,
            importance=importance,
            expected_version=expected_version,
        )

    def set_contexts(
        self, session_id: str, items: Mapping[str, Any], importance: float | None = None
    ) -> dict[str, int]:
        """Store several keys atomically."""
        return self._transport.call(
            "set_contexts", session_id=session_id, items=dict(items), importance=importance
        )

    def get_context(self, session_id: str, keys: str | Sequence[str] | None = None) -> Any:
        """One key: its value (None if absent); several: ``{key: value}``; none: everything."""
        return self._transport.call("get_context", session_id=session_id, keys=keys)

    def get_context_item(self, session_id: str, key: str) -> ContextItem | None:
        return self._transport.call("get_context_item", session_id=session_id, key=key)

    def get_context_items(
        self, session_id: str, keys: str | Sequence[str] | None = None
    ) -> dict[str, ContextItem]:
        return self._transport.call("get_context_items", session_id=session_id, keys=keys)

    def list_context_keys(self, session_id: str, prefix: str | None = None) -> list[str]:
        """Sorted keys (optionally only those starting with ``prefix``); not counted as reads."""
        return self._transport.call("list_context_keys", session_id=session_id, prefix=prefix)

    def delete_context(self, session_id: str, keys: str | Sequence[str]) -> int:
        return self._transport.call("delete_context", session_id=session_id, keys=keys)

    def update_context(
        self,
        session_id: str,
        key: str,
        update: Callable[[Any], Any],
        importance: float | None = None,
    ) -> Any:
        """Atomic read-modify-write: ``update(old_value_or_None) -> new value``.

        Runs as compare-and-set on the key's version and retries on a conflict, so concurrent
        writers in any process, embedded or remote, lose nothing. Returns the value written.
        """
        if not callable(update):
            raise InvalidInput("update must be a callable old_value -> new_value", field="update")
        for attempt in range(UPDATE_RETRIES):
            item = self.get_context_item(session_id, key)
            value = update(None if item is None else item.value)
            try:
                self.set_context(
                    session_id,
                    key,
                    value,
                    importance,
                    expected_version=0 if item is None else item.version,
                )
                return value
            except Conflict:
                self._transport.pause(random.uniform(0, 0.001 * min(attempt + 1, 20)))
        raise Conflict(f"could not update {key!r}: {UPDATE_RETRIES} conflicting writers in a row")

    # -- chat messages --------------------------------------------------------------------------
    def add_messages(
        self, session_id: str, messages: Sequence[Message | Mapping[str, Any]]
    ) -> list[Message]:
        """Append messages (``{"role", "content", ...}`` or ``Message``) atomically."""
        return self._transport.call(
            "add_messages", session_id=session_id, messages=list(messages)
        )

    def add_message(self, session_id: str, role: str, content: str, **fields: Any) -> Message:
        added = self.add_messages(session_id, [{"role": role, "content": content, **fields}])
        return added[0]

    def get_messages(
        self,
        session_id: str,
        *,
        last_n: int | None = None,
        max_tokens: int | None = None,
        status: str | None = "active",
    ) -> list[Message]:
        """Oldest first; the newest ``last_n``, or the newest that fit ``max_tokens``."""
        return self._transport.call(
            "get_messages",
            session_id=session_id,
            last_n=last_n,
            max_tokens=max_tokens,
            status=status,
        )

    def count_messages(self, session_id: str, status: str | None = "active") -> int:
        return self._transport.call("count_messages", session_id=session_id, status=status)

    def clear_messages(self, session_id: str) -> int:
        return self._transport.call("clear_messages", session_id=session_id)

    def delete_messages(self, session_id: str, seqs: Sequence[int]) -> int:
        return self._transport.call("delete_messages", session_id=session_id, seqs=list(seqs))

    def set_message_status(self, session_id: str, seqs: Sequence[int], status: str) -> int:
        return self._transport.call(
            "set_message_status", session_id=session_id, seqs=list(seqs), status=status
        )

    # -- long-term memory -----------------------------------------------------------------------
    def remember(
        self,
        content: str,
        *,
        type: str = "fact",
        importance: float | None = None,
        tags: Sequence[str] | None = None,
        metadata: dict[str, Any] | None = None,
        session_id: str | None = None,
        workspace_id: str | None = None,
    ) -> Memory:
        return self._transport.call(
            "remember",
            content=content,
            type=type,
            importance=importance,
            tags=None if tags is None else list(tags),
            metadata=metadata,
            session_id=session_id,
            workspace_id=self._workspace(workspace_id),
        )

    def recall(
        self,
        query: str,
        k: int = 5,
        *,
        types: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        min_importance: float | None = None,
        since: datetime | float | None = None,
        until: datetime | float | None = None,
        session_id: str | None = None,
        include_superseded: bool = False,
        workspace_id: str | None = None,
    ) -> list[RecallHit]:
        """Hybrid (semantic + lexical) search, best first."""
        return self._transport.call(
            "recall",
            query=query,
            k=k,
            types=None if types is None else list(types),
            tags=None if tags is None else list(tags),
            min_importance=min_importance,
            since=since,
            until=until,
            session_id=session_id,
            include_superseded=include_superseded,
            workspace_id=self._workspace(workspace_id),
        )

    def get_memory(self, memory_id: str, *, workspace_id: str | None = None) -> Memory:
        return self._transport.call(
            "get_memory", memory_id=memory_id, workspace_id=self._workspace(workspace_id)
        )

    def list_memories(
        self,
        *,
        types: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        session_id: str | None = None,
        include_superseded: bool = False,
        limit: int = 100,
        offset: int = 0,
        workspace_id: str | None = None,
    ) -> list[Memory]:
        return self._transport.call(
            "list_memories",
            types=None if types is None else list(types),
            tags=None if tags is None else list(tags),
            session_id=session_id,
            include_superseded=include_superseded,
            limit=limit,
            offset=offset,
            workspace_id=self._workspace(workspace_id),
        )

    def update_memory(
        self,
        memory_id: str,
        *,
        content: str | None = None,
        importance: float | None = None,
        tags: Sequence[str] | None = None,
        metadata: dict[str, Any] | None = None,
        type: str | None = None,
        workspace_id: str | None = None,
    ) -> Memory:
        return self._transport.call(
            "update_memory",
            memory_id=memory_id,
            content=content,
            importance=importance,
            tags=None if tags is None else list(tags),
            metadata=metadata,
            type=type,
            workspace_id=self._workspace(workspace_id),
        )

    def forget(self, memory_id: str, *, workspace_id: str | None = None) -> bool:
        return self._transport.call(
            "forget", memory_id=memory_id, workspace_id=self._workspace(workspace_id)
        )

    def forget_where(
        self,
        *,
        types: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        session_id: str | None = None,
        before: datetime | float | None = None,
        everything: bool = False,
        workspace_id: str | None = None,
    ) -> int:
        """Forget every memory matching the filter (``everything=True``: the whole workspace)."""
        return self._transport.call(
            "forget_where",
            types=None if types is None else list(types),
            tags=None if tags is None else list(tags),
            session_id=session_id,
            before=before,
            everything=everything,
            workspace_id=self._workspace(workspace_id),
        )

    def export_workspace(self, *, workspace_id: str | None = None) -> list[dict[str, Any]]:
        """Every memory of a workspace as JSON-ready dicts (one JSON line each)."""
        return self._transport.call(
            "export_workspace", workspace_id=self._workspace(workspace_id)
        )

    def import_workspace(
        self, records: Iterable[Mapping[str, Any]], *, workspace_id: str | None = None
    ) -> int:
        return self._transport.call(
            "import_workspace",
            records=[dict(r) for r in records],
            workspace_id=self._workspace(workspace_id),
        )

    # -- briefings and activity -----------------------------------------------------------------
    def get_briefing(
        self,
        lookback_hours: float = 24,
        *,
        include_threads: bool = True,
        max_memories: int = 10,
        workspace_id: str | None = None,
    ) -> Briefing:
        return self._transport.call(
            "get_briefing",
            lookback_hours=lookback_hours,
            include_threads=include_threads,
            max_memories=max_memories,
            workspace_id=self._workspace(workspace_id),
        )

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
        return self._transport.call(
            "list_events",
            since=since,
            until=until,
            types=None if types is None else list(types),
            session_id=session_id,
            limit=limit,
            workspace_id=self._workspace(workspace_id),
        )

    def sweep(self, *, workspace_id: str | None = None) -> list[CommitResult]:
        """Commit expired sessions now (auto-commit); normally done lazily and by ``asm gc``."""
        return self._transport.call("sweep", workspace_id=workspace_id)
