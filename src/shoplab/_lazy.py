"""Submodules reachable as attributes of their package on first use (``shoplab.paths.plots``), so that importing
a package stays light (matplotlib is imported by the charts only)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable


def submodule_getattr(package: str, names: Iterable[str]) -> Callable[[str], object]:
    """A module-level ``__getattr__`` for ``package`` that imports its submodules ``names`` when first asked for."""
    names = frozenset(names)

    def __getattr__(name: str):
        if name in names:
            return importlib.import_module(f".{name}", package)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
