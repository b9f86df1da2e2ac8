"""Docs are tested: every public client method and every CLI command is documented, and every
test docs/reliability.md points to exists."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

from agent_session_memory import AsyncMemoryClient
from agent_session_memory.cli.main import COMMANDS
from agent_session_memory.crashpoints import STEPS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_public_client_method_is_in_the_api_reference() -> None:
    text = (DOCS / "api.md").read_text()
    methods = [
        n
        for n, _ in inspect.getmembers(AsyncMemoryClient, inspect.isfunction)
        if not n.startswith("_") and n != "close"
    ]
    missing = [m for m in methods if f"`{m}(" not in text and f"/ `{m}(" not in text]
    assert missing == []


def test_every_cli_command_is_documented() -> None:
    text = (DOCS / "cli.md").read_text()
    assert [c for c in COMMANDS if f"`asm {c}" not in text] == []


def test_relative_links_in_the_docs_resolve() -> None:
    root = DOCS.parent
    broken = []
    for page in [root / "README.md", *DOCS.rglob("*.md")]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text()):
            if "://" not in target and not (page.parent / target).exists():
                broken.append(f"{page.relative_to(root)} -> {target}")
    assert broken == []


def test_every_test_the_reliability_page_points_to_exists() -> None:
    """``tests/x/test_y.py::test_z``, or ``test_y.py::test_z`` of tests/reliability/."""
    root = DOCS.parent
    text = (DOCS / "reliability.md").read_text()
    missing = []
    for path, name in re.findall(r"`((?:tests/)?[\w/]*test_\w+\.py)(?:::(\w+))?`", text):
        file = root / path if path.startswith("tests/") else root / "tests/reliability" / path
        if not file.exists():
            missing.append(path)
            continue
        tree = ast.parse(file.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        if name and name not in defined:
            missing.append(f"{path}::{name}")
    assert missing == []


def test_the_reliability_page_names_the_crash_steps_there_are() -> None:
    text = (DOCS / "reliability.md").read_text()
    named = set(re.findall(r"`((?:write|commit|import)\.\w+)`", text))
    assert named == set(STEPS)
