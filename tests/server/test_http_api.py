"""The HTTP API as a client in any language sees it: routes, bodies, errors, probes, streams."""

from __future__ import annotations

import json

import httpx

from agent_session_memory import MemoryClient
from agent_session_memory.contract import OPERATIONS
from tests.server.conftest import Server


def test_every_operation_is_served_and_published(open_server: str) -> None:
    document = httpx.get(f"{open_server}/openapi.json").json()
    published = {
        (method.upper(), path): spec["operationId"]
        for path, item in document["paths"].items()
        for method, spec in item.items()
    }
    for op in OPERATIONS.values():
        assert published[(op.route.method, op.route.path)] == op.name
        spec = document["paths"][op.route.path][op.route.method.lower()]
        assert spec["summary"] == op.summary
    assert document["openapi"].startswith("3.1")


def test_a_session_over_plain_http(open_server: str) -> None:
    with httpx.Client(base_url=open_server) as http:
        created = http.post("/v1/sessions", json={"ttl_seconds": 600, "workspace_id": "ws"})
        assert created.status_code == 201
        sid = created.json()["id"]
        body = {"key": "task", "value": {"goal": "ship"}, "importance": 0.9}
        assert http.post(f"/v1/sessions/{sid}/memory", json=body).json() == 1
        assert http.get(f"/v1/sessions/{sid}/memory", params={"keys": "task"}).json() == {
            "goal": "ship"
        }
        assert http.get(f"/v1/sessions/{sid}/memory").json() == {"task": {"goal": "ship"}}
        assert http.post(f"/v1/sessions/{sid}/touch", json={}).json()["status"] == "active"
        commit = http.post(f"/v1/sessions/{sid}/commit", json={"min_importance": 0.5}).json()
        assert commit["memories_created"] == 1
        briefing = http.get("/v1/sessions/briefing", params={"workspace_id": "ws"}).json()
        assert briefing["workspace_id"] == "ws" and "open_threads" in briefing
        assert http.delete(f"/v1/sessions/{sid}").json() is True


def test_errors_have_one_shape_and_the_field_named(open_server: str) -> None:
    with httpx.Client(base_url=open_server) as http:
        missing = http.get("/v1/sessions/" + "0" * 32)
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "session_not_found"
        bad = http.post("/v1/sessions", json={"ttl_seconds": "long"})
        assert bad.status_code == 422
        assert bad.json()["error"]["details"]["field"] == "ttl_seconds"
        extra = http.post("/v1/sessions", json={"ttl": 5})
        assert extra.status_code == 422 and "ttl" in extra.json()["error"]["message"]
        nowhere = http.get("/v1/nowhere")
        assert nowhere.status_code == 404 and nowhere.json()["error"]["code"] == "not_found"


def test_a_compare_and_set_conflict_is_409(open_server: str) -> None:
    with httpx.Client(base_url=open_server) as http:
        sid = http.post("/v1/sessions", json={}).json()["id"]
        http.post(f"/v1/sessions/{sid}/memory", json={"key": "n", "value": 1})
        stale = http.post(
            f"/v1/sessions/{sid}/memory", json={"key": "n", "value": 2, "expected_version": 0}
        )
        assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"


def test_an_empty_query_value_is_null(open_server: str) -> None:
    with MemoryClient(base_url=open_server) as client:
        sid = client.create_session().id
        client.add_messages(sid, [{"role": "user", "content": "hi"}])
        client.set_message_status(sid, [1], "archived")
    with httpx.Client(base_url=open_server) as http:
        url = f"/v1/sessions/{sid}/messages/count"
        assert http.get(url).json() == 0  # default: active only
        assert http.get(url, params={"status": ""}).json() == 1  # null: every status


def test_export_and_import_are_json_lines(open_server: str) -> None:
    with MemoryClient(base_url=open_server, workspace_id="src") as client:
        client.remember("We chose JWT for auth", tags=["auth"])
        client.remember("Deploys go out on Tuesdays")
    with httpx.Client(base_url=open_server) as http:
        exported = http.get("/v1/export", params={"workspace_id": "src"})
        assert exported.headers["content-type"].startswith("application/x-ndjson")
        lines = exported.text.splitlines()
        assert len(lines) == 2 and all(json.loads(line)["content"] for line in lines)
        imported = http.post(
            "/v1/import",
            params={"workspace_id": "dst"},
            content=exported.content,
            headers={"content-type": "application/x-ndjson"},
        )
        assert imported.status_code == 200
        assert imported.json() == {"imported": 2, "skipped": 0, "replaced": 0}
        bad = http.post("/v1/import", params={"workspace_id": "dst"}, content=b'{"a":\n')
        assert bad.status_code == 422 and bad.json()["error"]["details"]["line"] == 1
    with MemoryClient(base_url=open_server, workspace_id="dst") as client:
        assert {m.content for m in client.list_memories()} == {
            "We chose JWT for auth",
            "Deploys go out on Tuesdays",
        }


def test_health_and_readiness(server: Server) -> None:
    with httpx.Client(base_url=server.url) as http:  # no key needed for probes
        assert http.get("/health").json()["status"] == "ok"
        assert http.get("/ready").json() == {"status": "ready"}
