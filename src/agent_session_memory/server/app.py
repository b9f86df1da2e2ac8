"""The HTTP API: a FastAPI application whose routes all come from the operation registry.

``create_app(engine, keys, settings)`` mounts one endpoint per operation, ``/health`` and
``/ready``, the OpenAPI document at ``/openapi.json``, the error mapping, and the background
auto-commit sweep. The process holds nothing another process needs: any number of them may serve
the same stores.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .._version import __version__
from ..client.transport import bind_operations
from ..contract import OPERATIONS
from ..contract.openapi import openapi_document
from ..engine import Engine
from ..errors import AgentMemoryError, InvalidInput, NotFound
from .keys import KeyStore
from .mcp_mount import mount_mcp
from .readiness import check_ready
from .routes import OperationEndpoint
from .settings import ServerSettings
from .sweeper import sweep_forever
from .ui import mount_ui

log = logging.getLogger("agent_session_memory.server")
TITLE = "agent-session-memory"


def create_app(
    engine: Engine, keys: KeyStore | None, settings: ServerSettings | None = None
) -> FastAPI:
    """The application; ``keys`` None means the open mode (no key needed)."""
    settings = settings or ServerSettings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with sweep_forever(engine, settings.sweep_interval), mcp or contextlib.nullcontext():
            yield
        await run_in_threadpool(engine.close)

    app = FastAPI(
        title=TITLE,
        version=__version__,
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    _mount_operations(app, engine, keys, settings)
    mcp = _mount_mcp(app, engine, keys)
    _mount_probes(app, engine)
    _mount_errors(app)
    mount_ui(app)
    return app


def _mount_operations(
    app: FastAPI, engine: Engine, keys: KeyStore | None, settings: ServerSettings
) -> None:
    implementations = bind_operations(engine)
    get_session = implementations["get_session"]

    def session_workspace(session_id: str) -> str:
        return str(get_session(session_id=session_id).workspace_id)

    # Fixed segments first, so /v1/sessions/briefing is not read as a session id.
    for op in sorted(OPERATIONS.values(), key=lambda op: op.route.path.count("{")):
        endpoint = OperationEndpoint(
            op, implementations[op.name], session_workspace, keys, settings
        )
        app.add_route(op.route.path, endpoint.handle, methods=[op.route.method], name=op.name)


def _mount_mcp(
    app: FastAPI, engine: Engine, keys: KeyStore | None
) -> contextlib.AbstractAsyncContextManager[None] | None:
    """``/mcp``: the MCP server under the same keys (None without the ``[mcp]`` extra)."""
    implementations = bind_operations(engine)

    def session_workspace(session_id: str) -> str:
        return str(implementations["get_session"](session_id=session_id).workspace_id)

    return mount_mcp(app, implementations, session_workspace, keys, engine.settings.workspace_id)


def _mount_probes(app: FastAPI, engine: Engine) -> None:
    document = openapi_document(TITLE, __version__)

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__})

    async def ready(request: Request) -> Response:
        failures = await run_in_threadpool(check_ready, engine)
        if failures:
            body = {
                "error": {
                    "code": "backend_unavailable",
                    "message": "not ready",
                    "details": failures,
                }
            }
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ready"})

    app.add_route("/openapi.json", openapi, methods=["GET"])
    app.add_route("/health", health, methods=["GET"])
    app.add_route("/ready", ready, methods=["GET"])


def _mount_errors(app: FastAPI) -> None:
    async def typed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AgentMemoryError)
        return _error(exc.status, exc.to_dict())

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error in %s %s", request.method, request.url.path)
        return _error(500, {"code": "internal_error", "message": "internal error", "details": {}})

    async def no_route(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        error = NotFound("no such route") if status == 404 else InvalidInput("method not allowed")
        return _error(status, error.to_dict())

    app.add_exception_handler(AgentMemoryError, typed)
    app.add_exception_handler(Exception, unexpected)
    app.add_exception_handler(404, no_route)
    app.add_exception_handler(405, no_route)


def _error(status: int, error: dict[str, Any]) -> Response:
    body = json.dumps({"error": error}, default=str, ensure_ascii=False)
    return Response(body, status_code=status, media_type="application/json")
