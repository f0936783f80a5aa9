"""Inventory in the engine: turnover, days of cover, slow stock, stock-outs and what they cost, overstock, alerts.

Definitions (metrics.json; the report states them too). The period's **inventory dates** are the distinct
``inventory.date`` values in the period; **stock value** on a date = sum(on_hand x unit cost), the unit cost being
``inventory.unit_cost``, or ``items.cost`` where it is missing. **Cost of goods** = quantity x ``items.cost`` over
the period's counted order lines (:mod:`.skus`).

* **Turnover (annual)** = cost of goods / the mean stock value over the period's inventory dates, annualised:
  x12 for a month, x4 for a quarter, x1 for a year, x365/days for any other range.
* **Days of cover** = stock value on the period's last inventory date / (cost of goods / days in the period);
  per item: units on hand on that date / (units sold in the period / days).
* **Slow stock share** = share of that last stock value held in items with no sale (item GMV > 0) in the 90 days up
  to the period's end.
* **Stock-out item-days**: item-dates of the period with ``on_hand`` = 0, each snapshot counting for the days up to
  the next inventory date (the last for the days to the period's end), among items that were in stock on some
  inventory date of the period or sold in it. **Likely lost sales** = stock-out days x the item's units per
  in-stock day in the period (units sold / in-stock days), at its mean price in the period.
* **Overstock**: items whose days of cover exceed ``overstock_days`` (stock and no sale in the period: infinite
  cover). **Alerts**: restock (out of stock on the last date, or cover below ``low_cover_days``, among items that
  sold), clear (overstock or slow stock, except items launched in the last 90 days), most stock value or lost
  sales first.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from ..data import Shop, require_columns
from ..periods import Period
from .skus import item_costs, period_lines

__all__ = [
    "SLOW_DAYS",
    "annualisation",
    "inventory_in_period",
    "InventorySummary",
    "inventory_summary",
    "item_stock",
    "alerts",
]

SLOW_DAYS = 90
_STOCK_COLUMNS = [
    "item_id", "on_hand", "value", "stock_days", "stockout_days", "stocked", "units", "gmv", "slow", "cover_days",
    "lost_units", "lost_gmv", "overstock", "restock", "last_date", "new",
]  # fmt: skip
_BOOL_COLUMNS = ("stocked", "slow", "overstock", "restock", "new")


def annualisation(period) -> float:
    """x12 for a month, x4 for a quarter, x1 for a year, x365/days otherwise."""
    kind = getattr(period, "kind", None)
    if kind is None and isinstance(period, Period):
        kind = "month"
    return {"month": 12.0, "quarter": 4.0, "year": 1.0}.get(kind, 365.0 / period.days)


def inventory_in_period(shop: Shop, p: Period) -> ir.Table | None:
    """The period's snapshots: date, item_id, on_hand, unit_cost (items.cost where inventory has none), value."""
    if not shop.has("inventory"):
        return None
    inv = require_columns(shop.inventory, "inventory", ["date", "item_id", "on_hand"])
    inv = inv.mutate(date=inv.date.cast("date"))
    inv = inv.filter((inv.date >= p.start.date()) & (inv.date < p.end.date()))
    own = inv.unit_cost.cast("float64") if "unit_cost" in inv.columns else ibis.null("float64")
    inv = inv.select("date", "item_id", "on_hand", own_cost=own)
    costs = item_costs(shop)
    if costs is not None:
        inv = inv.left_join(costs, "item_id").drop("item_id_right")
        uc = inv.own_cost.fill_null(inv.unit_cost)
    else:
        uc = inv.own_cost
    inv = inv.select("date", "item_id", "on_hand", unit_cost=uc)
    return inv.mutate(value=inv.on_hand * inv.unit_cost)


@dataclass(frozen=True)
class InventorySummary:
    """The period's stock numbers (None where the data does not allow them)."""

    dates: int  #: inventory dates in the period
    last_date: object
    cogs: float | None  #: cost of goods of the period's counted lines
    mean_stock_value: float | None
    last_stock_value: float | None
    turnover_annual: float | None
    days_of_cover: float | None
    slow_stock_value: float | None
    slow_stock_share: float | None
    slow_items: int
    stockout_item_days: float
    stockout_items: int
    lost_units: float
    lost_gmv: float
    overstock_items: int
    overstock_value: float
    values_without_cost: int  #: snapshots with stock but no unit cost (left out of the values)


