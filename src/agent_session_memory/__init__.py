"""agent-session-memory: working memory for the current conversation, long-term memory beyond it.

from agent_session_memory import AsyncMemoryClient
client = AsyncMemoryClient()            # embedded: SQLite + Chroma under ~/.agent-session-memory
"""

from ._version import __version__
from .client.async_client import AsyncMemoryClient
from .client.sync_client import MemoryClient
from .config import Settings
from .errors import (
    AccessDenied,
    AgentMemoryError,
    BackendUnavailable,
    ConfigurationError,
    Conflict,
    InvalidInput,
    LimitExceeded,
    MemoryNotFound,
    MissingExtra,
    NotFound,
    SessionEnded,
    SessionExpired,
    SessionNotFound,
    Unauthenticated,
)
from .limits import Limits
from .models import (
    ActivityEntry,
    Briefing,
    CommitResult,
    ContextItem,
    Event,
    EventType,
    ImportResult,
    Memory,
    MemoryHistory,
    Message,
    OpenThread,
    RecallHit,
    Session,
    SessionStatus,
    ThreadStatus,
    WorkspaceSummary,
)

__all__ = [
    "AccessDenied",
    "ActivityEntry",
    "AgentMemoryError",
    "AsyncMemoryClient",
    "BackendUnavailable",
    "Briefing",
    "CommitResult",
    "ConfigurationError",
    "Conflict",
    "ContextItem",
    "Event",
    "EventType",
    "ImportResult",
    "InvalidInput",
    "LimitExceeded",
    "Limits",
    "Memory",
    "MemoryClient",
    "MemoryHistory",
    "MemoryNotFound",
    "Message",
    "MissingExtra",
    "NotFound",
    "OpenThread",
    "RecallHit",
    "Session",
    "SessionEnded",
    "SessionExpired",
    "SessionNotFound",
    "SessionStatus",
    "Settings",
    "ThreadStatus",
    "Unauthenticated",
    "WorkspaceSummary",
    "__version__",
]
