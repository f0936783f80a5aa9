"""Item-level sales in the engine: the period's order lines, the SKU ranking, concentration and sell-through.

Definitions (the interface of metrics.json; the report states them too):

* **Orders that count**: paid or refunded orders placed in the period (missing status = paid;
  :func:`shoplab.orders.gross_orders`, the same orders as the overview's GMV).
* **Item GMV** = quantity x price over those orders' lines; **cost** = quantity x ``items.cost``; **margin** =
  GMV - cost (null for items without a cost). An item is **sold** when its item GMV in the period is > 0.
* **Refund share**: the item's GMV in refunded orders / its GMV.
* **Repurchase rate (90 days)**: among the item's buyers in the period, the share with another counted order of
  the same item placed after their first purchase of it in the period and at most 90 days later (a later order
  may fall after the period; near the data's end the rate is incomplete).
* **Views**: ``product_view`` events of the item in the period (``events.item_id``); **view-to-purchase
  conversion** = distinct viewers of the item who bought it in the period / distinct viewers.
* **skus_sold**, **top-20% share** (item GMV of the top ceil(0.2 x skus_sold) items / all item GMV), the
  **Pareto curve** and **ABC classes** (A: the top items up to 80% of item GMV, B up to 95%, C the rest; an item
  is A while the cumulative share before it is below 80%).
* **Sell-through** (动销率) = sold items / items on sale, both among the items of ``items``: an item is on sale
  when it sold in the period, or when its ``launch_ts`` is before the period's end (or missing), its status is not
  ``retired`` and it had ``on_hand`` > 0 on some inventory date in the period (without an ``inventory`` table:
  launched and not retired).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from ..data import Shop, require_columns
from ..orders import gross_orders, is_refunded
from ..periods import Period

__all__ = [
    "REPURCHASE_DAYS",
    "period_lines",
    "item_costs",
    "sku_ranking",
    "Concentration",
    "concentration",
    "SellThrough",
    "sell_through",
]

REPURCHASE_DAYS = 90


def item_costs(shop: Shop) -> ir.Table | None:
    """``items`` as (item_id, unit_cost) when the catalogue has a cost column, else None."""
    if not shop.has("items") or "cost" not in shop.items.columns:
        return None
    it = require_columns(shop.items, "items", ["item_id", "cost"])
    return it.select("item_id", unit_cost=it.cost.cast("float64"))


def _all_lines(shop: Shop) -> ir.Table:
    """Every line of a counted order: order_id, user_id, ts, item_id, quantity, gmv, refunded."""
    o = require_columns(shop.orders, "orders", ["order_id", "user_id", "ts"])
    oi = require_columns(shop.order_items, "order_items", ["order_id", "item_id", "quantity", "price"])
    g = gross_orders(o)
    g = g.select("order_id", "user_id", "ts", refunded=is_refunded(g) if "status" in g.columns else False)
    j = oi.select("order_id", "item_id", "quantity", "price").join(g, "order_id")
    return j.mutate(gmv=(j.quantity * j.price).cast("float64"))


def period_lines(shop: Shop, *, period: Period | str, start=None, end=None) -> ir.Table:
    """The counted order lines placed in the period (``start``/``end`` override it), with ``cost`` when known."""
    p = Period.parse(period) if period is not None else None
    lo, hi = (start or p.start), (end or p.end)
    j = _all_lines(shop)
    j = j.filter((j.ts >= lo) & (j.ts < hi))
    costs = item_costs(shop)
    if costs is not None:
        j = j.left_join(costs, "item_id").drop("item_id_right")
        j = j.mutate(cost=j.quantity * j.unit_cost)
    return j


def sku_ranking(shop: Shop, *, period: Period | str) -> pd.DataFrame:
    """One row per item sold in the period, best first by item GMV: gmv, units, orders, buyers, cost, margin,
    refund_share, repurchase_rate, rank, cum_share, abc (orders and buyers: lines with GMV > 0); views, viewers and view_conversion with events.item_id."""
    p = Period.parse(period)
    j = period_lines(shop, period=p)
    has_cost = "cost" in j.columns
    aggs = dict(
        gmv=j.gmv.sum(),
        units=j.quantity.sum(),
        orders=j.order_id.nunique(where=j.gmv > 0),
        buyers=j.user_id.nunique(where=j.gmv > 0),
        refunded_gmv=j.gmv.sum(where=j.refunded),
    )
    if has_cost:
        aggs["cost"] = j.cost.sum()
        aggs["lines_without_cost"] = j.unit_cost.isnull().cast("int64").sum()
    t = j.group_by("item_id").aggregate(**aggs).filter(ibis._.gmv > 0)
    df = t.to_pandas()
    rep = _repurchase(shop, p)
    df = df.merge(rep, on="item_id", how="left")
    df["repeat_buyers"] = df["repeat_buyers"].fillna(0).astype("int64")
    df["repurchase_rate"] = df["repeat_buyers"] / df["buyers"]
    df["refund_share"] = df.pop("refunded_gmv").fillna(0.0) / df["gmv"]
    if has_cost:
        df.loc[df.pop("lines_without_cost") > 0, "cost"] = float("nan")
        df["margin"] = df["gmv"] - df["cost"]
        df["margin_rate"] = df["margin"] / df["gmv"]
    views = item_views(shop, p)
    if views is not None:
        df = df.merge(views, on="item_id", how="left")
        for c in ("views", "viewers", "viewer_buyers"):
            df[c] = df[c].fillna(0).astype("int64")
        df["view_conversion"] = df["viewer_buyers"] / df["viewers"].where(df["viewers"] > 0)
    df = df.sort_values(["gmv", "item_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    total = df["gmv"].sum()
    df["share"] = df["gmv"] / total if total else 0.0
    df["cum_share"] = df["share"].cumsum()
    before = df["cum_share"] - df["share"]
    df["abc"] = ["A" if b < 0.8 else "B" if b < 0.95 else "C" for b in before]
    return df


def _repurchase(shop: Shop, p: Period) -> pd.DataFrame:
    """Per item: buyers in the period with another counted order of it within 90 days of their first one."""
    allj = _all_lines(shop)
    inp = allj.filter((allj.ts >= p.start) & (allj.ts < p.end) & (allj.gmv > 0))
    first = inp.group_by(["user_id", "item_id"]).aggregate(first_ts=inp.ts.min())
    later = allj.filter(allj.gmv > 0).select("user_id", "item_id", later_ts=allj.ts)
    k = first.join(later, ["user_id", "item_id"])
    k = k.filter((k.later_ts > k.first_ts) & (k.later_ts <= k.first_ts + ibis.interval(days=REPURCHASE_DAYS)))
    rep = (
        k.select("user_id", "item_id").distinct().group_by("item_id").aggregate(repeat_buyers=ibis._.count())
    )
    return rep.to_pandas()


def item_views(shop: Shop, p: Period) -> pd.DataFrame | None:
    """Per item: product views, distinct viewers and viewers who bought it in the period; None without
    ``events.item_id``."""
    if not shop.has("events") or "item_id" not in shop.events.columns:
        return None
    ev = require_columns(shop.events, "events", ["user_id", "ts", "event", "item_id"])
    v = ev.filter((ev.event == "product_view") & ev.item_id.notnull() & (ev.ts >= p.start) & (ev.ts < p.end))
    per = v.group_by("item_id").aggregate(views=v.count(), viewers=v.user_id.nunique())
    j = period_lines(shop, period=p)
    buyers = j.filter(j.gmv > 0).select("user_id", "item_id").distinct()
    vb = v.select("user_id", "item_id").distinct().join(buyers, ["user_id", "item_id"])
    vb = vb.group_by("item_id").aggregate(viewer_buyers=ibis._.count())
    out = per.left_join(vb, "item_id").drop("item_id_right")
    return out.to_pandas()


@dataclass(frozen=True)
class Concentration:
    """How concentrated item GMV is."""

    skus_sold: int
    gmv: float
    top_n: int  #: ceil(0.2 x skus_sold)
    top20_share: float | None  #: item GMV of the top ``top_n`` items / all item GMV
    abc_items: dict  #: class -> items
    abc_share: dict  #: class -> share of item GMV
    pareto: pd.DataFrame  #: item_share (top k items / skus_sold) and gmv_share, from (0, 0)


def concentration(ranking: pd.DataFrame) -> Concentration:
    """Concentration of a :func:`sku_ranking` table: the top-20% share, ABC classes and the Pareto curve."""
    n = len(ranking)
    total = float(ranking["gmv"].sum()) if n else 0.0
    top_n = math.ceil(0.2 * n)
    top = float(ranking["gmv"].iloc[:top_n].sum()) / total if total else None
    counts = ranking["abc"].value_counts() if n else pd.Series(dtype="int64")
    shares = ranking.groupby("abc")["gmv"].sum() / total if total else pd.Series(dtype=float)
    pareto = pd.DataFrame(
        {
            "item_share": [0.0] + [(k + 1) / n for k in range(n)],
            "gmv_share": [0.0] + list(ranking["cum_share"]),
        }
    )
    return Concentration(
        skus_sold=n,
        gmv=total,
        top_n=top_n,
        top20_share=top,
        abc_items={c: int(counts.get(c, 0)) for c in "ABC"},
        abc_share={c: float(shares.get(c, 0.0)) for c in "ABC"},
        pareto=pareto,
    )


@dataclass(frozen=True)
class SellThrough:
    """Sell-through (动销率) among the items of ``items``."""

    sold: int  #: items of ``items`` sold in the period
    on_sale: int  #: items of ``items`` on sale in the period
    rate: float | None
    with_inventory: bool  #: whether on-sale items needed stock (an ``inventory`` table)


def on_sale_items(shop: Shop, *, period: Period | str) -> pd.DataFrame | None:
    """The items of ``items`` with ``sold`` and ``on_sale`` flags for the period; None without ``items``."""
    if not shop.has("items"):
        return None
    p = Period.parse(period)
    it = require_columns(shop.items, "items", ["item_id"])
    cond = ibis.literal(True)
    if "launch_ts" in it.columns:
        cond = cond & (it.launch_ts.isnull() | (it.launch_ts < p.end))
    if "status" in it.columns:
        cond = cond & (it.status.isnull() | (it.status != "retired"))
    t = it.select("item_id", available=cond)
    j = period_lines(shop, period=p)
    sold = (
        j.group_by("item_id").aggregate(gmv=j.gmv.sum()).filter(ibis._.gmv > 0).select("item_id", sold=True)
    )
    t = t.left_join(sold, "item_id").drop("item_id_right")
    with_inv = shop.has("inventory")
    if with_inv:
        inv = require_columns(shop.inventory, "inventory", ["date", "item_id", "on_hand"])
        d = inv.date.cast("date")
        stocked = inv.filter((d >= p.start.date()) & (d < p.end.date()) & (inv.on_hand > 0))
        stocked = stocked.select("item_id").distinct().mutate(stocked=True)
        t = t.left_join(stocked, "item_id").drop("item_id_right")
        avail = t.available & t.stocked.fill_null(False)
    else:
        avail = t.available
    t = t.mutate(sold=t.sold.fill_null(False), on_sale=t.sold.fill_null(False) | avail)
    return t.select("item_id", "sold", "on_sale").to_pandas()


def sell_through(shop: Shop, *, period: Period | str) -> SellThrough | None:
    """Sold items / items on sale in the period, both among the items of ``items`` (None without ``items``)."""
    t = on_sale_items(shop, period=period)
    if t is None:
        return None
    sold, on_sale = int(t["sold"].sum()), int(t["on_sale"].sum())
    return SellThrough(sold, on_sale, sold / on_sale if on_sale else None, shop.has("inventory"))
