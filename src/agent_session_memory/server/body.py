"""Reading a request body with a size limit and a deadline, before any parsing.

A ``Content-Length`` over the limit is refused without reading; a chunked body is counted as it
arrives and refused as soon as it passes the limit; a client that sends too slowly times out.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request

from ..errors import InvalidInput, LimitExceeded


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise InvalidInput("Content-Length is not a number")
        if int(declared) > limit:
            raise LimitExceeded(f"the body is over {limit} bytes", limit=limit)
    try:
        async with asyncio.timeout(timeout):
            return await _read(request, limit)
    except TimeoutError:
        raise InvalidInput(f"the body did not arrive within {timeout:g} s") from None


async def _read(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise LimitExceeded(f"the body is over {limit} bytes", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)
