"""The MCP server (extra ``[mcp]``) and the Claude Code hooks.

``asm mcp`` serves the memory tools on stdio, ``asm mcp --http`` over streamable HTTP; both run on
the public client API, so they are embedded or a client of a remote server (``AGENT_MEMORY_URL``).
The hooks (``asm hook ...``) need no MCP SDK. Named ``mcp_server`` so it never shadows the SDK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import MissingExtra

if TYPE_CHECKING:
    from .server import MemoryMCP

__all__ = ["MemoryMCP", "require_sdk"]


def require_sdk() -> None:
    """Fail with the extra to install when the ``mcp`` SDK is missing."""
    try:
        import mcp.server.lowlevel  # noqa: F401
    except ImportError:
        raise MissingExtra("mcp", "mcp") from None


def __getattr__(name: str) -> Any:
    if name == "MemoryMCP":
        require_sdk()
        from .server import MemoryMCP

        return MemoryMCP
    raise AttributeError(name)
