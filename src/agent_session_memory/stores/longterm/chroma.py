"""The dense half of long-term memory: one Chroma collection per workspace, cosine space.

We always pass our own embeddings; Chroma's embedding function is never used. The canonical
record lives in SQLite (``sqlite_rows.py``); Chroma holds the vector, the content and the
filterable metadata (type, importance, times, session, key, hash, superseded, ``tag:<t>``).

Cross-process safety, measured with chromadb 1.5.9 embedded: a second process sees another's
writes in ``count()``/``get()`` (SQLite) but not in ``query()`` (its HNSW index is loaded in memory
and stays stale), and a writer with a stale index can overwrite what others wrote. So every write
runs under a file lock (``filelock``) and bumps a generation number beside the folder; a writer
whose generation is behind reopens its client (about 15 ms) first. A reader behind reopens only
if the lock is free at that instant; otherwise it keeps reading its older index and searches the
rows indexed since (``snapshot()``; their kept vectors, ``staged.py``), so readers never wait on
writers. Server mode (``HttpClient``, ``settings.chroma_url``) needs none of that: the server
serialises writers and is never stale.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast
from urllib.parse import urlparse

import numpy as np
import numpy.typing as npt

from ...errors import AgentMemoryError, BackendUnavailable, ConfigurationError
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
            with self._thread_lock:
                self._close_client()
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
            with self._thread_lock:
                self._close_client()
                self._forget_system()
            if isinstance(exc, AgentMemoryError):
                raise
            raise BackendUnavailable(
                f"the vector index failed: {type(exc).__name__}: {exc} "
                "(run `asm doctor`, then `asm repair`)",
                reason="vector_index",
            ) from exc

    return cast(F, wrapper)


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
        self._thread_lock = threading.RLock()
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

    def _fresh(self, *, reading: bool = False) -> Any:
        """The client, reopened if another process wrote since we last looked: under the
        writers' lock (never load an index another process is writing). A reader that has a
        client does not wait for the lock: it reopens only if the lock is free now."""
        if self._generation is not None and self._generation.read() != self._seen:
            if reading and self._client is not None and self._file_lock is not None:
                with self._file_lock.attempt() as free:
                    if free:
                        self._reopen()
            else:
                with self._held():
                    self._reopen()
        if self._client is None:
            self._client = self._open()
        return self._client

    def _reopen(self) -> None:
        assert self._generation is not None
        self._close_client()
        self._seen = self._generation.read()
        self._client = self._open()

    @_resetting
    @_remote
    def snapshot(self) -> int | None:
        """The generation of the index this process reads (refreshed if the writers' lock is
        free): rows indexed by a later one are searched by their kept vectors. None for a
        server, which is never stale."""
        if self._generation is None:
            return None
        with self._thread_lock:
            self._fresh(reading=True)
            return self._seen

    def generation(self) -> int:
        """The generation this process's last write made (0 for a server)."""
        return max(self._seen, 0) if self._generation is not None else 0

    def _collection(self, workspace_id: str, *, reading: bool = False) -> Any:
        client = self._fresh(reading=reading)
        col = self._collections.get(workspace_id)
        if col is None:
            # Creating a collection writes Chroma's catalogue: under the writers' lock (it is
            # re-entrant), or two processes meeting a new workspace at once could both create it.
            with self._held():
                col = client.get_or_create_collection(
                    collection_name(workspace_id),
                    metadata={"hnsw:space": "cosine", "workspace_id": workspace_id},
                    embedding_function=None,
                )
            self._collections[workspace_id] = col
        return col

    def _held(self) -> AbstractContextManager[None]:
        """The writers' file lock (embedded), or nothing to hold (server mode)."""
        return self._file_lock.hold() if self._file_lock is not None else nullcontext()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._thread_lock, self._held():
            self._fresh()
            yield
            if self._generation is not None:
                self._seen = self._generation.bump()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process writer lock around a multi-store write (commit, forget)."""
        with self._thread_lock, self._held():
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
        with self._writing():
            col = self._collection(workspace_id)
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
        size = int(self._fresh().get_max_batch_size())
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
        with self._writing():
            col = self._collection(workspace_id)
            for part in self._batches(len(ids)):
                col.delete(ids=list(ids[part]))

    @_resetting
    @_remote
    def drop(self, workspace_id: str) -> None:
        with self._writing():
            client = self._fresh()
            self._collections.pop(workspace_id, None)
            with suppress(Exception):  # a missing collection is already dropped
                client.delete_collection(collection_name(workspace_id))

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
        with self._thread_lock:
            col = self._collection(workspace_id, reading=True)
            result = col.query(
                query_embeddings=np.asarray(embedding, dtype=np.float32)[None, :],
                n_results=n,
                where=where or None,
                include=["distances"],
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
        with self._thread_lock:
            col = self._collection(workspace_id, reading=True)
            total = col.count()
            if total == 0:
                return [[] for _ in embeddings]
            result = col.query(
                query_embeddings=np.asarray(embeddings, dtype=np.float32),
                n_results=min(n, total),
                where=where or None,
                include=["distances"],
            )
        return [
            [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
            for ids, dists in zip(result["ids"], result["distances"], strict=True)
        ]

    @_resetting
    @_remote
    def count(self, workspace_id: str) -> int:
        with self._thread_lock:
            return int(self._collection(workspace_id).count())

    @_resetting
    @_remote
    def ids(self, workspace_id: str) -> list[str]:
        with self._thread_lock:
            return list(self._collection(workspace_id).get(include=[])["ids"])

    @_resetting
    @_remote
    def existing_ids(self, workspace_id: str) -> list[str]:
        """The workspace's vector ids without creating its collection (``asm doctor``)."""
        with self._thread_lock:
            try:
                col = self._fresh().get_collection(collection_name(workspace_id))
            except Exception:  # chromadb raises NotFoundError or ValueError by version
                return []
            return list(col.get(include=[])["ids"])

    @_resetting
    @_remote
    def workspaces(self) -> list[str]:
        """Workspaces that have a collection (their ids are in the collection metadata)."""
        with self._thread_lock:
            out = []
            for col in self._fresh().list_collections():
                workspace = (col.metadata or {}).get("workspace_id")
                if isinstance(workspace, str):
                    out.append(workspace)
            return sorted(out)

    @_resetting
    @_remote
    def embeddings(self, workspace_id: str, ids: Sequence[str]) -> dict[str, npt.NDArray[Any]]:
        with self._thread_lock:
            got = self._collection(workspace_id).get(ids=list(ids), include=["embeddings"])
        return {
            i: np.asarray(e, dtype=np.float32)
            for i, e in zip(got["ids"], got["embeddings"], strict=True)
        }

    def close(self) -> None:
        with self._thread_lock:
            self._close_client()
