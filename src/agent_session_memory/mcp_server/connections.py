"""What the MCP server remembers per client connection: the current session and workspace."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

STDIO = "stdio"  # a stdio server serves exactly one client: the whole process is its connection
MAX_CONNECTIONS = 10_000


@dataclass
class Connection:
    """The session memory_session_start started, and the workspace the connection works in."""

    workspace_id: str
    session_id: str | None = None


class Connections:
    """Connection state by key: stdio, or the streamable HTTP ``Mcp-Session-Id``.

    A request without a connection (stateless HTTP) gets a fresh state that is not kept, so its
    session tools need an explicit ``session_id``. The oldest entries go past ``MAX_CONNECTIONS``.
    """

    def __init__(self) -> None:
        self._states: OrderedDict[str, Connection] = OrderedDict()

    def get(self, request: Any, default_workspace: str) -> Connection:
        """The request's connection; a new one starts in ``default_workspace``."""
        key = connection_key(request)
        if key is None:
            return Connection(default_workspace)
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = Connection(default_workspace)
            while len(self._states) > MAX_CONNECTIONS:
                self._states.popitem(last=False)
        else:
            self._states.move_to_end(key)
        return state


def connection_key(request: Any) -> str | None:
    """``stdio`` without an HTTP request; else the request's MCP session id (None: stateless)."""
    if request is None:
        return STDIO
    headers = getattr(request, "headers", None)
    if headers is None:
        return STDIO
    session = headers.get("mcp-session-id")
    return f"http:{session}" if session else None
