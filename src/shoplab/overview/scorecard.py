"""The scorecard beside the sales KPIs: 12-month retention, churn, NPS, gross margin and marketing ROI, each
computed by the report that owns it (membership, campaigns) and only picked here. Numbers only; words in
:mod:`.text`.

Definitions (the report states them too):

* **12-month retention** (12 个月留存率): of the buyers whose first order fell in the month a year before the
  period, the share who ordered in the period (:func:`shoplab.membership.activity.cohort_retention`, basis
  first order, activity order, month 12). Needs orders covering that cohort month in full.
* **Churn** (流失率): of the buyers not churned at the end of the previous month, the share churned at the
  end of the period (no order for more than 180 days; membership's lifecycle stages,
  :func:`shoplab.membership.activity.lifecycle_flows`).
* **NPS** (净推荐值): promoters (9-10) minus detractors (0-6) among the period's NPS answers, x 100, with its
  95% interval (:func:`shoplab.membership.satisfaction.nps`, :func:`shoplab.stats.nps_interval`). Needs
  ``feedback``.
* **Gross margin** (毛利率): (amount - cost of goods) / amount over the period's paid orders, the cost from
  ``items.cost`` x ``order_items.quantity`` (campaigns' :func:`shoplab.campaigns.compute.channel_report`;
  lines without a cost count as 0). Needs ``order_items``, ``items.cost`` and ``orders.channel``.
* **Marketing ROI** (营销投资回报率): (gross margin - marketing spend) / spend over the period, summed over
  channels (the same channel table). Needs those and ``marketing_spend``.

A number whose tables are missing is absent (NaN) with the reason in ``missing`` (the report shows a note).
"""

from __future__ import annotations

import math

import pandas as pd

from .. import stats
from ..data import Shop
from ..periods import Period

__all__ = ["SCORECARD", "scorecard"]

#: scorecard code -> unit
SCORECARD: dict[str, str] = {
    "retention_12m": "rate",
    "churn_rate": "rate",
    "nps": "score",
    "gross_margin": "rate",
    "marketing_roi": "rate",
}


def _row(code, value=math.nan, *, low=math.nan, high=math.nan, n=math.nan, missing=None):
    return dict(code=code, unit=SCORECARD[code], value=value, ci_low=low, ci_high=high, n=n, missing=missing)


def _retention(shop: Shop, p: Period) -> dict:
    from ..membership.activity import cohort_retention

    cohort = p.shift(-12)
    first_ts, _ = shop.period_bounds("orders")
    if pd.Timestamp(first_ts) >= pd.Timestamp(cohort.start) + pd.Timedelta(days=1):
        return _row("retention_12m", missing=f"orders do not cover {cohort.label}")
    r = cohort_retention(shop.orders, basis="first_order", start=cohort.start, end=p.end, max_months=12)
    r = r[(r.cohort == cohort.label) & (r.months_since == 12)]
    if r.empty:
        return _row("retention_12m", missing=f"no first-time buyers in {cohort.label}")
    x = r.iloc[0]
    return _row("retention_12m", float(x.retention), n=int(x.cohort_size))


def _churn(shop: Shop, p: Period) -> dict:
    from ..membership.activity import lifecycle_flows, lifecycle_table

    stages = lifecycle_table(shop.orders, periods=[p.previous(), p])
    if stages is None:
        return _row("churn_rate", missing="no orders")
    try:
        f = lifecycle_flows(stages, period=p)
    except ValueError:
        return _row("churn_rate", missing=f"no buyers before {p.label}")
    base = f.drop(index=[i for i in ("none", "churned") if i in f.index])
    n = float(base.to_numpy().sum())
    if not n:
        return _row("churn_rate", missing=f"no buyers before {p.label}")
    churned = float(base["churned"].sum()) if "churned" in base.columns else 0.0
    return _row("churn_rate", churned / n, n=int(n))


def _nps(shop: Shop, p: Period) -> dict:
    from ..membership.satisfaction import nps

    if not shop.has("feedback"):
        return _row("nps", missing="no feedback table")
    s = nps(shop.feedback, start=p.start, end=p.end)
    if not s["nps_answers"]:
        return _row("nps", missing=f"no NPS answers in {p.label}")
    ci = stats.nps_interval(s["promoters"], s["detractors"], s["nps_answers"])
    return _row("nps", float(s["nps"]), low=float(ci.ci_low), high=float(ci.ci_high), n=int(s["nps_answers"]))


def _money(shop: Shop, p: Period) -> list[dict]:
    from ..campaigns.compute import channel_report

    need = []
    if not (shop.has("order_items", "items") and "cost" in shop.items.columns):
        need.append("order_items and items.cost")
    if "channel" not in shop.orders.columns:
        need.append("orders.channel")
    if need:
        roi_need = need + ([] if shop.has("marketing_spend") else ["a marketing_spend table"])
        return [
            _row("gross_margin", missing="needs " + ", ".join(need)),
            _row("marketing_roi", missing="needs " + ", ".join(roi_need)),
        ]
    ch = channel_report(shop, period=p)
    gmv, margin = float(ch.gmv.sum()), float(ch.margin.fillna(0).sum())
    gm = _row("gross_margin", margin / gmv if gmv else math.nan, n=int(ch.orders.sum()))
    if not gmv:
        gm["missing"] = f"no paid orders in {p.label}"
    if not shop.has("marketing_spend"):
        return [gm, _row("marketing_roi", missing="no marketing_spend table")]
    # ROI over the channels the shop paid for: the margin of orders in channels without spend (direct, organic)
    # is not a return on marketing, so it is left out
    paid = ch[ch.spend.fillna(0) > 0]
    spend = float(paid.spend.sum())
    if not spend:
        return [gm, _row("marketing_roi", missing=f"no marketing spend in {p.label}")]
    paid_margin = float(paid.margin.fillna(0).sum())
    return [gm, _row("marketing_roi", (paid_margin - spend) / spend, n=int(paid.orders.sum()))]


def scorecard(shop: Shop, *, period: Period | str) -> pd.DataFrame:
    """The scorecard of ``period``: one row per code of :data:`SCORECARD` (index ``code``) with ``unit``,
    ``value``, ``ci_low``/``ci_high`` (NPS), ``n`` (the count behind it: cohort size, buyers at risk of churning,
    NPS answers, paid orders) and ``missing`` (why the value is absent, else None). Definitions: module
    docstring."""
    p = Period.parse(period)
    rows = [_retention(shop, p), _churn(shop, p), _nps(shop, p), *_money(shop, p)]
    out = pd.DataFrame(rows).set_index("code")
    out["missing"] = out["missing"].astype(object).where(out["missing"].notna(), None)
    return out
