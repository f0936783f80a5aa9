"""The import's errors a user can act on (both are :class:`shoplab.ShoplabError`, so the CLI exits with 2)."""

from __future__ import annotations

from ..errors import ShoplabError

__all__ = ["ImportFormatError", "SaltError"]


class ImportFormatError(ShoplabError):
    """An input cannot be read, or is not the format named (the message lists what it lacks)."""


class SaltError(ShoplabError):
    """No salt for the pseudonymous ids, or not the salt the folder's earlier imports used."""
