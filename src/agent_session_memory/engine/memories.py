"""Where ``LongTermMemory`` used to live; it is in ``engine/longterm/`` now (kept for imports)."""

from .longterm import DEFAULT_IMPORTANCE, NEAR_DUPLICATE_THRESHOLD, LongTermMemory, memory_from_dict

__all__ = ["DEFAULT_IMPORTANCE", "NEAR_DUPLICATE_THRESHOLD", "LongTermMemory", "memory_from_dict"]
