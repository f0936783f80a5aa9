"""Membership health (会员健康度): tiers, points, activity, cohorts, lifecycle, churn, CLV and satisfaction.

Analyses (``__all__``; tables (or the shop) first, then keyword-only options: ``period=`` or, for a range that is
not one period, ``start=`` and ``end=``):

- :func:`compute_report`: the whole report for a month, as one :class:`MembershipResults`.
- :class:`MembershipResults`: what :func:`compute_report` returns.
- :data:`STAGES`: the lifecycle stages in order (new, active, reactivated, at risk, dormant, churned).
- :func:`active_rate`: members, active members and their ratio over a period.
- :func:`member_dau_mau`: members' DAU, MAU and stickiness per month.
- :func:`days_between_orders`: days between consecutive sold orders, per user and gap.
- :func:`order_gap_summary`: the days between orders summarised, members against non-members.
- :func:`cohort_retention`: monthly cohort retention and revenue retention, long format.
- :func:`retention_matrix`: cohorts as rows, months since as columns (the heatmap's data).
- :func:`lifecycle_stages`: each buyer's lifecycle stage at each month end, as pandas.
- :func:`lifecycle_table`: the same as a lazy Ibis table.
- :func:`stage_at`: each buyer's stage at the end of a period.
- :func:`lifecycle_counts`: users per stage per month.
- :func:`lifecycle_flows`: flows between stages from the previous month to a period.
- :class:`ChurnResult`: what :func:`churn_model` learned and measured.
- :func:`churn_features`: per-user churn features at a cut-off.
- :func:`churn_labels`: whether each user churned over the horizon after a cut-off.
- :func:`churn_dataset`: features at a cut-off plus the churn label.
- :func:`churn_model`: the churn model fitted and evaluated with a time-based split.
- :func:`at_risk_members`: members ranked by value at risk, with the reasons behind each score.
- :class:`BetaGeo`: the BG/NBD purchase model.
- :class:`GammaGamma`: the Gamma-Gamma spend model.
- :class:`ClvResult`: what :func:`clv_analysis` fitted and checked.
- :func:`clv_summary`: the per-user recency, frequency and monetary summary the CLV models fit on.
- :func:`clv_analysis`: the report's CLV: holdout checks, then models fitted on all data before a period's end.
- :func:`clv_by_group`: buyers, mean and total CLV and P(alive) per group.
- :func:`customer_value`: discounted CLV over the next months for each user.
- :func:`holdout_check`: predicted against actual holdout purchases by frequency group.
- :func:`value_model_errors`: the holdout bias of each spend model.
- :class:`FrequencyGammaGamma`: Gamma-Gamma fitted within each repeat-count group.
- :class:`ValueFrequencyCheck`: what :func:`value_frequency_correlation` returns.
- :func:`value_frequency_correlation`: the correlation of frequency and repeat spend (Gamma-Gamma's assumption).
- :func:`value_holdout_check`: predicted against actual spend per purchase in the holdout.
- :func:`repurchase_test`: the members' repurchase rate against non-members', with its test and interval.
- :func:`nps_interval`: NPS with its interval from promoter, detractor and answer counts.
- :func:`nps`: NPS and CSAT over a period.
- :func:`satisfaction_monthly`: NPS and CSAT per month.
- :func:`satisfaction_by_tier`: NPS and CSAT by the answering user's tier.
- :func:`tiers_at`: each current member's tier at a time.
- :func:`tier_counts`: members by tier at each month end.
- :func:`tier_migration`: the tier migration matrix between two times.
- :func:`migration_summary`: members who upgraded, stayed, downgraded or left, and new members.
- :func:`member_comparison`: members against non-members: buyers, repurchase, orders, AOV, GMV share.
- :func:`points_monthly`: points issued, redeemed and expired per month, and the balance.
- :func:`points_balances`: each member's points balance at a time, with their tier.
- :func:`points_summary`: the points headline numbers over a period.
- :func:`member_growth`: members now against three months before.

The words and pictures are submodules: ``text`` (findings, chart titles), ``sections`` (the sentences under
each section), ``tables`` (display names, readable tables), ``plots`` (charts, imported on first use) and
``metrics`` (the metrics.json keys). Their functions stay importable from here under their former names
(``membership.findings``, ``membership.display_table`` ...), as ``membership.report`` does.
"""

from .._lazy import submodule_getattr
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

#: the charts, the metrics and the former report module, imported on first use (``shoplab.membership.plots``)
__getattr__ = submodule_getattr(__name__, ("plots", "metrics", "report"))
