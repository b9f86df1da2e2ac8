"""The commit planner: what a batch of candidates becomes (created, merged, duplicate, superseded).

Deterministic, no LLM. For each candidate, in order: a retry (its id or merge alias exists) is a
duplicate; with ``deduplicate``, the same normalised content is a duplicate; a live memory from
the same working-memory key with other content is superseded; else a near duplicate
(``dedup.same_fact``) is merged into; else a memory is created. Candidates planned earlier in the
batch count as existing. Planning only reads the store; ``Writer.write`` writes the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...models import EventType, Memory, replace, to_datetime
from ...stores.longterm.base import LongTermStore, Vector
from ...stores.longterm.dedup import same_fact
from ...stores.longterm.records import content_hash
from ..candidates import Candidate, CommitOutcome
from .writer import PlannedEvent

#: How many nearest neighbours a candidate looks at for a live near duplicate.
NEIGHBOURS = 4


OWNED_BY = "_owned_by"


def owned(memory: Memory) -> bool:
    """A memory another writer keeps in step with its own copy (``metadata["_owned_by"]``, e.g.
    the LangGraph store's items): commits never merge into it, so both keep agreeing."""
    return isinstance(memory.metadata, dict) and bool(memory.metadata.get(OWNED_BY))


def lasting(memory: Memory) -> bool:
    """Whether a commit may count on ``memory``: one that expires would take the fact with it."""
    return memory.expires_at is None


@dataclass(slots=True)
class Plan:
    """What one commit will write: rows, their vectors, aliases, events and the outcome."""

    rows: dict[str, Memory] = field(default_factory=dict)
    vectors: dict[str, Vector] = field(default_factory=dict)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    events: list[PlannedEvent] = field(default_factory=list)
    outcome: CommitOutcome = field(default_factory=CommitOutcome)


class CommitPlanner:
    """Plans one commit in one workspace against the store's current rows."""

    def __init__(
        self, store: LongTermStore, workspace_id: str, now: float, threshold: float
    ) -> None:
        self.store = store
        self.ws = workspace_id
        self.now = to_datetime(now)
        self.threshold = threshold
        self.plan = Plan()

    def run(
        self, session_id: str, candidates: Sequence[Candidate], vectors: Vector, deduplicate: bool
    ) -> Plan:
        nearest = self._nearest_live(vectors) if deduplicate else [None] * len(candidates)
        for cand, vec, near in zip(candidates, vectors, nearest, strict=True):
            self._plan_one(session_id, cand, vec, near, deduplicate)
        return self.plan

    def _nearest_live(self, vectors: Vector) -> list[tuple[str, float] | None]:
        """Each vector's nearest live memory; superseded ones are skipped here, not by an index
        filter (which scans metadata: see ``recall.py``)."""
        found = self.store.search_vectors(self.ws, vectors, NEIGHBOURS, None)
        rows = self.store.get_rows(self.ws, list({i for hits in found for i, _ in hits}))
        return [
            next(
                (
                    (i, s)
                    for i, s in hits
                    if i in rows and rows[i].superseded_by is None and lasting(rows[i])
                ),
                None,
            )
            for hits in found
        ]

    def _existing(self, memory_id: str) -> Memory | None:
        return self.plan.rows.get(memory_id) or self.store.get_rows(self.ws, [memory_id]).get(
            memory_id
        )

    def _plan_one(
        self,
        session_id: str,
        cand: Candidate,
        vec: Vector,
        near: tuple[str, float] | None,
        deduplicate: bool,
    ) -> None:
        mid = cand.memory_id
        done = self._existing(mid)
        alias = self.store.resolve_alias(self.ws, mid) if done is None else None
        if done is not None or alias is not None:  # a retry: written before
            self.plan.outcome.duplicates.append(mid if done is not None else str(alias))
            return
        digest = content_hash(cand.content)
        if deduplicate:
            same = self._same_content(digest)
            if same is not None:
                self.plan.outcome.duplicates.append(same.id)
                return
        previous = self._live_key(cand.key)
        if previous is not None and previous.content_hash != digest:
            self._supersede(previous, mid)
        elif deduplicate:
            target = self._near_duplicate(cand.content, vec, near)
            if target is not None:
                self._merge(target, cand, session_id, vec)
                return
        self._create(session_id, cand, vec, digest)

    def _same_content(self, digest: str) -> Memory | None:
        for m in self.plan.rows.values():
            if m.content_hash == digest and m.superseded_by is None:
                return m
        found = self.store.live_by_hash(self.ws, digest)
        return found if found is not None and lasting(found) else None

    def _live_key(self, key: str) -> Memory | None:
        for m in reversed(self.plan.rows.values()):
            if m.key == key and m.superseded_by is None:
                return m
        found = self.store.live_by_key(self.ws, key)
        return None if found is None else self.plan.rows.get(found.id, found)

    def _near_duplicate(
        self, content: str, vec: Vector, near: tuple[str, float] | None
    ) -> Memory | None:
        """The memory stating the same fact (``dedup.same_fact``), if any."""
        best_id, best = near if near is not None else (None, -1.0)
        for mid, other in self.plan.vectors.items():  # memories planned earlier in this commit
            score = float(np.dot(vec, other))
            if score > best and self.plan.rows[mid].superseded_by is None:
                best_id, best = mid, score
        if best_id is None or best < self.threshold:
            return None
        memory = self._existing(best_id)
        if (
            memory is None
            or memory.superseded_by is not None
            or owned(memory)
            or not lasting(memory)
        ):
            return None
        return memory if same_fact(memory.content, content, best, self.threshold) else None

    def _event(self, type_: EventType, memory_id: str, **data: Any) -> None:
        self.plan.events.append((type_.value, memory_id, data))

    def _supersede(self, previous: Memory, new_id: str) -> None:
        self.plan.rows[previous.id] = replace(previous, superseded_by=new_id, valid_until=self.now)
        self.plan.outcome.superseded.append(previous.id)
        self._event(
            EventType.MEMORY_SUPERSEDED, previous.id, superseded_by=new_id, key=previous.key
        )

    def _merge(self, target: Memory, cand: Candidate, session_id: str, vec: Vector) -> None:
        merged = replace(
            target,
            content=cand.content,
            content_hash=content_hash(cand.content),
            importance=max(target.importance, cand.importance),
            tags=list(dict.fromkeys([*target.tags, *cand.tags])),
            source_sessions=list(dict.fromkeys([*target.source_sessions, session_id])),
            key=target.key or cand.key,
            updated_at=self.now,
        )
        self.plan.rows[target.id] = merged
        self.plan.vectors[target.id] = vec
        self.plan.aliases.append((cand.memory_id, target.id))
        self.plan.outcome.merged.append(target.id)
        self._event(EventType.MEMORY_MERGED, target.id, key=cand.key, merged_from=cand.memory_id)

    def _create(self, session_id: str, cand: Candidate, vec: Vector, digest: str) -> None:
        memory = Memory(
            id=cand.memory_id,
            workspace_id=self.ws,
            content=cand.content,
            type=cand.type,
            importance=cand.importance,
            tags=list(cand.tags),
            session_id=session_id,
            source_sessions=[session_id],
            key=cand.key,
            content_hash=digest,
            created_at=self.now,
            updated_at=self.now,
        )
        self.plan.rows[memory.id] = memory
        self.plan.vectors[memory.id] = vec
        self.plan.outcome.created.append(memory.id)
        self._event(EventType.MEMORY_CREATED, memory.id, key=cand.key, source="commit")
