"""Per-campaign evaluation: effect, SRM, money (incremental GMV, margin, ROI) and the verdict in words.

Money definitions:

* **Incremental GMV** = lift in revenue per assigned user x treated users (with the lift's interval scaled the
  same way); **incremental orders** and **incremental buyers** likewise from orders per user and conversion.
* **Incremental margin** = lift in margin per assigned user (GMV minus cost of goods, see
  :func:`~shoplab.campaigns.effect.assigned_outcomes`) x treated users.
* **ROI** = (incremental margin - campaign cost) / campaign cost, with ``campaigns.cost`` as the cost. When cost
  of goods is unknown, ROI is NaN and the report says why. **Cost per incremental buyer** = cost / incremental
  buyers (NaN when the lift in buyers is not positive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data import Shop
from . import stats as st
from .effect import assigned_outcomes, effect_table, srm_check

__all__ = [
    "Evaluation",
    "evaluate_campaigns",
    "verdicts",
    "record_headlines",
    "format_effects",
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
                       ("lift_", "_ci_high"), ("rel_lift_", ""), ("p_", "_holm"), ("significant_", ""))]  # fmt: skip
_MONEY = [
    f"incremental_{m}{q}" for m in ("gmv", "orders", "buyers", "margin") for q in ("", "_ci_low", "_ci_high")
]
#: every column of ``Evaluation.summary`` (NaN where a campaign has no control group)
SUMMARY_COLUMNS = (
    ["campaign_id", "name", "type", "start_ts", "end_ts", "treatment_share", "cost", "has_control",
     "n_treatment", "n_control", "srm_p", "observed_share", "srm_ok"]
    + _LIFTS + ["variance_reduction"] + _MONEY
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
    """

    summary: pd.DataFrame
    effects: pd.DataFrame
    outcomes: dict[str, pd.DataFrame] = field(default_factory=dict)
    confidence: float = 0.95


def _money(out: pd.DataFrame, n_t: int, confidence: float, cost: float) -> dict:
    t, c = out[out.group == "treatment"], out[out.group == "control"]
    res: dict = {}
    if "margin" in out:
        m = st.welch(t.margin, c.margin, confidence=confidence)
        res |= dict(
            incremental_margin=m["abs_lift"] * n_t,
            incremental_margin_ci_low=m["ci_low"] * n_t,
            incremental_margin_ci_high=m["ci_high"] * n_t,
        )
    else:
        res |= dict(incremental_margin=math.nan, incremental_margin_ci_low=math.nan,
                    incremental_margin_ci_high=math.nan)  # fmt: skip
    if cost and cost > 0 and not math.isnan(res["incremental_margin"]):
        res["roi"] = (res["incremental_margin"] - cost) / cost
        res["roi_ci_low"] = (res["incremental_margin_ci_low"] - cost) / cost
        res["roi_ci_high"] = (res["incremental_margin_ci_high"] - cost) / cost
    else:
        res |= dict(roi=math.nan, roi_ci_low=math.nan, roi_ci_high=math.nan)
    return res


