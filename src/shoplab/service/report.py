"""The service report's computation in one call: :func:`compute_report` returns every number the notebook
shows, as one :class:`ServiceResults`. A section whose table is absent is ``None`` (the notebook shows a note)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Shop
from ..periods import Period
from . import aftersales, delivery, reviews, sessions, worth

__all__ = ["ServiceResults", "compute_report", "has_reviews", "fix_first", "MIN_GROUP"]

#: groups (agents, hours, carriers, provinces) with fewer rows are not picked as the one to fix first
MIN_GROUP = 30


@dataclass(frozen=True)
class ServiceResults:
    """Everything the service report shows for one month (``None``: the section's table is absent)."""

    period: str
    targets: dict  #: the targets the numbers are held against (first_response_s, ship_h, delivery_days, ...)
    service: sessions.CustomerService | None
    service_previous: sessions.CustomerService | None
    by_hour: pd.DataFrame | None
    by_day: pd.DataFrame | None
    promotion: dict | None  #: :func:`.sessions.promotion_effect`
    agents: pd.DataFrame | None
    topics: pd.DataFrame | None
    reviews: reviews.ReviewSummary | None
    reviews_previous: reviews.ReviewSummary | None
    dsr_trend: pd.DataFrame | None
    causes: pd.DataFrame | None
    examples: pd.DataFrame | None
    delivery: delivery.Delivery | None
    delivery_previous: delivery.Delivery | None
    by_carrier: pd.DataFrame | None
    by_province: pd.DataFrame | None
    after_sales: aftersales.AfterSales | None
    after_sales_previous: aftersales.AfterSales | None
    returns_by_reason: pd.DataFrame | None
    returns_by_category: pd.DataFrame | None
    returns_by_item: pd.DataFrame | None
    worth: worth.Worth | None

    @property
    def late_cost(self) -> dict | None:
        """What late delivery likely costs in review score: the review regression's per-day coefficient (and its
        interval) times the mean days beyond the delivery target (an association; None without both)."""
        d, w = self.delivery, self.worth
        if d is None or w is None or not w.review or "delivery_days" not in w.review:
            return None
        c, x = w.review["delivery_days"], d.excess_days_mean
        if x != x:
            return None
        return dict(excess_days=x, score=c.estimate * x, ci_low=c.ci_low * x, ci_high=c.ci_high * x)

    @property
    def fix_first(self) -> dict:
        """:func:`fix_first` of these results."""
        return fix_first(self)


def has_reviews(shop: Shop) -> bool:
    """The shop has a feedback table with review rows."""
    if not shop.has("feedback") or "kind" not in shop.feedback.columns:
        return False
    f = shop.feedback
    return bool(f.filter(f.kind == "review").limit(1).count().execute())


def compute_report(
    shop: Shop,
    *,
    period: Period | str,
    first_response_target_s: float = 30.0,
    ship_target_h: float = 48.0,
    delivery_target_days: float = 3.0,
    after_sales_target_h: float = 48.0,
    worth_months: int = 6,
    top_n: int = 10,
) -> ServiceResults:
    """The service report's numbers for ``period``; each section runs when its table exists.

    Parameters
    ----------
    first_response_target_s
        Seconds within which a session should get its first response.
    ship_target_h, delivery_target_days
        Order-to-shipment hours and shipment-to-delivery days held as targets.
    after_sales_target_h
        Hours within which an after-sales request should be answered and resolved.
    worth_months
        Months of orders in the regressions of :func:`.worth.service_worth`.
    top_n
        Rows of the returned-items table.
    """
    p = Period.parse(period)
    prev = p.previous()
    t = first_response_target_s
    has_s = shop.has("service_sessions")
    has_r = has_reviews(shop)
    has_d = shop.has("shipments", "orders")
    has_a = shop.has("returns", "orders")
    return ServiceResults(
        period=p.label,
        targets=dict(
            first_response_s=t,
            ship_h=ship_target_h,
            delivery_days=delivery_target_days,
            after_sales_h=after_sales_target_h,
        ),  # fmt: skip
        service=sessions.customer_service(shop, period=p, target_s=t) if has_s else None,
        service_previous=sessions.customer_service(shop, period=prev, target_s=t) if has_s else None,
        by_hour=sessions.response_by_hour(shop, period=p, target_s=t) if has_s else None,
        by_day=sessions.response_by_day(shop, period=p, target_s=t) if has_s else None,
        promotion=sessions.promotion_effect(shop, period=p) if has_s else None,
        agents=sessions.agents(shop, period=p, target_s=t) if has_s else None,
        topics=sessions.topics(shop, period=p) if has_s else None,
        reviews=reviews.review_summary(shop, period=p) if has_r else None,
        reviews_previous=reviews.review_summary(shop, period=prev) if has_r else None,
        dsr_trend=reviews.dsr_trend(shop, period=p) if has_r else None,
        causes=reviews.bad_review_causes(shop, period=p) if has_r else None,
        examples=reviews.bad_review_examples(shop, period=p) if has_r else None,
        delivery=delivery.delivery(
            shop, period=p, ship_target_h=ship_target_h, delivery_target_days=delivery_target_days
        )
        if has_d
        else None,  # fmt: skip
        delivery_previous=delivery.delivery(
            shop, period=prev, ship_target_h=ship_target_h, delivery_target_days=delivery_target_days
        )
        if has_d
        else None,  # fmt: skip
        by_carrier=delivery.delivery_by(
            shop,
            period=p,
            by="carrier",
            ship_target_h=ship_target_h,
            delivery_target_days=delivery_target_days,
        )
        if has_d
        else None,  # fmt: skip
        by_province=delivery.delivery_by(
            shop,
            period=p,
            by="province",
            ship_target_h=ship_target_h,
            delivery_target_days=delivery_target_days,
        )
        if has_d
        else None,  # fmt: skip
        after_sales=aftersales.after_sales(shop, period=p, target_h=after_sales_target_h) if has_a else None,
        after_sales_previous=aftersales.after_sales(shop, period=prev, target_h=after_sales_target_h)
        if has_a
        else None,
        returns_by_reason=aftersales.returns_by(shop, period=p, by="reason") if has_a else None,
        returns_by_category=aftersales.return_rate_by_category(shop, period=p) if has_a else None,
        returns_by_item=aftersales.returns_by(shop, period=p, by="item_id", top_n=top_n) if has_a else None,
        worth=worth.service_worth(shop, period=p, months=worth_months) if has_d else None,
    )


def _top(df: pd.DataFrame | None, col: str, count: str) -> tuple | None:
    if df is None or df.empty or col not in df.columns:
        return None
    d = df[(df[count] >= MIN_GROUP) & df[col].notna()]
    if d.empty:
        return None
    i = d[col].idxmax()
    return i, float(d.loc[i, col])


def fix_first(r: ServiceResults) -> dict:
    """What to fix first: the slowest agent (geometric-mean first response), hour (median first response), carrier
    and province (median delivery days), each among groups with at least :data:`MIN_GROUP` rows; ``None`` where
    the section is absent or no group is large enough. Values are (name, number)."""
    agent = None
    if r.agents is not None and len(r.agents):
        a = r.agents.set_index("agent")
        agent = _top(a, "geo_mean_s", "answered")
    return dict(
        agent=agent,
        hour=_top(r.by_hour, "median_s", "sessions"),
        carrier=_top(r.by_carrier, "days_median", "delivered"),
        province=_top(r.by_province, "days_median", "delivered"),
    )
