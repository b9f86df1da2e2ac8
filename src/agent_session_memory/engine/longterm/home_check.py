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


def count_rows(path: Path) -> int:
    """Indexed memories in the rows file (0 when it does not exist yet). Pending ones do not
    count: they may have been written before the index was ever created."""
    if not path.exists():
        return 0
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name='memories'").fetchone()
        return (
            0
            if found is None
            else int(db.execute("SELECT count(*) FROM memories WHERE pending=0").fetchone()[0])
        )


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
    """Refuse to open a home whose rows or vectors are gone while the other half remains."""
    try:
        rows = count_rows(rows_path)
        vectors = 0 if rows else count_vectors(chroma_folder)
    except sqlite3.DatabaseError:
        return  # a damaged file: the store's own open reports it, typed
    if rows and not _present(chroma_folder / CHROMA_FILE):
        raise BackendUnavailable(
            f"the vector index {chroma_folder} is missing but {rows_path} holds {rows} memories: "
            "semantic recall would miss all of them. Run `asm repair` to rebuild it",
            reason="vector_index_missing",
            memories=rows,
        )
    if vectors and not rows:
        raise BackendUnavailable(
            f"{rows_path} is missing or empty but the vector index holds {vectors} memories. "
            "Restore it from a backup (or move the chroma folder away to start afresh); "
            "`asm doctor` shows the details",
            reason="rows_missing",
            vectors=vectors,
        )


__all__ = ["check_home", "count_rows", "count_vectors"]
