"""A small embedding function that is not the default model, for tests of embedder settings:
one dimension per hashed word (32), deterministic, no model files."""

from __future__ import annotations

import zlib

DIMENSION = 32


class WordHashEmbedder:
    """Chroma's embedding-function shape: ``__call__(input: list[str]) -> vectors``."""

    def __call__(self, input: list[str]) -> list[list[float]]:  # Chroma names it input
        return [vector(text) for text in input]


def vector(text: str) -> list[float]:
    out = [0.0] * DIMENSION
    out[0] = 0.01  # never the zero vector
    for word in text.lower().split():
        out[zlib.crc32(word.encode()) % DIMENSION] += 1.0
    return out


class OtherWordHashEmbedder:
    """Another model of the same size: its vectors are not comparable with WordHashEmbedder's."""

    def __call__(self, input: list[str]) -> list[list[float]]:
        return [vector(text[::-1]) for text in input]
