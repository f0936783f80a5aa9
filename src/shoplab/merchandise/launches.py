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
* **To date** (for launches too recent for the horizons, such as the month's own launches when the data ends at
  the month's end): ``age_days`` = whole days from ``launch_ts`` to the last counted line; ``gmv_to_date`` = GMV
  in the first ``age_days`` days; the same figure for each earlier launch (``n_earlier_to_date`` of them; having
  launched before the item, each has its first ``age_days`` days inside the data) gives ``median_to_date`` and
  ``pct_to_date`` as above (NaN for an item launched less than a day before the data ends, or with fewer than
  ``min_earlier`` earlier launches).
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from ..data import Shop
from ..periods import Period
from ..stats import percentile_rank  # re-exported: launches.percentile_rank keeps working
from .skus import _all_lines
from .structure import launch_curves

__all__ = ["LaunchComparison", "launch_comparison", "percentile_rank"]


@dataclass(frozen=True)
class LaunchComparison:
    """New launches against earlier ones (see the module for the definitions)."""

    #: first launch time counted as new (inclusive) and the period's end (exclusive)
    start: pd.Timestamp
    end: pd.Timestamp
    #: one row per new launch, by launch time: item_id, launch_ts, and per horizon d ``gmv_{d}d`` (NaN when the
    #: data ends before day d), ``median_{d}d`` (the earlier launches' median) and ``pct_{d}d`` (percentile rank);
    #: then age_days, gmv_to_date, n_earlier_to_date, median_to_date, pct_to_date (the same at the item's age)
    items: pd.DataFrame
    #: one row per horizon: days, n_earlier, q1, median, q3, has_benchmark (n_earlier >= min_earlier)
    benchmark: pd.DataFrame
    min_earlier: int


def _to_date(shop: Shop, new: pd.DataFrame, earlier: pd.DataFrame, min_earlier: int) -> pd.DataFrame:
    """Per new item: age_days, gmv_to_date, n_earlier_to_date, median_to_date, pct_to_date (see the module)."""
    cols = ["age_days", "gmv_to_date", "n_earlier_to_date", "median_to_date", "pct_to_date"]
    out = pd.DataFrame(index=new.index, columns=cols, dtype=float)
    if not len(new):
        return out
    j = _all_lines(shop)
    last = pd.Timestamp(j.ts.max().execute())
    ln = pd.to_datetime(new["launch_ts"])
    le = pd.to_datetime(earlier["launch_ts"])
    out["age_days"] = ((last - ln) // pd.Timedelta(days=1)).astype(float)
    rows = []  # (new item, item whose first age_days days count, its launch, age, is the new item)
    for k, (i, lt, a) in enumerate(zip(new["item_id"], ln, out["age_days"], strict=True)):
        if a < 1:
            continue
        rows.append((k, i, lt, int(a), True))
        # every earlier launch has its first a days inside the data: it launched before this item
        rows += [(k, e, t, int(a), False) for e, t in zip(earlier["item_id"], le, strict=True)]
    if not rows:
        return out
    pairs = pd.DataFrame(rows, columns=["k", "item_id", "launch_ts", "age", "is_new"])
    m = ibis.memtable(pairs[["k", "item_id", "launch_ts", "age"]])
    x = m.join(j.select("item_id", "ts", "gmv"), "item_id")
    x = x.filter((x.ts >= x.launch_ts) & (x.ts < x.launch_ts + x.age.as_interval("D")))
    g = x.group_by(["k", "item_id"]).aggregate(gmv=x.gmv.sum()).to_pandas()
    pairs = pairs.merge(g, on=["k", "item_id"], how="left").fillna({"gmv": 0.0})
    for k, grp in pairs.groupby("k"):
        e = grp.loc[~grp["is_new"], "gmv"].to_numpy(dtype=float)
        idx = new.index[k]
        out.loc[idx, "gmv_to_date"] = float(grp.loc[grp["is_new"], "gmv"].iloc[0])
        out.loc[idx, "n_earlier_to_date"] = len(e)
        if len(e) >= min_earlier:
            out.loc[idx, "median_to_date"] = float(np.median(e))
            out.loc[idx, "pct_to_date"] = percentile_rank(out.loc[idx, "gmv_to_date"], e)
    return out


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
    new = pd.concat([new, _to_date(shop, new, earlier, min_earlier)], axis=1)
    new["n_earlier_to_date"] = new["n_earlier_to_date"].fillna(0).astype("int64")
    cols = ["item_id", "launch_ts"] + [f"{k}_{d}d" for d in days for k in ("gmv", "median", "pct")]
    cols += ["age_days", "gmv_to_date", "n_earlier_to_date", "median_to_date", "pct_to_date"]
    items = new[cols].sort_values(["launch_ts", "item_id"]).reset_index(drop=True)
    return LaunchComparison(start=start, end=end, items=items, benchmark=bench, min_earlier=int(min_earlier))
