"""Size and name limits, validated once at the engine's boundary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Defaults from DESIGN.md; every one can be changed through ``Settings``."""

    workspace_id_pattern: str = r"[A-Za-z0-9._-]{1,64}"
    max_key_chars: int = 256
    max_value_bytes: int = 1024 * 1024
    max_keys_per_session: int = 10_000
    min_ttl_seconds: float = 1
    max_ttl_seconds: float = 30 * 24 * 3600
    max_memory_content_bytes: int = 32 * 1024
    max_json_depth: int = 64
    max_message_bytes: int = 1024 * 1024
    max_messages_per_call: int = 1_000
    max_tags: int = 64
    max_tag_chars: int = 128
    max_metadata_bytes: int = 64 * 1024
    max_query_chars: int = 8 * 1024
    max_k: int = 1_000
    max_lookback_hours: float = 24 * 366
