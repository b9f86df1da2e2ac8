"""Records to Redis strings and back. Floats travel as ``repr`` so they come back bit-exact
(Lua compares them but never does arithmetic on them)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..records import ContextRecord, EventRecord, MessageRecord, SessionRecord


def num(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def opt_float(value: str | None) -> float | None:
    return None if value is None or value == "" else float(value)


def pairs(flat: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


def session(fields: Mapping[str, str]) -> SessionRecord:
    return SessionRecord(
        id=fields["id"],
        workspace_id=fields["workspace_id"],
        created_at=float(fields["created_at"]),
        touched_at=float(fields["touched_at"]),
        expires_at=float(fields["expires_at"]),
        ttl_seconds=float(fields["ttl_seconds"]),
        status=fields["status"],
        ended_at=opt_float(fields.get("ended_at")),
        committed_at=opt_float(fields.get("committed_at")),
        auto_commit=fields["auto_commit"] == "1",
        metadata=json.loads(fields["metadata"]),
        changed_at=opt_float(fields.get("changed_at")),
        name=fields.get("name") or None,
    )


def session_fields(r: SessionRecord) -> list[str]:
    """The record as flat (field, value) pairs for ``HSET``, with ``last_seq`` at 0."""
    fields = {
        "id": r.id,
        "workspace_id": r.workspace_id,
        "created_at": num(r.created_at),
        "touched_at": num(r.touched_at),
        "expires_at": num(r.expires_at),
        "ttl_seconds": num(r.ttl_seconds),
        "status": r.status,
        "ended_at": num(r.ended_at),
        "committed_at": num(r.committed_at),
        "auto_commit": "1" if r.auto_commit else "0",
        "metadata": json.dumps(r.metadata),
        "changed_at": num(r.changed_at),
        "last_seq": "0",
        "name": r.name or "",
    }
    return [part for item in fields.items() for part in item]


def event_member(e: EventRecord) -> str:
    body = json.dumps([e.workspace_id, e.type, e.at, e.session_id, e.memory_id, e.data_json])
    return f"{e.id}\n{body}"


def event_args(event: EventRecord | None) -> list[str]:
    """An event as script arguments (id, score, member); empty strings when there is none."""
    if event is None:
        return ["", "", ""]
    return [event.id, num(event.at), event_member(event)]


def event(member: str) -> EventRecord:
    event_id, body = member.split("\n", 1)
    workspace_id, type_, at, session_id, memory_id, data_json = json.loads(body)
    return EventRecord(event_id, workspace_id, type_, at, session_id, memory_id, data_json)


def message_body(m: MessageRecord) -> str:
    return json.dumps([m.role, m.content, m.token_count, m.created_at, m.data_json])


def message(body: str, status: str, seq: str) -> MessageRecord:
    role, content, tokens, created_at, data_json = json.loads(body)
    return MessageRecord(role, content, tokens, created_at, data_json, status, int(seq))


def context(key: str, value: str, version: str, reads: str, meta: str) -> ContextRecord:
    created, updated, importance, committed = meta.split("\t")
    return ContextRecord(
        key=key,
        value_json=value,
        version=int(version),
        importance=opt_float(importance),
        reads=int(reads),
        created_at=float(created),
        updated_at=float(updated),
        committed_version=None if committed == "" else int(committed),
    )
