"""Helpers shared by the membership modules: input checks, the sold-orders filter, month grids."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..data import as_table
from ..periods import Period

TIER_ORDER = ("普通会员", "银卡会员", "金卡会员", "钻石会员")


def check_columns(table: ir.Table, needed: Iterable[str], what: str) -> ir.Table:
    """Raise ``ValueError`` naming the first missing column and listing the columns present."""
    cols = list(table.columns)
    for c in needed:
        if c not in cols:
            raise ValueError(f"{what} needs a column '{c}'; columns present: {', '.join(cols)}")
    return table


def table(data, needed: Iterable[str], what: str) -> ir.Table:
    """``as_table`` plus a column check."""
    return check_columns(as_table(data), needed, what)


def sold(orders: ir.Table) -> ir.Table:
    """Orders that were sold: paid or refunded (cancelled and unknown statuses are left out)."""
    if "status" in orders.columns:
        return orders.filter(orders.status.isin(["paid", "refunded"]) | orders.status.isnull())
    return orders


def to_ts(value) -> _dt.datetime:
    """A timestamp from a string, date, datetime or pandas Timestamp."""
    return pd.Timestamp(value).to_pydatetime()


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
