"""Exceptions a user can act on. Each one carries a message meant to be read, not a traceback."""

from __future__ import annotations

__all__ = [
    "ShoplabError",
    "DataContractError",
    "MissingTableError",
    "SourceError",
    "ReportError",
    "PeriodError",
    "RunInterrupted",
]


class ShoplabError(Exception):
    """Base class of shoplab's user-facing errors."""


class SourceError(ShoplabError):
    """The data source cannot be opened (no such folder, unreadable file, unsupported kind)."""


class MissingTableError(ShoplabError, AttributeError):
    """A table a report or function needs is not in the data source."""


class DataContractError(ShoplabError, ValueError):
    """Data breaks the contract in docs/data-contract.md (missing column, bad values, duplicates ...)."""


class ReportError(ShoplabError):
    """A report run was asked for something it cannot do (unknown notebook, undeclared parameter ...)."""


class PeriodError(ShoplabError, ValueError):
    """A period that is not a calendar month written ``YYYY-MM``, or one the data does not cover."""


class RunInterrupted(ReportError):
    """A report run was stopped by SIGINT (Ctrl-C) or SIGTERM; its folder says which reports finished."""

    def __init__(self, message: str, out_dir=None, results=None):
        super().__init__(message)
        self.out_dir = out_dir
        self.results = results or []