def evaluate_campaigns(
    shop: Shop,
    campaigns: pd.DataFrame,
    *,
    pre_days: int = 28,
    confidence: float = 0.95,
    cuped: bool = True,
    metrics: list[str] | None = None,
) -> Evaluation:
    """Evaluate each campaign (rows of :func:`campaigns_in_period`) against its randomised control group.

    Campaigns without assignments (or with an empty group) get a row with ``has_control = False`` and NaN
    effects; the report then falls back to difference-in-differences. ``metrics`` are the metrics tested and
    Holm-corrected (default all of :data:`~shoplab.campaigns.effect.METRICS`); a headline metric left out
    keeps its lift and interval but is not called significant.
    """
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
            full = effect_table(out, confidence=confidence, cuped=cuped)
            eff = effect_table(out, confidence=confidence, cuped=cuped, metrics=metrics) if metrics else full
            if len(full):
                row["has_control"] = True
                effects.append(eff.assign(campaign_id=cid))
                e = full.set_index("metric")
                fam = eff.set_index("metric")
                n_t = srm["n_treatment"]
                for key, name in (("conversion", "conversion"), ("revenue_per_user", "revenue_per_user")):
                    row[f"{name}_treatment"] = e.loc[key, "treatment"]
                    row[f"{name}_control"] = e.loc[key, "control"]
                    row[f"lift_{name}"] = e.loc[key, "abs_lift"]
                    row[f"lift_{name}_ci_low"] = e.loc[key, "ci_low"]
                    row[f"lift_{name}_ci_high"] = e.loc[key, "ci_high"]
                    row[f"rel_lift_{name}"] = e.loc[key, "rel_lift"]
                    row[f"p_{name}_holm"] = fam.loc[key, "p_holm"] if key in fam.index else math.nan
                    row[f"significant_{name}"] = (
                        bool(fam.loc[key, "significant"]) if key in fam.index else False
                    )
                row["variance_reduction"] = e.loc["revenue_per_user", "variance_reduction"]
                for name, key in (("gmv", "revenue_per_user"), ("orders", "orders_per_user"),
                                  ("buyers", "conversion")):  # fmt: skip
                    row[f"incremental_{name}"] = e.loc[key, "abs_lift"] * n_t
                    row[f"incremental_{name}_ci_low"] = e.loc[key, "ci_low"] * n_t
                    row[f"incremental_{name}_ci_high"] = e.loc[key, "ci_high"] * n_t
                row |= _money(out, n_t, confidence, row["cost"])
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
    return Evaluation(summary=summary, effects=eff, outcomes=outcomes, confidence=confidence)


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
    roi = r.get("roi")
    if roi is None or (isinstance(roi, float) and math.isnan(roi)):
        return "worked (ROI unknown)"
    return "worked and paid off" if roi > 0 else "worked but did not pay off"


def verdicts(ev: Evaluation, *, did: pd.DataFrame | None = None) -> list[str]:
    """One or two sentences per campaign generated from the numbers: worked or not, by how much, ROI, sureness.

    ``did`` (from :func:`~shoplab.campaigns.report.did_report`) supplies the estimate for campaigns without a
    control group.
    """
    from ..notebook import fmt_change, fmt_value

    did_rows = {} if did is None or did.empty else did.set_index("campaign_id").to_dict("index")

    pct = f"{ev.confidence:.0%}"
    n_metrics = ev.effects.groupby("campaign_id").size().max() if len(ev.effects) else 0
    out = []
    for r in ev.summary.to_dict("records"):
        head = f"{r['name']} ({r['campaign_id']}, {r['start_ts']:%m-%d}–{r['end_ts']:%m-%d})"
        if not r.get("has_control"):
            d = did_rows.get(r["campaign_id"])
            if d is None or d["did_revenue_per_user"] != d["did_revenue_per_user"]:
                out.append(
                    f"{head}: no randomised control group, so its effect cannot be measured by a test."
                )
                continue
            sure = "excludes" if d["ci_low"] > 0 or d["ci_high"] < 0 else "includes"
            trend = ("parallel pre-trends look plausible" if d["parallel_trends_plausible"]
                     else "but the groups already diverged before it, so the estimate is likely biased")  # fmt: skip
            out.append(
                f"{head}: no randomised control group. Against matched non-participants (difference-in-"
                f"differences), participants' paid GMV rose by ¥{d['did_revenue_per_user']:+,.2f} per user more "
                f"({pct} CI ¥{d['ci_low']:+,.2f} to ¥{d['ci_high']:+,.2f}, which {sure} zero); {trend}. "
                "Participants chose to take part (the keenest buyers are likelier to), so this probably "
                "overstates the effect; it is not a randomised test."
            )
            continue
        if not r["srm_ok"]:
            out.append(
                f"{head}: WARNING — the groups are {r['n_treatment']:,} treated vs {r['n_control']:,} control, "
                f"{r['observed_share']:.1%} treated against a planned {r['treatment_share']:.0%} (SRM p = "
                f"{r['srm_p']:.1g}); the assignment or tracking is broken, do not trust the lifts below."
            )
        lc, lo, hi = r["lift_conversion"], r["lift_conversion_ci_low"], r["lift_conversion_ci_high"]
        conv = (
            f"conversion {fmt_value(r['conversion_treatment'], 'rate')} treated vs "
            f"{fmt_value(r['conversion_control'], 'rate')} control, {fmt_change(lc, 'pp')} "
            f"({pct} CI {fmt_change(lo, 'pp')} to {fmt_change(hi, 'pp')})"
        )
        rev = (
            f"revenue per assigned user {fmt_change(r['rel_lift_revenue_per_user'])} "
            f"(¥{r['lift_revenue_per_user']:+,.2f}, CI ¥{r['lift_revenue_per_user_ci_low']:+,.2f} to "
            f"¥{r['lift_revenue_per_user_ci_high']:+,.2f})"
        )
        v = r["verdict"]
        if v.startswith("worked"):
            lead = f"{head} worked: {conv}; {rev}."
        elif v == "hurt":
            lead = f"{head} hurt sales: {conv}; {rev}."
        else:
            lead = (f"{head} had no detectable effect: {conv}; {rev}. Neither lift is significant once "
                    f"corrected for testing {n_metrics} metrics (Holm), so effects of this size could be chance.")  # fmt: skip
        out.append(lead)
        money = (
            f"Incremental GMV {fmt_value(r['incremental_gmv'], 'yuan')} (CI "
            f"{fmt_value(r['incremental_gmv_ci_low'], 'yuan')} to {fmt_value(r['incremental_gmv_ci_high'], 'yuan')})"
        )
        if not math.isnan(r.get("roi", math.nan)):
            money += (
                f", incremental margin {fmt_value(r['incremental_margin'], 'yuan')} against a cost of "
                f"{fmt_value(r['cost'], 'yuan')}: ROI {r['roi']:+.0%} (CI {r['roi_ci_low']:+.0%} to "
                f"{r['roi_ci_high']:+.0%}), so it {'paid off' if r['roi'] > 0 else 'did not pay for itself'}"
            )
        elif not math.isnan(r.get("cost", math.nan)):
            money += (
                f" against a cost of {fmt_value(r['cost'], 'yuan')}; ROI needs item costs, which are missing"
            )
        if r["cost_per_incremental_buyer"] == r["cost_per_incremental_buyer"]:
            money += f"; {fmt_value(r['cost_per_incremental_buyer'], 'yuan')} per incremental buyer"
            if not r["significant_conversion"]:
                money += " (uncertain: the increase in buyers is not beyond chance)"
        out.append(money + ".")
        small = min(r["n_treatment"], r["n_control"])
        if small < 1000:
            out.append(f"Small sample: only {small:,} users in the smaller group, so intervals are wide.")
    return out


