"""The checkpointer's flows that need no thread: writing, retention and loading.

Each is a generator of client calls (see ``_bridge``) over one session's working memory, in the
layout of ``_checkpoint_codec``.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointMetadata, CheckpointTuple
from langgraph.checkpoint.serde.base import SerializerProtocol

from .._bridge import Flow, call
from . import _checkpoint_codec as codec

PAGE = 100
_BATCH_BYTES = 4 * 1024 * 1024


def write(session_id: str, items: dict[str, Any]) -> Flow[None]:
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


# -- retention --------------------------------------------------------------------------------
def retain(
    serde: SerializerProtocol, session_id: str, ns: str | None, keep: int, slack: int | None = None
) -> Flow[None]:
    """Keep the newest ``keep`` checkpoints per namespace once one holds ``keep + slack``, and
    the ancestors their ``DeltaChannel`` values are rebuilt from (``delta_ancestors``)."""
    slack = max(1, keep // 4) if slack is None else slack
    keys = yield call("list_context_keys", session_id, codec.checkpoints_prefix(ns))
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key.rsplit("/", 1)[0], []).append(key)
    kept: list[str] = []
    dropped: list[str] = []
    for group in groups.values():
        if len(group) <= keep + slack and slack:
            continue
        group.sort(key=codec.checkpoint_id_of, reverse=True)
        records = yield from read(session_id, group)
        blobs_of = codec.blobs_prefix(next(iter(records.values()))["ns"]) if records else None
        blobs = set((yield call("list_context_keys", session_id, blobs_of))) if blobs_of else set()
        protected = delta_ancestors(serde, records, group[:keep], blobs)
        kept += group[:keep] + sorted(protected)
        dropped += [k for k in group[keep:] if k not in protected]
    yield from drop(serde, session_id, kept, dropped)


def drop(
    serde: SerializerProtocol, session_id: str, kept: list[str], dropped: list[str]
) -> Flow[None]:
    """Delete the ``dropped`` checkpoints with what only they used."""
    if not dropped:
        return
    doomed = yield from unused(serde, session_id, kept, dropped)
    for start in range(0, len(doomed), PAGE * 10):
        yield call("delete_context", session_id, doomed[start : start + PAGE * 10])


def read(session_id: str, keys: list[str]) -> Flow[dict[str, dict[str, Any]]]:
    """Checkpoint records by key (missing ones left out)."""
    records: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), PAGE):
        items = yield call("get_context_items", session_id, keys[start : start + PAGE])
        records.update({k: item.value for k, item in items.items()})
    return records


def delta_ancestors(
    serde: SerializerProtocol,
    records: dict[str, dict[str, Any]],
    heads: list[str],
    blobs: set[str],
) -> set[str]:
    """The checkpoints a ``DeltaChannel`` of one of ``heads`` is rebuilt from.

    Such a channel stores no value at most steps: LangGraph replays the pending writes of the
    parent chain back to the nearest ancestor that holds a value (a ``_DeltaSnapshot``), and
    lists the channels with updates since their snapshot in the checkpoint's metadata
    (``counters_since_delta_snapshot``). Every ancestor up to that one must stay, writes and all.
    """
    by_id = {r["id"]: k for k, r in records.items()}
    protected: set[str] = set()
    for head in heads:
        record = records.get(head)
        if record is None:
            continue
        ns = record["ns"]
        counters = metadata(serde, record).get("counters_since_delta_snapshot") or {}
        versions = serde.loads_typed(codec.untyped(record["checkpoint"]))["channel_versions"]
        missing = {ch for ch in counters if codec.blob_key(ns, ch, versions.get(ch)) not in blobs}
        parent = record["parent"]
        while missing and parent in by_id:
            key = by_id[parent]
            protected.add(key)
            checkpoint = serde.loads_typed(codec.untyped(records[key]["checkpoint"]))
            found = checkpoint["channel_versions"]
            missing = {
                ch
                for ch in missing
                if ch not in found or codec.blob_key(ns, ch, found[ch]) not in blobs
            }
            parent = records[key]["parent"]
    return protected - set(heads)


def unused(
    serde: SerializerProtocol, session_id: str, kept: list[str], dropped: list[str]
) -> Flow[list[str]]:
    """The dropped checkpoints, their writes, and their values no kept checkpoint refers to.

    Only what the dropped checkpoints name goes: LangGraph may store a newer checkpoint's
    writes (and, from another process, its values) while this runs, before its record.
    """
    records = yield from read(session_id, kept + dropped)

    def values_of(keys: list[str]) -> set[str]:
        found: set[str] = set()
        for key in keys:
            record = records.get(key)
            if record is not None:
                checkpoint = serde.loads_typed(codec.untyped(record["checkpoint"]))
                versions = checkpoint["channel_versions"].items()
                found.update(codec.blob_key(record["ns"], ch, v) for ch, v in versions)
        return found

    doomed = list(dropped) + sorted(values_of(dropped) - values_of(kept))
    gone = [records[k] for k in dropped if k in records]
    prefixes = {codec.writes_prefix(r["ns"], r["id"]) for r in gone}
    for ns in {r["ns"] for r in gone}:
        writes = yield call("list_context_keys", session_id, codec.writes_prefix(ns))
        doomed += [k for k in writes if k.rsplit("/", 2)[0] + "/" in prefixes]
    return doomed


# -- loading --------------------------------------------------------------------------------
def metadata(serde: SerializerProtocol, record: dict[str, Any]) -> CheckpointMetadata:
    meta: CheckpointMetadata = serde.loads_typed(codec.untyped(record["metadata"]))
    return meta


def load(
    serde: SerializerProtocol, session_id: str, thread_id: str, records: list[dict[str, Any]]
) -> Flow[list[CheckpointTuple]]:
    """Checkpoint records to tuples: their channel values and pending writes fetched in one
    call (plus one to list the writes)."""
    if not records:
        return []
    checkpoints = [serde.loads_typed(codec.untyped(r["checkpoint"])) for r in records]
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
    for start in range(0, len(fetch), PAGE * 10):
        items = yield call("get_context_items", session_id, fetch[start : start + PAGE * 10])
        values.update({k: item.value for k, item in items.items()})
    return [
        checkpoint_tuple(serde, thread_id, r, cp, values)
        for r, cp in zip(records, checkpoints, strict=True)
    ]


def checkpoint_tuple(
    serde: SerializerProtocol,
    thread_id: str,
    record: dict[str, Any],
    checkpoint: Any,
    values: dict[str, Any],
) -> CheckpointTuple:
    ns = record["ns"]
    channel_values = {}
    for channel, version in checkpoint["channel_versions"].items():
        blob = values.get(codec.blob_key(ns, channel, version))
        if blob is not None:
            channel_values[channel] = serde.loads_typed(codec.untyped(blob))
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
        metadata=metadata(serde, record),
        parent_config=parent,
        pending_writes=[
            (w["task"], w["channel"], serde.loads_typed(codec.untyped(w["value"]))) for w in writes
        ],
    )
