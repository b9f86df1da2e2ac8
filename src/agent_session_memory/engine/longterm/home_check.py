"""At open: the embedded home's two halves must both be there, or we say so.

Canonical rows (``memories.db``) and vectors (``chroma/``) are written together, so one without
the other means a file was lost: a deleted ``chroma/`` would silently turn recall lexical-only for
every old memory, a lost ``memories.db`` would silently look like an empty workspace. Either is a
``BackendUnavailable`` naming the loss and the fix (``asm repair`` rebuilds vectors from rows).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from ...errors import BackendUnavailable

CHROMA_FILE = "chroma.sqlite3"


def count_rows(path: Path, *, indexed: bool = True) -> int:
    """Memories in the rows file (0 when it does not exist yet); with ``indexed``, only those
    the vector index has taken in (a pending row may be older than the index itself)."""
    if not path.exists():
        return 0
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name='memories'").fetchone()
        if found is None:
            return 0
        where = " WHERE pending=0" if indexed else ""
        return int(db.execute(f"SELECT count(*) FROM memories{where}").fetchone()[0])


def count_vectors(folder: Path) -> int:
    """Vectors in an embedded Chroma folder, read from its catalogue (0 when there is none)."""
    path = folder / CHROMA_FILE
    if not _present(path):
        return 0
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name='embeddings'").fetchone()
        if found is None:
            return 0
        return int(db.execute("SELECT count(*) FROM embeddings").fetchone()[0])


def _present(path: Path) -> bool:
    """Exists and is not empty (a zero-byte SQLite file is a new, empty database to SQLite)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def check_home(rows_path: Path, chroma_folder: Path) -> None:
    """Refuse to open a home whose rows or vectors are gone while the other half remains.
    Rows still waiting for the index count as rows here: a home whose last index step failed
    has lost nothing."""
    try:
        rows = count_rows(rows_path)
        vectors = 0 if rows else count_vectors(chroma_folder)
        pending = count_rows(rows_path, indexed=False) if vectors else 0  # none indexed
    except sqlite3.DatabaseError:
        return  # a damaged file: the store's own open reports it, typed
    if rows and not _present(chroma_folder / CHROMA_FILE):
        raise BackendUnavailable(
            f"the vector index {chroma_folder} is missing but {rows_path} holds {rows} memories: "
            "semantic recall would miss all of them. Run `asm repair` to rebuild it",
            reason="vector_index_missing",
            memories=rows,
        )
    if vectors and not pending:
        raise BackendUnavailable(
            f"{rows_path} is missing or empty but the vector index holds {vectors} memories. "
            "Restore it from a backup (or move the chroma folder away to start afresh); "
            "`asm doctor` shows the details",
            reason="rows_missing",
            vectors=vectors,
        )


def check_sessions_file(sessions_path: Path, rows_path: Path, chroma_folder: Path) -> None:
    """Refuse to create a new, empty ``sessions.db`` beside memories that remain.

    The engine creates ``sessions.db`` before any memory is written, so a home holding memories
    but no sessions file lost it: opening would silently start with no sessions, working memory
    or activity log. Only for the default location; an explicit ``session_store_url`` opens as
    asked (that is also how to start afresh on purpose).
    """
    if sessions_path.exists():
        return  # a zero-byte or damaged file is the store's own check (``sqlite_file.py``)
    try:
        rows = count_rows(rows_path)
        vectors = 0 if rows else count_vectors(chroma_folder)
    except sqlite3.DatabaseError:
        return  # a damaged rows file: the long-term store's own open reports it, typed
    if rows or vectors:
        raise BackendUnavailable(
            f"{sessions_path} is missing but this home still holds {rows or vectors} memories: "
            "its sessions, working memory and activity log were lost. Restore it from a backup; "
            f"to start with no sessions on purpose, set AGENT_MEMORY_SESSION_STORE_URL="
            f"sqlite:///{sessions_path}",
            reason="sessions_missing",
            path=str(sessions_path),
        )


__all__ = ["check_home", "check_sessions_file", "count_rows", "count_vectors"]
