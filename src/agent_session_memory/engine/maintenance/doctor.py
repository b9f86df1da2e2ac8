"""``asm doctor``: check every store of an embedded home and their agreement, say what to do.

Read-only: files are opened read-only, no collection is created, nothing is repaired. Each
finding has a level (``ok``, ``warn``, ``error``) and, unless ``ok``, the command that fixes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ...config import Settings
from ...errors import AgentMemoryError
from ...stores.longterm.chroma import ChromaStore
from ...stores.longterm.fts import fts_table
from ...stores.longterm.sqlite_rows import SqliteRows
from ...stores.longterm.writer_lock import WriterLock
from ..longterm.factory import open_embedder
from .files import HomeFiles, home_files, sqlite_problem

REPAIR = "run `asm repair` (rebuilds the indexes from the memory rows; deletes nothing)"
RESTORE = "restore it from a backup; `asm repair` cannot rebuild canonical data"
#: Vectors of another embedder than the configured one (``embedder_check.py``).
MOVE = (
    "configure the embedder the home was written with (AGENT_MEMORY_EMBEDDER), "
    "or run `asm repair --full` to re-embed every memory with this one"
)
#: Vectors whose rows are gone: forget drops a vector before its row, so a crash cannot leave
#: them; a ``memories.db`` older than the index can. Their memories are lost from the rows, and
#: ``asm repair`` (which only adds) keeps them.
ORPHANS = (
    "memories.db lacks rows the vector index still holds (restored from an older backup?): "
    "restore a newer memories.db; `asm repair` keeps these vectors"
)


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warn | error
    what: str
    fix: str = ""


def diagnose(settings: Settings) -> list[Finding]:
    """Everything ``asm doctor`` prints, most basic first."""
    files = home_files(settings)
    findings = _files(files, settings)
    if any(f.level == "error" for f in findings):
        return findings  # agreement cannot be judged over a damaged file
    if files.rows.exists() and not settings.chroma_url:
        findings += _agreement(files, settings)
    findings += _lock(files)
    return findings


def _files(files: HomeFiles, settings: Settings) -> list[Finding]:
    out: list[Finding] = []
    checks = [(files.sessions, "sessions", RESTORE), (files.rows, "memory rows", RESTORE)]
    if not settings.chroma_url:
        checks.append((files.chroma_file, "vector index", REPAIR))
    for path, label, fix in checks:
        if path is None:
            continue
        problem = sqlite_problem(path)
        if problem is None:
            state = "ok" if path.exists() else "not created yet"
            out.append(Finding("ok", f"{label} ({path}): {state}"))
        else:
            out.append(Finding("error", f"{label} ({path}) {problem}", fix))
    return out


def _agreement(files: HomeFiles, settings: Settings) -> list[Finding]:
    rows = SqliteRows(files.rows)
    chroma = ChromaStore(files.chroma, lock_timeout=settings.lock_timeout_seconds)
    try:
        workspaces = _workspaces(rows)
        if workspaces and not files.chroma_file.exists():
            total = sum(len(ids) for ids, _, _ in workspaces.values())
            return [Finding("error", f"the vector index is missing ({total} memories)", REPAIR)]
        vectors = {w: chroma.existing_ids(w) for w in sorted(workspaces)}
        out = [_workspace(w, *workspaces[w], vectors[w]) for w in sorted(workspaces)]
        out += _embedder(settings, rows, chroma, vectors)
        for workspace in sorted(set(chroma.workspaces()) - set(workspaces)):
            n = len(chroma.existing_ids(workspace))
            if n:
                out.append(
                    Finding(
                        "warn", f"workspace {workspace!r}: {n} vectors, no memory rows", RESTORE
                    )
                )
        return out
    except AgentMemoryError as exc:
        return [Finding("error", f"the vector index cannot be read: {exc.message}", REPAIR)]
    finally:
        chroma.close()
        rows.close()


def _embedder(
    settings: Settings, rows: SqliteRows, chroma: ChromaStore, vectors: dict[str, list[str]]
) -> list[Finding]:
    """The configured embedder (the engine's factory) must be the one each workspace's vectors
    come from: by its size (recall would fail) and by its recorded name (recall would rank by
    noise, ``engine/longterm/embedder_check.py``). Neither can be recalled nor repaired by it."""
    sized = {w: ids[0] for w, ids in vectors.items() if ids}
    if not vectors:
        return []
    try:
        embedder = open_embedder(settings)
        dimension = embedder.dimension
    except Exception as exc:  # a bad setting or missing model files: said, not raised
        return [
            Finding(
                "error",
                f"the configured embedder cannot be loaded: {exc}",
                "check AGENT_MEMORY_EMBEDDER / AGENT_MEMORY_EMBEDDING_MODEL",
            )
        ]
    out = []
    for workspace in vectors:
        recorded = rows.embedder_of(workspace)
        if recorded not in (None, embedder.name):
            out.append(
                Finding(
                    "error",
                    f"workspace {workspace!r}: its vectors come from the embedder {recorded!r}, "
                    f"the configured one is {embedder.name!r}: recall is refused",
                    MOVE,
                )
            )
    for workspace, memory_id in sized.items():
        found = next(iter(chroma.embeddings(workspace, [memory_id]).values()), None)
        if found is not None and found.shape[-1] != dimension:
            out.append(
                Finding(
                    "error",
                    f"workspace {workspace!r}: its vectors have {found.shape[-1]} dimensions, "
                    f"the configured embedder gives {dimension}: recall would fail",
                    MOVE,
                )
            )
    ok = f"the configured embedder gives {dimension} dimensions ({embedder.name})"
    return out or [Finding("ok", ok)]


def _workspaces(rows: SqliteRows) -> dict[str, tuple[set[str], set[str], int]]:
    """workspace -> (row ids, pending row ids, lexical index entries)."""
    out: dict[str, tuple[set[str], set[str], int]] = {}
    with rows.reading() as db:
        found: dict[str, list[Any]] = {}
        for workspace, memory_id, pending in db.execute(
            "SELECT workspace_id, id, pending FROM memories"
        ):
            found.setdefault(workspace, []).append((memory_id, pending))
        for workspace, items in found.items():
            indexed = 0
            if rows.fts.exists(db, workspace):
                indexed = db.execute(f"SELECT count(*) FROM {fts_table(workspace)}").fetchone()[0]
            pending = {i for i, p in items if p}
            out[workspace] = ({i for i, _ in items}, pending, int(indexed))
    return out


def _workspace(
    workspace: str, ids: set[str], pending: set[str], indexed: int, vectors: list[str]
) -> Finding:
    """Pending rows are queued, not missing: recall finds them by the vector they keep."""
    missing, orphans = len(ids - pending - set(vectors)), len(set(vectors) - ids)
    problems = []
    if missing:
        problems.append(f"{missing} memories without a vector (semantic recall misses them)")
    if indexed != len(ids):
        problems.append(f"lexical index has {indexed} entries for {len(ids)} memories")
    if pending:
        problems.append(
            f"{len(pending)} writes still queued for the vector index (recall finds them; the "
            "next process to open the home indexes them)"
        )
    if orphans:
        problems.append(f"{orphans} vectors without a memory row (recall skips them)")
    if not problems:
        return Finding("ok", f"workspace {workspace!r}: {len(ids)} memories, indexes agree")
    rebuildable = missing or indexed != len(ids)
    fixes = [REPAIR] * bool(rebuildable or pending) + [ORPHANS] * bool(orphans)
    level = "error" if rebuildable else "warn"
    return Finding(level, f"workspace {workspace!r}: " + "; ".join(problems), "; ".join(fixes))


def _lock(files: HomeFiles) -> list[Finding]:
    if not files.chroma.exists():
        return []
    lock = WriterLock(files.lock, timeout=0.1)
    started = time.monotonic()
    try:
        with lock.hold():
            pass
    except AgentMemoryError:
        waited = time.monotonic() - started
        return [
            Finding(
                "warn",
                f"the writers' lock is held ({lock.holder()}) after {waited:.1f} s",
                "if that process is stuck, stop it",
            )
        ]
    return [Finding("ok", "the writers' lock is free")]


__all__ = ["Finding", "diagnose"]
