"""The web memory inspector at ``/ui``: static pages shipped in the package, no build step.

The pages are plain HTML, CSS and JavaScript modules (``ui_assets/``) that call the HTTP API
(``/v1/...``) with the key a person types in, so they see exactly what that key may see: the
inspector has no route, data or permission of its own.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

ASSETS = Path(__file__).with_name("ui_assets")
# Everything comes from this origin; no inline script, no frame, no third-party request.
HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


class _Assets(StaticFiles):
    """The assets with the inspector's security headers on every response."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def mount_ui(app: FastAPI, path: str = "/ui") -> None:
    """Serve the inspector at ``path`` (``path`` redirects to ``path/``)."""

    async def to_index(request: Request) -> Response:
        return RedirectResponse(f"{path}/", status_code=307)

    app.add_route(path, to_index, methods=["GET"])
    app.mount(path, _Assets(directory=ASSETS, html=True), name="ui")
