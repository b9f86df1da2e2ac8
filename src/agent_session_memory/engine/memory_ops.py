"""The memory service: validate every input once, then call ``LongTermMemory``.

Parameter names are exactly those of ``client/async_client.py``. ``importance=None`` means
``DEFAULT_IMPORTANCE`` (0.5); ``since``/``until``/``before`` take a datetime or epoch seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from .. import validation as check
from ..errors import InvalidInput, LimitExceeded
from ..models import ImportResult, Memory, MemoryHistory, RecallHit
from ..stores.longterm.filters import MemoryFilter
from .boundary import boundary
from .importing import ON_CONFLICT, check_records
from .longterm import LazyLongTerm
from .memory_history import memory_history
from .shared import Shared

MAX_TYPE_CHARS = 64
MAX_TYPES = 64
MAX_LIST_LIMIT = 10_000


def _type(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TYPE_CHARS:
        raise InvalidInput(
            f"type must be a non-empty string of at most {MAX_TYPE_CHARS} "
            f"characters, not {value!r}",
            field="type",
        )
    return value


def _types(values: Any) -> tuple[str, ...] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]  # one type, not its characters
    if not isinstance(values, (list, tuple, set, frozenset)):
        raise InvalidInput("types must be a list of strings", field="types")
    _not_empty(values, "types")
    if len(values) > MAX_TYPES:
        raise LimitExceeded(f"{len(values)} types (limit {MAX_TYPES})", field="types")
    return tuple(_type(v) for v in values)


MAX_REMEMBER_BATCH = 1000
REMEMBER_FIELDS = frozenset(
    {"content", "type", "importance", "tags", "metadata", "session_id", "ttl_seconds"}
)


def _not_empty(values: Any, field: str) -> None:
    """An empty filter list would match nothing (and ``forget_where`` everything, read wrongly)."""
    if not values:
        raise InvalidInput(
            f"{field}: an empty list matches nothing; leave it out (None) for no filter",
            field=field,
        )


def _offset(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"offset must be a non-negative integer, not {value!r}", field="offset")
    return value


@boundary
class MemoryService:
    """remember, recall, get/list/update/forget memories, export and import a workspace.

    A ``session_id`` named beside a workspace must not be a session of another workspace.
    """

    def __init__(self, shared: Shared, longterm: LazyLongTerm) -> None:
        self._shared = shared
        self._limits = shared.limits
        self._longterm = longterm

    @property
    def longterm(self) -> Any:
        """The long-term memory, opened on first use."""
        return self._longterm.get()

    def _content(self, content: Any) -> str:
        return check.text(content, "content", self._limits.max_memory_content_bytes)

    def _memory_id(self, memory_id: Any) -> str:
        return check.object_id(memory_id, "memory_id")

    def _session(self, workspace: str, session_id: Any) -> str | None:
        return self._shared.session_in(workspace, session_id)

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
        ttl_seconds: float | None = None,
    ) -> Memory:
        workspace = self._shared.workspace(workspace_id)
        return self.longterm.remember(  # type: ignore[no-any-return]
            workspace,
            self._content(content),
            type=_type(type),
            importance=check.importance(importance),
            tags=check.tags(tags, self._limits),
            metadata=check.metadata(metadata, self._limits),
            session_id=self._session(workspace, session_id),
            ttl_seconds=check.memory_ttl(ttl_seconds),
        )

    def remember_many(
        self, memories: Sequence[Mapping[str, Any]], *, workspace_id: str | None = None
    ) -> list[Memory]:
        workspace = self._shared.workspace(workspace_id)
        if isinstance(memories, (str, Mapping)) or not isinstance(memories, Sequence):
            raise InvalidInput("memories must be a list of objects", field="memories")
        if len(memories) > MAX_REMEMBER_BATCH:
            raise LimitExceeded(
                f"{len(memories)} memories (limit {MAX_REMEMBER_BATCH} a call)", field="memories"
            )
        items = [self._remember_item(workspace, m, n) for n, m in enumerate(memories)]
        return self.longterm.remember_many(workspace, items)  # type: ignore[no-any-return]

    def _remember_item(self, workspace: str, item: Any, index: int) -> dict[str, Any]:
        """One ``remember_many`` entry, checked like ``remember``'s arguments."""
        if not isinstance(item, Mapping):
            raise InvalidInput(f"memories[{index}] must be an object", field="memories")
        unknown = set(item) - REMEMBER_FIELDS
        if unknown or "content" not in item:
            allowed = sorted(REMEMBER_FIELDS - {"content"})
            message = f"memories[{index}]: needs content, may have {allowed}"
            if unknown:
                message += f"; unknown {sorted(unknown)}"
            raise InvalidInput(message, field="memories")
        return {
            "content": self._content(item["content"]),
            "type": _type(item.get("type", "fact")),
            "importance": check.importance(item.get("importance")),
            "tags": check.tags(item.get("tags"), self._limits),
            "metadata": check.metadata(item.get("metadata"), self._limits),
            "session_id": self._session(workspace, item.get("session_id")),
            "ttl_seconds": check.memory_ttl(item.get("ttl_seconds")),
        }

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
        min_score: float | None = None,
        workspace_id: str | None = None,
    ) -> list[RecallHit]:
        workspace = self._shared.workspace(workspace_id)
        text = check.text(query, "query", self._limits.max_query_chars * 4)
        if len(text) > self._limits.max_query_chars:
            raise LimitExceeded(
                f"query is {len(text)} characters (limit {self._limits.max_query_chars})",
                field="query",
            )
        count = check.positive_int(k, "k", self._limits.max_k)
        flt = MemoryFilter(
            types=_types(types),
            tags=self._tags_filter(tags),
            min_importance=check.importance(min_importance),
            since=check.timestamp(since, "since"),
            until=check.timestamp(until, "until"),
            session_id=self._session(workspace, session_id),
            include_superseded=bool(include_superseded),
        )
        threshold = check.fraction(min_score, "min_score") or 0.0
        return self.longterm.recall(  # type: ignore[no-any-return]
            workspace, text, count, flt, threshold
        )

    def _tags_filter(self, tags: Any) -> tuple[str, ...] | None:
        if tags is None:
            return None
        if not isinstance(tags, str):
            _not_empty(tags, "tags")
        return tuple(check.tags(tags, self._limits))

    def get_memory(self, memory_id: str, *, workspace_id: str | None = None) -> Memory:
        workspace = self._shared.workspace(workspace_id)
        return self.longterm.get(workspace, self._memory_id(memory_id))  # type: ignore[no-any-return]

    def get_memory_history(
        self, memory_id: str, *, workspace_id: str | None = None
    ) -> MemoryHistory:
        memory = self.get_memory(memory_id, workspace_id=workspace_id)
        return memory_history(self._shared.store, self.longterm.store.get_rows, memory)

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
        min_importance: float | None = None,
        since: datetime | float | None = None,
        until: datetime | float | None = None,
    ) -> list[Memory]:
        workspace = self._shared.workspace(workspace_id)
        flt = MemoryFilter(
            types=_types(types),
            tags=self._tags_filter(tags),
            min_importance=check.importance(min_importance),
            since=check.timestamp(since, "since"),
            until=check.timestamp(until, "until"),
            session_id=self._session(workspace, session_id),
            include_superseded=bool(include_superseded),
        )
        return self.longterm.list(  # type: ignore[no-any-return]
            workspace,
            flt,
            limit=check.positive_int(limit, "limit", MAX_LIST_LIMIT),
            offset=_offset(offset),
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
        ttl_seconds: float | None = None,
    ) -> Memory:
        workspace = self._shared.workspace(workspace_id)
        return self.longterm.update(  # type: ignore[no-any-return]
            workspace,
            self._memory_id(memory_id),
            content=None if content is None else self._content(content),
            importance=check.importance(importance),
            tags=None if tags is None else check.tags(tags, self._limits),
            metadata=None if metadata is None else check.metadata(metadata, self._limits),
            type=None if type is None else _type(type),
            ttl_seconds=check.memory_ttl(ttl_seconds),
        )

    def forget(self, memory_id: str, *, workspace_id: str | None = None) -> bool:
        workspace = self._shared.workspace(workspace_id)
        return bool(self.longterm.forget(workspace, [self._memory_id(memory_id)]))

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
        workspace = self._shared.workspace(workspace_id)
        flt = MemoryFilter(
            types=_types(types),
            tags=self._tags_filter(tags),
            session_id=self._session(workspace, session_id),
            before=check.timestamp(before, "before"),
            include_superseded=True,
        )
        if everything:
            flt = MemoryFilter(include_superseded=True)
        elif flt == MemoryFilter(include_superseded=True):
            raise InvalidInput(
                "forget_where needs a filter, or everything=True to forget the whole workspace",
                field="everything",
            )
        return int(self.longterm.forget_where(workspace, flt, everything=bool(everything)))

    def export_workspace(self, *, workspace_id: str | None = None) -> list[dict[str, Any]]:
        return self.longterm.export(self._shared.workspace(workspace_id))  # type: ignore[no-any-return]

    def import_workspace(
        self,
        records: Iterable[Mapping[str, Any]],
        *,
        on_conflict: str = "error",
        workspace_id: str | None = None,
    ) -> ImportResult:
        """All or nothing: every record is checked (``importing.py``) before any is written."""
        workspace = self._shared.workspace(workspace_id)
        if not isinstance(on_conflict, str) or on_conflict not in ON_CONFLICT:
            raise InvalidInput(
                f"on_conflict must be one of {', '.join(ON_CONFLICT)}, not {on_conflict!r}",
                field="on_conflict",
            )
        memories = check_records(records, workspace, self._limits)
        result: ImportResult = self.longterm.import_(workspace, memories, on_conflict)
        return result
