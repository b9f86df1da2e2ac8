"""Where LangGraph checkpoints live in a session's working memory, and how they are encoded.

No I/O here: the checkpointer's flows build keys and values with these functions.

Keys (all under the reserved prefix ``lg/``; a part that is long or holds ``/`` becomes a hash):

- ``lg/c/<ns>/<checkpoint_id>``: the checkpoint without its channel values, its metadata, its
  parent's id and its namespace;
- ``lg/b/<ns>/<channel>/<version>``: one channel value at one version (a blob is written once
  and shared by every checkpoint that has that version, as LangGraph's own savers do);
- ``lg/w/<ns>/<checkpoint_id>/<task_id>/<idx>``: one pending write.

``<ns>`` is a 16-hex-digit hash of the checkpoint namespace. Checkpoint ids are LangGraph's
uuid6, which sort by time as text, so "the newest" is the largest key. Serialised values are the
saver's ``serde.dumps_typed`` pair, ``[type, base64]`` in JSON.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

PREFIX = "lg/"
_HASHED = 16


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASHED]


def part(text: str, limit: int = 64) -> str:
    """A key segment: ``text`` itself when short and plain, else its hash (prefixed ``#``)."""
    if len(text) <= limit and "/" not in text and not text.startswith("#") and text.isprintable():
        return text
    return "#" + _hash(text)


def ns_tag(checkpoint_ns: str) -> str:
    return _hash(checkpoint_ns)


def checkpoints_prefix(checkpoint_ns: str | None) -> str:
    """Every checkpoint key of one namespace (or of all, for ``None``)."""
    return f"{PREFIX}c/" if checkpoint_ns is None else f"{PREFIX}c/{ns_tag(checkpoint_ns)}/"


def checkpoint_key(checkpoint_ns: str, checkpoint_id: str) -> str:
    return f"{checkpoints_prefix(checkpoint_ns)}{part(checkpoint_id)}"


def checkpoint_id_of(key: str) -> str:
    """The sort key of a checkpoint key (its last segment)."""
    return key.rsplit("/", 1)[1]


def blobs_prefix(checkpoint_ns: str) -> str:
    return f"{PREFIX}b/{ns_tag(checkpoint_ns)}/"


def blob_key(checkpoint_ns: str, channel: str, version: Any) -> str:
    return f"{blobs_prefix(checkpoint_ns)}{part(channel)}/{part(str(version), 100)}"


def writes_prefix(checkpoint_ns: str | None, checkpoint_id: str | None = None) -> str:
    if checkpoint_ns is None:
        return f"{PREFIX}w/"
    base = f"{PREFIX}w/{ns_tag(checkpoint_ns)}/"
    return base if checkpoint_id is None else f"{base}{part(checkpoint_id)}/"


def write_key(checkpoint_ns: str, checkpoint_id: str, task_id: str, idx: int) -> str:
    return f"{writes_prefix(checkpoint_ns, checkpoint_id)}{part(task_id)}/{idx}"


def typed(pair: tuple[str, bytes]) -> list[str]:
    """A ``dumps_typed`` pair as JSON."""
    kind, data = pair
    return [kind, base64.b64encode(data).decode("ascii")]


def untyped(value: list[str]) -> tuple[str, bytes]:
    """A JSON pair back into what ``loads_typed`` takes."""
    return value[0], base64.b64decode(value[1])


def metadata_matches(metadata: Mapping[str, Any], wanted: Mapping[str, Any] | None) -> bool:
    """LangGraph's list filter: every given key equals the checkpoint's metadata value."""
    return not wanted or all(metadata.get(k) == v for k, v in wanted.items())
