"""The few numbers the membership findings and chart titles state, derived from the result tables: totals, the
month-after mean, the largest and smallest tier, the model's holdout error, the NPS interval and the verdict
thresholds, so that :mod:`~shoplab.membership.text` only formats (numbers only; no sentences here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .satisfaction import nps_interval

__all__ = [
    "SIGNIFICANCE",
    "SMALL_GROUP",
    "FLAT_GROWTH",
    "significant",
    "small",
    "tier_span",
    "growth_direction",
    "next_month_mean",
    "slipping",
    "calibration_gap",
    "holdout_error",
    "HOLDOUT_TOLERANCE",
    "clv_spread",
    "auc_grade",
    "NpsCheck",
    "nps_check",
]

#: a difference is called significant below this p-value
SIGNIFICANCE = 0.05
#: a group (buyers, NPS answers) smaller than this is called small: read with care
SMALL_GROUP = 100
#: a programme whose members changed by less than this (relative) is called flat
FLAT_GROWTH = 0.005
#: a CLV holdout error beyond this (relative) is stated as a bias of the model
HOLDOUT_TOLERANCE = 0.1


def significant(p: float) -> bool:
    """Whether a p-value is below :data:`SIGNIFICANCE` (False for NaN)."""
    return bool(p < SIGNIFICANCE)


def small(*sizes: float) -> bool:
    """Whether the smallest of the group sizes is below :data:`SMALL_GROUP`."""
    return min(sizes) < SMALL_GROUP


def tier_span(tier_counts: pd.DataFrame) -> tuple:
    """``(first label, members then, last label, members now, top tier, its members now)`` of
    :func:`~shoplab.membership.tiers.tier_counts` (first and last month of the table; the top tier is the
    last column)."""
    top = tier_counts.columns[-1]
    return (
        tier_counts.index[0],
        int(tier_counts.iloc[0].sum()),
        tier_counts.index[-1],
        int(tier_counts.iloc[-1].sum()),
        top,
        int(tier_counts[top].iloc[-1]),
    )


def growth_direction(change: float) -> str:
    """``"growing"``, ``"shrinking"`` or ``"flat"`` (within :data:`FLAT_GROWTH`) for a relative change."""
    return "growing" if change > FLAT_GROWTH else ("shrinking" if change < -FLAT_GROWTH else "flat")


def next_month_mean(retention: pd.DataFrame, column: str = "retention") -> float:
    """The mean over cohorts of ``column`` one month after the cohort month
    (:func:`~shoplab.membership.activity.cohort_retention`)."""
    return retention[retention.months_since == 1][column].mean()


def slipping(lifecycle: pd.DataFrame) -> tuple:
    """``(at risk + dormant at the last month end, its change on the month before or None, that month's label
    or None)`` of :func:`~shoplab.membership.activity.lifecycle_counts`."""
    cur = lifecycle.iloc[-1]
    slip = int(cur["at_risk"] + cur["dormant"])
    if len(lifecycle) < 2:
        return slip, None, None
    prev = lifecycle.iloc[-2]
    return slip, slip - int(prev["at_risk"] + prev["dormant"]), lifecycle.index[-2]


def calibration_gap(calibration: pd.DataFrame) -> float:
    """The largest gap between observed and mean predicted churn over the score bands (a share)."""
    return (calibration.observed_churn - calibration.mean_predicted).abs().max()


def holdout_error(holdout: pd.DataFrame) -> tuple:
    """``(predicted, actual, predicted / actual - 1)`` purchases per buyer of the ``all`` row of the CLV holdout
    check (the error NaN when no purchase was made)."""
    h = holdout.set_index(holdout.columns[0]).loc["all"]
    return h.predicted, h.actual, (h.predicted / h.actual - 1 if h.actual else math.nan)


def clv_spread(clv_by_group: pd.DataFrame) -> tuple:
    """``(group with the highest mean CLV, its mean, group with the lowest, highest / lowest or NaN)`` of
    :func:`~shoplab.membership.clv.clv_by_group` (the group is its first column)."""
    col = clv_by_group.columns[0]
    hi = clv_by_group.loc[clv_by_group.clv_mean.idxmax()]
    lo = clv_by_group.loc[clv_by_group.clv_mean.idxmin()]
    ratio = hi.clv_mean / lo.clv_mean if lo.clv_mean > 0 else math.nan
    return hi[col], hi.clv_mean, lo[col], ratio


def auc_grade(auc: float) -> str:
    """How well a churn model ranks: ``"good"`` (AUC 0.8 or more), ``"fair"`` (0.7 or more) or ``"weak"``."""
    return "good" if auc >= 0.8 else ("fair" if auc >= 0.7 else "weak")


@dataclass(frozen=True)
class NpsCheck:
    """This month's NPS with its interval, and last month's value against it (from :func:`nps_check`)."""

    nps: float
    answers: int
    ci_low: float
    ci_high: float
    previous: float | None = None
    previous_label: str | None = None
    within: bool | None = None

    @property
    def small(self) -> bool:
        """Fewer than :data:`SMALL_GROUP` answers."""
        return self.answers < SMALL_GROUP


def nps_check(nps_now: dict, sat_month: pd.DataFrame | None = None) -> NpsCheck:
    """The NPS of :func:`~shoplab.membership.satisfaction.nps` with its interval
    (:func:`~shoplab.membership.satisfaction.nps_interval`) and, with :func:`satisfaction_monthly`, the month
    before and whether it lies within that interval (no clear change)."""
    n = int(nps_now["nps_answers"])
    lo, hi = nps_interval(nps_now["promoters"], nps_now["detractors"], n)
    if sat_month is not None and len(sat_month) >= 2 and not pd.isna(sat_month.nps.iloc[-2]):
        prev, label = sat_month.nps.iloc[-2], sat_month.period.iloc[-2]
        return NpsCheck(nps_now["nps"], n, lo, hi, prev, label, bool(lo <= prev <= hi))
    return NpsCheck(nps_now["nps"], n, lo, hi)