def record_headlines(ev: Evaluation) -> dict[str, float]:
    """Record ``campaigns.<id>.<key>`` for every key in :data:`HEADLINE_KEYS` (metrics.json)."""
    from ..notebook import record

    units = {"lift_conversion": "pp", "incremental_gmv": "yuan", "roi": "rate"}
    got = {}
    for r in ev.summary.to_dict("records"):
        for k in HEADLINE_KEYS:
            key = f"campaigns.{r['campaign_id']}.{k}"
            unit = units.get(k.replace("_ci_low", "").replace("_ci_high", ""))
            if k.startswith("lift_revenue"):
                unit = "yuan"
            detail = k.endswith(("_ci_low", "_ci_high")) or k == "srm_p"  # metrics.json only, not the index
            got[key] = record(
                key,
                r.get(k, math.nan),
                label=f"{r['name']}: {k.replace('_', ' ')}",
                unit=unit,
                index=not detail,
            )
    return got


def format_effects(ev: Evaluation) -> pd.DataFrame:
    """The effect table as a manager reads it: formatted values, intervals and Holm-adjusted p-values."""
    from ..notebook import fmt_value

    if ev.effects.empty:
        return pd.DataFrame()
    rows = []
    names = dict(zip(ev.summary.campaign_id, ev.summary.name, strict=False))
    for r in ev.effects.to_dict("records"):
        u = r["unit"]
        if u == "rate":
            lift = f"{r['abs_lift'] * 100:+.2f} pp [{r['ci_low'] * 100:+.2f}, {r['ci_high'] * 100:+.2f}]"
        else:
            lift = f"{r['abs_lift']:+,.2f} [{r['ci_low']:+,.2f}, {r['ci_high']:+,.2f}]"
        rows.append(
            {
                "Campaign": names.get(r["campaign_id"], r["campaign_id"]),
                "Metric": r["label"],
                "Treatment": fmt_value(r["treatment"], u if u != "count" else None),
                "Control": fmt_value(r["control"], u if u != "count" else None),
                f"Lift [{ev.confidence:.0%} CI]": lift,
                "Relative lift": "n/a" if pd.isna(r["rel_lift"]) else f"{r['rel_lift']:+.1%}",
                "p (Holm)": f"{r['p_holm']:.3g}",
                "Method": r["method"],
            }
        )
    return pd.DataFrame(rows)
