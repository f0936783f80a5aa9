"""The one call shape of the analyses: the shop (or a table) first, then keyword-only options, ``period=`` among
them (a :class:`~shoplab.periods.Period` or a string such as ``"2026-10"``).

Older call shapes keep working with a :class:`DeprecationWarning` that names the new one:

- :func:`keyword_only` turns options that used to be positional (``kpi_summary(shop, "2026-10")``,
  ``funnel(events, steps)``) into keywords, accepting the positional form with a warning;
- :func:`period_range` lets a function that takes ``start=`` and ``end=`` take ``period=`` instead;
- :func:`table_of` lets a function that takes one table take the shop instead (``funnel(shop, steps=...)``).
"""

from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any

__all__ = ["keyword_only", "period_range", "period_end", "table_of"]


def keyword_only(*names: str):
    """Decorator: the options ``names`` are keyword-only, and a call passing them positionally after the
    leading positional parameters of the function (the shop or tables) still works, with a DeprecationWarning.

    >>> @keyword_only("period")
    ... def kpis(shop, *, period, months=12):
    ...     return shop, period, months
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     kpis("shop", "2026-10") == kpis("shop", period="2026-10")
    True
    >>> print(w[0].message)
    kpis(shop, period) is deprecated: call kpis(shop, period=...)
    """

    def deco(fn):
        params = inspect.signature(fn).parameters.values()
        leading = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        unknown = [n for n in names if n not in inspect.signature(fn).parameters]
        if unknown:
            raise TypeError(f"{fn.__name__} has no parameter {unknown[0]!r}")
        parts = fn.__module__.split(
            "."
        )  # shoplab.overview.kpis -> shoplab.overview.kpi_summary, its public name
        where = (
            f"shoplab.{parts[1]}.{fn.__name__}" if parts[0] == "shoplab" and len(parts) > 2 else fn.__name__
        )

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if len(args) > len(leading):
                extra = args[len(leading) :]
                if len(extra) > len(names):
                    raise TypeError(
                        f"{where}() takes {len(leading)} positional argument(s) but {len(args)} were given"
                    )
                given = names[: len(extra)]
                twice = [n for n in given if n in kwargs]
                if twice:
                    raise TypeError(f"{where}() got multiple values for argument {twice[0]!r}")
                old = ", ".join([*leading, *given])
                new = ", ".join([*leading, *(f"{n}=..." for n in given)])
                warnings.warn(
                    f"{where}({old}) is deprecated: call {where}({new})", DeprecationWarning, stacklevel=2
                )
                kwargs.update(zip(given, extra, strict=True))
                args = args[: len(leading)]
            return fn(*args, **kwargs)

        return wrapper

    return deco


def period_range(period: Any, start: Any, end: Any, *, what: str) -> tuple[Any, Any]:
    """``(start, end)`` of a call that takes ``period=`` or ``start=`` and ``end=``.

    With ``period`` (a :class:`~shoplab.periods.Period` or a string it parses), its ``[start, end)``; else
    ``start`` and ``end`` as given (unchanged, so the older call shape gives the same numbers). ``what`` names
    the function in the error when neither or both are given.
    """
    if period is not None:
        if start is not None or end is not None:
            raise TypeError(f"{what}: give period= or start= and end=, not both")
        from .periods import Period

        p = Period.parse(period)
        return p.start, p.end
    if start is None or end is None:
        raise TypeError(f"{what} needs period= (e.g. period='2026-10') or both start= and end=")
    return start, end


def period_end(period: Any, end: Any, *, what: str, name: str = "end") -> Any:
    """The cut-off of a call that takes ``period=`` or a timestamp keyword ``name`` (``end``, ``at``,
    ``cutoff`` ...): the end of the period (its first instant after it), or the timestamp as given."""
    if period is not None:
        if end is not None:
            raise TypeError(f"{what}: give period= or {name}=, not both")
        from .periods import Period

        return Period.parse(period).end
    if end is None:
        raise TypeError(f"{what} needs period= (e.g. period='2026-10') or {name}=")
    return end


def table_of(data: Any, name: str) -> Any:
    """``data`` itself, or the table ``name`` of it when ``data`` is a :class:`~shoplab.Shop`."""
    from .data import Shop

    return getattr(data, name) if isinstance(data, Shop) else data
