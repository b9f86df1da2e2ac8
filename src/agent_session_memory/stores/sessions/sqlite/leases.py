"""Leases in SQLite: the ``leases`` table; taking one is a single conditional upsert."""

from __future__ import annotations

from .connection import SQLiteConnection

# ?1 name, ?2 owner, ?3 new expires_at, ?4 now: the owner extends its lease, anyone takes a
# lease that has run out (held while now < expires_at).
_ACQUIRE = (
    "INSERT INTO leases (name, owner, expires_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at "
    "WHERE leases.owner = excluded.owner OR leases.expires_at <= ?4"
)


class SQLiteLeases(SQLiteConnection):
    """:class:`~..base.Leases`."""

    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        with self._write() as db:
            taken = db.execute(_ACQUIRE, (name, owner, now + ttl_seconds, now)).rowcount
        return bool(taken)

    def release_lease(self, name: str, owner: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))
