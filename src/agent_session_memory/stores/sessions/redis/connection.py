"""The Redis client every concern shares: its scripts, how they are run, how refusals become
errors, and how a lost connection becomes ``BackendUnavailable``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from ....errors import BackendUnavailable, MissingExtra
from ..liveness import check_live, check_readable, state_record
from .codec import num
from .keys import KeySpace

P = ParamSpec("P")
T = TypeVar("T")


def guard(method: Callable[P, T]) -> Callable[P, T]:
    """Turn a lost or refused Redis connection, and a Redis that cannot write (out of memory,
    a read-only replica, failing snapshots), into ``BackendUnavailable`` with a ``reason``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        import redis.exceptions as rex

        url = getattr(args[0] if args else None, "url", "Redis")
        try:
            return method(*args, **kwargs)
        except (rex.ConnectionError, rex.TimeoutError) as exc:
            raise BackendUnavailable(
                f"Redis at {url} does not answer: {exc}", reason="unreachable"
            ) from exc
        except rex.ResponseError as exc:
            reason = _refusal(exc)
            if reason is None:
                raise
            raise BackendUnavailable(
                f"Redis at {url} refused a write: {exc}", reason=reason
            ) from exc

    return wrapper


def _refusal(exc: Exception) -> str | None:
    """Why Redis refused a command for its own state (None: not that kind of error)."""
    import redis.exceptions as rex

    if isinstance(exc, rex.OutOfMemoryError) or str(exc).startswith("OOM"):
        return "out_of_memory"
    if isinstance(exc, rex.ReadOnlyError) or str(exc).startswith("READONLY"):
        return "read_only"
    if str(exc).startswith("MISCONF"):
        return "storage"
    return None


class RedisConnection:
    """A Redis client, the key layout and the registered scripts (name -> Lua source)."""

    def __init__(
        self,
        url: str,
        *,
        retention_seconds: float,
        prefix: str,
        client: Any,
        scripts: Mapping[str, str],
    ) -> None:
        try:
            import redis
        except ImportError as exc:
            raise MissingExtra("redis", "redis") from exc
        self.url = url
        self.prefix = prefix
        self._keys = KeySpace(prefix)
        self._retention_ms = str(int(retention_seconds * 1000))
        self._redis: Any = client or redis.Redis.from_url(url, decode_responses=True)
        self._scripts = {name: self._redis.register_script(src) for name, src in scripts.items()}

    def _run(
        self,
        name: str,
        session_id: str,
        keys: Sequence[str],
        now: float,
        args: Sequence[str] = (),
        *,
        live: bool = True,
    ) -> list[Any]:
        """Run a session script (``keys[0]`` is the session hash, ``now`` and the retention go
        first); turn its refusal (missing, ended, expired) into the contract's error."""
        result = self._eval(name, keys, [num(now), self._retention_ms, *args])
        if result[0] == "missing":
            check_readable(None, session_id, now)
        if result[0] == "state":
            record = state_record(session_id, result[1], float(result[2]))
            (check_live if live else check_readable)(record, session_id, now)
        return list(result)

    def _eval(self, name: str, keys: Sequence[str], args: Sequence[str]) -> Any:
        """EVALSHA straight through ``execute_command`` (redis-py's ``Script.__call__`` costs
        ~10% of a call); the first call after a server restart loads the script."""
        import redis.exceptions as rex

        script = self._scripts[name]
        try:
            return self._redis.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)
        except rex.NoScriptError:
            return script(keys=keys, args=args)

    @guard
    def ping(self) -> None:
        """Fail fast (``BackendUnavailable``) when the server does not answer."""
        self._redis.ping()

    def close(self) -> None:
        self._redis.close()
