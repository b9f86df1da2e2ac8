"""The inspector's pages as the server serves them: shipped in the package, strict headers, no
third-party request, and ``asm ui`` (the embedded home on loopback, no key)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx

from agent_session_memory.server.ui import ASSETS
from tests.live_server import free_port, wait_until_healthy
from tests.server.conftest import Server

ROOT = Path(__file__).resolve().parents[2]


def test_the_pages_are_served_with_strict_headers_and_no_key(server: Server) -> None:
    with server.http(None) as http:
        assert http.get("/ui").headers["location"] == "/ui/"
        index = http.get("/ui/")
        assert index.status_code == 200 and "Memory inspector" in index.text
        csp = index.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp
        assert index.headers["x-content-type-options"] == "nosniff"
        script = http.get("/ui/app.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert http.get("/ui/../keys.db").status_code == 404
        assert http.get("/v1/workspaces").status_code == 401  # the data still needs a key


def test_the_assets_ship_in_the_package_and_fetch_nothing_from_elsewhere() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert (
        "server/ui_assets/*"
        in pyproject["tool"]["setuptools"]["package-data"]["agent_session_memory"]
    )
    files = sorted(p.name for p in ASSETS.iterdir())
    assert {"index.html", "app.js", "api.js", "style.css"} <= set(files)
    for path in ASSETS.iterdir():
        text = path.read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), path.name
        if path.suffix == ".js":
            assert not re.search(r"\.(innerHTML|outerHTML)\b|\beval\(", text), path.name


def test_asm_ui_serves_the_embedded_home_on_loopback_without_a_key(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "agent_session_memory.cli", "--path", str(tmp_path / "home")]
    proc = subprocess.Popen(
        [*command, "ui", "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = f"http://127.0.0.1:{port}/ui/"
        assert url in line, line
        wait_until_healthy(f"http://127.0.0.1:{port}", proc)  # it prints before it listens
        assert httpx.get(url, timeout=30).status_code == 200
        workspaces = httpx.get(f"http://127.0.0.1:{port}/v1/workspaces", timeout=30)
        assert [w["id"] for w in workspaces.json()] == ["default"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
