"""Hypothesis strategies for every public parameter: valid values mixed with hostile ones.

Every parameter of every operation in the registry (``contract.OPERATIONS``) draws from
``param_values(name)``: half of the time a value that fits (an existing session, a real key),
else anything a caller could pass: lone surrogates, NUL, integers past 64 bits, NaN, bytes,
objects with non-string keys, deep or odd nesting, a single string where a list is expected.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

HOSTILE_TEXT = [
    "",
    " ",
    "\ud800",
    "a\udfffb",
    "\x00",
    "nul\x00x",
    "\u202eevil",
    "../etc/passwd",
    "x" * 300,
    "\ufeffbom",
    "é" * 40,
    "*",
    '"',
    "NEAR(a b)",
    "-",
]
HOSTILE_NUMBERS = [
    0,
    -1,
    2**63,
    2**70,
    -(2**70),
    float("nan"),
    float("inf"),
    -float("inf"),
    1e308,
    0.5,
    -0.0,
    True,
    False,
]

texts = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12))
scalars = st.one_of(
    st.none(),
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(min_value=-(2**72), max_value=2**72),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.binary(max_size=4),
)
keys = st.one_of(texts, st.integers(min_value=-3, max_value=3), st.none(), st.booleans())
hostile = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner),
        st.dictionaries(keys, inner, max_size=3),
        st.frozensets(st.integers(min_value=0, max_value=3), max_size=2),
    ),
    max_leaves=6,
)

# Values that fit, by parameter name; "$session" and "$memory" are filled in per example.
VALID: dict[str, list[Any]] = {
    "session_id": ["$session"],
    "memory_id": ["$memory"],
    "workspace_id": [None, "default", "other"],
    "key": ["k", "status", "task"],
    "keys": [None, "k", ["k"], ["k", "missing"]],
    "value": ["v", 1, {"goal": ["a", 1.5, None]}],
    "values": [{"k": 2, "x": [1]}],
    "items": [{"k": 2, "x": [1]}],
    "ttl_seconds": [None, 60, 3600.5],
    "importance": [None, 0.0, 0.7, 1],
    "min_importance": [None, 0.0, 0.5],
    "expected_version": [None, 1, 0],
    "content": ["We chose JWT for auth", "deploy on Fridays is banned"],
    "query": ["how do we authenticate?", "JWT", "deploy"],
    "type": ["fact", "decision"],
    "types": [None, ["fact"], "fact"],
    "tags": [None, ["auth"], "auth"],
    "metadata": [None, {"source": "adr-7"}],
    "messages": [[{"role": "user", "content": "hello"}]],
    "seqs": [[1], [1, 2]],
    "status": [None, "active", "ended"],
    "k": [1, 5],
    "limit": [None, 1, 10],
    "offset": [0, 1],
    "last_n": [None, 1],
    "max_tokens": [None, 50],
    "lookback_hours": [1, 24.0],
    "since": [None, 0, 1.0e9],
    "until": [None, 4.0e9],
    "before": [None, 4.0e9],
    "prefix": [None, "k"],
    "records": [[{"id": "imported1", "content": "an imported memory"}]],
    "everything": [False],
    "commit": [False, True],
    "deduplicate": [True, False],
    "briefing": [False, True],
    "auto_commit": [None, True, False],
    "include_superseded": [False, True],
    "include_expired": [True, False],
    "memories": [[{"content": "We chose JWT for auth", "tags": ["auth"]}, {"content": "Fridays"}]],
    "name": ["planning", "review"],
    "min_score": [None, 0.0, 0.3],
    "on_conflict": ["error", "skip", "replace"],
    "include_threads": [True, False],
    "max_memories": [1, 10],
    "peek": [False, True],
    "workspace_ids": [None, "default", ["default", "other"]],
}


def param_values(name: str, default: Any, *, fitting_only: bool = False) -> st.SearchStrategy[Any]:
    """What ``name`` may be given: a fitting value, or (unless ``fitting_only``) anything."""
    fitting = list(VALID.get(name, []))
    if default is not _MISSING and default not in fitting:
        fitting.append(default)
    if not fitting:
        return hostile
    if fitting_only:
        return st.sampled_from(fitting)
    return st.one_of(st.sampled_from(fitting), hostile)


class _Missing:
    def __repr__(self) -> str:
        return "<required>"


_MISSING: Any = _Missing()
MISSING = _MISSING

__all__ = ["MISSING", "VALID", "hostile", "param_values"]
