"""The TypeScript client (clients/typescript) from the Python suite.

Its Node test suite (``node --test`` against a real ``asm serve`` it starts on loopback), its
generated types against a live server's ``/openapi.json``, and one session written by each
language and read by the other. Node and the npm packages are installed by
``scripts/ensure_node_deps.sh``, never here: when they are missing these tests fail saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_session_memory import MemoryClient
from tests.live_server import serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "clients" / "typescript"
ENSURE = "scripts/ensure_node_deps.sh"
sys.path.insert(0, str(ROOT / "scripts"))

from typescript_types import render  # noqa: E402


def _env() -> dict[str, str]:
    """The child processes run this interpreter and this checkout's sources."""
    paths = [str(ROOT / "src")] + [
        str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p
    ]
    return {**os.environ, "ASM_PYTHON": sys.executable, "PYTHONPATH": os.pathsep.join(paths)}


def _run(node: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, *args], cwd=PACKAGE, env=_env(), capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def node() -> str:
    """Node with the locked dev dependencies, and the package compiled (tsc: type errors fail)."""
    found = shutil.which("node")
    if found is None:
        pytest.fail(f"node is not installed: run {ENSURE}")
    current = _run(found, "scripts/deps-current.mjs")
    if current.returncode != 0:
        pytest.fail(f"{current.stderr.strip()}: run {ENSURE}")
    build = _run(found, "node_modules/typescript/bin/tsc", "-p", "tsconfig.json", timeout=120)
    assert build.returncode == 0, f"tsc failed:\n{build.stdout}{build.stderr}"
    return found


def test_node_test_suite_passes_against_a_real_server(node: str) -> None:
    result = _run(node, "test/run.mjs", timeout=300)
    summary = "\n".join(line for line in result.stdout.splitlines() if line.startswith("# "))
    assert result.returncode == 0, f"node --test failed:\n{result.stdout[-6000:]}{result.stderr}"
    assert "# fail 0" in summary and "# pass " in summary, summary


def test_typescript_sources_are_formatted(node: str) -> None:
    result = _run(node, "node_modules/prettier/bin/prettier.cjs", "--check", ".")
    assert result.returncode == 0, f"run npm run format:\n{result.stdout}{result.stderr}"


def test_generated_types_match_the_live_openapi_document(tmp_path: Path) -> None:
    with serve_in_thread(home=tmp_path / "home") as url:
        document = httpx.get(f"{url}/openapi.json").json()
    committed = (PACKAGE / "src" / "generated.ts").read_text()
    assert render(document) == committed, "run: python scripts/generate.py"


def test_generated_types_follow_a_changed_document() -> None:
    """The drift check bites: a renamed field or a new error code changes the generated file."""
    from agent_session_memory.contract.openapi import openapi_document

    document = openapi_document("t", "0")
    before = render(document)
    renamed = json.loads(json.dumps(document).replace('"expires_at"', '"expires"'))
    renamed["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
        "enum"
    ].append("brand_new")
    after = render(renamed)
    assert "  expires_at: string;" in before
    assert "  expires: string;" in after and "  expires_at: string;" not in after
    assert '"brand_new"' in after and before != after


def _roundtrip(node: str, *args: str) -> Any:
    result = _run(node, "test/support/roundtrip.mjs", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_session_travels_between_typescript_and_python(node: str, tmp_path: Path) -> None:
    with serve_in_thread(home=tmp_path / "home") as url, MemoryClient(base_url=url) as client:
        written = _roundtrip(node, "write", url)
        sid = written["session_id"]
        session = client.get_session(sid)
        assert (session.workspace_id, session.metadata) == ("roundtrip", {"from": "typescript"})
        value = {"lang": "ts", "n": [1, 2.5], "ok": True, "none": None, "text": "é ✓"}
        assert client.get_context(sid, "from_ts") == value
        assert [m.content for m in client.get_messages(sid)] == ["hello from TypeScript"]
        memory = client.get_memory(written["memory_id"], workspace_id="roundtrip")
        assert (memory.content, memory.tags, memory.session_id) == (
            "TypeScript remembers this",
            ["ts"],
            sid,
        )

        client.set_context(sid, "from_py", {"lang": "python", "when": [2026, 12]})
        client.update_context(sid, "count", lambda v: v + 1)
        client.add_messages(sid, [{"role": "assistant", "content": "hello from Python"}])
        py_memory = client.remember("Python said: ship it", workspace_id="roundtrip")
        read = _roundtrip(node, "read", url, sid, py_memory.id)

    assert read["session"]["id"] == sid and read["session"]["status"] == "active"
    assert read["everything"] == {
        "from_ts": value,
        "from_py": {"lang": "python", "when": [2026, 12]},
        "count": 2,
    }
    assert [m["content"] for m in read["messages"]] == [
        "hello from TypeScript",
        "hello from Python",
    ]
    assert read["memory"]["content"] == "Python said: ship it"
    assert read["top"] == "Python said: ship it"


def test_the_package_has_no_runtime_dependencies_and_the_python_version() -> None:
    from agent_session_memory import __version__

    package = json.loads((PACKAGE / "package.json").read_text())
    lock = json.loads((PACKAGE / "package-lock.json").read_text())
    assert "dependencies" not in package and "peerDependencies" not in package
    assert package["version"] == lock["packages"][""]["version"] == __version__
    assert package["type"] == "module" and package["engines"]["node"] == ">=18"
