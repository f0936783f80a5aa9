"""The promotion calendar the forecasts use as regressors: platform festivals (data file
``festivals.csv`` beside this module) and the shop's own ``campaigns`` (when that table exists).

Numbers only: :func:`festivals` reads the data file, :func:`campaign_days` the shop's campaign days, and
:func:`regressors` turns both into one row per day of 0/1 columns (plus day-of-week dummies).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from ..data import Shop, require_columns

__all__ = ["REGRESSORS", "festivals", "campaign_days", "regressors", "festival_days"]

#: the calendar regressors (besides the day-of-week dummies ``dow0`` .. ``dow5``, Monday .. Saturday)
REGRESSORS = ("festival", "festival_peak", "holiday", "campaign")


@cache
def _festivals() -> pd.DataFrame:
    text = resources.files("shoplab.overview").joinpath("festivals.csv").open("r", encoding="utf-8")
    with text as f:
        df = pd.read_csv(f, comment="#", dtype={"festival": str, "kind": str})
    for c in ("start", "end", "peak"):
        df[c] = pd.to_datetime(df[c])
    return df


def festivals() -> pd.DataFrame:
    """The platform festivals: columns ``festival`` (code, glossary ``festival.<code>``), ``kind``
    (``festival`` or ``holiday``), ``year``, ``start``, ``end`` (both included) and ``peak`` (NaT: none)."""
    return _festivals().copy()


def festival_days(start, end) -> pd.DataFrame:
    """The festival rows whose window overlaps the days ``start`` .. ``end`` (both included)."""
    f = festivals()
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    return f[(f.end >= lo) & (f.start <= hi)].reset_index(drop=True)


def campaign_days(shop: Shop | None) -> pd.DatetimeIndex:
    """The days on which one of the shop's campaigns runs (empty without a ``campaigns`` table)."""
    if shop is None or not shop.has("campaigns"):
        return pd.DatetimeIndex([])
    c = require_columns(shop.campaigns, "campaigns", ["start_ts", "end_ts"], what="the promotion calendar")
    df = c.select("start_ts", "end_ts").execute()
    days = [
        pd.date_range(pd.Timestamp(s).normalize(), pd.Timestamp(e).normalize(), freq="D")
        for s, e in zip(df.start_ts, df.end_ts, strict=True)
        if pd.notna(s) and pd.notna(e)
    ]
    if not days:
        return pd.DatetimeIndex([])
    return pd.DatetimeIndex(sorted(set().union(*[set(d) for d in days])))


def regressors(days: pd.DatetimeIndex, campaigns: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """One row per day of ``days``: ``dow0`` .. ``dow5`` (Monday .. Saturday; Sunday is the base) and the 0/1
    columns of :data:`REGRESSORS`. ``festival`` marks a festival's window except its main day, which
    ``festival_peak`` marks; ``holiday`` the days of a ``holiday`` row; ``campaign`` the days in
    ``campaigns`` (from :func:`campaign_days`)."""
    days = pd.DatetimeIndex(days).normalize()
    x = pd.DataFrame(index=days)
    for k in range(6):
        x[f"dow{k}"] = (days.day_of_week == k).astype("float64")
    for c in REGRESSORS:
        x[c] = 0.0
    if len(days):
        for r in festival_days(days.min(), days.max()).itertuples():
            window = np.asarray((days >= r.start) & (days <= r.end))
            if r.kind == "holiday":
                x.loc[window, "holiday"] = 1.0
                continue
            peak = np.asarray(days == r.peak) if pd.notna(r.peak) else np.zeros(len(days), bool)
            x.loc[window & ~peak, "festival"] = 1.0
            x.loc[peak, "festival_peak"] = 1.0
    if campaigns is not None and len(campaigns):
        x.loc[days.isin(campaigns), "campaign"] = 1.0
    return x
