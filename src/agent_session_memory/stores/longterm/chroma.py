"""The dense half of long-term memory: one Chroma collection per workspace, cosine space.

We always pass our own embeddings; Chroma's embedding function is never used. The canonical
record lives in SQLite (``sqlite_rows.py``); Chroma holds the vector, the content and the
filterable metadata (type, importance, times, session, key, hash, superseded, ``tag:<t>``).

Cross-process safety, measured with chromadb 1.5.9 embedded: a second process sees another's
writes in ``count()``/``get()`` (SQLite) but not in ``query()`` (its HNSW index is loaded in memory
and stays stale), and a writer with a stale index can overwrite what others wrote. So every write
runs under a file lock (``filelock``) and bumps a generation number beside the folder; a writer
whose generation is behind reopens its client (15-100 ms) first. A reader behind keeps reading
its older index and adds the rows indexed since by their kept vectors (``snapshot()``,
``staged.py``); only once it is far behind does it reopen (``refresh()``), and then only if the
lock is free at that instant, so readers never wait on writers. In a process, threads use the
client together and swap it (reopen) alone (``client_guard.py``); the writers' file lock, which
also excludes the process's other threads, is always taken before that, so a thread waiting for
another process's writer never holds up this process's readers. Server mode (``HttpClient``,
``settings.chroma_url``) needs none of that: the server serialises writers and is never stale.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast
from urllib.parse import urlparse

import numpy as np
import numpy.typing as npt

from ...errors import AgentMemoryError, BackendUnavailable, ConfigurationError
from .client_guard import ClientGuard
from .names import collection_name
from .writer_lock import DEFAULT_TIMEOUT, WriterLock

Metadata = Mapping[str, str | int | float | bool]
F = TypeVar("F", bound=Callable[..., Any])
P = ParamSpec("P")
T = TypeVar("T")


def _remote(
    method: Callable[Concatenate[ChromaStore, P], T],
) -> Callable[Concatenate[ChromaStore, P], T]:
    """A Chroma server that stops answering mid-call is ``BackendUnavailable`` (503), not an
    internal error; the client is dropped, so the next call reconnects once it is back."""

    @functools.wraps(method)
    def wrapper(self: ChromaStore, /, *args: P.args, **kwargs: P.kwargs) -> T:
        import httpx

        try:
            return method(self, *args, **kwargs)
        except httpx.TransportError as exc:
            if self.url is None:
                raise
            self._drop_failed_client()
            raise BackendUnavailable(f"Chroma server {self.url} does not answer: {exc}") from exc

    return wrapper


class _Generation:
    """A counter file bumped by every embedded write, so other processes know to reopen."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> int:
        try:
            return int(self.path.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def bump(self) -> int:
        value = self.read() + 1
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(str(value))
        tmp.replace(self.path)
        return value


def _resetting(method: F) -> F:
    """After any failure the embedded client may be half-broken (chromadb 1.5.9 then raises
    ``AttributeError`` on every call): drop it, so the next call reopens and says what is wrong."""

    @functools.wraps(method)
    def wrapper(self: ChromaStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            self._drop_failed_client()
            if isinstance(exc, AgentMemoryError):
                raise
            raise BackendUnavailable(
                f"the vector index failed: {type(exc).__name__}: {exc} "
                "(run `asm doctor`, then `asm repair`)",
                reason="vector_index",
            ) from exc

    return cast(F, wrapper)


#: A read that meets a passing state of the index (see ``ChromaStore._read``) is tried this often.
READ_ATTEMPTS = 3
#: How many records Chroma's HNSW index takes in before it is saved to disk again (Chroma's
#: default is 1,000). A client opened after another process's write replays every record since
#: the last save, holding the GIL (Chroma's bindings do not release it), so a recall in that
#: process waits for the replay. Saved every 100 records (``bench_many_processes.py``, quiet
#: 2-core machine): recall p99 at 6 processes 356 -> 181 ms, at one process 25 -> 18 ms. Every
#: 10 (two runs each, same machine): 228 / 226 -> 210 / 206 ms, 9.1x / 8.5x -> 8.0x / 7.9x of one
#: process; a save writes only the changed entries, so writes cost the same (20k vectors in
#: batches of 512: 11.0 s both ways; a single upsert 7-9 ms).
SYNC_THRESHOLD = 10


class _TakeWritersLock(Exception):
    """Raised inside ``_use`` when a reader finds it must open or create something after all:
    it comes back with the writers' lock first."""


def _sync_threshold(col: Any) -> int | None:
    """The collection's HNSW save interval (None where Chroma reports no HNSW configuration)."""
    hnsw = (getattr(col, "configuration", None) or {}).get("hnsw") or {}
    value = hnsw.get("sync_threshold")
    return int(value) if value is not None else None


class ChromaStore:
    """Vectors per workspace in Chroma: embedded under ``folder`` or on a server at ``url``."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        url: str | None = None,
        lock_timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        if (folder is None) == (url is None):
            raise ConfigurationError("ChromaStore needs exactly one of folder= or url=")
        self.folder = folder
        self.url = url
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._existing: set[str] = set()  # collections known to exist (kept across reopens)
        self._guard = ClientGuard()
        self._server_writers = threading.RLock()  # ``locked()`` with a server: no file lock
        self._file_lock: WriterLock | None = None
        self._generation: _Generation | None = None
        self._seen = -1
        # Imported now, not at first use: the index queue may first use Chroma at interpreter
        # shutdown (a script that never closes its client), when chromadb's import fails.
        import chromadb  # noqa: F401

        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            self._file_lock = WriterLock(folder.parent / f"{folder.name}.lock", lock_timeout)
            self._generation = _Generation(folder.parent / f"{folder.name}.generation")

    # -- connection ---------------------------------------------------------------------------
    def _open(self) -> Any:
        import chromadb

        if self.url is None:
            return chromadb.PersistentClient(path=str(self.folder))
        parsed = urlparse(self.url)
        if parsed.scheme not in {"http", "https"} or not parsed.hostname:
            raise ConfigurationError(f"chroma_url {self.url!r} must look like http://host:port")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 80),
                ssl=parsed.scheme == "https",
            )
        except Exception as exc:  # chromadb raises plain exceptions on connection failures
            raise BackendUnavailable(f"Chroma server {self.url} is unreachable: {exc}") from exc

    def _close_client(self) -> None:
        if self._client is not None:
            with suppress(Exception):  # closing a broken client must not mask the reason
                self._client.close()
        self._client = None
        self._collections.clear()

    def _forget_system(self) -> None:
        """Chroma caches one ``System`` per folder in the process; a failed one stays broken
        (every later client of that folder fails), so it is dropped with our client."""
        if self.folder is None:
            return
        with suppress(Exception):
            from chromadb.api.shared_system_client import SharedSystemClient

            key = str(self.folder)
            SharedSystemClient._identifier_to_system.pop(key, None)
            SharedSystemClient._identifier_to_refcount.pop(key, None)

    def _drop_failed_client(self) -> None:
        """Close a client that failed, alone, and forget its cached ``System`` (see
        ``_forget_system``): the next use opens a new one."""
        with self._guard.swapping():
            self._close_client()
            self._forget_system()

    def _stale(self) -> bool:
        """Whether another process wrote since this process opened its client."""
        return self._generation is not None and self._generation.read() != self._seen

    def _reopen(self) -> None:
        """Open the client anew (only while swapping it: no other thread uses it)."""
        self._close_client()
        if self._generation is not None:
            self._seen = self._generation.read()
        self._client = self._open()

    @_resetting
    @_remote
    def snapshot(self) -> int | None:
        """The generation of the index this process reads: rows indexed by a later one are
        searched by their kept vectors. None for a server, which is never stale."""
        if self._generation is None:
            return None
        with self._use(reading=True):
            return self._seen

    @_resetting
    @_remote
    def refresh(self) -> bool:
        """Reopen a stale embedded index if the writers' lock is free now; whether it did."""
        if self._file_lock is None:
            return False
        with self._file_lock.attempt() as free:
            if free and self._client is not None and self._stale():
                with self._guard.swapping():
                    self._reopen()
                return True
        return False

    def generation(self) -> int:
        """The generation this process's last write made (0 for a server)."""
        return max(self._seen, 0) if self._generation is not None else 0

    @contextmanager
    def _use(self, workspace_id: str | None = None, *, reading: bool = False) -> Iterator[Any]:
        """The workspace's collection (or the client), in use together with other threads.

        The writers' lock comes first when the call may need it: always unless ``reading``
        (a writer must see every other write); for a reader, only to open the client or create
        a collection (loading an index another process writes is unsafe). A reader whose client
        is merely stale uses it as it is (see ``refresh``)."""
        waited = not reading
        while True:
            with ExitStack() as stack:
                if waited:
                    stack.enter_context(self._held())
                if self._unready(workspace_id, reading):
                    try:
                        with self._guard.swapping():
                            self._ready(workspace_id, reading)
                    except _TakeWritersLock:
                        waited = True
                        continue
                with self._guard.using():
                    used = (
                        self._client
                        if workspace_id is None
                        else self._collections.get(workspace_id)
                    )
                    if used is None:
                        continue  # dropped after a failure meanwhile: start again
                    yield used
                    return

    def _client_needs_opening(self, reading: bool) -> bool:
        """No client yet, or a writer's client that another process's write made stale."""
        return self._client is None or (not reading and self._stale())

    def _unready(self, workspace_id: str | None, reading: bool) -> bool:
        return self._client_needs_opening(reading) or (
            workspace_id is not None and workspace_id not in self._collections
        )

    def _ready(self, workspace_id: str | None, reading: bool) -> None:
        """Open or reopen the client, find or create the collection: what the call needs."""
        if self._client_needs_opening(reading):
            self._need_writers_lock()
            self._reopen()
        if workspace_id is not None and workspace_id not in self._collections:
            self._collections[workspace_id] = self._find_or_create(workspace_id)

    def _find_or_create(self, workspace_id: str) -> Any:
        name = collection_name(workspace_id)
        if workspace_id in self._existing:  # dropped by a reopen: fetching it writes nothing
            with suppress(Exception):  # chromadb raises NotFoundError or ValueError by version
                return self._client.get_collection(name, embedding_function=None)
            self._existing.discard(workspace_id)  # another process dropped it
        # Creating a collection writes Chroma's catalogue: under the writers' lock, or two
        # processes meeting a new workspace at once could both create it.
        self._need_writers_lock()
        col = self._client.get_or_create_collection(
            name,
            metadata={"hnsw:space": "cosine", "workspace_id": workspace_id},
            # the space again: a configuration without one would make the collection l2
            configuration={"hnsw": {"space": "cosine", "sync_threshold": SYNC_THRESHOLD}},
            embedding_function=None,
        )
        if _sync_threshold(col) not in (None, SYNC_THRESHOLD):  # made by an earlier version
            col.modify(configuration={"hnsw": {"sync_threshold": SYNC_THRESHOLD}})
        self._existing.add(workspace_id)
        return col

    def _need_writers_lock(self) -> None:
        if self._file_lock is not None and not self._file_lock.held_here():
            raise _TakeWritersLock

    def _held(self) -> AbstractContextManager[None]:
        """The writers' file lock (embedded), or nothing to hold (server mode)."""
        return self._file_lock.hold() if self._file_lock is not None else nullcontext()

    @contextmanager
    def _writing(self, workspace_id: str | None = None) -> Iterator[Any]:
        """Like ``_use``, then bump the generation, so other processes know to reopen."""
        with self._use(workspace_id) as used:
            yield used
            if self._generation is not None:
                self._seen = self._generation.bump()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process writers' lock around a multi-store write (commit, forget,
        an index batch). Only that lock: this process's readers use the client meanwhile. A
        server serialises its own writes; this process's writers still take turns."""
        with self._held() if self._file_lock is not None else self._server_writers:
            yield

    # -- operations ---------------------------------------------------------------------------
    @_resetting
    @_remote
    def upsert(
        self,
        workspace_id: str,
        ids: Sequence[str],
        embeddings: npt.NDArray[np.float32],
        metadatas: Sequence[Metadata],
        documents: Sequence[str],
    ) -> None:
        if not ids:
            return
        matrix = np.asarray(embeddings, dtype=np.float32)
        with self._writing(workspace_id) as col:
            for part in self._batches(len(ids)):
                col.upsert(
                    ids=list(ids[part]),
                    embeddings=matrix[part],
                    metadatas=self._replacing(col, ids[part], metadatas[part]),
                    documents=list(documents[part]),
                )

    def _batches(self, total: int) -> list[slice]:
        """Chroma refuses a call with more records than its ``max_batch_size`` (5,461 embedded
        in 1.5.9), so big writes (an import, a repair) go in slices of at most that many."""
        size = int(self._client.get_max_batch_size())
        return [slice(start, start + size) for start in range(0, total, size)]

    @staticmethod
    def _replacing(col: Any, ids: Sequence[str], metadatas: Sequence[Metadata]) -> list[Any]:
        """Chroma's upsert merges metadata into the old one (1.5.9); a key set to None is
        removed. So keys the new metadata lacks (a removed tag) are set to None."""
        old = col.get(ids=list(ids), include=["metadatas"])
        stale = {
            i: {k: None for k in (m or {})}
            for i, m in zip(old["ids"], old["metadatas"], strict=True)
        }
        return [{**stale.get(i, {}), **m} for i, m in zip(ids, metadatas, strict=True)]

    @_resetting
    @_remote
    def delete(self, workspace_id: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self._writing(workspace_id) as col:
            for part in self._batches(len(ids)):
                col.delete(ids=list(ids[part]))

    @_resetting
    @_remote
    def drop(self, workspace_id: str) -> None:
        with self._writing() as client:
            self._collections.pop(workspace_id, None)
            self._existing.discard(workspace_id)
            with suppress(Exception):  # a missing collection is already dropped
                client.delete_collection(collection_name(workspace_id))

    def _read(self, workspace_id: str, read: Callable[[Any], T]) -> T:
        """``read`` on the collection as this process last saw it, tried again on a fresh
        client if it fails while the index moved under it. Chroma 1.5.9 answers "Error creating
        hnsw segment reader: Nothing found on disk" for a collection whose first index files
        are being written (a server, or another process, writing it while we read) or appeared
        after this client opened: a state that passes, not a broken index."""
        for attempt in range(READ_ATTEMPTS):
            try:
                # The first try reads what this process has; the others wait for the writers'
                # lock (embedded) and reopen, so they see the index as written.
                with self._use(workspace_id, reading=attempt == 0) as col:
                    return read(col)
            except Exception as exc:
                passing = self._stale() or "Nothing found on disk" in str(exc)
                if attempt == READ_ATTEMPTS - 1 or not passing:
                    raise
            self._drop_failed_client()
            time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # the last attempt returned or raised

    @_resetting
    @_remote
    def query(
        self,
        workspace_id: str,
        embedding: npt.NDArray[np.float32],
        n: int,
        where: dict[str, Any] | None = None,
    ) -> list[tuple[str, float]]:
        """``(id, cosine similarity)`` best first; at most ``n``.

        No ``count()`` first: Chroma 1.5.9 returns fewer results when it has fewer, and counting
        cost about 10 ms a query at 100k vectors."""
        result = self._read(
            workspace_id,
            lambda col: col.query(
                query_embeddings=np.asarray(embedding, dtype=np.float32)[None, :],
                n_results=n,
                where=where or None,
                include=["distances"],
            ),
        )
        ids, dists = result["ids"][0], result["distances"][0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]

    @_resetting
    @_remote
    def nearest(
        self,
        workspace_id: str,
        embeddings: npt.NDArray[np.float32],
        where: dict[str, Any] | None,
        n: int = 1,
    ) -> list[list[tuple[str, float]]]:
        """The ``n`` nearest neighbours ``(id, cosine)`` of each row, best first."""
        if len(embeddings) == 0:
            return []

        def search(col: Any) -> Any:
            total = col.count()
            if total == 0:
                return None
            return col.query(
                query_embeddings=np.asarray(embeddings, dtype=np.float32),
                n_results=min(n, total),
                where=where or None,
                include=["distances"],
            )

        result = self._read(workspace_id, search)
        if result is None:
            return [[] for _ in embeddings]
        return [
            [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
            for ids, dists in zip(result["ids"], result["distances"], strict=True)
        ]

    @_resetting
    @_remote
    def count(self, workspace_id: str) -> int:
        with self._use(workspace_id) as col:
            return int(col.count())

    @_resetting
    @_remote
    def ids(self, workspace_id: str) -> list[str]:
        with self._use(workspace_id) as col:
            return list(col.get(include=[])["ids"])

    @_resetting
    @_remote
    def existing_ids(self, workspace_id: str) -> list[str]:
        """The workspace's vector ids without creating its collection (``asm doctor``)."""
        with self._use() as client:
            try:
                col = client.get_collection(collection_name(workspace_id))
            except Exception:  # chromadb raises NotFoundError or ValueError by version
                return []
            return list(col.get(include=[])["ids"])

    @_resetting
    @_remote
    def workspaces(self) -> list[str]:
        """Workspaces that have a collection (their ids are in the collection metadata)."""
        with self._use() as client:
            out = []
            for col in client.list_collections():
                workspace = (col.metadata or {}).get("workspace_id")
                if isinstance(workspace, str):
                    out.append(workspace)
            return sorted(out)

    @_resetting
    @_remote
    def embeddings(self, workspace_id: str, ids: Sequence[str]) -> dict[str, npt.NDArray[Any]]:
        with self._use(workspace_id) as col:
            got = col.get(ids=list(ids), include=["embeddings"])
        return {
            i: np.asarray(e, dtype=np.float32)
            for i, e in zip(got["ids"], got["embeddings"], strict=True)
        }

    def close(self) -> None:
        with self._guard.swapping():
            self._close_client()
