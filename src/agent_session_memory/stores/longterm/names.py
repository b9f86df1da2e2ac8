"""Workspace id -> Chroma collection name.

Chroma wants 3-512 characters of ``[a-zA-Z0-9._-]`` starting and ending alphanumeric. Passing ids
through would break on ``"a"``, ``"-x"`` or ``"a..b"``, and sanitising alone is not injective
(``"a.b"`` and ``"a_b"`` would collide), so the name is ``ws-<sha256 prefix>-<readable part>``:
the hash makes it unique, the readable part makes it recognisable in Chroma's own tools.
"""

from __future__ import annotations

import hashlib
import re

PREFIX = "ws-"
_UNSAFE = re.compile(r"[^a-zA-Z0-9]+")
READABLE_CHARS = 40


def collection_name(workspace_id: str) -> str:
    """Deterministic, injective (up to a 96-bit hash) and always a valid Chroma name."""
    digest = hashlib.sha256(workspace_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    readable = _UNSAFE.sub("_", workspace_id).strip("_")[:READABLE_CHARS].strip("_")
    return f"{PREFIX}{digest}-{readable}" if readable else f"{PREFIX}{digest}"
