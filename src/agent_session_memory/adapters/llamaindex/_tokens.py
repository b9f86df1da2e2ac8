"""The tokenizer our client counts with (tiktoken, ``o200k_base`` by default), loaded offline.

Engines measure their prefix (system prompt) with a memory's ``tokenizer_fn`` and pass it as
``initial_token_count``; giving them the same tokenizer the session store counts with keeps the
budget honest.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from ...tokens import tiktoken_counter

Tokenizer = Callable[[str], list[int]]


@lru_cache(maxsize=4)
def tiktoken_tokenizer(encoding: str = "o200k_base") -> Tokenizer:
    """``text -> token ids`` for a tiktoken encoding, without network access."""
    import tiktoken

    tiktoken_counter(encoding)  # loads the encoding from the offline cache into tiktoken's registry
    enc = tiktoken.get_encoding(encoding)

    def tokenize(text: str) -> list[int]:
        return list(enc.encode(text, disallowed_special=()))

    return tokenize
