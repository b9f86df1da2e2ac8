"""``asm mcp``: the extra it needs, and no open HTTP beyond loopback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from agent_session_memory.cli.main import main


def test_without_the_sdk_asm_mcp_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['mcp'] = None\n"
        "from agent_session_memory.cli.main import main\n"
        "raise SystemExit(main(['mcp']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "pip install 'agent-session-memory[mcp]'" in proc.stderr


def test_asm_mcp_http_binds_to_loopback_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mcp", "--http", "--host", "0.0.0.0"]) == 2
    assert "loopback only" in capsys.readouterr().err
