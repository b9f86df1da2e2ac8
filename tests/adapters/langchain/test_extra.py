"""The extra is optional: the core imports none of it, and a missing extra names itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import agent_session_memory.adapters.langchain as adapter


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_core_import_loads_no_framework() -> None:
    result = _run("""
        import sys
        import agent_session_memory, agent_session_memory.adapters
        loaded = [m for m in sys.modules if m.split(".")[0] in
                  ("langchain", "langchain_core", "langgraph")]
        assert not loaded, loaded
    """)
    assert result.returncode == 0, result.stderr


def test_missing_langchain_core_raises_missing_extra() -> None:
    result = _run("""
        import sys
        sys.modules["langchain_core"] = None  # as if not installed
        import agent_session_memory
        from agent_session_memory import MissingExtra
        try:
            import agent_session_memory.adapters.langchain
        except MissingExtra as exc:
            assert isinstance(exc, ImportError)
            assert exc.details == {"extra": "langchain", "module": "langchain-core"}
            print(exc)
        else:
            raise AssertionError("no error")
    """)
    assert result.returncode == 0, result.stderr
    assert "pip install 'agent-session-memory[langchain]'" in result.stdout


def test_missing_langgraph_names_it() -> None:
    result = _run("""
        import sys
        sys.modules["langgraph"] = None
        from agent_session_memory import MissingExtra
        from agent_session_memory.adapters.langchain import SessionChatMessageHistory
        try:
            from agent_session_memory.adapters.langchain import MemoryGraphStore
        except MissingExtra as exc:
            assert exc.details["module"] == "langgraph", exc.details
        else:
            raise AssertionError("no error")
    """)
    assert result.returncode == 0, result.stderr


def test_public_names() -> None:
    assert adapter.__all__ == [
        "TOOL_NAMES",
        "ChatModelBriefingSummarizer",
        "ChatModelFactExtractor",
        "ChatModelScorer",
        "MemoryGraphStore",
        "MemoryRetriever",
        "SessionChatMessageHistory",
        "SessionCheckpointer",
        "SessionContextStore",
        "create_memory_tools",
    ]
    for name in adapter.__all__:
        assert getattr(adapter, name) is not None
