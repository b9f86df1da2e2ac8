"""One memory filter, three renderings: SQL (``sqlite_rows.py``), a Chroma ``where`` and Python.

Recall re-checks every hit against the canonical record in Python, so the dense index lagging
behind the canonical rows (a crash between the two writes) can never leak a filtered-out memory.
Expiry (``Memory.expires_at``) is checked on the rows only: ``live_at`` hides memories expired by
then (the engine sets it on every read), ``expired_by`` selects them (the sweep).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...models import Memory, to_timestamp


@dataclass(frozen=True, slots=True)
class MemoryFilter:
    types: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None  # any of them
    min_importance: float | None = None
    since: float | None = None  # created_at >= since
    until: float | None = None  # created_at <= until
    before: float | None = None  # created_at < before (forget_where)
    session_id: str | None = None
    include_superseded: bool = False
    live_at: float | None = None  # only memories not expired at this time
    expired_by: float | None = None  # only memories expired at this time (the sweep)

    @property
    def selective(self) -> bool:
        """Whether anything but the superseded flag filters: only then is a Chroma ``where``
        worth its cost (it scans metadata; see ``engine/longterm/recall.py``)."""
        return (
            self.types is not None
            or self.tags is not None
            or self.session_id is not None
            or bool(self._ranges())
        )

    def sql(self, alias: str = "m") -> tuple[str, list[Any]]:
        """``AND``-joined conditions on the ``memories`` table and their parameters."""
        conds: list[str] = []
        params: list[Any] = []
        if self.types is not None:
            conds.append(f"{alias}.type IN ({','.join('?' * len(self.types))})")
            params.extend(self.types)
        if self.tags is not None:
            conds.append(
                f"EXISTS (SELECT 1 FROM memory_tags t WHERE t.rid = {alias}.rid AND "
                f"t.tag IN ({','.join('?' * len(self.tags))}))"
            )
            params.extend(self.tags)
        for column, op, value in self._ranges():
            conds.append(f"{alias}.{column} {op} ?")
            params.append(value)
        if self.session_id is not None:
            conds.append(f"{alias}.session_id = ?")
            params.append(self.session_id)
        if not self.include_superseded:
            conds.append(f"{alias}.superseded = 0")
        if self.live_at is not None:
            conds.append(f"({alias}.expires_at IS NULL OR {alias}.expires_at > ?)")
            params.append(self.live_at)
        if self.expired_by is not None:
            conds.append(f"{alias}.expires_at <= ?")
            params.append(self.expired_by)
        return (" AND ".join(conds) or "1"), params

    def _ranges(self) -> list[tuple[str, str, float]]:
        out = []
        if self.min_importance is not None:
            out.append(("importance", ">=", self.min_importance))
        if self.since is not None:
            out.append(("created_at", ">=", self.since))
        if self.until is not None:
            out.append(("created_at", "<=", self.until))
        if self.before is not None:
            out.append(("created_at", "<", self.before))
        return out

    def chroma_where(self) -> dict[str, Any] | None:
        ops = {">=": "$gte", "<=": "$lte", "<": "$lt"}
        clauses: list[dict[str, Any]] = []
        if self.types is not None:
            clauses.append({"type": {"$in": list(self.types)}})
        if self.tags is not None:
            tag_clauses: list[dict[str, Any]] = [{f"tag:{t}": True} for t in self.tags]
            clauses.append(tag_clauses[0] if len(tag_clauses) == 1 else {"$or": tag_clauses})
        for column, op, value in self._ranges():
            clauses.append({column: {ops[op]: value}})
        if self.session_id is not None:
            clauses.append({"session_id": self.session_id})
        if not self.include_superseded:
            clauses.append({"superseded": False})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def matches(self, memory: Memory) -> bool:
        created = to_timestamp(memory.created_at) or 0.0
        expires = to_timestamp(memory.expires_at)
        checks = (
            self.types is None or memory.type in self.types,
            self.tags is None or any(t in memory.tags for t in self.tags),
            self.min_importance is None or memory.importance >= self.min_importance,
            self.since is None or created >= self.since,
            self.until is None or created <= self.until,
            self.before is None or created < self.before,
            self.session_id is None or memory.session_id == self.session_id,
            self.include_superseded or memory.superseded_by is None,
            self.live_at is None or expires is None or expires > self.live_at,
            self.expired_by is None or (expires is not None and expires <= self.expired_by),
        )
        return all(checks)
