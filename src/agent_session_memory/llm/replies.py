"""Strict reading of a model's reply: one JSON object with exactly the expected key and shape.

Nothing is guessed: no JSON picked out of prose, no list cut to size, no number coerced from a
string. A reply that is not exactly what was asked for is a model that did not follow its
instructions (or followed someone else's), and raises ``BadReply`` so the caller falls back.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from . import caps
from .sanitize import one_line

_FENCE = re.compile(r"\A```(?:json)?[ \t]*\n?(.*?)\n?[ \t]*```\Z", re.S | re.I)


class BadReply(ValueError):
    """The reply is not the JSON object asked for."""


def _no_constants(name: str) -> Any:
    raise BadReply(f"{name} is not a number")


def reply_value(text: str, key: str) -> Any:
    """The value under ``key`` of the single JSON object ``text`` consists of (a code fence
    around it is allowed)."""
    if len(text) > caps.MAX_REPLY_CHARS:
        raise BadReply(f"reply of {len(text)} characters")
    body = text.strip()
    fenced = _FENCE.match(body)
    try:
        parsed = json.loads(fenced.group(1) if fenced else body, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise BadReply(f"not one JSON value ({exc.msg})") from exc
    except RecursionError as exc:  # "[[[[...": nested deeper than the parser goes
        raise BadReply("JSON nested too deeply") from exc
    if not isinstance(parsed, dict) or set(parsed) != {key}:
        raise BadReply(f'not a JSON object with the single key "{key}"')
    return parsed[key]


def scores(text: str, n: int) -> list[float]:
    """Exactly ``n`` numbers in [0, 1]."""
    value = reply_value(text, "scores")
    if not isinstance(value, list) or len(value) != n:
        raise BadReply(f"scores is not a list of {n} numbers")
    if not all(_unit(v) for v in value):
        raise BadReply("a score is not a number in [0, 1]")
    return [float(v) for v in value]


def _unit(v: Any) -> bool:
    return (
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0 <= v <= 1
    )


def facts(text: str, max_facts: int) -> list[str]:
    """At most ``max_facts`` non-empty strings of at most ``MAX_FACT_CHARS``, cleaned."""
    value = reply_value(text, "facts")
    if not isinstance(value, list) or len(value) > max_facts:
        raise BadReply(f"facts is not a list of at most {max_facts} strings")
    if not all(isinstance(f, str) and len(f) <= caps.MAX_FACT_CHARS for f in value):
        raise BadReply(f"a fact is not a string of at most {caps.MAX_FACT_CHARS} characters")
    cleaned = [one_line(f, caps.MAX_FACT_CHARS) for f in value]
    if not all(cleaned):
        raise BadReply("a fact is empty")
    return cleaned


def summary(text: str, max_chars: int) -> str:
    """One non-empty paragraph of at most ``max_chars`` characters, cleaned."""
    value = reply_value(text, "summary")
    if not isinstance(value, str) or len(value) > max_chars:
        raise BadReply(f"summary is not a string of at most {max_chars} characters")
    paragraph = one_line(value, max_chars)
    if not paragraph:
        raise BadReply("summary is empty")
    return paragraph
