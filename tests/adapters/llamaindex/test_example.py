"""The example runs offline, as CI runs it (a subprocess, MockLLM, a temporary memory home)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "llamaindex_chat_engine.py"


def test_example_runs_offline(tmp_path: Any) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), "--offline", "--home", str(tmp_path / "home")],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recalled the earlier session's fact: yes" in done.stdout
    assert "Ana drinks green tea" in done.stdout
