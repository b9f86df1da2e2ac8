"""One embedder per workspace: vectors of two models are not comparable, so mixing them is refused.

The first write records the embedder's name with the workspace (``LongTermStore.embedder_of``).
A later write or recall by an embedder of another name raises ``ConfigurationError`` saying how
to go on: configure the recorded embedder again, or move the home with ``asm repair --full``
(which records the new name once every memory is embedded anew). Two models of the same size
would otherwise mix silently, and recall would rank by noise. A workspace with no name recorded
(written before names were kept) takes the name of its next write; an empty one takes any.
Checked once per workspace and process.
"""

from __future__ import annotations

import threading

from ...errors import ConfigurationError
from ...stores.longterm.base import LongTermStore


class EmbedderCheck:
    """Whether ``name`` may write to, and recall from, a workspace's vectors."""

    def __init__(self, store: LongTermStore, name: str) -> None:
        self.store = store
        self.name = name
        self._agreed: set[str] = set()  # recorded: this name
        self._readable: set[str] = set()  # nothing to compare with (none recorded, or empty)
        self._lock = threading.Lock()

    def before_write(self, workspace_id: str) -> None:
        if workspace_id not in self._agreed:
            self._check(workspace_id, writing=True)

    def before_read(self, workspace_id: str) -> None:
        if workspace_id not in self._agreed and workspace_id not in self._readable:
            self._check(workspace_id, writing=False)

    def _check(self, workspace_id: str, *, writing: bool) -> None:
        with self._lock:
            recorded = self.store.embedder_of(workspace_id)
            if recorded is None and writing:  # its first write since names were kept
                recorded = self.store.record_embedder(workspace_id, self.name)
            if recorded not in (None, self.name):
                if self.store.count_rows(workspace_id):
                    raise mismatch(workspace_id, recorded, self.name)
                if writing:  # an empty workspace: any embedder may start it anew
                    recorded = self.store.record_embedder(workspace_id, self.name, replace=True)
            if recorded == self.name:
                self._agreed.add(workspace_id)
            else:
                self._readable.add(workspace_id)


def mismatch(workspace_id: str, recorded: str, configured: str) -> ConfigurationError:
    return ConfigurationError(
        f"workspace {workspace_id!r} holds vectors of the embedder {recorded!r}, but "
        f"{configured!r} is configured, and vectors of two models are not comparable. Configure "
        f"{recorded!r} again (embedding_function= or AGENT_MEMORY_EMBEDDER), or move the home to "
        f"{configured!r} with `asm repair --full`"
    )


__all__ = ["EmbedderCheck", "mismatch"]
