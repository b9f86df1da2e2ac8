"""A LangGraph checkpointer on sessions, for ``create_agent(..., checkpointer=...)``.

A thread is a session: ``thread_id`` names a session of the workspace (``open_session``, atomic
across processes), and the thread's checkpoints, channel values and pending writes are items of
that session's working memory (layout in ``_checkpoint_codec``). So they share the session's
TTL: every write touches the session, and a thread left alone longer than the TTL expires with
it (its next write starts a fresh thread). Every method is one flow driven sync or async
(``_bridge``), against the embedded engine or a remote server alike.

Retention: a namespace keeps its newest ``max_checkpoints`` checkpoints (default 100; ``None``
keeps all); when it holds a quarter more, the oldest go, with their pending writes and the
channel values no kept checkpoint uses. ``prune(strategy="keep_latest")`` keeps one.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    get_serializable_checkpoint_metadata,
)
from langgraph.checkpoint.serde.base import SerializerProtocol

from ... import validation
from ...client.async_client import AsyncMemoryClient
from ...client.sync_client import MemoryClient
from ...errors import InvalidInput, SessionEnded, SessionExpired, SessionNotFound
from ...models import Session
from .._bridge import ClientBridge, Flow, call
from . import _checkpoint_codec as codec

DEFAULT_NAME_PREFIX = "langgraph:"
_PAGE = 100
_BATCH_BYTES = 4 * 1024 * 1024
_GONE = (SessionExpired, SessionEnded, SessionNotFound)


class SessionCheckpointer(BaseCheckpointSaver[int]):
    """LangGraph checkpoints in sessions: one session per thread, named ``prefix + thread_id``.

    ``ttl_seconds``: the TTL of a thread's session (default: the client's). ``max_checkpoints``:
    the retention per namespace (``None``: unbounded; not ``DeltaChannel``-aware, so set it to
    ``None`` for graphs that use ``DeltaChannel``). ``auto_commit``: whether an expired thread's
    working memory is committed (checkpoint items carry importance 0 and are never committed
    at ``min_importance > 0``).
    """

    def __init__(
        self,
        *,
        client: MemoryClient | None = None,
        async_client: AsyncMemoryClient | None = None,
        workspace_id: str | None = None,
        ttl_seconds: float | None = None,
        max_checkpoints: int | None = 100,
        name_prefix: str = DEFAULT_NAME_PREFIX,
        auto_commit: bool | None = None,
        serde: SerializerProtocol | None = None,
    ) -> None:
        super().__init__(serde=serde)
        if max_checkpoints is not None:
            validation.positive_int(max_checkpoints, "max_checkpoints", 1_000)
        self._clients = ClientBridge(client, async_client)
        self.workspace_id = workspace_id
        self.ttl_seconds = ttl_seconds
        self.max_checkpoints = max_checkpoints
        self.name_prefix = name_prefix
        self.auto_commit = auto_commit

    # -- sync -----------------------------------------------------------------------------------
    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self._clients.run(self._get_tuple(config))

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        yield from self._clients.run(self._list(config, filter, before, limit))

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return self._clients.run(self._put(config, checkpoint, metadata, new_versions))

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._clients.run(self._put_writes(config, writes, task_id, task_path))

    def delete_thread(self, thread_id: str) -> None:
        self._clients.run(self._delete_thread(thread_id))

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self._clients.run(self._copy_thread(source_thread_id, target_thread_id))

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        self._clients.run(self._prune(thread_ids, strategy))

    def end_thread(
        self, thread_id: str, *, commit: bool = True, min_importance: float = 0.5
    ) -> Session | None:
        """End the thread's session (committing its working memory); None if it has none."""
        return self._clients.run(self._end_thread(thread_id, commit, min_importance))

    # -- async ----------------------------------------------------------------------------------
    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return await self._clients.arun(self._get_tuple(config))

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        for item in await self._clients.arun(self._list(config, filter, before, limit)):
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return await self._clients.arun(self._put(config, checkpoint, metadata, new_versions))

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        await self._clients.arun(self._put_writes(config, writes, task_id, task_path))

    async def adelete_thread(self, thread_id: str) -> None:
        await self._clients.arun(self._delete_thread(thread_id))

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await self._clients.arun(self._copy_thread(source_thread_id, target_thread_id))

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await self._clients.arun(self._prune(thread_ids, strategy))

    async def aend_thread(
        self, thread_id: str, *, commit: bool = True, min_importance: float = 0.5
    ) -> Session | None:
        return await self._clients.arun(self._end_thread(thread_id, commit, min_importance))

    # -- sessions -------------------------------------------------------------------------------
    def _name(self, thread_id: Any) -> str:
        if thread_id is None or thread_id == "":
            raise InvalidInput("config['configurable'] needs a thread_id", field="thread_id")
        return f"{self.name_prefix}{thread_id}"

    def _find(self, thread_id: Any) -> Flow[str | None]:
        """The thread's live session (reads never create one)."""
        found = yield call("find_session", self._name(thread_id), self.workspace_id)
        return None if found is None else str(found.id)

    def _open(self, thread_id: Any) -> Flow[str]:
        """The thread's session, touched, or a new one (atomic across processes)."""
        session = yield call(
            "open_session",
            self._name(thread_id),
            self.workspace_id,
            ttl_seconds=self.ttl_seconds,
            auto_commit=self.auto_commit,
        )
        return str(session.id)

    def _set(self, thread_id: Any, items: dict[str, Any]) -> Flow[str]:
        """Write ``items`` (checkpoint records last, so none is seen before its values); a
        session that ended or expired meanwhile is replaced once."""
        for attempt in range(2):
            session_id = yield from self._open(thread_id)
            try:
                yield from _write(session_id, items)
                return session_id
            except _GONE:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    # -- flows ----------------------------------------------------------------------------------
    def _get_tuple(self, config: RunnableConfig) -> Flow[CheckpointTuple | None]:
        thread_id, ns, checkpoint_id = _target(config)
        session_id = yield from self._find(thread_id)
        if session_id is None:
            return None
        if checkpoint_id is None:
            keys = yield call("list_context_keys", session_id, codec.checkpoints_prefix(ns))
            if not keys:
                return None
            key = max(keys, key=codec.checkpoint_id_of)
        else:
            key = codec.checkpoint_key(ns, checkpoint_id)
        items = yield call("get_context_items", session_id, [key])
        if key not in items:
            return None
        loaded = yield from self._load(session_id, thread_id, [items[key].value])
        return loaded[0]

    def _list(
        self,
        config: RunnableConfig | None,
        wanted: dict[str, Any] | None,
        before: RunnableConfig | None,
        limit: int | None,
    ) -> Flow[builtins.list[CheckpointTuple]]:
        before_id = None if before is None else before["configurable"].get("checkpoint_id")
        if config is None:
            threads = yield from self._thread_ids()
            ns: str | None = None
        else:
            thread_id, ns, _ = _target(config, ns_default=None)
            threads = [thread_id]
        found: builtins.list[CheckpointTuple] = []
        for thread_id in threads:
            room = None if limit is None else limit - len(found)
            if room is not None and room <= 0:
                break
            found += yield from self._list_thread(thread_id, ns, wanted, before_id, room)
        return found

    def _list_thread(
        self,
        thread_id: str,
        ns: str | None,
        wanted: dict[str, Any] | None,
        before_id: str | None,
        limit: int | None,
    ) -> Flow[builtins.list[CheckpointTuple]]:
        session_id = yield from self._find(thread_id)
        if session_id is None:
            return []
        keys = yield call("list_context_keys", session_id, codec.checkpoints_prefix(ns))
        keys = sorted(keys, key=codec.checkpoint_id_of, reverse=True)
        if before_id is not None:
            cut = codec.part(str(before_id))
            keys = [k for k in keys if codec.checkpoint_id_of(k) < cut]
        found: builtins.list[CheckpointTuple] = []
        for start in range(0, len(keys), _PAGE):
            page = keys[start : start + _PAGE]
            items = yield call("get_context_items", session_id, page)
            records = [items[k].value for k in page if k in items]
            records = [r for r in records if codec.metadata_matches(self._metadata(r), wanted)]
            found += yield from self._load(session_id, thread_id, records)
            if limit is not None and len(found) >= limit:
                return found[:limit]
        return found

    def _thread_ids(self) -> Flow[builtins.list[str]]:
        sessions = yield call("list_sessions", self.workspace_id, status="active", limit=10_000)
        names = [s.name for s in sessions if s.name and s.name.startswith(self.name_prefix)]
        return [name[len(self.name_prefix) :] for name in names]

    def _put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> Flow[RunnableConfig]:
        thread_id, ns, parent_id = _target(config)
        values = checkpoint["channel_values"]
        items: dict[str, Any] = {
            codec.blob_key(ns, channel, version): codec.typed(
                self.serde.dumps_typed(values[channel])
            )
            for channel, version in new_versions.items()
            if channel in values
        }
        stored = {**checkpoint, "channel_values": {}}
        meta = get_serializable_checkpoint_metadata(config, metadata)
        items[codec.checkpoint_key(ns, checkpoint["id"])] = {
            "ns": ns,
            "id": checkpoint["id"],
            "parent": parent_id,
            "checkpoint": codec.typed(self.serde.dumps_typed(stored)),
            "metadata": codec.typed(self.serde.dumps_typed(meta)),
        }
        session_id = yield from self._set(thread_id, items)
        if self.max_checkpoints is not None:
            yield from self._retain(session_id, ns, self.max_checkpoints)
        return {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": ns,
                "checkpoint_id": checkpoint["id"],
            }
        }

    def _put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str,
    ) -> Flow[None]:
        thread_id, ns, checkpoint_id = _target(config)
        if checkpoint_id is None:
            raise InvalidInput("put_writes needs a checkpoint_id", field="checkpoint_id")
        items: dict[str, Any] = {}
        for idx, (channel, value) in enumerate(writes):
            slot = WRITES_IDX_MAP.get(channel, idx)
            items[codec.write_key(ns, checkpoint_id, task_id, slot)] = {
                "task": task_id,
                "channel": channel,
                "value": codec.typed(self.serde.dumps_typed(value)),
                "path": task_path,
                "idx": slot,
            }
        if items:
            yield from self._set(thread_id, items)

    def _delete_thread(self, thread_id: str) -> Flow[None]:
        """Delete every session the thread has had (its live one and ended ones)."""
        name = self._name(thread_id)
        sessions = yield call("list_sessions", self.workspace_id, limit=10_000)
        for session in sessions:
            if session.name == name:
                yield call("delete_session", session.id)
        live = yield call("find_session", name, self.workspace_id)
        if live is not None:
            yield call("delete_session", live.id)

    def _copy_thread(self, source: str, target: str) -> Flow[None]:
        source_id = yield from self._find(source)
        if source_id is None:
            return
        keys = yield call("list_context_keys", source_id, codec.PREFIX)
        items: dict[str, Any] = {}
        for start in range(0, len(keys), _PAGE):
            page = yield call("get_context_items", source_id, keys[start : start + _PAGE])
            items.update({k: item.value for k, item in page.items()})
        if items:
            yield from self._set(target, items)

    def _prune(self, thread_ids: Sequence[str], strategy: str) -> Flow[None]:
        if strategy not in ("keep_latest", "delete"):
            raise InvalidInput("strategy must be 'keep_latest' or 'delete'", field="strategy")
        for thread_id in thread_ids:
            if strategy == "delete":
                yield from self._delete_thread(thread_id)
                continue
            session_id = yield from self._find(thread_id)
            if session_id is not None:
                yield from self._retain(session_id, None, 1, slack=0)

    def _end_thread(
        self, thread_id: str, commit: bool, min_importance: float
    ) -> Flow[Session | None]:
        session_id = yield from self._find(thread_id)
        if session_id is None:
            return None
        ended: Session = yield call(
            "end_session", session_id, commit, min_importance=min_importance
        )
        return ended

    # -- retention ------------------------------------------------------------------------------
    def _retain(
        self, session_id: str, ns: str | None, keep: int, slack: int | None = None
    ) -> Flow[None]:
        """Keep the newest ``keep`` checkpoints per namespace once one holds ``keep + slack``."""
        slack = max(1, keep // 4) if slack is None else slack
        keys = yield call("list_context_keys", session_id, codec.checkpoints_prefix(ns))
        groups: dict[str, builtins.list[str]] = {}
        for key in keys:
            groups.setdefault(key.rsplit("/", 1)[0], []).append(key)
        kept: builtins.list[str] = []
        dropped: builtins.list[str] = []
        for group in groups.values():
            if len(group) <= keep + slack and slack:
                continue
            group.sort(key=codec.checkpoint_id_of, reverse=True)
            kept += group[:keep]
            dropped += group[keep:]
        if not dropped:
            return
        doomed = yield from self._unused(session_id, kept, dropped)
        for start in range(0, len(doomed), _PAGE * 10):
            yield call("delete_context", session_id, doomed[start : start + _PAGE * 10])

    def _unused(
        self, session_id: str, kept: builtins.list[str], dropped: builtins.list[str]
    ) -> Flow[builtins.list[str]]:
        """The dropped checkpoints, their writes, and values no kept checkpoint refers to."""
        live: set[str] = set()
        write_prefixes: set[str] = set()
        for start in range(0, len(kept), _PAGE):
            items = yield call("get_context_items", session_id, kept[start : start + _PAGE])
            for item in items.values():
                record = item.value
                checkpoint = self.serde.loads_typed(codec.untyped(record["checkpoint"]))
                versions = checkpoint["channel_versions"].items()
                live.update(codec.blob_key(record["ns"], ch, v) for ch, v in versions)
                write_prefixes.add(codec.writes_prefix(record["ns"], record["id"]))
        doomed = list(dropped)
        for tag in {key.split("/")[2] for key in dropped}:
            for kind in ("b", "w"):
                others = yield call("list_context_keys", session_id, f"{codec.PREFIX}{kind}/{tag}/")
                doomed += [
                    k
                    for k in others
                    if k not in live and k.rsplit("/", 2)[0] + "/" not in write_prefixes
                ]
        return doomed

    # -- loading --------------------------------------------------------------------------------
    def _metadata(self, record: dict[str, Any]) -> CheckpointMetadata:
        meta: CheckpointMetadata = self.serde.loads_typed(codec.untyped(record["metadata"]))
        return meta

    def _load(
        self, session_id: str, thread_id: str, records: builtins.list[dict[str, Any]]
    ) -> Flow[builtins.list[CheckpointTuple]]:
        """Checkpoint records to tuples: their channel values and pending writes fetched in one
        call (plus one to list the writes)."""
        if not records:
            return []
        checkpoints = [self.serde.loads_typed(codec.untyped(r["checkpoint"])) for r in records]
        blob_keys = {
            codec.blob_key(r["ns"], ch, v)
            for r, cp in zip(records, checkpoints, strict=True)
            for ch, v in cp["channel_versions"].items()
        }
        one = records[0] if len(records) == 1 else None
        prefix = codec.writes_prefix(one["ns"], one["id"]) if one else codec.writes_prefix(None)
        wanted = {codec.writes_prefix(r["ns"], r["id"]) for r in records}
        write_keys = yield call("list_context_keys", session_id, prefix)
        write_keys = [k for k in write_keys if k.rsplit("/", 2)[0] + "/" in wanted]
        values: dict[str, Any] = {}
        fetch = sorted(blob_keys) + write_keys
        for start in range(0, len(fetch), _PAGE * 10):
            items = yield call("get_context_items", session_id, fetch[start : start + _PAGE * 10])
            values.update({k: item.value for k, item in items.items()})
        return [
            self._tuple(thread_id, r, cp, values)
            for r, cp in zip(records, checkpoints, strict=True)
        ]

    def _tuple(
        self, thread_id: str, record: dict[str, Any], checkpoint: Any, values: dict[str, Any]
    ) -> CheckpointTuple:
        ns = record["ns"]
        channel_values = {}
        for channel, version in checkpoint["channel_versions"].items():
            blob = values.get(codec.blob_key(ns, channel, version))
            if blob is not None:
                channel_values[channel] = self.serde.loads_typed(codec.untyped(blob))
        checkpoint["channel_values"] = channel_values
        prefix = codec.writes_prefix(ns, record["id"])
        writes = sorted(
            (v for k, v in values.items() if k.startswith(prefix)),
            key=lambda w: (w["path"], w["task"], w["idx"]),
        )
        config: RunnableConfig = {
            "configurable": {
                "thread_id": thread_id,
                "checkpoint_ns": ns,
                "checkpoint_id": record["id"],
            }
        }
        parent: RunnableConfig | None = None
        if record["parent"]:
            parent = {
                "configurable": {
                    "thread_id": thread_id,
                    "checkpoint_ns": ns,
                    "checkpoint_id": record["parent"],
                }
            }
        return CheckpointTuple(
            config=config,
            checkpoint=checkpoint,
            metadata=self._metadata(record),
            parent_config=parent,
            pending_writes=[
                (w["task"], w["channel"], self.serde.loads_typed(codec.untyped(w["value"])))
                for w in writes
            ],
        )


def _target(config: RunnableConfig, ns_default: str | None = "") -> tuple[str, Any, str | None]:
    """(thread_id, checkpoint_ns, checkpoint_id) of a config."""
    configurable = config.get("configurable") or {}
    thread_id = configurable.get("thread_id")
    if thread_id is None or thread_id == "":
        raise InvalidInput("config['configurable'] needs a thread_id", field="thread_id")
    ns = configurable.get("checkpoint_ns", ns_default)
    return str(thread_id), ns, configurable.get("checkpoint_id")


def _write(session_id: str, items: dict[str, Any]) -> Flow[None]:
    """``set_contexts`` in batches of a few MiB, checkpoint records in the last one; importance
    0, so a commit never turns checkpoints into memories."""
    ordered = sorted(items, key=lambda k: k.startswith(f"{codec.PREFIX}c/"))
    batch: dict[str, Any] = {}
    size = 0
    for key in ordered:
        weight = len(key) + _approx_size(items[key])
        if batch and size + weight > _BATCH_BYTES:
            yield call("set_contexts", session_id, batch, importance=0.0)
            batch, size = {}, 0
        batch[key] = items[key]
        size += weight
    if batch:
        yield call("set_contexts", session_id, batch, importance=0.0)


def _approx_size(value: Any) -> int:
    """Bytes of a value as stored (the typed pairs dominate: their base64 text)."""
    if isinstance(value, list):
        return sum(len(str(v)) for v in value)
    if isinstance(value, dict):
        return sum(_approx_size(v) for v in value.values())
    return len(str(value))
