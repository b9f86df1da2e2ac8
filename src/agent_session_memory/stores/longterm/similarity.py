"""Exact cosine similarity of stored vectors to a query, for the rows a dense index lacks."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .base import Vector


def cosines(matrix: Vector, query: Vector) -> npt.NDArray[Any]:
    """Each row of ``matrix`` against ``query``, in one matrix product (a zero vector: 0)."""
    denominator = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(query))
    result: npt.NDArray[Any] = (matrix @ query) / np.where(denominator > 0, denominator, 1.0)
    return result


__all__ = ["cosines"]
