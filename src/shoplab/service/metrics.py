"""The metrics.json keys of the service report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from
these. Definitions: :mod:`shoplab.service` (each module's docstring) and the issue that asked for them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..metrics import Metric, record

if TYPE_CHECKING:
    from .report import ServiceResults

__all__ = ["METRICS", "record_headlines"]

_S = "shoplab.service"
METRICS: tuple[Metric, ...] = (
    Metric("service.first_response_median_s", "First response, median", "首次响应时长中位数", "s", index=True,
           source=f"{_S}.sessions.customer_service",
           note="(seconds from start_ts to first_response_ts, the month's sessions with a first response)"),
    Metric("service.first_response_p90_s", "First response, p90", "首次响应时长 P90", "s",
           source=f"{_S}.sessions.customer_service", note="(90th percentile, linear interpolation)"),
    Metric("service.resolution_rate", "Resolution rate", "问题解决率", "rate", index=True,
           source=f"{_S}.sessions.customer_service", note="(resolved sessions / sessions with a known resolved)"),
    Metric("service.bad_review_rate", "Bad-review rate", "差评率", "rate", index=True,
           source=f"{_S}.reviews.review_summary",
           note="(overall reviews with score <= 2 / overall reviews in the month)"),
    Metric("service.dsr_description", "DSR: item as described", "DSR 描述相符", "score",
           source=f"{_S}.reviews.review_summary", note="(mean over the 180 days ending at the month's end)"),
    Metric("service.dsr_service", "DSR: service", "DSR 服务态度", "score",
           source=f"{_S}.reviews.review_summary", note="(mean over the 180 days ending at the month's end)"),
    Metric("service.dsr_logistics", "DSR: logistics", "DSR 物流服务", "score", index=True,
           source=f"{_S}.reviews.review_summary", note="(mean over the 180 days ending at the month's end)"),
    Metric("service.ship_within_48h_rate", "Shipped within 48 h", "48小时发货率", "rate",
           source=f"{_S}.delivery.delivery", note="(the month's shipments whose order exists)"),
    Metric("service.delivery_days_median", "Delivery days, median", "物流时效中位数（天）", "days", index=True,
           source=f"{_S}.delivery.delivery", note="(shipped to delivered, fractional days)"),
    Metric("service.return_rate", "Return rate", "退货率", "rate",
           source=f"{_S}.aftersales.after_sales",
           note="(return requests in the month / paid or refunded orders placed in the month)"),
)  # fmt: skip


def _v(x, attr):
    return None if x is None else getattr(x, attr)


def record_headlines(results: ServiceResults) -> dict[str, float]:
    """Record the service numbers whose table exists (a section without its table records nothing)."""
    out = {}

    def rec(key, cur, prev):
        if cur is None or (isinstance(cur, float) and math.isnan(cur)):
            return
        prev = None if prev is None or (isinstance(prev, float) and math.isnan(prev)) else prev
        out[key] = record(key, cur, previous=prev)

    s, sp = results.service, results.service_previous
    if s is not None:
        rec("service.first_response_median_s", s.first_response_median_s, _v(sp, "first_response_median_s"))
        rec("service.first_response_p90_s", s.first_response_p90_s, _v(sp, "first_response_p90_s"))
        rec("service.resolution_rate", s.resolution_rate, _v(sp, "resolution_rate"))
    r, rp = results.reviews, results.reviews_previous
    if r is not None:
        rec("service.bad_review_rate", r.bad_review_rate, _v(rp, "bad_review_rate"))
        for a in ("description", "service", "logistics"):
            rec(f"service.dsr_{a}", r.dsr[a], None if rp is None else rp.dsr[a])
    d, dp = results.delivery, results.delivery_previous
    if d is not None:
        if d.ship_target_h == 48:  # the key names 48 h; another target is shown in the report only
            rec("service.ship_within_48h_rate", d.ship_within_target_rate, _v(dp, "ship_within_target_rate"))
        rec("service.delivery_days_median", d.delivery_days_median, _v(dp, "delivery_days_median"))
    a, ap = results.after_sales, results.after_sales_previous
    if a is not None:
        rec("service.return_rate", a.return_rate, _v(ap, "return_rate"))
    return out
