"""The core never imports LlamaIndex; the adapter without it names the extra to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


def test_core_import_does_not_import_llama_index() -> None:
    done = run(
        """
        import sys
        import agent_session_memory
        assert not any(m.split(".")[0] == "llama_index" for m in sys.modules), "imported"
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_missing_llama_index_raises_missing_extra() -> None:
    done = run(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "llama_index" or name.startswith("llama_index."):
                    raise ModuleNotFoundError(f"No module named {name!r}")
                return None

        sys.meta_path.insert(0, Block())
        from agent_session_memory import MissingExtra
        try:
            import agent_session_memory.adapters.llamaindex
        except MissingExtra as exc:
            assert isinstance(exc, ImportError)
            assert exc.details == {"extra": "llamaindex", "module": "llama-index-core"}
            print(exc)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "pip install 'agent-session-memory[llamaindex]'" in done.stdout


def test_public_names() -> None:
    import agent_session_memory.adapters.llamaindex as adapter

    assert sorted(adapter.__all__) == adapter.__all__
    assert set(adapter.__all__) == {
        "KEY_METADATA",
        "LlamaIndexBriefingSummarizer",
        "LlamaIndexFactExtractor",
        "LlamaIndexScorer",
        "LongTermMemoryBlock",
        "SessionChatStore",
        "SessionDBChatStore",
        "SessionMemory",
    }


def test_every_public_name_is_documented() -> None:
    from pathlib import Path

    import agent_session_memory.adapters.llamaindex as adapter

    doc = Path(__file__).resolve().parents[3] / "docs" / "integrations" / "llamaindex.md"
    text = doc.read_text(encoding="utf-8")
    assert [name for name in adapter.__all__ if name not in text] == []
