"""What service is worth: how the review score and 90-day repurchase differ with delivery days and the
first-response time (a regression with robust intervals; an association in the data, not a cause).

Per order (built in the engine, only the regressors come back):

* ``delivery_days``: days from the order (``orders.ts``) to its delivery (``shipments.delivered_ts``); orders
  without a delivered shipment are left out.
* ``first_response_min``: minutes to the first response of the order's first answered service session (by
  ``start_ts``; sessions with its ``order_id``), 0 without one; ``has_session``: 1 when it has one.
* **review score**: the mean of the order's DSR aspect scores when it has them, else its overall rating
  (orders with a review; ``feedback.order_id`` needed).
* **repurchase_90d**: 1 when the same user places another paid or refunded order within 90 days after it.

The review regression uses reviewed orders placed in the ``months`` months up to the period's end; the
repurchase one the orders placed in the ``months`` months ending 90 days before the period's end (so each has
its 90 days), both by OLS with HC1 standard errors (:func:`shoplab.stats.ols_robust`).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

import ibis
import numpy as np
import pandas as pd

from .. import stats
from ..data import Shop
from ..orders import gross_orders
from ..periods import Period
from ._common import seconds_between

__all__ = ["Worth", "service_worth", "order_frame", "REPURCHASE_DAYS", "TERMS"]

REPURCHASE_DAYS = 90
TERMS = ("intercept", "delivery_days", "first_response_min", "has_session")


@dataclass(frozen=True)
class Worth:
    """The two regressions: ``review`` and ``repurchase`` map a term of :data:`TERMS` to its
    :class:`~shoplab.stats.Result` (empty when the data do not allow it), with their row counts."""

    review: dict
    review_n: int
    repurchase: dict
    repurchase_n: int
    repurchase_rate: float  #: mean of repurchase_90d over the repurchase regression's orders
    mean_review_score: float


def order_frame(shop: Shop, *, start: _dt.datetime, end: _dt.datetime, review: bool):
    """The per-order regressors (and outcome) as an Ibis table, orders placed in ``[start, end)``."""
    o = gross_orders(shop.orders)
    o = o.filter((o.ts >= ibis.literal(start)) & (o.ts < ibis.literal(end))).select(
        "order_id", "user_id", "ts"
    )
    s = shop.shipments.filter(shop.shipments.delivered_ts.notnull())
    s = s.group_by("order_id").aggregate(delivered_ts=s.delivered_ts.max())
    x = o.inner_join(s, "order_id")
    x = x.mutate(delivery_days=seconds_between(x.ts, x.delivered_ts) / 86_400)
    if shop.has("service_sessions") and "first_response_ts" in shop.service_sessions.columns:
        ss = shop.service_sessions
        ss = (
            ss.filter(ss.order_id.notnull() & ss.first_response_ts.notnull())
            if "order_id" in ss.columns
            else None
        )
    else:
        ss = None
    if ss is not None:
        ss = ss.mutate(frt=seconds_between(ss.start_ts, ss.first_response_ts) / 60)
        first = ss.group_by("order_id").aggregate(frt_min=ss.frt.argmin(ss.start_ts))
        x = x.left_join(first, "order_id").drop("order_id_right")
        x = x.mutate(
            first_response_min=x.frt_min.fill_null(0.0), has_session=x.frt_min.notnull().cast("int64")
        )
    else:
        x = x.mutate(first_response_min=ibis.literal(0.0), has_session=ibis.literal(0))
    if review:
        f = shop.feedback
        f = f.filter((f.kind == "review") & f.order_id.notnull())
        asp = f.aspect if "aspect" in f.columns else ibis.null("string")
        f = f.mutate(is_dsr=asp.notnull())
        g = f.group_by("order_id").aggregate(
            dsr=f.score.mean(where=f.is_dsr), overall=f.score.mean(where=~f.is_dsr)
        )
        x = x.inner_join(g, "order_id")
        x = x.mutate(y=x.dsr.fill_null(x.overall)).filter(lambda t: t.y.notnull())
    else:
        # the user's next strictly later order time: lead over the user's distinct order times (a window, not
        # a range join), joined back on (user, time)
        times = gross_orders(shop.orders).select("user_id", "ts").distinct()
        w = ibis.window(group_by="user_id", order_by="ts")
        times = times.mutate(next_ts=times.ts.lead().over(w))
        x = x.left_join(times, ["user_id", "ts"]).drop("user_id_right", "ts_right")
        soon = x.next_ts.notnull() & (x.next_ts <= x.ts + ibis.interval(days=REPURCHASE_DAYS))
        x = x.mutate(y=soon.cast("int64"))
    return x.select("order_id", "y", "delivery_days", "first_response_min", "has_session").order_by(
        "order_id"
    )


def _fit(df: pd.DataFrame) -> dict:
    df = df.dropna()
    cols = ["delivery_days", "first_response_min", "has_session"]
    use = [c for c in cols if df[c].nunique() > 1]
    if len(df) < 30 or "delivery_days" not in use:
        return {}
    xm = np.column_stack([np.ones(len(df))] + [df[c].to_numpy(float) for c in use])
    return stats.ols_robust(df.y.to_numpy(float), xm, ["intercept", *use])


def service_worth(shop: Shop, *, period: Period | str, months: int = 6) -> Worth:
    """The review-score and 90-day-repurchase regressions on delivery days and first-response minutes."""
    p = Period.parse(period)
    if not shop.has("shipments", "orders") or "delivered_ts" not in shop.shipments.columns:
        return Worth({}, 0, {}, 0, math.nan, math.nan)
    first = p.shift(-(months - 1)).start
    rev = pd.DataFrame()
    if shop.has("feedback") and "order_id" in shop.feedback.columns:
        rev = order_frame(shop, start=first, end=p.end, review=True).execute()
    cut = p.end - _dt.timedelta(days=REPURCHASE_DAYS)
    rep = order_frame(shop, start=cut - (p.end - first), end=cut, review=False).execute()
    return Worth(
        review=_fit(rev) if len(rev) else {},
        review_n=len(rev),
        repurchase=_fit(rep),
        repurchase_n=len(rep),
        repurchase_rate=float(rep.y.mean()) if len(rep) else math.nan,
        mean_review_score=float(rev.y.mean()) if len(rev) else math.nan,
    )
