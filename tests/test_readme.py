"""The README's quick start runs as written (in a fresh process, on a fresh home)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_quick_start_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert len(blocks) == 1
    env = {**os.environ, "AGENT_MEMORY_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-c", blocks[0]], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "Created 2 long-term memories" in out.stdout
    assert "We chose JWT because the API is stateless" in out.stdout
