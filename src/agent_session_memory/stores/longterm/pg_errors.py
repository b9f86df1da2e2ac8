"""How PostgreSQL failures reach the user: a refused, lost or exhausted connection becomes a
``BackendUnavailable`` (HTTP 503) naming the database, never a password."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from ...errors import BackendUnavailable

P = ParamSpec("P")
T = TypeVar("T")


def describe(url: str) -> str:
    """``host:port/dbname`` of a conninfo or URL: what an error may show."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:
        return "PostgreSQL"
    return f"{info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


@contextmanager
def unavailable_as_503(where: str) -> Iterator[None]:
    import psycopg
    import psycopg_pool

    try:
        yield
    except (psycopg.OperationalError, psycopg_pool.PoolTimeout) as exc:
        raise BackendUnavailable(f"PostgreSQL at {where} does not answer: {exc}") from exc


def guard(method: Callable[P, T]) -> Callable[P, T]:
    """Wrap a method of an object with a ``where``: its failures become ``BackendUnavailable``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with unavailable_as_503(str(getattr(args[0], "where", "PostgreSQL"))):
            return method(*args, **kwargs)

    return wrapper


__all__ = ["describe", "guard", "unavailable_as_503"]
