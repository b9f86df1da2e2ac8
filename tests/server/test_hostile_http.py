"""Hostile requests on every route get a typed 4xx and write nothing; none gets a 500."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest

from agent_session_memory import MemoryClient
from agent_session_memory.contract import OPERATIONS, Operation
from agent_session_memory.server.settings import ServerSettings
from tests.live_server import serve_in_thread

BODY_OPS = [op for op in OPERATIONS.values() if not op.route.in_query]
QUERY_OPS = [op for op in OPERATIONS.values() if op.route.in_query]
INT_PARAMS = [
    (op, name)
    for op in OPERATIONS.values()
    for name in op.params
    if "int" in str(op.signature.parameters[name].annotation).split(" | ")
]


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A server with small limits, a session and a memory id in workspace "ws"."""
    home = tmp_path_factory.mktemp("hostile") / "home"
    settings = ServerSettings(sweep_interval=0, max_body_bytes=4096, body_timeout=0.5)
    with serve_in_thread(home=home, settings=settings) as url:
        with MemoryClient(base_url=url, workspace_id="ws") as client:
            sid = client.create_session(ttl_seconds=3600).id
            mid = client.remember("a memory").id
        yield url, sid, mid


def _path(op: Operation, sid: str, mid: str) -> str:
    return op.route.path.replace("{session_id}", sid).replace("{memory_id}", mid)


def _nothing_written(url: str, sid: str) -> None:
    with MemoryClient(base_url=url, workspace_id="ws") as client:
        assert client.get_context(sid) == {}
        assert client.get_messages(sid) == []
        assert [m.content for m in client.list_memories()] == ["a memory"]
        assert client.get_session(sid).status == "active"
        assert [s.id for s in client.list_sessions()] == [sid]


def _typed_4xx(response: httpx.Response) -> str:
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return str(error["code"])


BAD_BODIES = [
    b"not json",
    b"[1, 2]",
    b'{"key": "k", "value": NaN}',
    b'{"key": "\\ud800", "value": "\\udfff", "content": "\\ud83d"}',
    b'{"unexpected": 1}',
    b"{" * 5000,
    '{"key": "\u00e9"'.encode("latin-1"),
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
@pytest.mark.parametrize("op", BODY_OPS, ids=lambda op: op.name)
def test_bad_bodies_are_refused(target: tuple[str, str, str], op: Operation, body: bytes) -> None:
    url, sid, mid = target
    response = httpx.request(op.route.method, url + _path(op, sid, mid), content=body)
    assert _typed_4xx(response) in {"invalid_input", "limit_exceeded"}
    _nothing_written(url, sid)


@pytest.mark.parametrize(("op", "name"), INT_PARAMS, ids=lambda x: getattr(x, "name", x))
def test_huge_integers_are_refused_with_the_field_named(
    target: tuple[str, str, str], op: Operation, name: str
) -> None:
    url, sid, mid = target
    huge = 2**70
    if op.route.in_query:
        response = httpx.request(
            op.route.method, url + _path(op, sid, mid), params={name: str(huge)}
        )
    else:
        response = httpx.request(op.route.method, url + _path(op, sid, mid), json={name: huge})
    assert _typed_4xx(response) == "invalid_input"
    _nothing_written(url, sid)


@pytest.mark.parametrize("op", QUERY_OPS, ids=lambda op: op.name)
def test_wrong_query_values_are_refused(target: tuple[str, str, str], op: Operation) -> None:
    url, sid, mid = target
    response = httpx.request(
        op.route.method, url + _path(op, sid, mid), params={"no_such_parameter": "1"}
    )
    assert _typed_4xx(response) == "invalid_input"
    _nothing_written(url, sid)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/memories", b'{"content": "x", "ttl_seconds": 1.1e229}'),  # no date that far
        ("/v1/import", b"60.98\n"),  # a JSON-lines record that is no object
        ("/v1/import", b'{"id": "a", "workspace_id": "ws", "content": "x"}\n[1]\n'),
    ],
)
def test_values_found_by_the_fuzzers_are_refused_typed(
    target: tuple[str, str, str], path: str, body: bytes
) -> None:
    url, sid, _ = target
    response = httpx.post(url + path, params={"workspace_id": "ws"}, content=body)
    assert _typed_4xx(response) == "invalid_input"
    _nothing_written(url, sid)


def test_ids_that_are_no_ids(target: tuple[str, str, str]) -> None:
    url, sid, _ = target
    for path in ("/v1/sessions/%00", "/v1/sessions/" + "a" * 5000, "/v1/memories/%ED%A0%80"):
        assert _typed_4xx(httpx.get(url + path, params={"workspace_id": "ws"})) in {
            "invalid_input",
            "session_not_found",
            "memory_not_found",
            "not_found",
        }
    _nothing_written(url, sid)


def test_an_oversized_body_is_refused_before_it_is_read(target: tuple[str, str, str]) -> None:
    url, sid, _ = target
    big = {"key": "k", "value": "x" * 10_000}
    response = httpx.post(f"{url}/v1/sessions/{sid}/memory", json=big)
    assert response.status_code == 413 and _typed_4xx(response) == "limit_exceeded"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"key": "k", "value": "'
        for _ in range(100):
            yield b"x" * 1000
        yield b'"}'

    response = httpx.post(f"{url}/v1/sessions/{sid}/memory", content=chunks())
    assert response.status_code == 413
    _nothing_written(url, sid)


def test_a_slow_client_times_out(target: tuple[str, str, str]) -> None:
    url, sid, _ = target
    address = urlparse(url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(
            f"POST /v1/sessions/{sid}/memory HTTP/1.1\r\nHost: x\r\n"
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"key":'.encode()
        )
        started = time.monotonic()
        reply = sock.recv(65536).decode()
        assert time.monotonic() - started < 5
    assert reply.startswith("HTTP/1.1 422")
    assert "did not arrive" in reply
    _nothing_written(url, sid)


def test_the_server_still_answers_after_all_that(target: tuple[str, str, str]) -> None:
    url, _, _ = target
    assert httpx.get(f"{url}/health").status_code == 200
