"""The ``asm`` command: a thin layer over the Python API (sqlite-utils' rule)."""

from .main import main

__all__ = ["main"]
