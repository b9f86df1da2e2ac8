"""schemathesis against our own OpenAPI document: no 5xx, no response that breaks its schema.

Every operation of the registry is fuzzed through the document the server publishes. The checks
are the promises the document makes: never a server error, only documented status codes and
content types, every response valid against its schema. (The document does not state every
limit, such as the id formats, so "schema-valid data must be accepted" is not one of them.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from agent_session_memory.contract import OPERATIONS, Operation
from agent_session_memory.contract.http import dump_lines
from tests.live_server import serve_in_thread


@schemathesis.serializer("application/x-ndjson")
def _json_lines(ctx: object, value: object) -> bytes:
    """Import bodies are JSON lines: one generated record a line."""
    records = value if isinstance(value, list) else [value]
    return dump_lines(records)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    home: Path = tmp_path_factory.mktemp("fuzz") / "home"
    with serve_in_thread(home=home) as url:
        yield schemathesis.openapi.from_url(f"{url}/openapi.json")


@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=lambda op: op.name)
def test_the_api_keeps_its_own_promises(api_schema: schemathesis.BaseSchema, op: Operation) -> None:
    operation = api_schema[op.route.path][op.route.method]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    fuzz()
