"""Any embedding model the user already has, behind one small protocol.

Duck-typed on purpose: recognising a LangChain ``Embeddings`` or a LlamaIndex ``BaseEmbedding`` by
its methods means the core never imports either framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from ..errors import ConfigurationError


@runtime_checkable
class Embedder(Protocol):
    """``embed`` returns one unit-length float32 row per text, in order."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


def normalise(rows: Any) -> npt.NDArray[np.float32]:
    """Float32 matrix with unit rows: cosine = dot product downstream, whatever the source."""
    matrix = np.asarray(rows, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    result: npt.NDArray[np.float32] = (matrix / np.clip(norms, 1e-12, None)).astype(np.float32)
    return result


class FunctionEmbedder:
    """Wraps a batch function ``texts -> vectors`` (Chroma EF, LangChain, LlamaIndex)."""

    def __init__(self, fn: Callable[[list[str]], Any], name: str) -> None:
        self._fn = fn
        self.name = name
        self._dimension: int | None = None

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            self._dimension = int(self.embed(["dimension probe"]).shape[1])
        return self._dimension

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self._dimension or 0), dtype=np.float32)
        matrix = normalise(self._fn(texts))
        if matrix.shape[0] != len(texts):
            raise ConfigurationError(
                f"embedding function {self.name} returned {matrix.shape[0]} vectors "
                f"for {len(texts)} texts"
            )
        self._dimension = int(matrix.shape[1])
        return matrix


def _name(obj: Any) -> str:
    """The model's name where the object says it; a function's qualified name; else its class.
    A workspace records it (``engine/longterm/embedder_check.py``), so it must not change while
    the model stays the same."""
    model = getattr(obj, "model_name", None) or getattr(obj, "model", None)
    if isinstance(model, str) and model:
        return model
    if hasattr(obj, "__qualname__"):  # a function or a method
        return f"{getattr(obj, '__module__', None) or ''}.{obj.__qualname__}".lstrip(".")
    return type(obj).__name__


def as_embedder(obj: Any) -> Embedder:
    """Our embedder as is; LlamaIndex, LangChain or Chroma embedding functions wrapped."""
    if isinstance(obj, Embedder) and not isinstance(obj, type):
        return obj
    if hasattr(obj, "get_text_embedding_batch"):  # LlamaIndex BaseEmbedding
        return FunctionEmbedder(obj.get_text_embedding_batch, _name(obj))
    if hasattr(obj, "embed_documents"):  # LangChain Embeddings
        return FunctionEmbedder(obj.embed_documents, _name(obj))
    if callable(obj):  # Chroma EmbeddingFunction: __call__(input: list[str])
        return FunctionEmbedder(obj, _name(obj))
    raise ConfigurationError(
        f"{type(obj).__name__} is not an embedder: pass a Chroma EmbeddingFunction, a LangChain "
        "Embeddings, a LlamaIndex BaseEmbedding or an object with embed(texts)"
    )
