"""Commit: the important working-memory items of a session become long-term memories.

Steps, each safe to repeat (a retry after a crash anywhere yields every memory exactly once):
1. take the session's commit lease, so two committers (a user and the expiry sweep) never overlap;
2. candidates = items whose version was not committed yet, rendered as readable text;
3. importance = the item's explicit importance, else the scorer's; below the threshold: skipped;
4. the long-term side writes them under ids derived from (workspace, session, key, version),
   merging duplicates and superseding older values of the same key;
5. the committed versions are recorded on the session, and a ``session_committed`` event written.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from .. import crashpoints
from .. import validation as check
from ..errors import Conflict
from ..models import CommitResult, ContextItem, EventType
from ..stores.sessions.holders import lease_owner
from . import _convert
from .boundary import boundary
from .candidates import Candidate, CommitOutcome
from .longterm import LazyLongTerm
from .protocols import FactExtractor, ImportanceScorer, ScoringItem
from .rendering import memory_type, render_item
from .shared import Shared

LEASE_SECONDS = 300.0
LEASE_WAIT_SECONDS = 60.0


@boundary
class CommitService:
    def __init__(
        self,
        shared: Shared,
        longterm: LazyLongTerm,
        *,
        scorer: ImportanceScorer,
        fact_extractor: FactExtractor | None = None,
    ) -> None:
        self._shared = shared
        self._store = shared.store
        self._longterm = longterm
        self.scorer = scorer
        self.fact_extractor = fact_extractor

    @property
    def longterm(self) -> Any:
        """The long-term memory, opened on first use."""
        return self._longterm.get()

    def commit_session(
        self, session_id: str, min_importance: float = 0.5, deduplicate: bool = True
    ) -> CommitResult:
        """Commit a session's important working memory (active, ended or expired sessions)."""
        check.object_id(session_id, "session_id")
        threshold = check.importance(min_importance, optional=False)
        assert threshold is not None
        owner = lease_owner()
        self._wait_for_lease(f"commit:{session_id}", owner)
        try:
            return self._commit_locked(session_id, threshold, bool(deduplicate))
        finally:
            self._store.release_lease(f"commit:{session_id}", owner)

    def _commit_locked(self, session_id: str, threshold: float, deduplicate: bool) -> CommitResult:
        record = self._shared.session_record(session_id)
        items = self._uncommitted_items(session_id)
        scored = self._score(items)
        keep = [(item, level) for item, level in scored if level >= threshold]
        candidates = self._candidates(record.workspace_id, session_id, keep)
        outcome = (
            self.longterm.commit(record.workspace_id, session_id, candidates, deduplicate)
            if candidates
            else CommitOutcome()
        )
        result = CommitResult(
            session_id=session_id,
            memories_created=len(outcome.created),
            memories_updated=len(outcome.merged),
            duplicates_skipped=len(outcome.duplicates),
            below_threshold=len(scored) - len(keep),
            memory_ids=outcome.created + outcome.merged,
            superseded_ids=list(outcome.superseded),
        )
        crashpoints.reached("commit.memories_written")
        now = self._shared.now()
        event = self._shared.event(
            record.workspace_id,
            EventType.SESSION_COMMITTED.value,
            session_id=session_id,
            at=now,
            **{k: v for k, v in result.to_dict().items() if k != "session_id"},
        )
        self._store.mark_committed(session_id, now, {i.key: i.version for i, _ in keep}, event)
        return result

    def _uncommitted_items(self, session_id: str) -> list[ContextItem]:
        records = self._store.get_context(
            session_id, None, self._shared.now(), count_read=False, include_expired=True
        )
        items = [_convert.context_item(r) for r in records.values()]
        return [i for i in items if i.committed_version != i.version]

    def _score(self, items: Sequence[ContextItem]) -> list[tuple[ContextItem, float]]:
        """Explicit importance wins; the scorer fills in the rest in one batch call."""
        unscored = [i for i in items if i.importance is None]
        scores = self.scorer.score([_scoring_item(i) for i in unscored]) if unscored else []
        by_key = {i.key: s for i, s in zip(unscored, scores, strict=True)}
        return [
            (i, i.importance if i.importance is not None else _clamp(by_key[i.key])) for i in items
        ]

    def _candidates(
        self, workspace_id: str, session_id: str, keep: Sequence[tuple[ContextItem, float]]
    ) -> list[Candidate]:
        out: list[Candidate] = []
        for item, level in keep:
            facts = self.fact_extractor.extract(_scoring_item(item)) if self.fact_extractor else []
            texts = facts or [render_item(item.key, item.value)]
            for n, content in enumerate(texts):
                out.append(
                    Candidate(
                        workspace_id=workspace_id,
                        session_id=session_id,
                        key=item.key if n == 0 else f"{item.key}#{n}",
                        version=item.version,
                        value=item.value,
                        content=content,
                        importance=level,
                        type=memory_type(item.key),
                    )
                )
        return out

    def _wait_for_lease(self, name: str, owner: str) -> None:
        deadline = time.monotonic() + LEASE_WAIT_SECONDS
        while not self._store.acquire_lease(name, owner, self._shared.now(), LEASE_SECONDS):
            if time.monotonic() > deadline:
                raise Conflict(f"{name} is held by another committer", lease=name)
            time.sleep(0.05)


def _scoring_item(item: ContextItem) -> ScoringItem:
    return ScoringItem(
        key=item.key,
        value=item.value,
        content=render_item(item.key, item.value),
        rewrites=max(0, item.version - 1),
        reads=item.reads,
    )


def _clamp(value: Any) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return 0.0
