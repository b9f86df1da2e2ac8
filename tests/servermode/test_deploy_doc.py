"""docs/deploy.md's compose.yaml is valid YAML and wires every API process to the three shared
backends the code reads (the same variable names as ``Settings.from_env``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def compose() -> dict[str, Any]:
    [block] = re.findall(r"## compose\.yaml.*?```yaml\n(.*?)```", DOC.read_text(), re.S)
    loaded: dict[str, Any] = yaml.safe_load(block)
    return loaded


def test_compose_runs_two_api_processes_behind_a_proxy_on_the_shared_backends() -> None:
    services = compose()["services"]
    assert {"api-1", "api-2", "proxy", "redis", "chroma", "postgres"} <= set(services)
    for name in ("api-1", "api-2"):
        env = services[name]["environment"]
        assert env["AGENT_MEMORY_SESSION_STORE_URL"].startswith("redis://redis:")
        assert env["AGENT_MEMORY_CHROMA_URL"].startswith("http://chroma:")
        assert env["AGENT_MEMORY_LEXICAL_URL"].startswith("postgresql://")
        assert "@postgres:5432/" in env["AGENT_MEMORY_LEXICAL_URL"]
    nginx = compose()["configs"]["nginx"]["content"]
    assert "server api-1:8080" in nginx and "server api-2:8080" in nginx
