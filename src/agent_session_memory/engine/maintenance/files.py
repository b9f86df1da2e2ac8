"""Where an embedded home keeps its files, and read-only checks of a SQLite file."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ...config import Settings
from ..longterm.factory import lexical_path


@dataclass(frozen=True)
class HomeFiles:
    sessions: Path | None  # None: the session store is not a file of this home (Redis, memory)
    rows: Path
    chroma: Path

    @property
    def chroma_file(self) -> Path:
        return self.chroma / "chroma.sqlite3"

    @property
    def lock(self) -> Path:
        return self.chroma.parent / f"{self.chroma.name}.lock"


def home_files(settings: Settings) -> HomeFiles:
    url = settings.resolved_session_store_url()
    sessions = Path(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else None
    return HomeFiles(sessions, lexical_path(settings), settings.home / "chroma")


def sqlite_problem(path: Path) -> str | None:
    """None when the file is missing (not created yet) or sound; else what is wrong with it."""
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        return "is empty (0 bytes): truncated"
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return f"cannot be read: {exc}"
    return None if result == "ok" else f"is damaged: {result}"


__all__ = ["HomeFiles", "home_files", "sqlite_problem"]
