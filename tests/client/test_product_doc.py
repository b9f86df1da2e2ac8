"""Every Python snippet of the product documentation runs verbatim inside an ``async def``."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from agent_session_memory import AsyncMemoryClient

DOC = Path(__file__).resolve().parents[2] / "docs" / "product" / "sessions.md"
SHARED_DOC = Path(__file__).resolve().parents[3] / "shared" / "PRODUCT-DOC-sessions.md"


def _snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


async def _run(snippet: str, client: AsyncMemoryClient) -> dict[str, Any]:
    session = await client.create_session(ttl_seconds=600, workspace_id="my-workspace")
    namespace: dict[str, Any] = {"client": client, "session": session, "session_id": session.id}
    body = textwrap.indent(snippet, "    ") + "\n    return locals()\n"
    exec(f"async def _snippet(client, session, session_id):\n{body}", namespace)
    return await namespace["_snippet"](client, session, session.id)  # type: ignore[no-any-return]


def test_doc_copy_matches_the_product_doc() -> None:
    if not SHARED_DOC.exists():
        pytest.skip("the steering repo's shared/ folder is not beside this checkout")
    assert DOC.read_text() == SHARED_DOC.read_text()


def test_the_doc_has_its_snippets() -> None:
    assert len(_snippets()) == 8


@pytest.mark.parametrize("index", range(8))
async def test_snippet_runs_verbatim(aclient: AsyncMemoryClient, index: int) -> None:
    await _run(_snippets()[index], aclient)


async def test_working_memory_snippet_returns_the_stored_value(aclient: AsyncMemoryClient) -> None:
    snippet = next(s for s in _snippets() if "# Retrieve working memory" in s)
    result = await _run(snippet, aclient)
    assert result["context"] == {"description": "Debugging auth", "file": "auth.py"}


async def test_multi_turn_snippet_preserves_context(aclient: AsyncMemoryClient) -> None:
    snippet = next(s for s in _snippets() if "# Turn 1" in s)
    result = await _run(snippet, aclient)
    assert result["name"] == "Alice"


async def test_task_tracking_snippet_updates_and_commits(aclient: AsyncMemoryClient) -> None:
    snippet = next(s for s in _snippets() if "# Start of task" in s)
    result = await _run(snippet, aclient)
    stored = await aclient.get_context(result["session"].id, "task")
    assert stored["files_modified"] == ["auth.py"]
    hits = await aclient.recall("fix authentication bug", k=3, workspace_id="my-workspace")
    assert any("authentication" in h.memory.content for h in hits)


async def test_commit_snippet_reports_created_memories(
    aclient: AsyncMemoryClient, capsys: pytest.CaptureFixture[str]
) -> None:
    snippet = next(s for s in _snippets() if "commit_session(\n" in s)
    session = await aclient.create_session(ttl_seconds=600, workspace_id="my-workspace")
    await aclient.set_context(session.id, "decision_db", "We decided to use Postgres", 0.9)
    namespace: dict[str, Any] = {}
    body = textwrap.indent(snippet, "    ")
    exec(f"async def _snippet(client, session_id):\n{body}", namespace)
    await namespace["_snippet"](aclient, session.id)
    assert "Created 1 long-term memories" in capsys.readouterr().out
