"""Every number of the membership report, computed once: :func:`compute_report` returns one
:class:`MembershipResults` that the notebook shows (through :mod:`.text`, :mod:`.sections`, :mod:`.tables` and
:mod:`.plots`), that :func:`~shoplab.membership.metrics.record_headlines` records, and that the tests check.

The keyword arguments are the notebook's parameters, with the same names and defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..periods import Period
from ..privacy import pseudonymise_frame
from .activity import (
    active_rate,
    cohort_retention,
    lifecycle_counts,
    lifecycle_flows,
    lifecycle_table,
    member_dau_mau,
    order_gap_summary,
    retention_matrix,
    stage_at,
)
from .churn import ChurnResult, at_risk_members, churn_features, churn_model
from .clv import ClvResult, clv_analysis, clv_by_group
from .satisfaction import nps, satisfaction_by_tier, satisfaction_monthly
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

__all__ = ["MembershipResults", "compute_report"]


@dataclass
class MembershipResults:
    """The membership report's results for one month (see :func:`compute_report`); optional sections are None
    when the shop lacks their table (points, events, feedback)."""

    period: Period
    months: list[Period]
    params: dict[str, Any]
    migration_start: Period
    tier_counts: pd.DataFrame
    growth: tuple
    active: dict
    comparison: pd.DataFrame
    repurchase: dict
    tier_now: pd.Series
    migration: pd.DataFrame
    moves: pd.DataFrame
    gaps: pd.DataFrame
    dau_mau: pd.DataFrame | None
    lifecycle: pd.DataFrame
    flows: pd.DataFrame
    stage_now: pd.Series
    retention: pd.DataFrame
    retention_matrix: pd.DataFrame
    clv: ClvResult
    clv_tier: pd.DataFrame
    clv_stage: pd.DataFrame
    clv_members: pd.Series
    churn: ChurnResult
    features_now: pd.DataFrame
    risk_all: pd.DataFrame
    at_risk: pd.DataFrame
    at_risk_shown: pd.DataFrame
    nps_now: dict | None = None
    sat_month: pd.DataFrame | None = None
    #: for a quarter, a year or a range: NPS of the previous comparable period and of the period (else None)
    nps_compare: pd.DataFrame | None = None
    sat_tier: pd.DataFrame | None = None
    points_month: pd.DataFrame | None = None
    points_year: dict | None = None
    points_by_tier: pd.DataFrame | None = None

    @property
    def nps_basis(self) -> pd.DataFrame | None:
        """What the period's NPS is compared with: the month before (``sat_month``), or for a quarter, a year or
        a range the previous comparable period (``nps_compare``)."""
        return self.nps_compare if self.nps_compare is not None else self.sat_month

    @property
    def flow_start(self) -> Period:
        """The month whose end the lifecycle flows start from (:func:`flow_start`)."""
        return flow_start(self.period)

    @property
    def clv_mean(self) -> float:
        """Mean 12-month CLV of members who have bought."""
        return self.clv_members.mean()

    @property
    def clv_members_share(self) -> float:
        """Members' share of all buyers' CLV."""
        return self.clv_members.sum() / self.clv.values.clv.sum()

    @property
    def value_at_risk(self) -> float:
        """Churn probability × 12-month value if retained, summed over the members scored today."""
        return self.risk_all.value_at_risk.sum()

    def findings_kw(self) -> dict[str, Any]:
        """The keywords of :func:`~shoplab.membership.text.findings` for these results."""
        return dict(
            period=self.period.label,
            tier_counts=self.tier_counts,
            active=self.active,
            comparison=self.comparison,
            lifecycle_counts=self.lifecycle,
            churn=self.churn,
            churn_value_at_risk=self.value_at_risk,
            at_risk_top=len(self.at_risk),
            clv_mean=self.clv_mean,
            clv_members_share=self.clv_members_share,
            holdout=self.clv.holdout,
            clv_value_model=self.clv.value_model,
            clv_independence=self.clv.independence,
            nps_now=self.nps_now,
            sat_month=self.nps_basis,
            repurchase=self.repurchase,
            growth=self.growth,
        )


def flow_start(period: Period | str) -> Period:
    """The month the lifecycle flows of ``period`` start from: the stage month of the previous comparable period
    (the previous month, the last month of the previous quarter or year); the month before when that is the
    same month (a range shorter than a month)."""
    p = Period.parse(period)
    sm, before = p.last_full_month, p.previous().last_full_month
    return before if before < sm else sm.previous()


def compute_report(
    shop,
    *,
    period: Period | str,
    compare_months: int = 3,
    migration_months: int = 12,
    cohort_basis: str = "first_order",
    cohort_activity: str = "order",
    cohort_months: int = 12,
    at_risk_days: int = 60,
    dormant_days: int = 120,
    churned_days: int = 180,
    churn_horizon_days: int = 90,
    churn_lookback_days: int = 180,
    churn_threshold: float = 0.5,
    at_risk_top: int = 20,
    clv_months: int = 12,
    clv_discount_rate: float = 0.10,
    clv_holdout_months: int = 6,
    pseudonymise: bool = True,
    churn_repeats: int = 3,
) -> MembershipResults:
    """Compute the membership report of ``period`` on ``shop`` (needs orders and members).

    The keywords are the notebook's parameters (see notebooks/membership.ipynb); ``churn_repeats`` is the
    number of permutation repeats of the churn model's importance (fewer: faster, for tests).
    """
    shop.require("orders", "members")
    params = {k: v for k, v in locals().items() if k not in ("shop", "period")}
    p = Period.parse(period)
    sm = p.last_full_month  # monthly views (tiers, lifecycle, points, satisfaction) run to it; for a month, p
    end = p.end  # "as of the end of the period"
    if not p.is_month:  # a quarter, a year or a range past the data's last month: as of the data's end
        last_ts = pd.Timestamp(shop.period_bounds("orders")[1])
        data_month = Period(last_ts.year, last_ts.month)
        if data_month < sm:
            sm, end = data_month, min(end, data_month.end)
    months = [sm.shift(k) for k in range(-11, 1)]
    migration_start = p.shift(1 - migration_months)
    events = shop.events if shop.has("events") else None
    # an empty tier history records no tier at all: tiers then come from members.tier, as without the table
    th = (
        shop.tier_history
        if shop.has("tier_history") and shop.validation.row_counts.get("tier_history")
        else None
    )
    members, orders = shop.members, shop.orders

    tc = tier_counts(members, th, periods=months)
    comparison = member_comparison(orders, members, start=p.shift(1 - compare_months).start, end=end)
    tier_now = tiers_at(members, th, at=end)
    migration = tier_migration(members, th, start=migration_start.start, end=end)

    stages = lifecycle_table(
        orders,
        periods=[sm.shift(-12), *months],
        at_risk_days=at_risk_days,
        dormant_days=dormant_days,
        churned_days=churned_days,
        users=members,
    )
    stage_now = stage_at(stages, sm.label)
    retention = cohort_retention(
        orders,
        basis=cohort_basis,
        activity=cohort_activity,
        users=shop.users if shop.has("users") else None,
        members=members,
        events=events,
        start=months[0].start,
        end=end,
        max_months=cohort_months,
    )

    clv = clv_analysis(
        orders,
        end=end,
        holdout_months=clv_holdout_months,
        months=clv_months,
        discount_rate=clv_discount_rate,
    )
    churn = churn_model(
        shop,
        as_of=end,
        horizon_days=churn_horizon_days,
        lookback_days=churn_lookback_days,
        threshold=churn_threshold,
        n_repeats=churn_repeats,
    )
    features_now = churn_features(shop, cutoff=end, lookback_days=churn_lookback_days)
    # valued at the 12-month value if retained (CLV of a member who stays): CLV itself is already weighted by
    # P(alive), so it would count churn twice
    risk_all = at_risk_members(
        churn, features_now, value=clv.values.value_if_retained, top=None, min_probability=0.0, n_reasons=0
    )
    at_risk = at_risk_members(churn, features_now, value=clv.values.value_if_retained, top=at_risk_top)

    out = MembershipResults(
        period=p,
        months=months,
        params=params,
        migration_start=migration_start,
        tier_counts=tc,
        growth=member_growth(tc),
        active=active_rate(members, orders, events, start=p.start, end=end),
        comparison=comparison,
        repurchase=repurchase_test(comparison),
        tier_now=tier_now,
        migration=migration,
        moves=migration_summary(migration),
        gaps=order_gap_summary(orders, members, end=end),
        dau_mau=member_dau_mau(members, events, periods=months[-3:]) if events is not None else None,
        lifecycle=lifecycle_counts(stages, periods=months),
        flows=lifecycle_flows(stages, period=sm, since=flow_start(p)),
        stage_now=stage_now,
        retention=retention,
        retention_matrix=retention_matrix(retention),
        clv=clv,
        clv_tier=clv_by_group(clv.values, tier_now, name="tier"),
        clv_stage=clv_by_group(clv.values, stage_now, name="lifecycle stage"),
        clv_members=clv.values.clv[clv.values.index.isin(tier_now.index)],
        churn=churn,
        features_now=features_now,
        risk_all=risk_all,
        at_risk=at_risk,
        at_risk_shown=pseudonymise_frame(
            at_risk.join(tier_now, on="user_id"), ["user_id"], enabled=pseudonymise
        ),
    )
    if shop.has("feedback"):
        out.nps_now = nps(shop.feedback, start=p.start, end=end)
        if not p.is_month:
            q = p.previous()
            before = nps(shop.feedback, start=q.start, end=q.end)
            out.nps_compare = pd.DataFrame(
                {"period": [q.label, p.label], "nps": [before["nps"], out.nps_now["nps"]]}
            )
        out.sat_month = satisfaction_monthly(shop.feedback, periods=months)
        out.sat_tier = satisfaction_by_tier(shop.feedback, members, th, start=months[0].start, end=end)
    if shop.has("points"):
        out.points_month = points_monthly(shop.points, periods=months)
        out.points_year = points_summary(shop.points, members, start=months[0].start, end=end)
        balances = points_balances(shop.points, members, th, at=end)
        out.points_by_tier = (
            balances.groupby("tier")
            .balance.describe(percentiles=[0.5, 0.9])[["count", "mean", "50%", "90%", "max"]]
            .reset_index()
        )
    return out
