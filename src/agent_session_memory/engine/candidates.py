"""Commit candidates: working-memory items rendered as readable memories."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Candidate:
    """One working-memory item on its way to long-term memory.

    ``memory_id`` is derived from (workspace, session, key, version), so retrying a commit after a
    crash at any point writes the same memory again instead of a second one.
    """

    workspace_id: str
    session_id: str
    key: str
    version: int
    value: Any
    content: str
    importance: float
    type: str = "fact"
    tags: list[str] = field(default_factory=list)

    @property
    def memory_id(self) -> str:
        raw = f"{self.workspace_id}\x00{self.session_id}\x00{self.key}\x00{self.version}"
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(slots=True)
class CommitOutcome:
    """What the long-term side did with a batch of candidates."""

    created: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
