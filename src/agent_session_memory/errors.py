"""One error tree for the whole library.

Every error carries a stable ``code`` and the HTTP ``status`` it maps to, so the remote client can
rebuild the same type the embedded engine raised::

    AgentMemoryError
    ├── InvalidInput (also ValueError)          invalid_input        422
    │   └── LimitExceeded                       limit_exceeded       413
    ├── NotFound                                not_found            404
    │   ├── SessionNotFound                     session_not_found    404
    │   └── MemoryNotFound                      memory_not_found     404
    ├── SessionExpired                          session_expired      410
    ├── Conflict                                conflict             409
    │   └── SessionEnded                        session_ended        409
    ├── AccessDenied                            access_denied        403
    │   └── Unauthenticated                     unauthenticated      401
    ├── BackendUnavailable                      backend_unavailable  503
    └── ConfigurationError                      configuration_error  500
        └── MissingExtra (also ImportError)     missing_extra        500
"""

from __future__ import annotations

from typing import Any


class AgentMemoryError(Exception):
    """Base of every error the library raises on purpose."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The wire form: what the HTTP API sends and the remote client reads back."""
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidInput(AgentMemoryError, ValueError):
    code = "invalid_input"
    status = 422


class LimitExceeded(InvalidInput):
    code = "limit_exceeded"
    status = 413


class NotFound(AgentMemoryError):
    code = "not_found"
    status = 404


class SessionNotFound(NotFound):
    code = "session_not_found"


class MemoryNotFound(NotFound):
    code = "memory_not_found"


class SessionExpired(AgentMemoryError):
    code = "session_expired"
    status = 410


class Conflict(AgentMemoryError):
    code = "conflict"
    status = 409


class SessionEnded(Conflict):
    code = "session_ended"


class AccessDenied(AgentMemoryError):
    code = "access_denied"
    status = 403


class Unauthenticated(AccessDenied):
    """No API key, or one that is not valid (the key itself is never repeated)."""

    code = "unauthenticated"
    status = 401


class BackendUnavailable(AgentMemoryError):
    code = "backend_unavailable"
    status = 503


class ConfigurationError(AgentMemoryError):
    code = "configuration_error"
    status = 500


class MissingExtra(ConfigurationError, ImportError):
    """An optional dependency is absent; the message names the extra to install."""

    code = "missing_extra"

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(
            f"{module!r} is not installed: pip install 'agent-session-memory[{extra}]'",
            extra=extra,
            module=module,
        )


ERRORS_BY_CODE: dict[str, type[AgentMemoryError]] = {
    cls.code: cls
    for cls in (
        AgentMemoryError,
        InvalidInput,
        LimitExceeded,
        NotFound,
        SessionNotFound,
        MemoryNotFound,
        SessionExpired,
        Conflict,
        SessionEnded,
        AccessDenied,
        Unauthenticated,
        BackendUnavailable,
        ConfigurationError,
    )
}


def error_from_dict(data: dict[str, Any]) -> AgentMemoryError:
    """Rebuild an error from its wire form (the remote client's side of ``to_dict``)."""
    cls = ERRORS_BY_CODE.get(str(data.get("code")), AgentMemoryError)
    err = cls.__new__(cls)
    AgentMemoryError.__init__(err, str(data.get("message", "")), **dict(data.get("details") or {}))
    return err
