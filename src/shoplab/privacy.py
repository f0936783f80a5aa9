"""Pseudonymisation of user-level lists that go into reports for managers.

Pseudonyms are keyed hashes (HMAC-SHA256) of the user id: the same user gets the same pseudonym in every
report of a run that uses the same key, and the id cannot be recovered without the key. Set the key in the
environment variable ``SHOPLAB_PSEUDONYM_KEY`` to keep pseudonyms stable across runs (so that a list sent to
the operations team can be matched back to users by whoever holds the key); without it, a random key is drawn
once per process, so pseudonyms are stable within one report only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable

import pandas as pd

__all__ = ["pseudonymise", "pseudonymise_frame", "KEY_ENV"]

KEY_ENV = "SHOPLAB_PSEUDONYM_KEY"
_PROCESS_KEY = secrets.token_bytes(32)


def _key(key: str | bytes | None) -> bytes:
    if key is None:
        env = os.environ.get(KEY_ENV)
        return env.encode() if env else _PROCESS_KEY
    return key.encode() if isinstance(key, str) else key


def pseudonymise(values: Iterable, *, key: str | bytes | None = None, prefix: str = "U-") -> list[str]:
    """Keyed pseudonyms for ids, e.g. ``U-3f9a1c2b7e``; nulls stay null."""
    k = _key(key)
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append(None)
        else:
            out.append(prefix + hmac.new(k, str(v).encode(), hashlib.sha256).hexdigest()[:10])
    return out


def pseudonymise_frame(
    df: pd.DataFrame,
    columns: Iterable[str] = ("user_id",),
    *,
    enabled: bool = True,
    key: str | bytes | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` with the id columns replaced by pseudonyms (unchanged copy when ``enabled`` is False)."""
    out = df.copy()
    if not enabled:
        return out
    for c in columns:
        if c in out.columns:
            out[c] = pseudonymise(out[c].tolist(), key=key)
    return out
