"""Delivery (物流) from ``shipments`` joined to ``orders``, computed in the engine.

A shipment belongs to the period by its ``shipped_ts``; only shipments whose order exists in ``orders`` count.

* **Shipped within 48 h** (48小时发货率): share with ``shipped_ts <= orders.ts + ship_target_h`` hours.
* **Delivery days** (物流时效): ``(delivered_ts - shipped_ts)`` in seconds / 86,400, over shipments with a
  ``delivered_ts``; median and p90 linear-interpolated. **Late**: delivery days > ``delivery_target_days``, over
  delivered shipments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ibis
import pandas as pd

from ..data import Shop, require_columns
from ..periods import Period
from ._common import in_period, seconds_between

__all__ = ["Delivery", "delivery", "delivery_by", "shipments_with_orders"]


@dataclass(frozen=True)
class Delivery:
    shipments: int  #: the period's shipments whose order exists
    ship_within_target_rate: float
    ship_target_h: float
    ship_hours_median: float
    delivered: int
    delivery_days_median: float
    delivery_days_p90: float
    late_share: float  #: delivered later than ``delivery_target_days`` / delivered
    delivery_target_days: float
    unmatched: int  #: the period's shipments whose order is not in orders (left out)
    #: mean over delivered shipments of the days beyond ``delivery_target_days`` (0 for those on time)
    excess_days_mean: float = math.nan


def shipments_with_orders(shop: Shop, *, period: Period | str | None = None):
    """Shipments joined to their order (``order_ts``, ``user_id``) with ``ship_h`` and ``delivery_days``."""
    s = require_columns(shop.shipments, "shipments", ["order_id", "shipped_ts"])
    o = require_columns(shop.orders, "orders", ["order_id", "user_id", "ts"])
    if period is not None:
        s = s.filter(in_period(s.shipped_ts, period))
    o = o.select("order_id", "user_id", order_ts=o.ts)
    j = s.inner_join(o, "order_id")
    has = "delivered_ts" in j.columns
    deliv = seconds_between(j.shipped_ts, j.delivered_ts) / 86_400 if has else ibis.null("float64")
    return j.mutate(ship_h=seconds_between(j.order_ts, j.shipped_ts) / 3600, delivery_days=deliv)


def delivery(
    shop: Shop, *, period: Period | str, ship_target_h: float = 48.0, delivery_target_days: float = 3.0
) -> Delivery:
    """The period's shipping and delivery numbers (see the module docstring)."""
    j = shipments_with_orders(shop, period=period)
    r = (
        j.aggregate(
            n=j.count(),
            within=(j.ship_h <= ship_target_h).cast("int64").sum(),
            ship_med=j.ship_h.quantile(0.5),
            dn=j.delivery_days.count(),
            dmed=j.delivery_days.quantile(0.5),
            d90=j.delivery_days.quantile(0.9),
            late=(j.delivery_days > delivery_target_days).cast("int64").sum(),
            # GREATEST skips nulls: keep undelivered shipments null, out of the mean
            excess=ibis.ifelse(
                j.delivery_days.isnull(),
                ibis.null("float64"),
                ibis.greatest(j.delivery_days - delivery_target_days, 0),
            ).mean(),
        )
        .execute()
        .iloc[0]
    )
    s = shop.shipments
    all_n = int(s.filter(in_period(s.shipped_ts, period)).count().execute())
    n, dn = int(r.n), int(r.dn)

    def f(v):
        return math.nan if v is None or pd.isna(v) else float(v)

    return Delivery(
        shipments=n,
        ship_within_target_rate=int(r.within) / n if n else math.nan,
        ship_target_h=float(ship_target_h),
        ship_hours_median=f(r.ship_med),
        delivered=dn,
        delivery_days_median=f(r.dmed),
        delivery_days_p90=f(r.d90),
        late_share=int(r.late or 0) / dn if dn else math.nan,
        delivery_target_days=float(delivery_target_days),
        unmatched=all_n - n,
        excess_days_mean=f(r.excess),
    )


def delivery_by(
    shop: Shop,
    *,
    period: Period | str,
    by: str = "carrier",
    ship_target_h: float = 48.0,
    delivery_target_days: float = 3.0,
    min_shipments: int = 30,
) -> pd.DataFrame:
    """The period's delivery numbers per ``by`` (``carrier`` or ``province``): shipments, share shipped within
    target, delivered, delivery-days median, mean and p90, late share; slowest median first; ``small`` marks
    groups with fewer than ``min_shipments`` deliveries. Empty when the column is absent."""
    j = shipments_with_orders(shop, period=period)
    if by not in j.columns:
        return pd.DataFrame()
    j = j.mutate(**{by: j[by].fill_null("-")})
    df = (
        j.group_by(by)
        .aggregate(
            shipments=j.count(),
            ship_within=(j.ship_h <= ship_target_h).cast("int64").sum() / j.count(),
            delivered=j.delivery_days.count(),
            days_median=j.delivery_days.quantile(0.5),
            days_mean=j.delivery_days.mean(),
            days_p90=j.delivery_days.quantile(0.9),
            late=(j.delivery_days > delivery_target_days).cast("int64").sum()
            / j.delivery_days.count().nullif(0),
        )
        .execute()
    )
    df["small"] = df.delivered < min_shipments
    return df.sort_values(["days_median", by], ascending=[False, True]).set_index(by)
