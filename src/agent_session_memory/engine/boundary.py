"""The engine's boundary: input no store can hold is refused, a store's own failure is typed.

The HTTP codec (``contract/wire.py``) already refuses lone surrogates, huge integers, non-finite
numbers and non-string object keys, but embedded callers reach the engine directly: the same
checks run here, on every public method of every service (``@boundary`` on the class), before a
store sees anything. Failures of the storage itself (a full disk, a corrupt file, a read-only
folder, Chroma's internal errors) become ``BackendUnavailable`` with a ``reason`` and what to do,
never a driver's exception.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import inspect
import math
import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..errors import AgentMemoryError, BackendUnavailable, InvalidInput, LimitExceeded

INT64 = 2**63
MAX_DEPTH = 128  # the wire's limit; values are held to Limits.max_json_depth further in

T = TypeVar("T")


def check_value(value: Any, field: str, depth: int = 0) -> None:
    """Refuse what no store can keep exactly: lone surrogates, integers beyond 64 bits,
    NaN and infinities, object keys that are not strings (JSON would turn ``1`` into ``"1"``)."""
    if depth > MAX_DEPTH:
        raise LimitExceeded(f"{field}: nested over {MAX_DEPTH} levels", field=field)
    if isinstance(value, (str, int, float)):
        _check_scalar(value, field)
    elif isinstance(value, Mapping):
        _check_mapping(value, field, depth)
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_value(item, field, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            check_value(getattr(value, f.name), field, depth + 1)


def _check_scalar(value: str | int | float, field: str) -> None:
    if isinstance(value, str):
        _check_text(value, field)
    elif isinstance(value, bool):
        return
    elif isinstance(value, int) and not -INT64 <= value < INT64:
        raise InvalidInput(f"{field}: {value} is out of range (64-bit integers)", field=field)
    elif isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{field}: {value} is not a finite number", field=field)


def _check_text(value: str, field: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{field}: invalid unicode (a lone surrogate)", field=field) from None


def _check_mapping(value: Mapping[Any, Any], field: str, depth: int) -> None:
    for key, item in value.items():
        if not isinstance(key, str):
            raise InvalidInput(
                f"{field}: object keys must be strings, not {key!r} (JSON would change it)",
                field=field,
            )
        _check_text(key, field)
        check_value(item, field, depth + 1)


def storage_error(exc: BaseException) -> AgentMemoryError | None:
    """The typed form of a storage failure, or None when ``exc`` is not one."""
    text = str(exc)
    if isinstance(exc, OSError) and exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        return _unavailable("disk_full", f"the disk is full: {text}", "free space, then retry")
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        return _unavailable("read_only", f"the memory home is read-only: {text}", "")
    if isinstance(exc, (sqlite3.InterfaceError, sqlite3.ProgrammingError)):
        return None  # a value the engine should have refused: a bug to fix, not to disguise
    if isinstance(exc, sqlite3.Error):
        return _sqlite_error(exc)
    if type(exc).__module__.startswith("chromadb"):
        return _unavailable(
            "vector_index",
            f"the vector index failed: {text}",
            "run `asm doctor`, then `asm repair`",
        )
    return None


def _sqlite_error(exc: sqlite3.Error) -> AgentMemoryError:
    text = str(exc)
    lowered = text.lower()
    if "full" in lowered:
        return _unavailable("disk_full", f"the disk is full: {text}", "free space, then retry")
    if isinstance(exc, sqlite3.OperationalError) and "locked" in lowered:
        return _unavailable("busy", f"the database is busy: {text}", "retry")
    if "readonly" in lowered or "read-only" in lowered:
        return _unavailable("read_only", f"the memory home is read-only: {text}", "")
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return _unavailable(
            "corrupt", f"a database file is damaged: {text}", "run `asm doctor`, then `asm repair`"
        )
    return _unavailable("storage", f"the database failed: {text}", "run `asm doctor`")


def _unavailable(reason: str, message: str, fix: str) -> BackendUnavailable:
    return BackendUnavailable(f"{message} ({fix})" if fix else message, reason=reason)


def _flags(method: Callable[..., Any]) -> dict[str, bool]:
    """Parameters declared ``bool`` (False) or ``bool | None`` (True: None allowed)."""
    out: dict[str, bool] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        annotation = str(parameter.annotation).replace("Optional[bool]", "bool | None")
        if annotation in {"bool", "<class 'bool'>"}:
            out[name] = False
        elif annotation in {"bool | None", "None | bool"}:
            out[name] = True
    return out


def _check_flag(name: str, value: Any, nullable: bool) -> None:
    """``auto_commit="no"`` must not become True: a flag is a bool, nothing else."""
    if not isinstance(value, bool) and not (nullable and value is None):
        raise InvalidInput(f"{name} must be true or false, not {value!r}", field=name)


def _check_args(
    names: list[str], flags: dict[str, bool], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    for field, value in [*zip(names, args, strict=False), *kwargs.items()]:
        check_value(value, field)
        if field in flags:
            _check_flag(field, value, flags[field])
    if len(args) > len(names):
        for value in args[len(names) :]:
            check_value(value, "arguments")


def _guard(method: Callable[..., Any]) -> Callable[..., Any]:
    names = list(inspect.signature(method).parameters)[1:]  # after self
    flags = _flags(method)

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        _check_args(names, flags, args, kwargs)
        try:
            return method(self, *args, **kwargs)
        except AgentMemoryError:
            raise
        except Exception as exc:
            typed = storage_error(exc)
            if typed is None:
                raise
            raise typed from exc

    return guarded


def boundary(cls: type[T]) -> type[T]:
    """Guard every public method the class defines (``_private`` ones and properties are not)."""
    for name, attr in list(vars(cls).items()):
        if name.startswith("_") or not callable(attr) or isinstance(attr, (staticmethod, type)):
            continue
        setattr(cls, name, _guard(attr))
    return cls


__all__ = ["boundary", "check_value", "storage_error"]
