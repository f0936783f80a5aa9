"""Membership health (会员健康度): tiers, points, activity, cohorts, lifecycle, churn, CLV and satisfaction.

The public API is re-exported here; the topics live in submodules (``tiers``, ``activity``, ``churn``, ``clv``,
``satisfaction``, ``plots``, ``report``).
"""

from .activity import (
    STAGES,
    active_rate,
    cohort_retention,
    days_between_orders,
    lifecycle_counts,
    lifecycle_flows,
    lifecycle_stages,
    member_dau_mau,
    retention_matrix,
)
from .churn import ChurnResult, at_risk_members, churn_dataset, churn_features, churn_labels, churn_model
from .clv import (
    BetaGeo,
    ClvResult,
    GammaGamma,
    clv_analysis,
    clv_by_group,
    clv_summary,
    customer_value,
    holdout_check,
)
from .report import health_verdict, titles
from .satisfaction import nps, satisfaction_by_tier, satisfaction_monthly
from .tiers import (
    member_comparison,
    migration_summary,
    points_balances,
    points_monthly,
    points_summary,
    tier_counts,
    tier_migration,
    tiers_at,
)

__all__ = [
    "STAGES",
    "active_rate",
    "member_dau_mau",
    "days_between_orders",
    "cohort_retention",
    "retention_matrix",
    "lifecycle_stages",
    "lifecycle_counts",
    "lifecycle_flows",
    "ChurnResult",
    "churn_features",
    "churn_labels",
    "churn_dataset",
    "churn_model",
    "at_risk_members",
    "BetaGeo",
    "GammaGamma",
    "ClvResult",
    "clv_summary",
    "clv_analysis",
    "clv_by_group",
    "customer_value",
    "holdout_check",
    "health_verdict",
    "titles",
    "nps",
    "satisfaction_monthly",
    "satisfaction_by_tier",
    "tiers_at",
    "tier_counts",
    "tier_migration",
    "migration_summary",
    "member_comparison",
    "points_monthly",
    "points_balances",
    "points_summary",
]
