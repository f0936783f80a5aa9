"""What every import format shares: the run's settings, the drop ledger, pseudonymous ids, the format record."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import ImportFormatError, SaltError
from .parsing import RawFile, find_column

__all__ = [
    "DEFAULT_SALT_ENV",
    "Context",
    "Drops",
    "Converted",
    "Format",
    "read_salt",
    "salt_check",
    "pseudonymise_ids",
    "columns_of",
]

DEFAULT_SALT_ENV = "SHOPLAB_SALT"
_ID_PREFIX = "u_"


def read_salt(salt_env: str = DEFAULT_SALT_ENV) -> bytes:
    """The salt for pseudonymous ids from environment variable ``salt_env``; a :class:`SaltError` without it."""
    value = os.environ.get(salt_env, "")
    if not value.strip():
        raise SaltError(
            f"no salt: set the environment variable {salt_env} to a secret of your own (e.g. "
            f"export {salt_env}=$(openssl rand -hex 16)) and keep it: buyer names, e-mails and phone numbers become "
            "ids keyed with it, and later imports into the same folder need the same salt"
        )
    return value.encode()


def salt_check(salt: bytes) -> str:
    """A fingerprint of the salt (not the salt), kept in _import.json to refuse a different salt later."""
    return hmac.new(salt, b"shoplab-import-salt-check", hashlib.sha256).hexdigest()[:16]


def pseudonymise_ids(
    values: pd.Series, salt: bytes, *, normalise: Callable[[str], str] | None = None
) -> pd.Series:
    """Salted pseudonymous ids ``u_<16 hex>`` (HMAC-SHA256; 64 bits, so 10 million buyers collide with a
    probability below 1e-5). Missing values stay missing. Each distinct value is hashed once."""
    uniq = pd.unique(values.dropna())
    mapping = {}
    for v in uniq:
        text = normalise(v) if normalise else v
        mapping[v] = _ID_PREFIX + hmac.new(salt, str(text).encode(), hashlib.sha256).hexdigest()[:16]
    return values.map(mapping).astype("object").where(values.notna(), None)


@dataclass
class Context:
    """One import run's settings, handed to every format's converter."""

    salt: bytes
    timezone: str | None = None
    currency: str | None = None  # --currency
    now: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now().floor("s"))
    options: dict[str, Any] = field(default_factory=dict)  # format-specific (the mapping file ...)


#: why rows were left out: English, or an (English, Chinese) pair; ``_import.json`` keeps both
Reason = str | tuple[str, str]


class Drops:
    """The ledger of input rows left out, by reason, each with a count and an example (file line number and
    the non-personal columns the format names)."""

    def __init__(self, raw: RawFile | None = None, example_columns: tuple[str, ...] = ()):
        self.raw = raw
        self.example_columns = example_columns
        self.reasons: dict[str, dict] = {}
        self.keep = pd.Series(True, index=raw.frame.index) if raw is not None else None

    def drop(self, reason: Reason, cond: pd.Series | np.ndarray) -> int:
        """Leave out the rows still kept where ``cond`` holds, under ``reason``; returns how many."""
        cond = pd.Series(np.asarray(cond, dtype=bool), index=self.keep.index) & self.keep
        n = self.add(reason, cond)
        self.keep &= ~cond
        return n

    def _entry(self, reason: Reason, example: dict) -> dict:
        en, zh = (reason, None) if isinstance(reason, str) else reason
        entry = self.reasons.setdefault(en, {"reason": en, "rows": 0, "example": example})
        if zh:
            entry["reason_zh"] = zh
        return entry

    def add(self, reason: Reason, mask: pd.Series | np.ndarray, example: dict | None = None) -> int:
        """Count the rows where ``mask`` is true under ``reason``; returns how many."""
        mask = pd.Series(np.asarray(mask, dtype=bool))
        n = int(mask.sum())
        if n == 0:
            return 0
        if example is None and self.raw is not None:
            i = int(np.flatnonzero(mask.to_numpy())[0])
            example = {"line": i + self.raw.first_line}
            for c in self.example_columns:
                if c in self.raw.frame.columns and str(self.raw.frame[c].iat[i]).strip():
                    example[c] = str(self.raw.frame[c].iat[i]).strip()
        self._entry(reason, example or {})["rows"] += n
        return n

    def add_count(self, reason: Reason, n: int, example: dict) -> None:
        if n:
            self._entry(reason, example)["rows"] += int(n)

    @property
    def total(self) -> int:
        return sum(e["rows"] for e in self.reasons.values())

    def to_list(self) -> list[dict]:
        return sorted(self.reasons.values(), key=lambda e: -e["rows"])


@dataclass
class Converted:
    """What a format made of one input file."""

    tables: dict[
        str, pd.DataFrame
    ]  # contract table -> rows (pandas) or a Parquet file path (streamed formats)
    rows_read: int
    rows_imported: int  # input rows that went into the tables (rows_read = rows_imported + dropped rows)
    drops: Drops
    currency: str | None = None  # from the export itself (a Currency column)
    notes: list[str] = field(default_factory=list)
    row_counts: dict[str, int] | None = None  # for tables given as files


@dataclass(frozen=True)
class Format:
    """An import format: its name (the interface), one line of description, the columns it needs (each a tuple
    of accepted header names), the tables it writes, and its converter."""

    name: str
    summary: str
    columns: tuple[tuple[str, ...], ...]
    tables: tuple[str, ...]
    convert: Callable[..., Converted]
    header: bool = True
    read: Callable[..., Any] | None = None  # custom reader (streamed formats); default parsing.read_table
    legacy_encodings: tuple[str, ...] = ("gb18030", "cp1252")  # tried in order for a file that is not UTF-8
    optional: tuple[tuple[str, ...], ...] = ()  # columns used when present

    @property
    def reads(self) -> tuple[str, ...] | None:
        """The header names of every column the format uses (the only ones kept in memory); None: all."""
        if not self.columns:
            return None
        return self.expected + tuple(a for alts in self.optional for a in alts)

    @property
    def expected(self) -> tuple[str, ...]:
        """Every accepted name of every needed column (to find the header row)."""
        return tuple(a for alts in self.columns for a in alts)

    def missing(self, header: list[str]) -> list[str]:
        """The needed columns ``header`` lacks, by their first accepted name ('A or B' when several)."""
        return [" or ".join(alts) for alts in self.columns if find_column(header, *alts) is None]

    def match_share(self, header: list[str]) -> float:
        if not self.columns:
            return 0.0
        return 1 - len(self.missing(header)) / len(self.columns)


def columns_of(
    fmt: Format, frame: pd.DataFrame, *, optional: tuple[tuple[str, ...], ...] = ()
) -> dict[str, str]:
    """Map each needed (and present optional) column's first name to the header name the file uses; a
    :class:`ImportFormatError` listing what is missing otherwise."""
    miss = fmt.missing(list(frame.columns))
    if miss:
        raise ImportFormatError(f"not a {fmt.name} file: it lacks the column(s) {', '.join(miss)}")
    out = {alts[0]: find_column(frame.columns, *alts) for alts in fmt.columns}
    for alts in optional:
        c = find_column(frame.columns, *alts)
        if c is not None:
            out[alts[0]] = c
    return out


def blank_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose every cell is empty after trimming spaces (columns checked only for rows still undecided)."""
    blank = pd.Series(True, index=frame.index)
    for c in frame.columns:
        if not blank.any():
            break
        col = frame.loc[blank, c].astype(str)
        filled = col.ne("")
        if filled.any():
            filled[filled] = col[filled].str.strip().ne("")
            blank[filled[filled].index] = False
    return blank


def latest_known(users: pd.DataFrame, *, key: str = "user_id", ts: str = "ts") -> pd.DataFrame:
    """One row per ``key``: each column's value from the latest row (by ``ts``) that has one.

    A buyer's latest order decides their city, unless it has none (shipped without an address): then the latest
    earlier city is kept. The ``ts`` column is dropped.
    """
    u = users.sort_values(ts, kind="stable").drop(columns=ts)
    return u.groupby(key, sort=True, dropna=False).last().reset_index()
