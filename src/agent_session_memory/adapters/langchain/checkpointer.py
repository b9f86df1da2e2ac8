"""A LangGraph checkpointer on sessions, for ``create_agent(..., checkpointer=...)``.

A thread is a session: ``thread_id`` names a session of the workspace (``open_session``, atomic
across processes), and the thread's checkpoints, channel values and pending writes are items of
that session's working memory (layout in ``_checkpoint_codec``). So they share the session's
TTL: every write touches the session, and a thread left alone longer than the TTL expires with
it (its next write starts a fresh thread). Every method is one flow driven sync or async
(``_bridge``), against the embedded engine or a remote server alike.

Retention: a namespace keeps its newest ``max_checkpoints`` checkpoints (default 100; ``None``
keeps all); when it holds a quarter more, the oldest go, with their pending writes and the
channel values no kept checkpoint uses. ``prune(strategy="keep_latest")`` keeps one. Both keep
the ancestors a kept checkpoint's ``DeltaChannel`` values are rebuilt from (back to their last
snapshot), so a graph using ``DeltaChannel`` loses nothing. ``delete_for_runs`` deletes the
checkpoints of the given runs (``metadata["run_id"]``) in every thread of the workspace.

Ending a thread (``end_thread``) commits its session's working memory and, on request, its
conversation: the newest checkpoint's ``messages`` go into working memory as
``conversation excerpt N`` items first (``_transcript``), so the commit keeps them like any item.
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
from .. import _transcript as transcript
from .._bridge import ClientBridge, Flow, call
from . import _checkpoint_codec as codec
from . import _checkpoint_flows as flows
from ._messages import conversation_lines

DEFAULT_NAME_PREFIX = "langgraph:"
_GONE = (SessionExpired, SessionEnded, SessionNotFound)


class SessionCheckpointer(BaseCheckpointSaver[int]):
    """LangGraph checkpoints in sessions: one session per thread, named ``prefix + thread_id``.

    ``ttl_seconds``: the TTL of a thread's session (default: the client's). ``max_checkpoints``:
    the retention per namespace (``None``: unbounded; ``DeltaChannel`` ancestors are kept
    beyond it until their next snapshot). ``auto_commit``: whether an expired thread's
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

    def delete_for_runs(self, run_ids: Sequence[str]) -> None:
        self._clients.run(self._delete_for_runs(run_ids))

    def copy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        self._clients.run(self._copy_thread(source_thread_id, target_thread_id))

    def prune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        self._clients.run(self._prune(thread_ids, strategy))

    def end_thread(
        self,
        thread_id: str,
        *,
        commit: bool = True,
        min_importance: float = 0.5,
        messages: bool = False,
        messages_importance: float | None = None,
    ) -> Session | None:
        """End the thread's session, committing its working memory (and with ``messages=True``
        its conversation, at ``messages_importance``: ``None`` lets the scorer decide); None if
        it has no live session."""
        return self._clients.run(
            self._end_thread(thread_id, commit, min_importance, messages, messages_importance)
        )

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

    async def adelete_for_runs(self, run_ids: Sequence[str]) -> None:
        await self._clients.arun(self._delete_for_runs(run_ids))

    async def acopy_thread(self, source_thread_id: str, target_thread_id: str) -> None:
        await self._clients.arun(self._copy_thread(source_thread_id, target_thread_id))

    async def aprune(self, thread_ids: Sequence[str], *, strategy: str = "keep_latest") -> None:
        await self._clients.arun(self._prune(thread_ids, strategy))

    async def aend_thread(
        self,
        thread_id: str,
        *,
        commit: bool = True,
        min_importance: float = 0.5,
        messages: bool = False,
        messages_importance: float | None = None,
    ) -> Session | None:
        return await self._clients.arun(
            self._end_thread(thread_id, commit, min_importance, messages, messages_importance)
        )

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
                yield from flows.write(session_id, items)
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
        loaded = yield from flows.load(self.serde, session_id, thread_id, [items[key].value])
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
        for start in range(0, len(keys), flows.PAGE):
            page = keys[start : start + flows.PAGE]
            items = yield call("get_context_items", session_id, page)
            records = [items[k].value for k in page if k in items]
            records = [
                r for r in records if codec.metadata_matches(flows.metadata(self.serde, r), wanted)
            ]
            found += yield from flows.load(self.serde, session_id, thread_id, records)
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
            yield from flows.retain(self.serde, session_id, ns, self.max_checkpoints)
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

    def _delete_for_runs(self, run_ids: Sequence[str]) -> Flow[None]:
        """Every checkpoint whose metadata names one of ``run_ids``, in every thread of the
        workspace, with its writes and the values no other checkpoint uses. Like LangGraph's
        own savers it deletes what it is told: a ``DeltaChannel`` of a later checkpoint of the
        same thread that was rebuilt from those writes loses them."""
        if isinstance(run_ids, str):
            raise InvalidInput("run_ids must be a list of run ids", field="run_ids")
        wanted = {str(r) for r in run_ids}
        if not wanted:
            return
        for thread_id in (yield from self._thread_ids()):
            session_id = yield from self._find(thread_id)
            if session_id is None:
                continue
            keys = yield call("list_context_keys", session_id, codec.checkpoints_prefix(None))
            records = yield from flows.read(session_id, keys)
            doomed = {
                k
                for k, r in records.items()
                if flows.metadata(self.serde, r).get("run_id") in wanted
            }
            kept = [k for k in records if k not in doomed]
            yield from flows.drop(self.serde, session_id, kept, sorted(doomed))

    def _copy_thread(self, source: str, target: str) -> Flow[None]:
        source_id = yield from self._find(source)
        if source_id is None:
            return
        keys = yield call("list_context_keys", source_id, codec.PREFIX)
        items: dict[str, Any] = {}
        for start in range(0, len(keys), flows.PAGE):
            page = yield call("get_context_items", source_id, keys[start : start + flows.PAGE])
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
                yield from flows.retain(self.serde, session_id, None, 1, slack=0)

    def _end_thread(
        self,
        thread_id: str,
        commit: bool,
        min_importance: float,
        messages: bool,
        messages_importance: float | None,
    ) -> Flow[Session | None]:
        if messages and not commit:
            raise InvalidInput(
                "messages=True commits the conversation: it needs commit=True", field="messages"
            )
        session_id = yield from self._find(thread_id)
        if session_id is None:
            return None
        if messages:
            newest = yield from self._get_tuple({"configurable": {"thread_id": thread_id}})
            said = {} if newest is None else newest.checkpoint["channel_values"]
            texts = transcript.chunks(conversation_lines(said.get("messages")))
            yield from transcript.to_context(session_id, texts, messages_importance)
        ended: Session = yield call(
            "end_session", session_id, commit, min_importance=min_importance
        )
        return ended


def _target(config: RunnableConfig, ns_default: str | None = "") -> tuple[str, Any, str | None]:
    """(thread_id, checkpoint_ns, checkpoint_id) of a config."""
    configurable = config.get("configurable") or {}
    thread_id = configurable.get("thread_id")
    if thread_id is None or thread_id == "":
        raise InvalidInput("config['configurable'] needs a thread_id", field="thread_id")
    ns = configurable.get("checkpoint_ns", ns_default)
    return str(thread_id), ns, configurable.get("checkpoint_id")
