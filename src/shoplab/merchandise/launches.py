"""New launches against earlier ones: each recent launch's item GMV in its first 30, 60 and 90 days, ranked
among the launches before it.

Definitions (:func:`launch_comparison`):

* **Launched inside the data**: ``items.launch_ts`` on or after the first counted order line (as
  :func:`.structure.launch_curves`); items launched before the data starts have no observed first days.
* **GMV in the first d days**: item GMV (quantity x price) of the counted lines (paid or refunded orders,
  :func:`.skus._all_lines`) placed at or after ``launch_ts`` and less than ``d`` days after it; NaN when the data
  ends before day ``d`` (the last counted line is earlier than ``launch_ts + d`` days): an unfinished window is
  never compared.
* **New launches**: launched inside the data, on or after ``min(period start, period end - max(days) days)``
  and before the period's end. For a month that is the 90 days up to its end: the month's launches and the
  recent ones still in their first 90 days.
* **Earlier launches**: launched inside the data before the new launches' window starts.
* For each horizon d: ``n_earlier`` = earlier launches whose first d days lie inside the data; their
  ``q1``/``median``/``q3`` (pandas linear quantiles) of GMV in the first d days; a new item's **percentile** =
  (earlier launches with less GMV + half of those with equal GMV) / n_earlier, in [0, 1]. When
  ``n_earlier < min_earlier`` the horizon has no benchmark (NaN quartiles and percentiles).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import Shop
from ..periods import Period
from .structure import launch_curves

__all__ = ["LaunchComparison", "launch_comparison", "percentile_rank"]


@dataclass(frozen=True)
class LaunchComparison:
    """New launches against earlier ones (see the module for the definitions)."""

    #: first launch time counted as new (inclusive) and the period's end (exclusive)
    start: pd.Timestamp
    end: pd.Timestamp
    #: one row per new launch, by launch time: item_id, launch_ts, and per horizon d ``gmv_{d}d`` (NaN when the
    #: data ends before day d), ``median_{d}d`` (the earlier launches' median) and ``pct_{d}d`` (percentile rank)
    items: pd.DataFrame
    #: one row per horizon: days, n_earlier, q1, median, q3, has_benchmark (n_earlier >= min_earlier)
    benchmark: pd.DataFrame
    min_earlier: int


def percentile_rank(x: float, others) -> float:
    """Share of ``others`` below ``x``, ties counting half (NaN for a NaN ``x`` or no others)."""
    o = np.asarray(others, dtype=float)
    o = o[~np.isnan(o)]
    if pd.isna(x) or not len(o):
        return float("nan")
    return float(((o < x).sum() + 0.5 * (o == x).sum()) / len(o))


def launch_comparison(
    shop: Shop, *, period: Period | str, days=(30, 60, 90), min_earlier: int = 5
) -> LaunchComparison | None:
    """The period's new launches against the earlier launches inside the data (see the module).

    Parameters
    ----------
    shop
        The shop (``orders``, ``order_items``, ``items`` with ``launch_ts``).
    period
        New launches: from the period's start, or ``max(days)`` days before its end if earlier, to its end.
    days
        The horizons (days since launch).
    min_earlier
        Earlier launches with the horizon inside the data needed for a benchmark at that horizon.

    Returns
    -------
    LaunchComparison or None
        None without ``items.launch_ts``, or when no horizon has ``min_earlier`` earlier launches.
    """
    curves = launch_curves(shop, days=days)
    if curves is None:
        return None
    p = Period.parse(period)
    end = pd.Timestamp(p.end)
    start = min(pd.Timestamp(p.start), end - pd.Timedelta(days=max(days)))
    ts = pd.to_datetime(curves["launch_ts"])
    new = curves[(ts >= start) & (ts < end)].copy()
    earlier = curves[ts < start]
    rows = []
    for d in days:
        e = earlier[f"gmv_{d}d"].dropna().to_numpy(dtype=float)
        ok = len(e) >= min_earlier
        q = np.quantile(e, [0.25, 0.5, 0.75]) if ok else [np.nan] * 3
        rows.append(dict(days=d, n_earlier=len(e), q1=q[0], median=q[1], q3=q[2], has_benchmark=ok))
        new[f"median_{d}d"] = q[1]
        new[f"pct_{d}d"] = [percentile_rank(x, e) if ok else np.nan for x in new[f"gmv_{d}d"]]
    bench = pd.DataFrame(rows)
    if not bench["has_benchmark"].any():
        return None
    cols = ["item_id", "launch_ts"] + [f"{k}_{d}d" for d in days for k in ("gmv", "median", "pct")]
    items = new[cols].sort_values(["launch_ts", "item_id"]).reset_index(drop=True)
    return LaunchComparison(start=start, end=end, items=items, benchmark=bench, min_earlier=int(min_earlier))
