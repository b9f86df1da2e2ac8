"""The remote transport: operations of the contract as HTTP requests to ``asm serve``.

One pooled httpx client per transport (connections are reused), a timeout on every request, and
retries only for operations the contract marks idempotent, on connection failures and 502/503/504.
A server error comes back as the very type the embedded engine raises. ``http_sync.py`` is
generated from this file by ``scripts/generate.py``.
"""

from __future__ import annotations

import asyncio
from random import uniform
from typing import Any

import httpx

from ..contract import OPERATIONS, Operation
from ..contract.http import QueryValue, build_request, read_lines, unicode_refusal
from ..contract.wire import decode_result, encode_params
from ..errors import AgentMemoryError, BackendUnavailable, InvalidInput, error_from_dict

RETRY_STATUSES = frozenset({502, 503, 504})


class AsyncHTTPTransport:
    """``base_url`` of a server, ``api_key`` if it needs one."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        headers = {"user-agent": "agent-session-memory"}
        if api_key:
            headers["authorization"] = f"Bearer {api_key}"
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self._client = client or httpx.AsyncClient(
            base_url=self.base_url, headers=headers, timeout=timeout
        )

    async def call(self, operation: str, /, **params: Any) -> Any:
        op = OPERATIONS.get(operation)
        if op is None:
            raise InvalidInput(f"unknown operation {operation!r}", operation=operation)
        request = build_request(op, encode_params(op, params))
        response = await self._send(
            op, request.method, request.path, request.query, request.json, request.lines
        )
        return _result(op, response)

    async def _send(
        self,
        op: Operation,
        method: str,
        path: str,
        query: list[tuple[str, QueryValue]],
        body: Any,
        lines: bytes | None,
    ) -> httpx.Response:
        attempts = 1 + (self.retries if op.idempotent else 0)
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                response = await self._client.request(
                    method,
                    path,
                    params=query,
                    json=body,
                    content=lines,
                    headers={"content-type": "application/x-ndjson"} if lines is not None else None,
                )
            except UnicodeEncodeError as exc:  # JSON bodies are UTF-8: the engine's own refusal
                raise unicode_refusal(exc) from None
            except httpx.TransportError as exc:
                if last:
                    raise BackendUnavailable(
                        f"cannot reach {self.base_url}: {type(exc).__name__}", url=self.base_url
                    ) from None
            else:
                if last or response.status_code not in RETRY_STATUSES:
                    return response
            await asyncio.sleep(uniform(0, 0.05 * 2**attempt))
        raise AssertionError("unreachable")  # the last attempt returns or raises

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def close(self) -> None:
        await self._client.aclose()


def _result(op: Operation, response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise _error(response)
    if op.route.lines is True:
        return read_lines(response.content)
    return decode_result(op, response.json())


def _error(response: httpx.Response) -> AgentMemoryError:
    try:
        error = response.json()["error"]
        return error_from_dict(error)
    except (ValueError, KeyError, TypeError):
        return BackendUnavailable(
            f"the server answered {response.status_code} without an error body",
            status=response.status_code,
        )
