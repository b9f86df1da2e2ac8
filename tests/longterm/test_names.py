"""Workspace ids map to valid, distinct Chroma collection names, whatever the id."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from agent_session_memory.stores.longterm.names import collection_name

VALID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]")
HOSTILE = [
    "a",
    "-",
    "..",
    "a..b",
    "a.b",
    "a_b",
    "a-b",
    "_x_",
    "x" * 64,
    "",
    "é",
    "日本",
    "../../etc/passwd",
    "a b",
    "A",
    "ws\x00",
    "--",
    "1",
    "-a-",
]


def test_hostile_ids_give_valid_distinct_names() -> None:
    names = [collection_name(w) for w in HOSTILE]
    assert all(VALID.fullmatch(n) for n in names), names
    assert len(set(names)) == len(HOSTILE)


def test_deterministic_and_readable() -> None:
    assert collection_name("project-x") == collection_name("project-x")
    assert collection_name("project-x").endswith("-project_x")


@given(st.text(max_size=200), st.text(max_size=200))
def test_any_text_is_valid_and_injective(a: str, b: str) -> None:
    na, nb = collection_name(a), collection_name(b)
    assert VALID.fullmatch(na)
    assert (na == nb) == (a == b)
