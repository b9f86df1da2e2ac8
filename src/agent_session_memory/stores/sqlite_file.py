"""A SQLite file that exists but holds zero bytes was truncated: SQLite would silently treat it
as a new, empty database (a home that "lost" every session or memory without a word)."""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import BackendUnavailable

# Another process may have just created the file and not written its header yet: a file that
# stays empty this long is damaged, not new.
GRACE_SECONDS = 1.0


def refuse_empty(path: Path, holds: str) -> None:
    """Raise ``BackendUnavailable`` (reason ``empty_file``) when ``path`` stays zero bytes."""
    deadline = time.monotonic() + GRACE_SECONDS
    while _empty(path):
        if time.monotonic() > deadline:
            raise BackendUnavailable(
                f"{path} is empty (0 bytes): the {holds} it held were truncated or lost. "
                "Restore it from a backup, or move it away to start afresh",
                reason="empty_file",
                path=str(path),
            )
        time.sleep(0.05)


def _empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False


__all__ = ["refuse_empty"]
