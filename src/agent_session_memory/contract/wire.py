"""An operation's parameters and result on the wire (JSON), in both directions.

The client side encodes parameters strictly (a value JSON cannot carry is an ``InvalidInput``, never
a silent conversion) and decodes results into the public models; the server side validates
parameters against the operation's pydantic model and encodes results. Bad input of any kind
becomes an ``InvalidInput`` that names the field, never an unhandled exception.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ..errors import InvalidInput, LimitExceeded
from .operation import Operation

INT64 = 2**63
# Nesting the wire accepts (the JSON parser's own limit is near 200); the engine's limit on a
# value's depth (``Limits.max_json_depth``, 64 by default) applies below it.
MAX_WIRE_DEPTH = 128


def encode_value(value: Any, field: str) -> Any:
    """JSON-ready data from a parameter value; anything JSON cannot carry exactly is refused."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput(f"{field}: {value} is not a finite number", field=field)
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "to_dict") and hasattr(value, "__dataclass_fields__"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {_key(k, field): encode_value(v, field) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_value(v, field) for v in value]
    raise InvalidInput(
        f"{field}: a {type(value).__name__} is not JSON (use lists, dicts, strings, numbers)",
        field=field,
    )


def _key(key: Any, field: str) -> str:
    if not isinstance(key, str):
        raise InvalidInput(f"{field}: object keys must be strings, not {key!r}", field=field)
    return key


def encode_params(op: Operation, params: Mapping[str, Any]) -> dict[str, Any]:
    """The client side: every parameter as JSON-ready data."""
    encoded: dict[str, Any] = {}
    for name, value in params.items():
        if name not in op.params:
            raise InvalidInput(f"{op.name}: unknown parameter {name!r}", field=name)
        if name in op.list_params and _iterable(value):
            value = list(value)  # a generator of records, a tuple of tags: sent as a list
        encoded[name] = encode_value(value, name)
    return encoded


def _iterable(value: Any) -> bool:
    return not isinstance(value, (str, bytes, Mapping)) and hasattr(value, "__iter__")


def decode_params(op: Operation, data: Mapping[str, Any], *, typed: bool) -> dict[str, Any]:
    """The server side: validated parameters, ready for the engine; ``InvalidInput`` if bad.

    ``typed``: the data came as JSON, so its types must be right (``"60"`` is no number and
    ``true`` no TTL); from a query string, where everything is text, values are converted.
    """
    _check_values(data, "", 0)
    try:
        if typed:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False)
            model = op.params_model.model_validate_json(text, strict=True)
        else:
            model = op.params_model.model_validate(dict(data))
    except ValidationError as exc:
        raise _invalid(exc) from None
    params = {name: getattr(model, name) for name in op.params}
    for name, value in params.items():
        if isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
            raise InvalidInput(f"{name}: {value} is out of range", field=name)
    return params


def _invalid(exc: ValidationError) -> InvalidInput:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = f"{field}: {first['msg']}" if field else str(first["msg"])
    return InvalidInput(message, field=field or None, errors=len(exc.errors()))


def _check_values(value: Any, field: str, depth: int) -> None:
    """Refuse lone surrogates (valid in JSON escapes, invalid in UTF-8), NaN and infinities
    (which some JSON parsers, the MCP SDK's among them, accept) and absurd nesting."""
    if depth > MAX_WIRE_DEPTH:
        raise LimitExceeded(f"{field}: nested over {MAX_WIRE_DEPTH} levels", field=field)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInput(
                f"{field or 'text'}: invalid unicode (a lone surrogate)", field=field
            ) from None
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{field or 'value'}: {value} is not a number JSON allows", field=field)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{field}.{key}" if field else str(key)
            _check_values(key, where, depth)
            _check_values(item, where, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_values(item, field, depth + 1)


def loads(body: bytes) -> Any:
    """Parse a request body: strict JSON (no NaN or Infinity), UTF-8."""
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"the body is not valid JSON: {exc}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def encode_result(op: Operation, value: Any) -> bytes:
    return op.result.dump_json(value)


def decode_result(op: Operation, data: Any) -> Any:
    return op.result.validate_python(data)
