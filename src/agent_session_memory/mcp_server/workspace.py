"""The default workspace of a working directory: its git repository's name, else its folder's."""

from __future__ import annotations

import os
import re
from pathlib import Path

MAX_LENGTH = 64


def default_workspace(cwd: str | Path | None = None) -> str:
    """``$AGENT_MEMORY_WORKSPACE``, else the git repository's name, else the folder's name.

    A git worktree counts as its main repository, so every worktree of a project shares one
    workspace. The name is made a valid workspace id (``[A-Za-z0-9._-]{1,64}``).
    """
    explicit = os.environ.get("AGENT_MEMORY_WORKSPACE")
    if explicit:
        return explicit
    folder = Path(cwd or os.getcwd()).resolve()
    root = repository_root(folder)
    return workspace_id_from_name((root or folder).name)


def repository_root(folder: Path) -> Path | None:
    """The main working tree of the git repository holding ``folder``, if any."""
    for candidate in (folder, *folder.parents):
        dotgit = candidate / ".git"
        if dotgit.is_dir():
            return candidate
        if dotgit.is_file():
            return _worktree_main(dotgit) or candidate
    return None


def _worktree_main(dotgit: Path) -> Path | None:
    """``.git`` of a worktree says ``gitdir: <main>/.git/worktrees/<name>``."""
    try:
        text = dotgit.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.match(r"gitdir:\s*(.+)", text.strip())
    if not match:
        return None
    gitdir = (dotgit.parent / match.group(1).strip()).resolve()
    if gitdir.parent.name == "worktrees" and gitdir.parent.parent.name == ".git":
        return gitdir.parent.parent.parent
    return None


def workspace_id_from_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "default"
    return cleaned[:MAX_LENGTH]
