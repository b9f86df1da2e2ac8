"""Where each piece of a session lives in Redis (``P`` is the key prefix).

A session's keys share the hash tag ``{sid}``, so they sit in one slot:

- ``P:{sid}:s`` hash: the session record and ``last_seq`` (and ``xat``, the keys' expiry time);
- ``P:{sid}:cv`` / ``:cver`` / ``:cr`` / ``:cmeta`` hashes, field = context key: value JSON,
  version (``HLEN`` is the key count), reads, and ``created<TAB>updated<TAB>importance<TAB>
  committed_version``;
- ``P:{sid}:m`` hash seq -> message JSON, ``:ms`` hash seq -> status, ``:mi`` sorted set of seqs
  (pages newest-first in O(log n + page)), ``:mc`` hash status -> count.

Beside them: ``P:ws:<workspace>`` sorted set of session ids by ``created_at``;
``P:workspaces`` set; ``P:ev:<workspace>`` sorted set of events, score ``at``, member
``id\\n<json>`` (equal times order by id), with ``P:evids:<workspace>`` so a retried event id is
stored once; ``P:lease:<name>`` string ``owner\\texpires_at``; ``P:beat:<process>`` a lease
holder's heartbeat (``pid.start@host/boot``), expiring on its own; ``P:name:<workspace>:<name>``
string: the id of the session a name points at; it expires with that session's keys (and is
moved on each touch), is deleted with it, and is removed when found pointing at nothing.
"""

from __future__ import annotations

SESSION_SUFFIXES = ("s", "cv", "cver", "cr", "cmeta", "m", "ms", "mi", "mc")
CONTEXT_SUFFIXES = ("s", "cv", "cver", "cr", "cmeta")
MESSAGE_SUFFIXES = ("s", "m", "ms", "mi", "mc")


class KeySpace:
    """Key names under one prefix; scripts take the fewest keys they need (less to send)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def session(self, session_id: str) -> list[str]:
        """Every key of a session, in :data:`SESSION_SUFFIXES` order."""
        return [f"{self.prefix}:{{{session_id}}}:{suffix}" for suffix in SESSION_SUFFIXES]

    def record(self, session_id: str) -> str:
        return f"{self.prefix}:{{{session_id}}}:s"

    def context(self, session_id: str) -> list[str]:
        return [f"{self.prefix}:{{{session_id}}}:{suffix}" for suffix in CONTEXT_SUFFIXES]

    def context_meta(self, session_id: str) -> str:
        return f"{self.prefix}:{{{session_id}}}:cmeta"

    def messages(self, session_id: str) -> list[str]:
        return [f"{self.prefix}:{{{session_id}}}:{suffix}" for suffix in MESSAGE_SUFFIXES]

    def events(self, workspace_id: str) -> list[str]:
        """The workspace's event log and its set of seen event ids."""
        return [f"{self.prefix}:ev:{workspace_id}", f"{self.prefix}:evids:{workspace_id}"]

    def workspace(self, workspace_id: str) -> str:
        return f"{self.prefix}:ws:{workspace_id}"

    def workspaces(self) -> str:
        return f"{self.prefix}:workspaces"

    def name(self, workspace_id: str, name: str) -> str:
        """A named session's pointer: the id of the session the name is given to."""
        return f"{self.prefix}:name:{workspace_id}:{name}"

    def lease(self, name: str) -> str:
        return f"{self.prefix}:lease:{name}"

    def heartbeat(self, process: str) -> str:
        return f"{self.prefix}:beat:{process}"
