"""The engine's long-term side over a ``LongTermStore`` (``stores/longterm/base.py``)."""

from ...stores.longterm.dedup import NEAR_DUPLICATE_THRESHOLD
from ...stores.longterm.records import memory_from_dict
from .crud import DEFAULT_IMPORTANCE
from .lazy import LazyLongTerm
from .service import LongTermMemory

__all__ = [
    "DEFAULT_IMPORTANCE",
    "NEAR_DUPLICATE_THRESHOLD",
    "LazyLongTerm",
    "LongTermMemory",
    "memory_from_dict",
]
