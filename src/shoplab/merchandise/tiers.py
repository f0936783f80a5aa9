"""The "4321" tiers: core (爆款), potential (潜力款), test (测试款), clearance (清仓款), and what each actually gets.

**The rule** (decided here, in this order), over the items sold or on sale in the period:

1. **core**: the top ceil(0.2 x skus_sold) items by item GMV (the items of the top-20% share);
2. **test**: launched less than ``test_days`` (90) before the period's end (``items.launch_ts``);
3. **clearance**: status ``retired``, or no sale in the period, or overstocked (days of cover above
   ``overstock_days``, with an ``inventory`` table), or in the bottom half of the sold items by GMV and not
   growing (item GMV at most the previous period's);
4. **potential**: the rest (sold, in the top half, or growing).

The tiers' actual shares of item GMV, stock value (last inventory date) and product views are compared with the
4321 plan (40/30/20/10). With ``items.role`` the items whose tier differs from their planned role are listed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..data import Shop
from ..periods import Period
from .skus import on_sale_items, period_lines

__all__ = ["TIERS", "PLAN", "TEST_DAYS", "classify", "tier_mix", "role_disagreements"]

TIERS = ("core", "potential", "test", "clearance")
#: the 4321 plan: share of resources per tier
PLAN = {"core": 0.4, "potential": 0.3, "test": 0.2, "clearance": 0.1}
TEST_DAYS = 90


def classify(
    shop: Shop,
    *,
    period: Period | str,
    ranking: pd.DataFrame,
    stock: pd.DataFrame | None = None,
    views: pd.DataFrame | None = None,
    test_days: int = TEST_DAYS,
    overstock_days: float = 90,
) -> pd.DataFrame:
    """One row per item sold or on sale: gmv, previous_gmv, growing, age_days, cover_days, value, views, tier, role.

    ``ranking`` is :func:`.skus.sku_ranking` of the period; ``stock`` :func:`.stock.item_stock`."""
    p = Period.parse(period)
    items = on_sale_items(shop, period=p)
    base = ranking[["item_id", "gmv"]].copy()
    if items is not None:
        extra = items.loc[items["on_sale"], ["item_id"]]
        base = base.merge(extra, on="item_id", how="outer")
    base["gmv"] = base["gmv"].fillna(0.0)
    prev = period_lines(shop, period=p.previous())
    pg = prev.group_by("item_id").aggregate(previous_gmv=prev.gmv.sum()).to_pandas()
    df = base.merge(pg, on="item_id", how="left")
    df["previous_gmv"] = df["previous_gmv"].fillna(0.0)
    df["growing"] = df["gmv"] > df["previous_gmv"]
    df["age_days"] = np.nan
    df["role"] = None
    df["retired"] = False
    if shop.has("items"):
        cols = [c for c in ("item_id", "launch_ts", "role", "status") if c in shop.items.columns]
        it = shop.items.select(*cols).to_pandas()
        df = df.drop(columns=[c for c in ("role",) if c in it.columns]).merge(it, on="item_id", how="left")
        if "launch_ts" in df.columns:
            df["age_days"] = (
                pd.Timestamp(p.end) - pd.to_datetime(df.pop("launch_ts"))
            ).dt.total_seconds() / 86400
        if "status" in df.columns:
            df["retired"] = df.pop("status").eq("retired")
        if "role" not in df.columns:
            df["role"] = None
    if stock is not None:
        df = df.merge(stock[["item_id", "value", "cover_days"]], on="item_id", how="left")
    else:
        df["value"], df["cover_days"] = np.nan, np.nan
    if views is not None:
        df = df.merge(views[["item_id", "views"]], on="item_id", how="left")
        df["views"] = df["views"].fillna(0)
    else:
        df["views"] = np.nan
    df = df.sort_values(["gmv", "item_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    sold = df["gmv"] > 0
    n_sold = int(sold.sum())
    sold_rank = np.where(sold, np.arange(1, len(df) + 1), np.inf)  # sold items come first
    core = sold_rank <= math.ceil(0.2 * n_sold)
    test = df["age_days"] < test_days
    bottom = sold_rank > n_sold / 2
    over = df["cover_days"] > overstock_days
    clear = df["retired"] | ~sold | over.fillna(False) | (bottom & ~df["growing"])
    df["tier"] = np.select(
        [core, test & ~core, clear & ~core & ~test], ["core", "test", "clearance"], "potential"
    )
    df["role_disagrees"] = df["role"].notna() & (df["role"] != df["tier"])
    #: opposite ends: planned core and behaving as clearance, or the reverse
    df["strong_disagreement"] = df["role_disagrees"] & (
        ((df["role"] == "core") & (df["tier"] == "clearance"))
        | ((df["role"] == "clearance") & (df["tier"] == "core"))
    )
    return df


def tier_mix(tiers: pd.DataFrame) -> pd.DataFrame:
    """Per tier: items, share of item GMV, of stock value and of views, against the 4321 plan."""
    rows = []
    tot = {c: tiers[c].sum(min_count=1) for c in ("gmv", "value", "views")}
    for t in TIERS:
        s = tiers[tiers["tier"] == t]
        row = {"tier": t, "items": len(s), "plan": PLAN[t]}
        for c, name in (("gmv", "gmv_share"), ("value", "stock_share"), ("views", "view_share")):
            total = tot[c]
            row[name] = float(s[c].sum()) / total if pd.notna(total) and total > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def role_disagreements(tiers: pd.DataFrame) -> pd.DataFrame:
    """The items whose tier differs from their planned ``items.role`` (empty without roles): the strong ones
    (core planned, clearance behaviour, or the reverse) first, then most GMV first."""
    d = tiers[tiers["role_disagrees"]].sort_values(["strong_disagreement", "gmv"], ascending=[False, False])
    cols = ["item_id", "role", "tier", "strong_disagreement", "gmv", "previous_gmv", "age_days", "cover_days"]
    return d[cols].reset_index(drop=True)
