"""Product structure: category contribution to the GMV change, price bands, and each item's lifecycle stage.

* **Category contribution** (an additive split that sums exactly): for each category c, ``change`` = item GMV of
  c in the period - in the comparison period, and ``contribution`` = change / the comparison period's total item
  GMV. The changes sum to the total change and the contributions to the total growth rate (the categories of both
  periods are listed, a category missing in one counts 0 there). Compared with the previous period and with the
  same period last year. The category is ``order_items.category``, else ``items.category``, else ``(none)``.
* **Price bands**: the period's lines by unit price paid (bands ``[lo, hi)``): lines, units, items, item GMV, share.
* **Lifecycle stage** per item sold in the last ``window`` (90) days up to the period's end, from its item GMV in
  that window against the ``window`` before it: **introduction** (launched within the window), **growth** (up by
  more than ``threshold``, 20%), **decline** (down by more than it, or no sale in the window), **maturity** (the
  rest). Items launched in the data: item GMV in their first 30, 60 and 90 days (:func:`launch_curves`).
"""

from __future__ import annotations

import math

import ibis
import numpy as np
import pandas as pd

from ..data import Shop
from ..periods import Period
from .skus import _all_lines

__all__ = [
    "category_gmv",
    "category_contribution",
    "PRICE_BANDS",
    "price_bands",
    "lifecycle",
    "launch_curves",
]

PRICE_BANDS = (0, 50, 100, 200, 500, 1000, math.inf)


def _categorised(shop: Shop):
    j = _all_lines(shop)
    oi = shop.order_items
    if "category" in oi.columns:
        cat = oi.select("order_id", "item_id", cat=oi.category).distinct()
        j = j.left_join(cat, ["order_id", "item_id"]).drop("order_id_right", "item_id_right")
    elif shop.has("items") and "category" in shop.items.columns:
        it = shop.items.select("item_id", cat=shop.items.category)
        j = j.left_join(it, "item_id").drop("item_id_right")
    else:
        j = j.mutate(cat=ibis.null("string"))
    return j.mutate(category=j.cat.fill_null("(none)")).drop("cat")


def category_gmv(shop: Shop, *, start, end) -> pd.Series:
    """Item GMV per category in ``[start, end)``."""
    j = _categorised(shop)
    j = j.filter((j.ts >= start) & (j.ts < end))
    df = j.group_by("category").aggregate(gmv=j.gmv.sum()).to_pandas()
    return df.set_index("category")["gmv"].astype(float)


def category_contribution(shop: Shop, *, period: Period | str) -> pd.DataFrame:
    """Per category: gmv, previous and last-year GMV, the changes and their contributions (sum exactly to the
    totals; see the module)."""
    p = Period.parse(period)
    cur = category_gmv(shop, start=p.start, end=p.end)
    out = {"gmv": cur}
    for name, q in (("previous", p.previous()), ("last_year", p.year_ago())):
        out[name] = category_gmv(shop, start=q.start, end=q.end)
    df = pd.DataFrame(out).fillna(0.0)
    for name in ("previous", "last_year"):
        total = df[name].sum()
        df[f"change_{name}"] = df["gmv"] - df[name]
        df[f"contribution_{name}"] = df[f"change_{name}"] / total if total else np.nan
    df.index.name = "category"
    return df.sort_values("gmv", ascending=False).reset_index()


def price_bands(shop: Shop, *, period: Period | str, edges=PRICE_BANDS) -> pd.DataFrame:
    """The period's lines by unit price band ``[lo, hi)``: lines, units, items, gmv, share of item GMV."""
    p = Period.parse(period)
    j = _all_lines(shop)
    j = j.filter((j.ts >= p.start) & (j.ts < p.end) & (j.gmv > 0))
    band = ibis.cases(
        *[(j.price < hi, k) for k, hi in enumerate(edges[1:]) if math.isfinite(hi)], else_=len(edges) - 2
    )
    t = (
        j.mutate(band=band)
        .group_by("band")
        .aggregate(
            lines=ibis._.count(),
            units=ibis._.quantity.sum(),
            items=ibis._.item_id.nunique(),
            gmv=ibis._.gmv.sum(),
        )
    )
    df = t.to_pandas().set_index("band").reindex(range(len(edges) - 1)).fillna(0)
    df.insert(0, "low", list(edges[:-1]))
    df.insert(1, "high", list(edges[1:]))
    total = df["gmv"].sum()
    df["share"] = df["gmv"] / total if total else np.nan
    return df.reset_index(drop=True)


def lifecycle(shop: Shop, *, period: Period | str, window: int = 90, threshold: float = 0.2) -> pd.DataFrame:
    """Per item sold in the two windows before the period's end: gmv (last window), previous_gmv, change, stage."""
    p = Period.parse(period)
    end = pd.Timestamp(p.end)
    mid, start = end - pd.Timedelta(days=window), end - pd.Timedelta(days=2 * window)
    j = _all_lines(shop)
    j = j.filter((j.ts >= start) & (j.ts < end))
    t = j.group_by("item_id").aggregate(
        gmv=j.gmv.sum(where=j.ts >= mid), previous_gmv=j.gmv.sum(where=j.ts < mid)
    )
    df = t.to_pandas().fillna(0.0)
    df = df[(df["gmv"] > 0) | (df["previous_gmv"] > 0)]
    df["change"] = df["gmv"] / df["previous_gmv"].where(df["previous_gmv"] > 0) - 1
    launched = pd.Series(False, index=df.index)
    if shop.has("items") and "launch_ts" in shop.items.columns:
        it = shop.items.select("item_id", "launch_ts").to_pandas()
        recent = set(it.loc[pd.to_datetime(it["launch_ts"]) >= mid, "item_id"])
        launched = df["item_id"].isin(recent)
    stage = np.select(
        [launched, df["gmv"] <= 0, df["change"] > threshold, df["change"] < -threshold],
        ["introduction", "decline", "growth", "decline"],
        "maturity",
    )
    df["stage"] = np.where(df["previous_gmv"] <= 0, np.where(launched, "introduction", "growth"), stage)
    df.loc[launched, "stage"] = "introduction"
    return df.sort_values(["gmv", "item_id"], ascending=[False, True]).reset_index(drop=True)


def launch_curves(shop: Shop, *, days=(30, 60, 90)) -> pd.DataFrame | None:
    """Items launched inside the data (``launch_ts`` on or after the first counted line): item GMV of the lines
    placed in ``[launch_ts, launch_ts + d days)`` for each d (NaN where the data ends before that day; lines before
    the launch, such as pre-sales, are not counted). None without ``items.launch_ts``."""
    if not shop.has("items") or "launch_ts" not in shop.items.columns:
        return None
    j = _all_lines(shop)
    first_ts = j.ts.min().execute()
    last_ts = j.ts.max().execute()
    it = shop.items.select("item_id", "launch_ts")
    it = it.filter(it.launch_ts >= first_ts)
    k = j.join(it, "item_id")
    aggs = {
        f"gmv_{d}d": k.gmv.sum(where=(k.ts >= k.launch_ts) & (k.ts < k.launch_ts + ibis.interval(days=d)))
        for d in days
    }
    df = it.left_join(k.group_by("item_id").aggregate(**aggs), "item_id").drop("item_id_right").to_pandas()
    for d in days:
        df[f"gmv_{d}d"] = df[f"gmv_{d}d"].fillna(0.0).astype(float)
        df.loc[
            pd.to_datetime(df["launch_ts"]) + pd.Timedelta(days=d) > pd.Timestamp(last_ts), f"gmv_{d}d"
        ] = np.nan
    return df.sort_values("launch_ts").reset_index(drop=True)
