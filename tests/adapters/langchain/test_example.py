"""examples/langchain_chatbot.py runs offline (fake model) and remembers across sessions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).parents[3] / "examples" / "langchain_chatbot.py"


def test_example_runs_offline(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ASM_CHAT_MODEL"}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--home", str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2 memories committed" in out
    session_2 = out.split("== session 2", 1)[1]
    assert "PostgreSQL 16" in session_2.split("user:", 1)[0]  # the briefing carries it
    recalled = next(line for line in session_2.splitlines() if "[tool recall]" in line)
    assert "PostgreSQL 16" in recalled and "EUR" in recalled  # recalled from session 1
