"""Leases in SQLite: the ``leases`` table; taking one is a single conditional upsert."""

from __future__ import annotations

from ..holders import holder_gone
from .connection import SQLiteConnection

# ?1 name, ?2 owner, ?3 new expires_at, ?4 now: the owner extends its lease, anyone takes a
# lease that has run out (held while now < expires_at).
_ACQUIRE = (
    "INSERT INTO leases (name, owner, expires_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at "
    "WHERE leases.owner = excluded.owner OR leases.expires_at <= ?4"
)
# ?1 name, ?2 owner, ?3 new expires_at, ?4 the gone holder: taken only if it still holds it.
_TAKE_OVER = "UPDATE leases SET owner = ?2, expires_at = ?3 WHERE name = ?1 AND owner = ?4"


class SQLiteLeases(SQLiteConnection):
    """:class:`~..base.Leases`; a lease whose holder process is gone is free (``holders.py``)."""

    def acquire_lease(self, name: str, owner: str, now: float, ttl_seconds: float) -> bool:
        with self._write() as db:
            if db.execute(_ACQUIRE, (name, owner, now + ttl_seconds, now)).rowcount:
                return True
            row = db.execute("SELECT owner FROM leases WHERE name = ?", (name,)).fetchone()
            if row is None or not holder_gone(str(row[0])):
                return False
            taken = db.execute(_TAKE_OVER, (name, owner, now + ttl_seconds, row[0])).rowcount
        return bool(taken)

    def release_lease(self, name: str, owner: str) -> None:
        with self._write() as db:
            db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (name, owner))