def _cogs(shop: Shop, p: Period) -> float | None:
    j = period_lines(shop, period=p)
    if "cost" not in j.columns:
        return None
    r = j.aggregate(c=j.cost.sum(), missing=j.unit_cost.isnull().cast("int64").sum()).to_pandas().iloc[0]
    return 0.0 if pd.isna(r["c"]) else float(r["c"])  # no line in the period: a NULL sum, no goods sold


def item_stock(
    shop: Shop, *, period: Period | str, overstock_days: float = 90, low_cover_days: float = 7
) -> pd.DataFrame | None:
    """One row per item with stock rows in the period (None without ``inventory``): on_hand and value on the last
    date, units and gmv sold, days of cover, slow, in-stock and stock-out days, lost units and GMV, overstock."""
    p = Period.parse(period)
    inv = inventory_in_period(shop, p)
    if inv is None:
        return None
    dates = sorted(pd.Timestamp(d).date() for d in inv.select("date").distinct().to_pandas()["date"])
    if not dates:
        return pd.DataFrame(columns=_STOCK_COLUMNS).astype({c: bool for c in _BOOL_COLUMNS})
    end_day = p.end.date()
    weight = {d: (nxt - d).days for d, nxt in zip(dates, [*dates[1:], end_day], strict=True)}
    w = ibis.memtable(pd.DataFrame({"date": dates, "w": [weight[d] for d in dates]})).mutate(
        date=ibis._.date.cast("date")
    )
    last = dates[-1]
    iw = inv.join(w, "date")
    per = iw.group_by("item_id").aggregate(
        on_hand=iw.on_hand.max(where=iw.date == last),
        value=iw.value.max(where=iw.date == last),
        stock_days=iw.w.sum(where=iw.on_hand > 0),
        stockout_days=iw.w.sum(where=iw.on_hand == 0),
        stocked=(iw.on_hand > 0).any(),
    )
    j = period_lines(shop, period=p)
    sold = j.group_by("item_id").aggregate(units=j.quantity.sum(), gmv=j.gmv.sum())
    recent = period_lines(shop, period=None, start=p.end - pd.Timedelta(days=SLOW_DAYS), end=p.end)
    recent = recent.filter(recent.gmv > 0).select("item_id").distinct().mutate(recent_sale=True)
    t = per.left_join(sold, "item_id").drop("item_id_right")
    t = t.left_join(recent, "item_id").drop("item_id_right")
    df = t.to_pandas()
    for c in ("units", "gmv", "stock_days", "stockout_days"):
        df[c] = df[c].fillna(0).astype(float)
    df["on_hand"] = df["on_hand"].fillna(0)
    df["value"] = df["value"].astype(float)
    df["slow"] = df["recent_sale"].isna() & (df["on_hand"] > 0)
    df = df.drop(columns="recent_sale")
    per_day = df["units"] / p.days
    df["cover_days"] = np.where(
        per_day > 0, df["on_hand"] / per_day.where(per_day > 0), np.where(df["on_hand"] > 0, np.inf, 0.0)
    )
    counted = df["stocked"].astype(bool) | (df["gmv"] > 0)  # in stock once, or sold
    df.loc[~counted, "stockout_days"] = 0.0
    rate = df["units"] / df["stock_days"].where(df["stock_days"] > 0)
    price = df["gmv"] / df["units"].where(df["units"] > 0)
    df["lost_units"] = (df["stockout_days"] * rate).fillna(0.0)
    df["lost_gmv"] = (df["lost_units"] * price).fillna(0.0)
    df["overstock"] = (df["on_hand"] > 0) & (df["cover_days"] > overstock_days)
    df["restock"] = (df["units"] > 0) & ((df["on_hand"] == 0) | (df["cover_days"] < low_cover_days))
    df["last_date"] = last
    df["new"] = False  # launched within SLOW_DAYS of the period's end: too new to clear
    if shop.has("items") and "launch_ts" in shop.items.columns:
        it = shop.items.select("item_id", "launch_ts").to_pandas()
        cut = pd.Timestamp(p.end) - pd.Timedelta(days=SLOW_DAYS)
        recent_ids = set(it.loc[pd.to_datetime(it["launch_ts"]) > cut, "item_id"])
        df["new"] = df["item_id"].isin(recent_ids)
    return df.sort_values("item_id").reset_index(drop=True)


