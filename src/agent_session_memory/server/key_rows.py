"""Where API keys are kept: the storage protocol behind ``KeyStore`` (``keys.py``).

A backend stores and finds rows; it never hashes, scopes or validates (``KeyStore`` does, once,
for every backend). Two backends: a SQLite file (``keys_sqlite.py``, the embedded default) and
PostgreSQL (``keys_postgres.py``, server mode), both in the contract suite
(``tests/server/test_keys.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ApiKey:
    """What is known of a key without its secret."""

    id: str
    name: str
    workspaces: tuple[str, ...]
    created_at: float
    revoked_at: float | None = None


class KeyRows(Protocol):
    """The contract: nothing is cached, so every read sees every write already made through any
    opener of the same storage, in any process (a revoke is honoured at the next request). A
    missing key is ``None`` or an empty list, never an error; a storage that does not answer
    raises ``BackendUnavailable``."""

    #: Where the keys are, for messages: a file's path or ``PostgreSQL at host:port/dbname``
    #: (never a password).
    location: str

    def insert(self, key: ApiKey, secret_sha256: str) -> None:
        """Store a new key (its id is new) with the SHA-256 of its secret."""

    def all(self) -> list[ApiKey]:
        """Every key, revoked ones too, oldest first."""

    def matching(self, id_or_name: str) -> list[ApiKey]:
        """The keys whose id or name is ``id_or_name`` (several may share a name)."""

    def mark_revoked(self, key_id: str, at: float) -> None:
        """Set the key's ``revoked_at``; an unknown id changes nothing."""

    def lookup(self, key_id: str) -> tuple[ApiKey, str] | None:
        """The key with this id and its secret's SHA-256, revoked or not; None if there is none."""

    def close(self) -> None: ...


__all__ = ["ApiKey", "KeyRows"]
