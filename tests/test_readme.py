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
    assert len(blocks) == 2
    env = {**os.environ, "AGENT_MEMORY_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-c", blocks[0]], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "Created 2 long-term memories" in out.stdout
    assert "We chose JWT because the API is stateless" in out.stdout


def test_the_service_snippet_runs_against_asm_serve(tmp_path: Path) -> None:
    from tests.live_server import free_port, serve_process

    snippet = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)[1]
    home = tmp_path / "home"
    asm = [sys.executable, "-m", "agent_session_memory.cli", "--path", str(home)]
    created = subprocess.run(
        [*asm, "keys", "create", "--workspace", "my-project"], capture_output=True, text=True
    )
    port = free_port()
    with serve_process(home, port=port):
        code = snippet.replace("asm_...", created.stdout.strip()).replace(
            "http://127.0.0.1:8080", f"http://127.0.0.1:{port}"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "{'goal': 'Fix login'}"
