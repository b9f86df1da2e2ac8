"""One HTTP endpoint per operation of the contract, all built by the same code.

A request is read (bounded) on the event loop; everything that blocks (key check, validation,
access check, the engine call) runs in one worker-thread hop, so the loop never waits on SQLite,
Redis or Chroma.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..contract import Operation
from ..contract.http import dump_lines, read_lines, read_query
from ..contract.wire import decode_params, encode_result, loads
from ..errors import InvalidInput
from .access import authenticate, authorize
from .body import read_body
from .keys import KeyStore
from .settings import ServerSettings

JSON = "application/json"
JSON_LINES = "application/x-ndjson"


class OperationEndpoint:
    """The ASGI endpoint of one operation."""

    def __init__(
        self,
        op: Operation,
        implementation: Callable[..., Any],
        session_workspace: Callable[[str], str],
        keys: KeyStore | None,
        settings: ServerSettings,
    ) -> None:
        self.op = op
        self.implementation = implementation
        self.session_workspace = session_workspace
        self.keys = keys
        self.settings = settings

    async def handle(self, request: Request) -> Response:
        raw = await self._raw_params(request)
        result = await run_in_threadpool(self._serve, request.headers, raw)
        if self.op.route.lines is True:
            return StreamingResponse(_lines(result), media_type=JSON_LINES)
        return Response(
            encode_result(self.op, result), status_code=self.op.route.status, media_type=JSON
        )

    def _serve(self, headers: Mapping[str, str], raw: dict[str, Any]) -> Any:
        caller = authenticate(self.keys, headers)
        params = decode_params(self.op, raw, typed=not self.op.route.in_query)
        authorize(caller, self.op, params, self.session_workspace)
        return self.implementation(**params)

    async def _raw_params(self, request: Request) -> dict[str, Any]:
        route = self.op.route
        raw: dict[str, Any] = dict(request.path_params)
        if route.in_query:
            query = request.query_params
            raw.update(read_query(self.op, set(query.keys()), query.getlist))
        if isinstance(route.lines, str):
            body = await read_body(request, self.settings.max_import_bytes, self._timeout)
            raw[route.lines] = read_lines(body)
        elif not route.in_query:
            body = await read_body(request, self.settings.max_body_bytes, self._timeout)
            raw.update(_json_object(body, set(raw)))
        return raw

    @property
    def _timeout(self) -> float:
        return self.settings.body_timeout


def _json_object(body: bytes, path_params: set[str]) -> dict[str, Any]:
    data = loads(body) if body.strip() else {}
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object of the operation's parameters")
    clash = path_params & set(data)
    if clash:
        raise InvalidInput(f"{sorted(clash)} belong in the path, not the body")
    return data


def _lines(records: list[Any]) -> Iterator[bytes]:
    for start in range(0, len(records), 256):
        yield dump_lines(records[start : start + 256])
