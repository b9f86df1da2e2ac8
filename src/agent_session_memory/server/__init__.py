"""The HTTP API server (extra ``[server]``): ``asm serve``, or ``create_app`` in an ASGI host."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """See ``server.app.create_app``; says which extra to install when FastAPI is missing."""
    try:
        from .app import create_app as build
    except ImportError as exc:
        from ..errors import MissingExtra

        raise MissingExtra("server", exc.name or "fastapi") from exc
    return build(*args, **kwargs)


__all__ = ["create_app"]
