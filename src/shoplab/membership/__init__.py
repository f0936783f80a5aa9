"""Membership health (会员健康度): tiers, points, activity, cohorts, lifecycle, churn, CLV and satisfaction.

``compute_report(shop, period=...)`` computes the whole report into one :class:`MembershipResults`; the analyses
it calls are listed in ``__all__``. The words and pictures are submodules: ``text`` (findings, chart titles),
``sections`` (the sentences under each section), ``tables`` (display names, readable tables), ``plots``
(charts) and ``metrics`` (the metrics.json keys). Their functions stay importable from here under their former
names (``membership.findings``, ``membership.display_table`` ...), as ``membership.report`` does.
"""

from . import sections, tables, text  # noqa: E402  (words: reached as submodules)
from .activity import (
    STAGES,
    active_rate,
    cohort_retention,
    days_between_orders,
    lifecycle_counts,
    lifecycle_flows,
    lifecycle_stages,
    lifecycle_table,
    member_dau_mau,
    order_gap_summary,
    retention_matrix,
    stage_at,
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
    value_model_errors,
)
from .clv_value import (
    FrequencyGammaGamma,
    ValueFrequencyCheck,
    value_frequency_correlation,
    value_holdout_check,
)
from .results import MembershipResults, compute_report
from .satisfaction import nps, nps_interval, satisfaction_by_tier, satisfaction_monthly
from .tiers import (
    member_comparison,
    member_growth,
    migration_summary,
    points_balances,
    points_monthly,
    points_summary,
    repurchase_test,
    tier_counts,
    tier_migration,
    tiers_at,
)

# Former names of the report's words, kept working (re-exported by assignment; not part of __all__).
SECTIONS = text.SECTIONS
findings = text.findings
health_verdict = text.health_verdict
titles = text.titles
display_name = tables.display_name
cohort_label = tables.cohort_label
display_table = tables.display_table
styled_table = tables.styled_table
activity_lines = sections.activity_lines
points_lines = sections.points_lines
churn_lines = sections.churn_lines
clv_lines = sections.clv_lines
value_model_lines = sections.value_model_lines
independence_note = sections.independence_note
satisfaction_lines = sections.satisfaction_lines

__all__ = [
    "compute_report",
    "MembershipResults",
    "STAGES",
    "active_rate",
    "member_dau_mau",
    "days_between_orders",
    "order_gap_summary",
    "cohort_retention",
    "retention_matrix",
    "lifecycle_stages",
    "lifecycle_table",
    "stage_at",
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
    "value_model_errors",
    "FrequencyGammaGamma",
    "ValueFrequencyCheck",
    "value_frequency_correlation",
    "value_holdout_check",
    "repurchase_test",
    "nps_interval",
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
    "member_growth",
]
