"""The campaign report's selection rules, thresholds and verdicts (numbers and codes, no sentences).

The words modules (:mod:`~shoplab.campaigns.text`) phrase these decisions; they do not take them: which side of
zero an interval lies on, whether ROI paid off, whether a group is small, how many campaigns lifted a metric,
which campaign the findings detail, how many decision metrics a campaign's Bonferroni family has and each
channel's share of the orders under each attribution model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "SMALL_SAMPLE",
    "MAX_DETAILED",
    "LiftCount",
    "interval_sign",
    "roi_outcome",
    "smaller_group",
    "is_small_sample",
    "lift_count",
    "detailed_campaigns",
    "decision_metric_counts",
    "attribution_shares",
    "assigned_late",
]

#: fewer users than this in the smaller group (treatment or control) and the report warns the intervals are wide
SMALL_SAMPLE = 1000
#: with more campaigns with a control group than this, the findings count them and detail only the one with
#: the largest incremental GMV
MAX_DETAILED = 2


def interval_sign(low, high) -> int:
    """``1`` when the interval lies above zero (``low > 0``), ``-1`` when below (``high < 0``), ``0`` when it
    includes zero or a bound is missing (NaN)."""
    if low > 0:
        return 1
    if high < 0:
        return -1
    return 0


def roi_outcome(r) -> str:
    """``"paid off"`` (ROI interval above zero), ``"did not pay off"`` (below), ``"uncertain"`` (includes zero)
    or ``"unknown"`` (a bound is missing), decided on the interval in ``r["roi_ci_low"]``/``r["roi_ci_high"]``,
    not on the point."""
    lo, hi = r.get("roi_ci_low", math.nan), r.get("roi_ci_high", math.nan)
    if lo is None or hi is None or lo != lo or hi != hi:
        return "unknown"
    return {1: "paid off", -1: "did not pay off", 0: "uncertain"}[interval_sign(lo, hi)]


def smaller_group(r):
    """Users in the smaller of the treatment and control groups of a summary row."""
    return min(r["n_treatment"], r["n_control"])


def is_small_sample(r) -> bool:
    """Whether the smaller group of a summary row has fewer than :data:`SMALL_SAMPLE` users."""
    return bool(smaller_group(r) < SMALL_SAMPLE)


@dataclass(frozen=True)
class LiftCount:
    """How many campaigns with a randomised control group lifted a metric beyond chance (:func:`lift_count`).

    Attributes
    ----------
    n_controlled
        Campaigns with a control group.
    n_lifted
        Of them, those whose lift is significant after the decision-metric adjustment and positive.
    lifted
        Their names, in summary order.
    lifted_each
        One flag per campaign with a control group, in summary order.
    summarised
        Whether there are more than :data:`MAX_DETAILED` of them (the findings then count them and detail only
        :func:`detailed_campaigns`).
    """

    n_controlled: int
    n_lifted: int
    lifted: tuple[str, ...]
    lifted_each: tuple[bool, ...]
    summarised: bool


def _controlled(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[summary.get("has_control", False) == True]  # noqa: E712


def lift_count(summary: pd.DataFrame, metric: str = "conversion") -> LiftCount:
    """Count the campaigns of an :class:`~shoplab.campaigns.evaluate.Evaluation` summary whose ``metric``
    (``conversion`` or ``revenue_per_user``) rose significantly (``significant_<metric>`` and a positive
    ``lift_<metric>``) against their control groups."""
    s = _controlled(summary)
    if s.empty:
        return LiftCount(0, 0, (), (), False)
    sig = s[f"significant_{metric}"].fillna(False).astype(bool) & (s[f"lift_{metric}"] > 0)
    return LiftCount(
        n_controlled=len(s),
        n_lifted=int(sig.sum()),
        lifted=tuple(s.loc[sig, "name"]),
        lifted_each=tuple(bool(x) for x in sig),
        summarised=len(s) > MAX_DETAILED,
    )


def detailed_campaigns(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows with a control group the findings detail: all of them, or with more than
    :data:`MAX_DETAILED` only the one with the largest incremental GMV."""
    ctrl = _controlled(summary)
    if len(ctrl) > MAX_DETAILED:
        ctrl = ctrl.sort_values("incremental_gmv", ascending=False).head(1)
    return ctrl


def decision_metric_counts(effects: pd.DataFrame) -> dict:
    """Campaign id -> number of decision metrics (the size of its Bonferroni family) in an effects table."""
    if effects.empty:
        return {}
    return effects.groupby("campaign_id")["role"].apply(lambda x: int((x == "decision").sum())).to_dict()


def attribution_shares(table: pd.DataFrame, models) -> dict[str, list[tuple[float, float]]]:
    """For each attribution model column of ``table`` (one row per channel), each channel's credited orders and
    their share of the model's total, in row order."""
    out = {}
    for m in models:
        total = table[m].sum()
        out[m] = [(v, v / total) for v in table[m]]
    return out


def assigned_late(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows with users assigned after their campaign started (``n_assigned_after_start`` > 0; the
    report warns that their lift is diluted)."""
    late = (
        summary["n_assigned_after_start"]
        if "n_assigned_after_start" in summary
        else pd.Series(0, index=summary.index)
    )
    return summary[late.fillna(0) > 0]
