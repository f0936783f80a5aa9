"""Shared helpers of the service analyses: period bounds, durations in the engine, promotion days."""

from __future__ import annotations

import datetime as _dt

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..data import Shop
from ..periods import Period

__all__ = ["bounds", "seconds_between", "in_period", "promotion_days", "QUANTILES"]

QUANTILES = (0.5, 0.9)


def bounds(period: Period | str) -> tuple[_dt.datetime, _dt.datetime]:
    p = Period.parse(period)
    return p.start, p.end


def in_period(col: ir.TimestampValue, period: Period | str) -> ir.BooleanValue:
    lo, hi = bounds(period)
    return (col >= ibis.literal(lo)) & (col < ibis.literal(hi))


def seconds_between(start: ir.TimestampValue, end: ir.TimestampValue) -> ir.FloatingValue:
    """Seconds from ``start`` to ``end`` (fractional; null when either is null)."""
    return end.delta(start, unit="microsecond").cast("float64") / 1e6


def promotion_days(shop: Shop) -> set[_dt.date]:
    """Calendar days on which a campaign of the ``campaigns`` table runs (empty without the table)."""
    if not shop.has("campaigns"):
        return set()
    c = shop.campaigns.select("start_ts", "end_ts").execute()
    days: set[_dt.date] = set()
    for s, e in zip(c.start_ts, c.end_ts, strict=True):
        if pd.isna(s) or pd.isna(e):
            continue
        days.update(d.date() for d in pd.date_range(pd.Timestamp(s).normalize(), pd.Timestamp(e).normalize()))
    return days
