"""The operation contract: each operation declared once; every surface derives from it."""

from .operation import Operation, Route, Scope
from .operations import OPERATIONS

__all__ = ["OPERATIONS", "Operation", "Route", "Scope"]
