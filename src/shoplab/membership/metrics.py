"""The metrics.json keys of the membership report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these."""

from __future__ import annotations

from ..metrics import Metric, record

__all__ = ["METRICS", "record_headlines"]

_M = "shoplab.membership"

METRICS: tuple[Metric, ...] = (
    Metric("membership.members", "Members", "会员数", "count", source=f"{_M}.activity.active_rate",
           note="(joined by the end of the month)"),
    Metric("membership.active_rate", "Active member rate", "活跃会员占比", "rate",
           source=f"{_M}.activity.active_rate", note="(members with an order or a visit in the month / members)"),
    Metric("membership.repurchase_rate_members", "Repurchase rate, members", "会员复购率", "rate",
           source=f"{_M}.tiers.member_comparison",
           note="(buyers with two or more orders in the comparison window / buyers)"),
    Metric("membership.repurchase_rate_non_members", "Repurchase rate, non-members", "非会员复购率", "rate",
           source=f"{_M}.tiers.member_comparison"),
    Metric("membership.churn_auc", "Churn model AUC (test)", "流失模型 AUC（测试集）",
           source=f"{_M}.churn.churn_model"),
    Metric("membership.clv_12m_mean", "Mean 12-month CLV of members", "会员 12 个月人均 CLV", "yuan",
           source=f"{_M}.clv.clv_analysis"),
    Metric("membership.nps", "NPS", "净推荐值 NPS", source=f"{_M}.satisfaction.nps",
           note="(null without a feedback table)"),
    Metric("membership.points_outstanding", "Points outstanding", "积分余额", "count",
           source=f"{_M}.tiers.points_summary", note="(null without a points table)"),
)  # fmt: skip


def record_headlines(results) -> None:
    """Record the membership report's headline numbers (:data:`METRICS`) from
    :class:`~shoplab.membership.results.MembershipResults`."""
    c = results.comparison.set_index("group")
    record("membership.members", results.active["members"])
    record("membership.active_rate", results.active["active_rate"])
    record("membership.repurchase_rate_members", c.loc["member"].repurchase_rate)
    record("membership.repurchase_rate_non_members", c.loc["non-member"].repurchase_rate)
    record("membership.churn_auc", results.churn.auc)
    record("membership.clv_12m_mean", results.clv_mean)
    record("membership.nps", results.nps_now["nps"] if results.nps_now else None)
    record(
        "membership.points_outstanding", results.points_year["outstanding"] if results.points_year else None
    )
