"""The public surface is exactly what we mean it to be, and both clients offer the same calls."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import agent_session_memory
from agent_session_memory import AsyncMemoryClient, MemoryClient

ROOT = Path(__file__).resolve().parents[2]


def test_all_is_sorted_and_complete() -> None:
    names = agent_session_memory.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(agent_session_memory, name), name


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(fn)
        for name, fn in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_sync_and_async_clients_have_the_same_methods_and_parameters() -> None:
    sync, asynchronous = _public(MemoryClient), _public(AsyncMemoryClient)
    assert sync.keys() == asynchronous.keys()
    for name in sync:
        assert list(sync[name].parameters) == list(asynchronous[name].parameters), name
        assert inspect.iscoroutinefunction(getattr(AsyncMemoryClient, name)), name


def test_importing_the_core_imports_no_framework_or_vendor() -> None:
    code = (
        "import sys, agent_session_memory\n"
        "heavy = {'chromadb', 'onnxruntime', 'langchain_core', 'llama_index', 'redis',"
        " 'tiktoken'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
