"""After-sales (售后) from ``returns``, computed in the engine.

A return belongs to the period by its ``requested_ts``.

* **Return rate** (退货率): the period's return rows / the paid or refunded orders placed in the period (a
  missing order status is paid). By category and item: the period's returns of that category (the returned
  item's ``items.category``, else the order's first line's category) / the period's sold orders with a line of
  that category.
* **Response and resolution**: hours from ``requested_ts`` to ``responded_ts`` and to ``resolved_ts``, against a
  target (48 h); the share within target is over the requests that have that time (a request still open is
  left out, so at the data's end the share can look better than it will be).
* **Refund amount**: the sum of ``amount`` over the period's approved returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
import pandas as pd

from ..data import Shop, require_columns
from ..orders import gross_orders
from ..periods import Period
from ._common import in_period, seconds_between

__all__ = ["AfterSales", "after_sales", "returns_by", "return_rate_by_category"]


@dataclass(frozen=True)
class AfterSales:
    returns: int
    sold_orders: int  #: paid or refunded orders placed in the period
    return_rate: float
    response_h_median: float
    responded_within_target: float  #: responded within target_h / responded
    resolution_h_median: float
    resolved_within_target: float  #: resolved within target_h / resolved
    target_h: float
    refund_amount: float  #: sum of amount over approved returns (NaN without the column)
    pending: int  #: returns with status pending


def _returns(shop: Shop, period):
    r = require_columns(shop.returns, "returns", ["return_id", "order_id", "requested_ts"])
    r = r.filter(in_period(r.requested_ts, period))
    resp = seconds_between(r.requested_ts, r.responded_ts) / 3600 if "responded_ts" in r.columns else None
    reso = seconds_between(r.requested_ts, r.resolved_ts) / 3600 if "resolved_ts" in r.columns else None
    return r.mutate(
        resp_h=resp if resp is not None else ibis.null("float64"),
        reso_h=reso if reso is not None else ibis.null("float64"),
    )


def after_sales(shop: Shop, *, period: Period | str, target_h: float = 48.0) -> AfterSales:
    """The period's returns, return rate, response and resolution hours against ``target_h``, refund amount."""
    r = _returns(shop, period)
    o = gross_orders(require_columns(shop.orders, "orders", ["order_id", "user_id", "ts"]))
    sold = int(o.filter(in_period(o.ts, period)).count().execute())
    aggs = dict(
        n=r.count(),
        resp_med=r.resp_h.quantile(0.5),
        resp_n=r.resp_h.count(),
        resp_in=(r.resp_h <= target_h).cast("int64").sum(),
        reso_med=r.reso_h.quantile(0.5),
        reso_n=r.reso_h.count(),
        reso_in=(r.reso_h <= target_h).cast("int64").sum(),
    )
    if "amount" in r.columns:
        approved = r.status == "approved" if "status" in r.columns else ibis.literal(True)
        aggs["refund"] = r.amount.sum(where=approved)
    if "status" in r.columns:
        aggs["pending"] = (r.status == "pending").cast("int64").sum()
    x = r.aggregate(**aggs).execute().iloc[0]

    def f(k, default=math.nan):
        v = x.get(k, default)
        return default if v is None or pd.isna(v) else float(v)

    n = int(x.n)
    return AfterSales(
        returns=n,
        sold_orders=sold,
        return_rate=n / sold if sold else math.nan,
        response_h_median=f("resp_med"),
        responded_within_target=f("resp_in", 0) / f("resp_n") if f("resp_n", 0) else math.nan,
        resolution_h_median=f("reso_med"),
        resolved_within_target=f("reso_in", 0) / f("reso_n") if f("reso_n", 0) else math.nan,
        target_h=float(target_h),
        refund_amount=f("refund", 0.0) if "amount" in r.columns else math.nan,
        pending=int(f("pending", 0)),
    )


def returns_by(shop: Shop, *, period: Period | str, by: str = "reason", top_n: int = 20) -> pd.DataFrame:
    """The period's returns per ``by`` (``reason``, ``type``, ``status`` or ``item_id``): returns, share of all
    returns, refund amount; most first, at most ``top_n`` rows. Empty when the column is absent."""
    r = _returns(shop, period)
    if by not in r.columns:
        return pd.DataFrame()
    r = r.mutate(**{by: r[by].cast("string").fill_null("-")})
    aggs = dict(returns=r.count())
    if "amount" in r.columns:
        aggs["amount"] = r.amount.sum()
    df = r.group_by(by).aggregate(**aggs).execute()
    df["share"] = df.returns / df.returns.sum() if len(df) else []
    return df.sort_values(["returns", by], ascending=[False, True]).head(top_n).set_index(by)


def return_rate_by_category(shop: Shop, *, period: Period | str) -> pd.DataFrame:
    """Per category: the period's sold orders with a line of it, its returns and their ratio, and the returns
    by reason (columns ``reason:<reason>``, counts). Empty without ``order_items.category``."""
    if not shop.has("order_items") or "category" not in shop.order_items.columns:
        return pd.DataFrame()
    oi = shop.order_items
    o = gross_orders(shop.orders)
    o = o.filter(in_period(o.ts, period)).select("order_id")
    lines = oi.select("order_id", "item_id", "category")
    sold = (
        lines.inner_join(o, "order_id").group_by("category").aggregate(orders=lambda t: t.order_id.nunique())
    )
    r = _returns(shop, period)
    first = lines.group_by("order_id").aggregate(order_category=lines.category.min())
    rr = r.left_join(first, "order_id")
    if "item_id" in r.columns:
        cat = lines.select("item_id", "category").distinct()
        if shop.has("items") and "category" in shop.items.columns:
            cat = shop.items.select("item_id", "category")
        rr = rr.left_join(cat.rename(item_category="category"), rr.item_id == cat.item_id)
        rr = rr.mutate(category=rr.item_category.fill_null(rr.order_category))
    else:
        rr = rr.mutate(category=rr.order_category)
    reason = rr.reason.fill_null("-") if "reason" in rr.columns else ibis.literal("-")
    g = (
        rr.mutate(reason=reason)
        .group_by(["category", "reason"])
        .aggregate(returns=lambda t: t.count())
        .execute()
    )
    wide = g.pivot_table(index="category", columns="reason", values="returns", aggfunc="sum", fill_value=0)
    wide.columns = [f"reason:{c}" for c in wide.columns]
    s = sold.execute().set_index("category")
    out = s.join(wide, how="outer").fillna(0)
    out["returns"] = out[[c for c in out.columns if c.startswith("reason:")]].sum(axis=1)
    out["return_rate"] = out.returns / out.orders.where(out.orders > 0)
    cols = ["orders", "returns", "return_rate"] + [c for c in out.columns if c.startswith("reason:")]
    return out[cols].sort_values("return_rate", ascending=False)
