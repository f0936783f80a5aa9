"""Per-campaign evaluation: effect, SRM, money (incremental GMV, margin, ROI) and the verdict in words.

Money definitions:

* **Incremental GMV** = lift in revenue per assigned user x treated users (with the lift's interval scaled the
  same way, so at the same level: the decision family's); **incremental orders** and **incremental buyers**
  likewise from orders per user and conversion.
* **Incremental margin** = CUPED lift in margin per assigned user (GMV minus cost of goods, see
  :func:`~shoplab.campaigns.effect.assigned_outcomes`; covariate: each user's pre-period margin, as spend is
  for GMV) x treated users, with a ``confidence`` interval.
* **ROI** = (incremental margin - campaign cost) / campaign cost, with ``campaigns.cost`` as the cost, and the
  margin's interval carried through. The money verdict is taken on that interval, not on the point: paid off
  when it lies above 0, did not pay off when below, **ROI uncertain** when it spans 0. When cost of goods is
  unknown, ROI is NaN and the report says why. **Cost per incremental buyer** = cost / incremental buyers (NaN
  when the lift in buyers is not positive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..callshape import keyword_only
from ..data import Shop
from ..periods import Period
from . import stats as st
from .effect import assigned_outcomes, effect_table, select_campaigns, srm_check
from .text.names import ci_name

__all__ = [
    "ci_name",
    "Evaluation",
    "evaluate_campaigns",
    "HEADLINE_KEYS",
]

HEADLINE_KEYS = (
    "lift_conversion",
    "lift_conversion_ci_low",
    "lift_conversion_ci_high",
    "lift_revenue_per_user",
    "lift_revenue_per_user_ci_low",
    "lift_revenue_per_user_ci_high",
    "incremental_gmv",
    "roi",
    "srm_p",
)
SRM_ALPHA = 0.001
_LIFTS = [f"{p}{m}{q}" for m in ("conversion", "revenue_per_user")
          for p, q in (("", "_treatment"), ("", "_control"), ("lift_", ""), ("lift_", "_ci_low"),
                       ("lift_", "_ci_high"), ("lift_", "_ci_level"), ("rel_lift_", ""), ("rel_lift_", "_ci_low"),
                       ("rel_lift_", "_ci_high"), ("p_", "_adjusted"), ("p_", "_holm"),
                       ("significant_", ""))]  # fmt: skip
_MONEY = [
    f"incremental_{m}{q}"
    for m in ("gmv", "orders", "buyers", "margin")
    for q in ("", "_ci_low", "_ci_high", "_ci_level")
]
#: every column of ``Evaluation.summary`` (NaN where a campaign has no control group). The revenue means
#: ``revenue_per_user_treatment``/``_control`` are the observed ones; the CUPED lift compares the adjusted
#: ``revenue_per_user_treatment_cuped``/``_control_cuped``. ``n_decision_metrics`` is the size of the family.
SUMMARY_COLUMNS = (
    ["campaign_id", "name", "type", "start_ts", "end_ts", "treatment_share", "cost", "has_control",
     "n_treatment", "n_control", "n_assigned_after_start", "srm_p", "observed_share", "srm_ok"]
    + _LIFTS + ["revenue_per_user_treatment_cuped", "revenue_per_user_control_cuped", "n_decision_metrics",
                "variance_reduction"] + _MONEY
    + ["roi", "roi_ci_low", "roi_ci_high", "cost_per_incremental_buyer"]
)  # fmt: skip


@dataclass
class Evaluation:
    """Result of :func:`evaluate_campaigns`.

    Attributes
    ----------
    summary
        One row per campaign: sizes, SRM, headline lifts with intervals, money, verdict.
    effects
        One row per campaign and metric (the :func:`effect_table` rows with ``campaign_id``).
    outcomes
        Per-user outcome tables by campaign id (for segments, uplift and checks).
    confidence
        Interval level used.
    pre_days
        Length of the CUPED pre-period the outcomes were built with.
    cuped
        Whether revenue (and margin) per user were compared on CUPED-adjusted means.
    """

    summary: pd.DataFrame
    effects: pd.DataFrame
    outcomes: dict[str, pd.DataFrame] = field(default_factory=dict)
    confidence: float = 0.95
    pre_days: int = 28
    cuped: bool = True


def _money(out: pd.DataFrame, n_t: int, confidence: float, cost: float, cuped: bool = True) -> dict:
    t, c = out[out.group == "treatment"], out[out.group == "control"]
    res: dict = {}
    if "margin" in out:
        pre = "pre_margin" if "pre_margin" in out else "pre_revenue"
        if cuped and pre in out:
            m = st.cuped_welch(t.margin, t[pre], c.margin, c[pre], confidence=confidence)
        else:
            m = st.welch(t.margin, c.margin, confidence=confidence)
        res |= dict(
            incremental_margin=m["abs_lift"] * n_t,
            incremental_margin_ci_low=m["ci_low"] * n_t,
            incremental_margin_ci_high=m["ci_high"] * n_t,
            incremental_margin_ci_level=confidence,
        )
    else:
        res |= dict(incremental_margin=math.nan, incremental_margin_ci_low=math.nan,
                    incremental_margin_ci_high=math.nan, incremental_margin_ci_level=math.nan)  # fmt: skip
    if cost and cost > 0 and not math.isnan(res["incremental_margin"]):
        res["roi"] = (res["incremental_margin"] - cost) / cost
        res["roi_ci_low"] = (res["incremental_margin_ci_low"] - cost) / cost
        res["roi_ci_high"] = (res["incremental_margin_ci_high"] - cost) / cost
    else:
        res |= dict(roi=math.nan, roi_ci_low=math.nan, roi_ci_high=math.nan)
    return res


@keyword_only("campaigns")
def evaluate_campaigns(
    shop: Shop,
    *,
    period: str | Period | None = None,
    campaign_id: str = "",
    until: str | Period | None = None,
    campaigns: pd.DataFrame | None = None,
    pre_days: int = 28,
    confidence: float = 0.95,
    cuped: bool = True,
    metrics: list[str] | None = None,
) -> Evaluation:
    """Evaluate each campaign (rows of :func:`campaigns_in_period`) against its randomised control group.

    Campaigns without assignments (or with an empty group) get a row with ``has_control = False`` and NaN
    effects; the report then falls back to difference-in-differences. ``metrics`` are the decision metrics,
    tested as one family (default :data:`~shoplab.campaigns.effect.DECISION_METRICS`, conversion and revenue
    per user; see :func:`~shoplab.campaigns.effect.effect_table`); the other metrics are reported as secondary.
    A headline metric left out of the family keeps its lift and (unadjusted) interval but is not called
    significant.

    The campaigns are those :func:`campaigns_in_period` selects by ``period=`` (active in the month),
    ``campaign_id=`` or ``until=`` (ended by the end of that month), or the rows given as ``campaigns=``
    (``evaluate_campaigns(shop, campaigns_df)``, the older call shape, still works with a DeprecationWarning).
    """
    campaigns = select_campaigns(
        shop, campaigns, period=period, campaign_id=campaign_id, until=until, what="evaluate_campaigns"
    )
    has_assign = shop.has("campaign_assignments")
    with_cost = shop.has("order_items", "items") and "cost" in shop.items.columns
    rows, effects, outcomes = [], [], {}
    for camp in campaigns.itertuples(index=False):
        cid = str(camp.campaign_id)
        row: dict = dict(
            campaign_id=cid, name=camp.name, type=camp.type, start_ts=camp.start_ts, end_ts=camp.end_ts,
            treatment_share=float(camp.treatment_share), cost=float(camp.cost), has_control=False,
        )  # fmt: skip
        out = None
        if has_assign:
            out = assigned_outcomes(
                shop.orders,
                shop.campaign_assignments,
                campaign_id=cid,
                start_ts=camp.start_ts,
                end_ts=camp.end_ts,
                pre_days=pre_days,
                order_items=shop.order_items if with_cost else None,
                items=shop.items if with_cost else None,
            )
        if out is not None and len(out):
            outcomes[cid] = out
            srm = srm_check(out, treatment_share=float(camp.treatment_share))
            row |= dict(n_treatment=srm["n_treatment"], n_control=srm["n_control"], srm_p=srm["p_value"],
                        observed_share=srm["observed_share"], srm_ok=not srm["p_value"] < SRM_ALPHA)  # fmt: skip
            eff = effect_table(out, confidence=confidence, cuped=cuped, metrics=metrics)
            if len(eff):
                row["has_control"] = True
                row["n_assigned_after_start"] = int(out["assigned_after_start"].sum())
                effects.append(eff.assign(campaign_id=cid))
                e = eff.set_index("metric")
                n_t = srm["n_treatment"]
                row["n_decision_metrics"] = int((e["role"] == "decision").sum())
                for key in ("conversion", "revenue_per_user"):
                    decision = e.loc[key, "role"] == "decision"
                    row[f"{key}_treatment"] = e.loc[key, "treatment_raw"]
                    row[f"{key}_control"] = e.loc[key, "control_raw"]
                    for k, col in (("", "abs_lift"), ("_ci_low", "ci_low"), ("_ci_high", "ci_high"),
                                   ("_ci_level", "ci_level")):  # fmt: skip
                        row[f"lift_{key}{k}"] = e.loc[key, col]
                    for k, col in (("", "rel_lift"), ("_ci_low", "rel_ci_low"), ("_ci_high", "rel_ci_high")):
                        row[f"rel_lift_{key}{k}"] = e.loc[key, col]
                    row[f"p_{key}_adjusted"] = e.loc[key, "p_adjusted"]
                    row[f"p_{key}_holm"] = e.loc[key, "p_holm"]
                    row[f"significant_{key}"] = bool(e.loc[key, "significant"]) and decision
                row["revenue_per_user_treatment_cuped"] = e.loc["revenue_per_user", "treatment"]
                row["revenue_per_user_control_cuped"] = e.loc["revenue_per_user", "control"]
                row["variance_reduction"] = e.loc["revenue_per_user", "variance_reduction"]
                for name, key in (("gmv", "revenue_per_user"), ("orders", "orders_per_user"),
                                  ("buyers", "conversion")):  # fmt: skip
                    row[f"incremental_{name}"] = e.loc[key, "abs_lift"] * n_t
                    row[f"incremental_{name}_ci_low"] = e.loc[key, "ci_low"] * n_t
                    row[f"incremental_{name}_ci_high"] = e.loc[key, "ci_high"] * n_t
                    row[f"incremental_{name}_ci_level"] = e.loc[key, "ci_level"]
                row |= _money(out, n_t, confidence, row["cost"], cuped)
                buyers = row["incremental_buyers"]
                row["cost_per_incremental_buyer"] = row["cost"] / buyers if buyers > 0 else math.nan
        rows.append(row)
    summary = pd.DataFrame(rows)
    for k in SUMMARY_COLUMNS:
        if k not in summary:
            summary[k] = np.nan
    summary = summary[SUMMARY_COLUMNS]
    summary["verdict"] = [_verdict(r, confidence) for r in summary.to_dict("records")]
    eff = pd.concat(effects, ignore_index=True) if effects else pd.DataFrame()
    if len(eff):
        eff = eff[["campaign_id"] + [c for c in eff.columns if c != "campaign_id"]]
    return Evaluation(
        summary=summary, effects=eff, outcomes=outcomes, confidence=confidence, pre_days=pre_days, cuped=cuped
    )


def _verdict(r: dict, confidence: float) -> str:
    if not r.get("has_control"):
        return "no control group"
    if not r.get("srm_ok", True):
        return "untrustworthy (sample ratio mismatch)"
    sig_c, sig_r = r.get("significant_conversion"), r.get("significant_revenue_per_user")
    up = (sig_c and r["lift_conversion"] > 0) or (sig_r and r["lift_revenue_per_user"] > 0)
    down = (sig_c and r["lift_conversion"] < 0) or (sig_r and r["lift_revenue_per_user"] < 0)
    if down and not up:
        return "hurt"
    if not up:
        return "no detectable effect"
    lo, hi = r.get("roi_ci_low", math.nan), r.get("roi_ci_high", math.nan)
    if lo is None or hi is None or lo != lo or hi != hi:
        return "worked (ROI unknown)"
    if lo > 0:
        return "worked and paid off"
    if hi < 0:
        return "worked but did not pay off"
    return "worked (ROI uncertain)"


def __getattr__(name: str):
    """Names that moved to :mod:`shoplab.campaigns.text` (the words), still importable from here."""
    if name in ("verdicts", "format_effects"):
        from . import text

        return getattr(text, name)
    if name == "record_headlines":
        from .metrics import record_headlines

        return record_headlines
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
