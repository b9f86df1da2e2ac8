"""docs/integrations/langchain.md: every public name documented, every example runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import agent_session_memory.adapters.langchain as adapter

DOC = Path(__file__).parents[3] / "docs" / "integrations" / "langchain.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
# Lines marked "# your chat model" need a provider; the test puts an offline fake in their place.
FAKE_MODEL = textwrap.dedent("""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    class _Fake(GenericFakeChatModel):
        def bind_tools(self, tools, **kwargs):
            return self
    model = _Fake(messages=iter(["Noted."]))
""")


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text()
    assert [n for n in adapter.__all__ if f"`{n}" not in text] == []


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_example_block_runs(code: str, tmp_path: Path) -> None:
    lines = [
        FAKE_MODEL if line.endswith("# your chat model") else line for line in code.splitlines()
    ]
    env = {**os.environ, "AGENT_MEMORY_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
