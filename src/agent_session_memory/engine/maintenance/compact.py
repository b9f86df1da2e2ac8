"""``asm gc``: event retention, and ``--compact``: give freed space back to the disk.

Retention drops activity-log events older than ``Settings.event_retention_days`` (90 by default,
``AGENT_MEMORY_EVENT_RETENTION_DAYS``; ``none`` keeps every event). Compaction ``VACUUM``s the
home's SQLite files (rows, sessions, Chroma's catalogue, under the writers' lock) and removes the
index folders Chroma leaves behind when a collection is dropped (folders named like a segment
that its catalogue no longer lists). Memories and live indexes are never touched.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from ...config import Settings
from ...stores.longterm.writer_lock import WriterLock
from ...stores.sessions.base import SessionStore
from .files import home_files

DAY = 86_400.0
_SEGMENT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class CompactReport:
    bytes_before: int = 0
    bytes_after: int = 0
    folders_removed: list[str] = field(default_factory=list)


def prune_events(store: SessionStore, settings: Settings, now: float) -> int:
    """Drop events past the retention period; 0 when retention is off."""
    if settings.event_retention_days is None:
        return 0
    return store.prune_events(now - settings.event_retention_days * DAY)


def compact_home(settings: Settings) -> CompactReport:
    files = home_files(settings)
    report = CompactReport()
    plain = [p for p in (files.rows, files.sessions) if p is not None and p.exists()]
    report.bytes_before = _size([*plain, files.chroma])
    for path in plain:
        _vacuum(path)
    if files.chroma_file.exists() and settings.chroma_url is None:
        with WriterLock(files.lock, settings.lock_timeout_seconds).hold():
            _vacuum(files.chroma_file)
            report.folders_removed = _orphan_segments(files.chroma)
    report.bytes_after = _size([*plain, files.chroma])
    return report


def _vacuum(path: Path) -> None:
    with closing(sqlite3.connect(str(path), timeout=30, isolation_level=None)) as db:
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("VACUUM")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _orphan_segments(folder: Path) -> list[str]:
    """Segment folders Chroma's catalogue no longer lists: a dropped collection's index."""
    with closing(sqlite3.connect(f"file:{folder / 'chroma.sqlite3'}?mode=ro", uri=True)) as db:
        live = {str(i) for (i,) in db.execute("SELECT id FROM segments")}
    removed = []
    for child in folder.iterdir():
        if child.is_dir() and _SEGMENT.match(child.name) and child.name not in live:
            shutil.rmtree(child)
            removed.append(child.name)
    return sorted(removed)


def _size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        elif path.exists():
            for suffix in ("", "-wal", "-shm"):
                extra = path.with_name(path.name + suffix)
                total += extra.stat().st_size if extra.exists() else 0
    return total


__all__ = ["CompactReport", "compact_home", "prune_events"]
