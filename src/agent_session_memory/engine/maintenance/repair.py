"""``asm repair``: rebuild the vector index and the lexical index from the canonical rows.

The rows in ``memories.db`` are the data; both indexes are derived from them, so a repair never
removes a memory: missing vectors are re-embedded, each workspace's lexical index is rebuilt,
unfinished writes are finished. ``full=True`` embeds every memory anew into a fresh vector index
that replaces the old one (how a home moves to another embedder; the rows keep the new vectors,
and the workspace records the new embedder's name once all are indexed). Without it, a workspace
whose vectors come from another embedder than the configured one is refused.
A vector index that cannot be read is moved aside (``chroma.damaged-<time>``), never deleted,
and rebuilt. Damaged rows cannot be rebuilt from anything: restore ``memories.db`` from a backup.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...config import Settings
from ...errors import BackendUnavailable
from ...models import Memory
from ...stores.longterm.chroma import ChromaStore
from ...stores.longterm.filters import MemoryFilter
from ...stores.longterm.fts import fts_table
from ...stores.longterm.sqlite_chroma import ChromaSqliteStore
from ...stores.longterm.sqlite_rows import SqliteRows
from ..longterm.embedder_check import EmbedderCheck
from ..longterm.factory import open_embedder
from .files import home_files, sqlite_problem

BATCH = 128
#: ``progress(items, total, label)`` yields the items (the CLI draws a bar).
Progress = Callable[[Iterable[Any], int, str], Iterator[Any]]


@dataclass
class RepairReport:
    workspaces: int = 0
    reembedded: int = 0
    reindexed: int = 0
    moved_aside: list[str] = field(default_factory=list)


def _quiet(items: Iterable[Any], total: int, label: str) -> Iterator[Any]:
    yield from items


def repair_home(
    settings: Settings,
    *,
    full: bool = False,
    progress: Progress = _quiet,
    embedding_function: Any = None,
) -> RepairReport:
    """Rebuild what the rows imply; ``BackendUnavailable`` when the rows themselves are damaged."""
    files = home_files(settings)
    report = RepairReport()
    problem = sqlite_problem(files.rows)
    if problem is not None:
        raise BackendUnavailable(
            f"{files.rows} {problem}: restore it from a backup", reason="corrupt"
        )
    if not files.rows.exists():
        return report
    if settings.chroma_url is None and sqlite_problem(files.chroma_file) is not None:
        aside = files.chroma.with_name(f"chroma.damaged-{time.strftime('%Y%m%dT%H%M%S')}")
        files.chroma.rename(aside)
        report.moved_aside.append(str(aside))
        full = True
    chroma = (
        ChromaStore(url=settings.chroma_url)
        if settings.chroma_url
        else ChromaStore(files.chroma, lock_timeout=settings.lock_timeout_seconds)
    )
    store = ChromaSqliteStore(SqliteRows(files.rows), chroma)
    embedder = open_embedder(settings, embedding_function)
    try:
        for workspace in _workspaces(store.rows):
            report.workspaces += 1
            with store.locked():
                report.reindexed += _rebuild_lexical(store.rows, workspace)
                report.reembedded += _rebuild_vectors(store, embedder, workspace, full, progress)
    finally:
        store.close()
    return report


def _workspaces(rows: SqliteRows) -> list[str]:
    with rows.reading() as db:
        return [w for (w,) in db.execute("SELECT DISTINCT workspace_id FROM memories ORDER BY 1")]


def _rebuild_lexical(rows: SqliteRows, workspace: str) -> int:
    """The workspace's FTS table, refilled from the rows in one transaction."""
    with rows.transaction() as db:
        table = rows.fts.table(db, workspace)
        db.execute(f"DELETE FROM {table}")
        db.execute(
            f"INSERT INTO {fts_table(workspace)} (rowid, content) SELECT rid, "
            "json_extract(record, '$.content') FROM memories WHERE workspace_id=?",
            (workspace,),
        )
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _rebuild_vectors(
    store: ChromaSqliteStore, embedder: Any, workspace: str, full: bool, progress: Progress
) -> int:
    rows = store.list_rows(workspace, MemoryFilter(include_superseded=True))
    if full:
        return _reembed_all(store, embedder, workspace, rows, progress)
    EmbedderCheck(store, embedder.name).before_write(workspace)  # another one's: --full
    have = set(store.chroma.existing_ids(workspace))
    pending = {m.id for m in store.pending(workspace)}
    todo = [m for m in rows if m.id not in have or m.id in pending]
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    for batch in progress(batches, len(batches), f"re-embedding {workspace}"):
        _embed(store, embedder, workspace, batch)
    return len(todo)


def _reembed_all(
    store: ChromaSqliteStore,
    embedder: Any,
    workspace: str,
    rows: list[Memory],
    progress: Progress,
) -> int:
    """Every row embedded anew (another embedder, maybe of another dimension) into a fresh
    index. The rows keep the new vectors and stay pending until indexed, so an interruption
    loses nothing: recall searches them by their kept vectors, and indexing them (the next
    process, or ``asm repair``) builds the new index from the new vectors only."""
    batches = [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]
    for batch in progress(batches, len(batches), f"re-embedding {workspace}"):
        embedded = embedder.embed([m.content for m in batch])
        fresh = dict(zip([m.id for m in batch], embedded, strict=True))
        store.put_rows(workspace, batch, pending=True, vectors=fresh)
    store.drop_vectors(workspace)  # the old vectors: not comparable, maybe not the same size
    for batch in batches:
        _embed(store, embedder, workspace, batch)
    store.record_embedder(workspace, embedder.name, replace=True)  # only now: all rows moved
    return len(rows)


def _embed(store: ChromaSqliteStore, embedder: Any, workspace: str, batch: list[Memory]) -> None:
    """Index a batch with the vectors its rows kept; rows without one are embedded (and then
    keep the new vector too)."""
    vectors = store.row_vectors(workspace, [m.id for m in batch])
    missing = [m for m in batch if m.id not in vectors]
    if missing:
        embedded = embedder.embed([m.content for m in missing])
        fresh = dict(zip([m.id for m in missing], embedded, strict=True))
        store.put_rows(workspace, missing, pending=True, vectors=fresh)
        vectors.update(fresh)
    store.put_vectors(workspace, batch, vectors)
    store.mark_done(workspace, [m.id for m in batch])


__all__ = ["RepairReport", "repair_home"]
