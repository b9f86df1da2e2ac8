"""The engine: the one implementation of every operation, as plain blocking code."""

from .core import Engine

__all__ = ["Engine"]
