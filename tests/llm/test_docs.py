"""docs/integrations/llm.md: the core's public names and caps documented, its example runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import agent_session_memory.llm as core
from agent_session_memory.llm import caps

DOC = Path(__file__).parents[2] / "docs" / "integrations" / "llm.md"


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text()
    assert [n for n in core.__all__ if f"`{n}" not in text] == []


def test_the_caps_table_matches_the_code() -> None:
    text = DOC.read_text()
    for value in (caps.BATCH_SIZE, caps.MAX_FACTS, caps.BRIEFING_TEXT_CHARS):
        assert f"| {value} |" in text or f" {value} " in text
    assert f"{caps.MAX_REPLY_CHARS:,}" in text and f"{caps.MAX_ITEM_CHARS:,}" in text


def test_the_example_runs() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    scope: dict[str, object] = {}
    exec(compile(code, str(DOC), "exec"), scope)
    client: Any = scope["client"]
    try:
        session = client.create_session(600)
        client.set_context(session.id, "decision", "We chose Postgres")
        assert client.commit_session(session.id).memories_created == 1
    finally:
        client.close()