def inventory_summary(
    shop: Shop, *, period: Period | str, stock: pd.DataFrame | None = None, overstock_days: float = 90
) -> InventorySummary | None:
    """Turnover, days of cover, slow stock, stock-outs and overstock for the period (None without ``inventory``)."""
    p = Period.parse(period)
    inv = inventory_in_period(shop, p)
    if inv is None:
        return None
    if stock is None:
        stock = item_stock(shop, period=p, overstock_days=overstock_days)
    by_date = inv.group_by("date").aggregate(
        v=inv.value.sum(), n_missing=(inv.value.isnull() & (inv.on_hand > 0)).sum()
    )
    bd = by_date.to_pandas()
    cogs = _cogs(shop, p)
    if bd.empty:
        return InventorySummary(
            0, None, cogs, None, None, None, None, None, None, 0, 0.0, 0, 0.0, 0.0, 0, 0.0, 0
        )
    bd = bd.sort_values("date")
    mean_v = float(bd["v"].fillna(0).mean())
    last_v = float(bd["v"].fillna(0).iloc[-1])
    turnover = cogs / mean_v * annualisation(p) if cogs is not None and mean_v > 0 else None
    cover = last_v / (cogs / p.days) if cogs else None
    slow_v = float(stock.loc[stock["slow"], "value"].fillna(0).sum())
    return InventorySummary(
        dates=len(bd),
        last_date=bd["date"].iloc[-1],
        cogs=cogs,
        mean_stock_value=mean_v,
        last_stock_value=last_v,
        turnover_annual=turnover,
        days_of_cover=cover,
        slow_stock_value=slow_v,
        slow_stock_share=slow_v / last_v if last_v > 0 else None,
        slow_items=int(stock["slow"].sum()),
        stockout_item_days=float(stock["stockout_days"].sum()),
        stockout_items=int((stock["stockout_days"] > 0).sum()),
        lost_units=float(stock["lost_units"].sum()),
        lost_gmv=float(stock["lost_gmv"].sum()),
        overstock_items=int(stock["overstock"].sum()),
        overstock_value=float(stock.loc[stock["overstock"], "value"].fillna(0).sum()),
        values_without_cost=int(bd["n_missing"].fillna(0).sum()),
    )


def alerts(stock: pd.DataFrame | None, *, top_n: int = 20) -> pd.DataFrame | None:
    """Items to act on: ``restock`` (out of stock or low cover among sellers; most lost GMV, then least cover) and
    ``clear`` (overstock or slow stock, not launched within 90 days of the period's end; most stock value first), at
    most ``top_n`` of each."""
    if stock is None:
        return None
    cols = [
        "action",
        "reason",
        "item_id",
        "on_hand",
        "value",
        "cover_days",
        "units",
        "stockout_days",
        "lost_gmv",
    ]
    r = stock[stock["restock"]].assign(action="restock")
    r = r.assign(reason=np.where(r["on_hand"] == 0, "out_of_stock", "low_cover"))
    r = r.sort_values(["lost_gmv", "cover_days", "item_id"], ascending=[False, True, True]).head(top_n)
    c = stock[(stock["overstock"] | stock["slow"]) & ~stock["restock"] & ~stock["new"]].assign(action="clear")
    c = c.assign(reason=np.where(c["slow"], "slow", "overstock"))
    c = c.sort_values(["value", "item_id"], ascending=[False, True]).head(top_n)
    out = pd.concat([r, c], ignore_index=True)
    return out[cols] if len(out) else pd.DataFrame(columns=cols)
