"""Helpers shared by the membership modules: input checks, month grids and the shared
per-user-day activity table."""

from __future__ import annotations

import datetime as _dt
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence

import ibis
import ibis.expr.types as ir
import pandas as pd

from .. import labels
from ..data import require_columns
from ..periods import Period


class GlossaryCodes(Sequence):
    """The codes of a glossary namespace in their file order, read on first use (importing reads no file)."""

    def __init__(self, namespace: str):
        self.namespace = namespace

    def _codes(self) -> tuple[str, ...]:
        return tuple(labels.names(self.namespace, "en"))

    def __getitem__(self, i):
        return self._codes()[i]

    def __len__(self) -> int:
        return len(self._codes())

    def __repr__(self) -> str:
        return repr(self._codes())


class GlossaryNames(Mapping):
    """Code -> name in ``lang`` of a glossary namespace, in file order, read on first use."""

    def __init__(self, namespace: str, lang: str):
        self.namespace, self.lang = namespace, lang

    def _names(self) -> dict[str, str]:
        return labels.names(self.namespace, self.lang)

    def __getitem__(self, code: str) -> str:
        return self._names()[code]

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __repr__(self) -> str:
        return repr(self._names())


#: The shop's tiers, lowest first (glossary ``member_tier``): the order that ranks tiers.
TIER_ORDER = GlossaryCodes("member_tier")


def to_ts(value) -> _dt.datetime:
    """A timestamp from a string, date, datetime or pandas Timestamp."""
    return pd.Timestamp(value).to_pydatetime()


def is_midnight(*moments: _dt.datetime) -> bool:
    """Whether every moment falls on a midnight, so that a day-level table answers ``ts`` range filters exactly."""
    return all(m == m.replace(hour=0, minute=0, second=0, microsecond=0) for m in moments)


# Shared activity table: the events table is by far the largest input (about 100 events per user-day on a real
# shop), and the report asks it the same question many times (who was active on which day, how often, when last).
# It is aggregated once per events table into one row per user and day, materialised in the engine, and reused.
_USER_DAYS_KEEP = 16  # one per events table a process opens; tests open several
_user_days: OrderedDict = OrderedDict()


def user_days(events) -> ir.Table:
    """One row per user and calendar day with at least one event, materialised once per events table.

    Columns: ``user_id``, ``d`` (the date), ``n`` (events that day) and ``last`` (the latest event timestamp that
    day). Events without a timestamp are left out. Any filter on ``events.ts`` whose bounds are midnights is
    answered exactly by a filter on ``d``: ``lo <= ts < hi`` if and only if ``lo.date() <= d < hi.date()``.

    The table is a temporary table of the events' backend (``Table.cache``); the most recent
    ``_USER_DAYS_KEEP`` of them are kept alive here, keyed by the events expression.
    """
    e = require_columns(events, "events", ["user_id", "ts"])
    # two in-memory DuckDB connections compare equal in Ibis, so the key names the connection itself
    key = (id(e._find_backend(use_default=True)), e.op())
    hit = _user_days.get(key)
    if hit is not None:
        _user_days.move_to_end(key)
        return hit
    e = e.filter(e.ts.notnull())
    ud = e.group_by(["user_id", e.ts.date().name("d")]).aggregate(n=e.count(), last=e.ts.max()).cache()
    _user_days[key] = ud
    while len(_user_days) > _USER_DAYS_KEEP:
        _user_days.popitem(last=False)
    return ud


def clear_user_days() -> None:
    """Release the cached per-user-day tables (e.g. after the events data changed underneath an open shop)."""
    _user_days.clear()


def month_grid(first: Period | str, last: Period | str) -> list[Period]:
    p, q = Period.parse(first), Period.parse(last)
    out = []
    while p <= q:
        out.append(p)
        p = p.shift(1)
    return out


def months_table(periods: list[Period]) -> ir.Table:
    """A small engine table of months: ``m`` (month start), ``m_end`` (exclusive end), ``mi`` (index)."""
    df = pd.DataFrame(
        {
            "m": [pd.Timestamp(p.start) for p in periods],
            "m_end": [pd.Timestamp(p.end) for p in periods],
            "mi": range(len(periods)),
        }
    )
    df["m"] = df["m"].astype("datetime64[us]")
    df["m_end"] = df["m_end"].astype("datetime64[us]")
    return ibis.memtable(df)


def tier_rank(tier: pd.Series, order: Iterable[str] = TIER_ORDER) -> pd.Series:
    """Rank of a tier name in ``order`` (0 for the lowest); unknown tiers rank after the known ones."""
    order = list(order)
    known = {t: i for i, t in enumerate(order)}
    extra = sorted({t for t in tier.dropna().unique() if t not in known})
    known.update({t: len(order) + i for i, t in enumerate(extra)})
    return tier.map(known)


def tier_order_of(tiers: Iterable[str], order: Iterable[str] = TIER_ORDER) -> list[str]:
    tiers = [t for t in dict.fromkeys(tiers) if t is not None and t == t]
    base = [t for t in order if t in tiers]
    return base + sorted(t for t in tiers if t not in base)
