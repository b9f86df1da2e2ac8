"""What an operation is: one declaration that every surface reads.

An operation is declared as a stub function (see ``operations.py``): its signature is the Python
API, its docstring the description for people and models, and the ``@operation`` decorator adds
where it lives in the engine, its scope and its HTTP route. Everything else is derived here: the
pydantic model of its parameters, the type adapter of its result and their JSON Schemas.
"""

from __future__ import annotations

import enum
import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model


class Scope(enum.StrEnum):
    """Whose data an operation reaches: it decides how access is checked."""

    SESSION = "session"  # one session, named by session_id; its workspace is the session's
    WORKSPACE = "workspace"  # one workspace, named by workspace_id (default: the client's)
    WORKSPACES = "workspaces"  # the workspaces named by workspace_ids (default: all it may reach)


@dataclass(frozen=True)
class Route:
    """Where an operation lives in the HTTP API: ``{name}`` segments are path parameters.

    GET and DELETE take the other parameters in the query string, the rest in a JSON body.
    ``lines`` names a list parameter sent as the body in JSON lines (the others in the query);
    on a GET, ``lines=True`` streams the list result as JSON lines.
    """

    method: str
    path: str
    status: int = 200
    lines: str | bool = False

    @property
    def in_query(self) -> bool:
        return self.method in ("GET", "DELETE") or bool(self.lines)

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"{(\w+)}", self.path))


@dataclass(frozen=True)
class Operation:
    """One operation of the contract. Build with ``@operation``, never by hand."""

    name: str
    service: str
    scope: Scope
    route: Route
    idempotent: bool
    description: str
    params: dict[str, str]
    function: Callable[..., Any] = field(repr=False)

    @property
    def summary(self) -> str:
        """The first line of the description."""
        return self.description.split("\n", 1)[0]

    @cached_property
    def signature(self) -> inspect.Signature:
        """The declared signature, annotations as written (strings): rendered into the clients."""
        return inspect.signature(self.function)

    @cached_property
    def hints(self) -> dict[str, Any]:
        return typing.get_type_hints(self.function)

    @cached_property
    def params_model(self) -> type[BaseModel]:
        """The parameters as a pydantic model: the wire's validation and its JSON Schema."""
        fields: dict[str, Any] = {}
        for name, parameter in self.signature.parameters.items():
            default = ... if parameter.default is inspect.Parameter.empty else parameter.default
            fields[name] = (self.hints[name], Field(default, description=self.params[name]))
        model: type[BaseModel] = create_model(
            _camel(self.name) + "Params",
            __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=False),
            __doc__=self.summary,
            **fields,
        )
        return model

    @cached_property
    def list_params(self) -> frozenset[str]:
        """Parameters that take several values (repeated in a query string)."""
        kinds = ("Sequence[", "Iterable[", "list[")
        return frozenset(
            name
            for name, parameter in self.signature.parameters.items()
            if any(kind in str(parameter.annotation) for kind in kinds)
        )

    @cached_property
    def result(self) -> TypeAdapter[Any]:
        """The result's type adapter: encodes it to JSON and rebuilds it from JSON."""
        return TypeAdapter(self.hints["return"])

    def params_schema(self) -> dict[str, Any]:
        return self.params_model.model_json_schema()

    def result_schema(self) -> dict[str, Any]:
        return self.result.json_schema()


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def operation(
    *,
    service: str,
    scope: Scope,
    route: Route,
    idempotent: bool,
    params: dict[str, str],
) -> Callable[[Callable[..., Any]], Operation]:
    """Declare an operation from a stub function; every parameter must be described."""

    def declare(function: Callable[..., Any]) -> Operation:
        declared = set(inspect.signature(function).parameters)
        if declared != set(params):
            raise TypeError(
                f"{function.__name__}: described {sorted(params)} but declares {sorted(declared)}"
            )
        missing = set(Route(route.method, route.path).path_params) - declared
        if missing:
            raise TypeError(f"{function.__name__}: path parameters {missing} are not parameters")
        return Operation(
            name=function.__name__,
            service=service,
            scope=scope,
            route=route,
            idempotent=idempotent,
            description=inspect.cleandoc(function.__doc__ or ""),
            params=params,
            function=function,
        )

    return declare
