"""Who is calling and what they may reach: a key reaches only its workspaces.

An operation's scope (from the contract) says what to check: a workspace-scoped call names its
workspace; a session-scoped call reaches the session's workspace, looked up before the call, so a
guessed session id of another workspace is "not found", exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..contract import Operation, Scope
from ..errors import AccessDenied, InvalidInput, SessionNotFound, Unauthenticated
from .keys import ApiKey, KeyStore


@dataclass(frozen=True)
class Caller:
    """An authenticated key, or the open mode's local user (``workspaces`` None: all of them)."""

    workspaces: frozenset[str] | None
    key_id: str | None = None

    def may_use(self, workspace_id: str) -> bool:
        return self.workspaces is None or workspace_id in self.workspaces


OPEN = Caller(workspaces=None)


def token_from(headers: Mapping[str, str]) -> str | None:
    """``Authorization: Bearer <key>`` or ``X-API-Key: <key>``."""
    authorization = headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return headers.get("x-api-key") or None


def authenticate(keys: KeyStore | None, headers: Mapping[str, str]) -> Caller:
    """The caller; ``keys`` None is the open mode. Never echoes the token in an error."""
    if keys is None:
        return OPEN
    token = token_from(headers)
    if token is None:
        raise Unauthenticated("an API key is required (Authorization: Bearer <key>)")
    key: ApiKey | None = keys.verify(token)
    if key is None:
        raise Unauthenticated("the API key is not valid or was revoked")
    return Caller(frozenset(key.workspaces), key.id)


def authorize(
    caller: Caller,
    op: Operation,
    params: dict[str, Any],
    session_workspace: Callable[[str], str],
) -> None:
    """Check (and complete) ``params`` for ``caller``; raises before anything is read or written."""
    if op.scope is Scope.WORKSPACES:
        _authorize_workspaces(caller, params)
        return
    if op.scope is Scope.SESSION:
        if caller.workspaces is not None:
            session_id = params["session_id"]
            if not caller.may_use(session_workspace(session_id)):
                raise SessionNotFound(
                    f"session {session_id!r} does not exist", session_id=session_id
                )
        return
    workspace_id = params.get("workspace_id")
    if workspace_id is None and caller.workspaces is not None:
        if len(caller.workspaces) != 1:
            raise InvalidInput(
                "workspace_id is required: this key reaches several workspaces",
                field="workspace_id",
            )
        (workspace_id,) = caller.workspaces
        params["workspace_id"] = workspace_id
    if workspace_id is not None and not caller.may_use(workspace_id):
        raise AccessDenied(f"this key does not reach workspace {workspace_id!r}")


def _authorize_workspaces(caller: Caller, params: dict[str, Any]) -> None:
    """A key lists its own workspaces (all of them unless it names some, each one it reaches)."""
    if caller.workspaces is None:
        return
    named = params.get("workspace_ids")
    if named is None:
        params["workspace_ids"] = sorted(caller.workspaces)
        return
    for workspace_id in [named] if isinstance(named, str) else named:
        if not caller.may_use(workspace_id):
            raise AccessDenied(f"this key does not reach workspace {workspace_id!r}")
