"""The default workspace: $AGENT_MEMORY_WORKSPACE, else the git repository, else the folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from agent_session_memory.mcp_server.workspace import default_workspace, workspace_id_from_name


def test_a_plain_folder_gives_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    assert default_workspace(folder) == "notes"


def test_a_git_repository_gives_its_name_from_any_subfolder_and_worktree(tmp_path: Path) -> None:
    repo = tmp_path / "shop-api"
    (repo / "src" / "deep").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "init"], check=True)
    assert default_workspace(repo / "src" / "deep") == "shop-api"
    worktree = tmp_path / "shop-api-feature"
    subprocess.run([*git, "worktree", "add", "-q", str(worktree)], check=True)
    assert default_workspace(worktree) == "shop-api"


def test_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_MEMORY_WORKSPACE", "team")
    assert default_workspace(tmp_path) == "team"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("My Project!", "My-Project"), ("...", "default"), ("ü" * 3 + "x", "x"), ("a" * 90, "a" * 64)],
)
def test_names_become_valid_workspace_ids(name: str, expected: str) -> None:
    assert workspace_id_from_name(name) == expected
