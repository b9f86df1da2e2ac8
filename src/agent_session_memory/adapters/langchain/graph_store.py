"""A LangGraph ``BaseStore`` over long-term memory, for ``create_agent(..., store=...)``.

Each item is one memory, so everything an agent puts is also found by ``recall``, briefings and
the other surfaces. Namespaces map to workspaces explicitly (see ``_namespaces``); ``put`` on the
same (namespace, key) replaces the item; ``search`` with ``query`` is our hybrid recall, with
``filter`` (``$eq``, ``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte`` on value fields), ``limit``
and ``offset``; TTLs (minutes, refreshed on read unless told otherwise) are kept per item and
expired items are never returned and are forgotten when next seen.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from langgraph.store.base import (
    BaseStore,
    GetOp,
    Item,
    ListNamespacesOp,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
    TTLConfig,
)

from ... import validation
from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import InvalidInput, NotFound
from ...models import Memory
from .._bridge import ClientBridge, Flow, call
from . import _namespaces as ns

# Commits never merge a session's item into a memory marked so (the core's ``_owned_by``), so
# ``get`` and ``recall`` keep agreeing on an item's content.
OWNED_BY = "_owned_by"

_PAGE = 200
_MAX_K = 1000
_ITEM_LOOKUP = 10
_MAX_BATCH = 1000  # remember_many's limit a call


class MemoryGraphStore(BaseStore):
    """LangGraph long-term memory backed by agent-session-memory.

    ``workspace_id``: put every namespace inside this workspace (the whole namespace is then a
    sub-namespace). Otherwise the first label of a namespace is the workspace id, and
    ``workspaces`` (recommended when agents choose namespaces) is the allow-list of workspaces
    the store may touch; searches and listings without a workspace cover those (default: the
    client's workspace). ``index_fields``: JSON paths of a value that are embedded and indexed
    (default: the whole value, rendered readably); ``put(..., index=[...])`` overrides it per
    item and ``index=False`` keeps the item out of query searches. ``memory_type`` and
    ``importance`` are given to every memory the store writes. ``include_workspace_memories``:
    memories made elsewhere (commits, ``remember``) appear under the workspace's own namespace
    with their id as key. ``ttl``: LangGraph's ``TTLConfig`` (``default_ttl`` in minutes,
    ``refresh_on_read``); ``sweep_interval_minutes`` is not used, expired items go lazily.
    ``min_score`` (0-1): query searches leave out items scoring below it (``SearchItem.score``
    is recall's absolute relevance, docs/recall.md), so "nothing relevant" is an empty list.
    """

    supports_ttl = True

    def __init__(
        self,
        *,
        client: MemoryClient | None = None,
        async_client: AsyncMemoryClient | None = None,
        workspace_id: str | None = None,
        workspaces: Collection[str] | None = None,
        index_fields: Sequence[str] | None = None,
        memory_type: str = "fact",
        importance: float | None = None,
        include_workspace_memories: bool = True,
        ttl: TTLConfig | None = None,
        clock: Callable[[], float] = time.time,
        min_score: float | None = None,
    ) -> None:
        self._clients = ClientBridge(client, async_client)
        self._map = ns.NamespaceMap(workspace_id, workspaces, self._clients.workspace_id)
        self.index_fields = None if index_fields is None else list(index_fields)
        self.memory_type = memory_type
        self.importance = validation.importance(importance)
        self.include_workspace_memories = include_workspace_memories
        self.ttl_config = ttl
        self._clock = clock
        self.min_score = validation.fraction(min_score, "min_score")

    # -- the two faces ------------------------------------------------------------------------
    def batch(self, ops: Iterable[Op]) -> list[Result]:
        return self._clients.run(self._batch(list(ops)))

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return await self._clients.arun(self._batch(list(ops)))

    def _batch(self, ops: list[Op]) -> Flow[list[Result]]:
        results: list[Result] = []
        puts: list[PutOp] = []
        for op in [*ops, None]:
            if isinstance(op, PutOp):
                puts.append(op)
                results.append(None)
                continue
            if puts:  # a run of puts is written together (one embedding batch)
                yield from self._put_all(puts)
                puts = []
            if op is None:
                break
            if isinstance(op, GetOp):
                results.append((yield from self._get(op)))
            elif isinstance(op, SearchOp):
                results.append((yield from self._search(op)))
            elif isinstance(op, ListNamespacesOp):
                results.append((yield from self._list_namespaces(op)))
            else:
                raise InvalidInput(f"unknown store operation {type(op).__name__}", field="ops")
        return results

    # -- get / put ------------------------------------------------------------------------------
    def _find(self, workspace: str, sub: tuple[str, ...], key: str) -> Flow[list[Memory]]:
        """The memories holding (namespace, key), newest put first (normally exactly one)."""
        tag = ns.item_tag([workspace, *sub], key)
        found: list[Memory] = yield call(
            "list_memories", tags=[tag], limit=_ITEM_LOOKUP, workspace_id=workspace
        )
        mine = []
        for memory in found:
            meta = ns.record(memory)
            if meta and meta["key"] == key and tuple(meta.get("namespace") or ()) == sub:
                mine.append(memory)
        if not mine and sub == self._map.plain(workspace) and self.include_workspace_memories:
            mine = yield from self._plain_memory(workspace, key)
        mine.sort(key=lambda m: (ns.record(m) or {}).get("updated_at", 0), reverse=True)
        return mine

    def _plain_memory(self, workspace: str, key: str) -> Flow[list[Memory]]:
        try:
            validation.object_id(key, "key")
            memory = yield call("get_memory", key, workspace_id=workspace)
        except (NotFound, InvalidInput):
            return []
        return [memory] if ns.record(memory) is None else []

    def _get(self, op: GetOp) -> Flow[Item | None]:
        workspace, sub = self._map.split(op.namespace, for_write=False)
        found = yield from self._find(workspace, sub, ns.check_key(op.key))
        if not found:
            return None
        memory = found[0]
        if ns.expired(ns.record(memory), self._clock()):
            yield from self._forget(found)
            return None
        if op.refresh_ttl:
            memory = yield from self._refresh(memory)
        item = ns.to_item(memory, self._map, None, search=False)
        return item

    def _put_all(self, ops: list[PutOp]) -> Flow[None]:
        """Puts in order, the last one per item winning (as LangGraph's own stores do); new
        items are remembered with one ``remember_many`` a workspace, so embedded in one batch."""
        last = {(tuple(op.namespace), op.key): op for op in ops}
        new: dict[str, list[dict[str, Any]]] = {}
        for op in last.values():
            created = yield from self._put(op)
            if created is not None:
                workspace, memory = created
                new.setdefault(workspace, []).append(memory)
        for workspace, memories in new.items():
            for start in range(0, len(memories), _MAX_BATCH):
                yield call(
                    "remember_many", memories[start : start + _MAX_BATCH], workspace_id=workspace
                )

    def _put(self, op: PutOp) -> Flow[tuple[str, dict[str, Any]] | None]:
        """Change, forget or replace the item now; a new item is returned as ``(workspace,
        remember_many entry)`` for the caller to write with the rest of its batch."""
        workspace, sub = self._map.split(op.namespace, for_write=True)
        key = ns.check_key(op.key)
        found = yield from self._find(workspace, sub, key)
        if op.value is None:
            yield from self._forget(found)
            return None
        value = ns.check_value(op.value)
        indexed = op.index is not False
        fields = op.index if isinstance(op.index, list) else self.index_fields
        content = ns.text_of(value, fields) if indexed else key
        now = self._clock()
        ttl = _ttl_minutes(op.ttl)
        previous = ns.record(found[0]) if found else None
        if found and previous is None and ttl is not None:
            raise InvalidInput(
                "a TTL is not supported on a memory the store did not write (it would delete "
                "that memory at expiry): put it without ttl",
                field="ttl",
            )
        meta = {
            "namespace": list(sub),
            "key": key,
            "value": value,
            "indexed": indexed,
            "ttl": ttl,
            "expires_at": None if ttl is None else now + ttl * 60,
            "created_at": (previous or {}).get("created_at", now),
            "updated_at": now,
        }
        tags = ns.tags_for(workspace, sub, key)
        if found and ttl is None and (previous or {}).get("expires_at") is not None:
            # the core moves an expiry but never removes it: the item goes in anew, for good
            yield from self._forget(found)
            found = []
        if not found:
            entry: dict[str, Any] = {
                "content": content if content.strip() else key,
                "type": self.memory_type,
                "importance": self.importance,
                "tags": tags,
                "metadata": {ns.META_KEY: meta, OWNED_BY: "langgraph-store"},
            }
            if ttl is not None:
                entry["ttl_seconds"] = ttl * 60
            return workspace, entry
        keep = found[0]
        kept_tags = [t for t in keep.tags if not t.startswith("lg-")]
        yield call(
            "update_memory",
            keep.id,
            content=content if content.strip() else key,
            metadata={**keep.metadata, ns.META_KEY: meta, OWNED_BY: "langgraph-store"},
            tags=(tags + kept_tags)[:64],
            workspace_id=workspace,
            ttl_seconds=None if ttl is None else ttl * 60,
        )
        yield from self._forget(found[1:])
        return None

    def _forget(self, memories: Iterable[Memory]) -> Flow[None]:
        for memory in memories:
            try:
                yield call("forget", memory.id, workspace_id=memory.workspace_id)
            except NotFound:  # a concurrent delete or expiry got there first
                continue

    def _refresh(self, memory: Memory) -> Flow[Memory]:
        """Push back an item's expiry on read (only items put with a TTL)."""
        meta = ns.record(memory)
        if not meta or meta.get("ttl") is None:
            return memory
        meta["expires_at"] = self._clock() + float(meta["ttl"]) * 60
        try:
            updated: Memory = yield call(
                "update_memory",
                memory.id,
                metadata={**memory.metadata, ns.META_KEY: meta},
                workspace_id=memory.workspace_id,
                ttl_seconds=float(meta["ttl"]) * 60,
            )
        except NotFound:
            return memory
        return updated

    # -- search ---------------------------------------------------------------------------------
    def _search(self, op: SearchOp) -> Flow[list[SearchItem]]:
        ns.check_labels(op.namespace_prefix)
        flt = ns.check_filter(op.filter)
        limit = _count(op.limit, "limit", minimum=0)
        offset = _count(op.offset, "offset", minimum=0)
        found: list[tuple[float | None, Memory]] = []
        for workspace, sub in self._scopes(op.namespace_prefix):
            plain = self._map.plain(workspace)
            tag = (
                None
                if plain[: len(sub)] == sub and self.include_workspace_memories
                else ns.prefix_tag([workspace, *sub])
            )
            if op.query:
                hits = yield from self._query(op.query, workspace, sub, tag, flt, offset + limit)
            else:
                hits = yield from self._scan(workspace, sub, tag, flt, offset + limit)
            found.extend(hits)
        if op.query:
            found.sort(key=lambda pair: pair[0] or 0.0, reverse=True)
        page = found[offset : offset + limit]
        items = []
        for score, memory in page:
            if op.refresh_ttl:
                memory = yield from self._refresh(memory)
            item = ns.to_item(memory, self._map, score, search=True)
            assert isinstance(item, SearchItem)
            items.append(item)
        return items

    def _scopes(self, prefix: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
        if self._map.fixed is not None:
            return [(self._map.fixed, prefix)]
        if not prefix:
            return [(w, ()) for w in self._map.workspaces_for(())]
        return [(self._map.allow(prefix[0]), prefix[1:])]

    def _keep(
        self,
        memory: Memory,
        sub: tuple[str, ...],
        flt: dict[str, Any],
        now: float,
        expired: list[Memory],
        *,
        query: bool,
    ) -> bool:
        meta = ns.record(memory)
        if meta is None:
            return (
                self.include_workspace_memories
                and self._map.plain(memory.workspace_id)[: len(sub)] == sub
                and ns.matches(ns.plain_value(memory), flt)
            )
        if tuple(meta.get("namespace") or ())[: len(sub)] != sub:
            return False
        if ns.expired(meta, now):
            expired.append(memory)
            return False
        if query and meta.get("indexed") is False:
            return False
        return ns.matches(meta.get("value") or {}, flt)

    def _query(
        self,
        query: str,
        workspace: str,
        sub: tuple[str, ...],
        tag: str | None,
        flt: dict[str, Any],
        want: int,
    ) -> Flow[list[tuple[float | None, Memory]]]:
        """Recall, asking for more when filters or expiry thin the hits out."""
        k = min(_MAX_K, max(2 * want, 10))
        while True:
            hits = yield call(
                "recall",
                query,
                k=k,
                tags=None if tag is None else [tag],
                min_score=self.min_score,
                workspace_id=workspace,
            )
            now, expired = self._clock(), list[Memory]()
            kept: list[tuple[float | None, Memory]] = [
                (h.score, h.memory)
                for h in hits
                if self._keep(h.memory, sub, flt, now, expired, query=True)
            ]
            yield from self._forget(expired)
            if len(kept) >= want or len(hits) < k or k >= _MAX_K:
                return kept[:want]
            k = min(_MAX_K, k * 4)

    def _scan(
        self, workspace: str, sub: tuple[str, ...], tag: str | None, flt: dict[str, Any], want: int
    ) -> Flow[list[tuple[float | None, Memory]]]:
        kept: list[tuple[float | None, Memory]] = []
        offset = 0
        while len(kept) < want:
            page = yield call(
                "list_memories",
                tags=None if tag is None else [tag],
                limit=_PAGE,
                offset=offset,
                workspace_id=workspace,
            )
            now, expired = self._clock(), list[Memory]()
            kept.extend(
                (None, m) for m in page if self._keep(m, sub, flt, now, expired, query=False)
            )
            yield from self._forget(expired)
            if len(page) < _PAGE:
                break
            offset += _PAGE - len(expired)
        return kept[:want]

    # -- namespaces -----------------------------------------------------------------------------
    def _list_namespaces(self, op: ListNamespacesOp) -> Flow[list[tuple[str, ...]]]:
        conditions = tuple(op.match_conditions or ())
        for condition in conditions:
            ns.check_labels(tuple(condition.path))
        limit = _count(op.limit, "limit", minimum=0)
        offset = _count(op.offset, "offset", minimum=0)
        prefix = next((tuple(c.path) for c in conditions if c.match_type == "prefix"), ())
        workspaces = self._map.workspaces_for(prefix if self._map.fixed is None else ())
        seen: set[tuple[str, ...]] = set()
        for workspace in workspaces:
            found = yield from self._namespaces_in(workspace)
            seen.update(found)
        matching = sorted(
            n[: op.max_depth] if op.max_depth is not None else n
            for n in seen
            if n and all(ns.namespace_matches(n, c) for c in conditions)
        )
        return sorted(set(matching))[offset : offset + limit]

    def _namespaces_in(self, workspace: str) -> Flow[set[tuple[str, ...]]]:
        tag = None if self.include_workspace_memories else ns.prefix_tag([workspace])
        found: set[tuple[str, ...]] = set()
        offset, now = 0, self._clock()
        while True:
            page = yield call(
                "list_memories",
                tags=None if tag is None else [tag],
                limit=_PAGE,
                offset=offset,
                workspace_id=workspace,
            )
            for memory in page:
                meta = ns.record(memory)
                if meta is None or not ns.expired(meta, now):
                    sub = (
                        self._map.plain(workspace)
                        if meta is None
                        else tuple(meta.get("namespace") or ())
                    )
                    found.add(self._map.external(workspace, sub))
            if len(page) < _PAGE:
                return found
            offset += _PAGE


def _ttl_minutes(ttl: Any) -> float | None:
    if ttl is None:
        return None
    if (
        isinstance(ttl, bool)
        or not isinstance(ttl, (int, float))
        or not math.isfinite(ttl)
        or ttl <= 0
    ):
        raise InvalidInput(f"ttl must be a positive number of minutes, not {ttl!r}", field="ttl")
    return float(ttl)


def _count(value: Any, what: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(f"{what} must be an integer >= {minimum}, not {value!r}", field=what)
    return min(value, _MAX_K)
