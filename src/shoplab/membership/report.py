"""Words for the membership report: the health verdict and chart titles that state the finding."""

from __future__ import annotations

import math

import pandas as pd

from ..notebook import fmt_value

__all__ = ["health_verdict", "titles"]


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.0%}"


def health_verdict(
    *,
    period: str,
    tier_counts: pd.DataFrame,
    active: dict,
    comparison: pd.DataFrame,
    lifecycle_counts: pd.DataFrame | None = None,
    churn_value_at_risk: float | None = None,
    clv_mean: float | None = None,
    clv_members_share: float | None = None,
    nps_value: float | None = None,
    nps_answers: int | None = None,
) -> list[str]:
    """Sentences for the report's verdict, each generated from the numbers passed in."""
    out = []
    tc = tier_counts.sum(axis=1)
    now = int(tc.iloc[-1])
    if len(tc) >= 4:
        before, label = int(tc.iloc[-4]), tc.index[-4]
        ch = now / before - 1 if before else math.nan
        word = "growing" if ch > 0.005 else ("shrinking" if ch < -0.005 else "flat")
        out.append(
            f"The programme is {word}: {now:,} members at the end of {period}, {ch:+.1%} against {before:,} at the "
            f"end of {label}."
        )
    else:
        out.append(f"{now:,} members at the end of {period}.")
    out.append(
        f"{_pct(active['active_rate'])} of members ({active['active']:,} of {active['members']:,}) ordered or visited in "
        f"{period}."
    )
    c = comparison.set_index("group")
    rm, rn = c.loc["member", "repurchase_rate"], c.loc["non-member", "repurchase_rate"]
    if pd.notna(rm) and pd.notna(rn):
        verb = "more" if rm > rn else "less"
        out.append(
            f"Members who joined before the comparison window repurchase {verb} often than non-members "
            f"({_pct(rm)} vs {_pct(rn)} of buyers with two or more orders) and spend "
            f"{fmt_value(c.loc['member', 'aov'], 'yuan')} vs {fmt_value(c.loc['non-member', 'aov'], 'yuan')} per "
            f"order; they bring {_pct(c.loc['member', 'gmv_share'])} of GMV. This is an association, not the "
            "programme's causal effect: loyal buyers are the ones who join."
        )
    if lifecycle_counts is not None and len(lifecycle_counts) >= 2:
        cur, prev = lifecycle_counts.iloc[-1], lifecycle_counts.iloc[-2]
        slip = int(cur["at_risk"] + cur["dormant"])
        slip_prev = int(prev["at_risk"] + prev["dormant"])
        out.append(
            f"Where members slip: {slip:,} buying members are at risk (沉睡) or dormant ({slip - slip_prev:+,} on the "
            f"previous month); {int(cur['reactivated']):,} came back this month and {int(cur['churned']):,} count as "
            "churned."
        )
    if churn_value_at_risk is not None and not math.isnan(churn_value_at_risk):
        out.append(
            f"The churn model puts {fmt_value(churn_value_at_risk, 'yuan')} of members' 12-month value at risk "
            "(churn probability times CLV, summed over members)."
        )
    if clv_mean is not None and not math.isnan(clv_mean):
        s = f"A buyer is worth {fmt_value(clv_mean, 'yuan')} over the next 12 months on average (discounted GMV)"
        if clv_members_share is not None:
            s += f"; members hold {_pct(clv_members_share)} of the total"
        out.append(s + ".")
    if nps_value is not None and not math.isnan(nps_value):
        small = (
            " (fewer than 100 answers: read with care)"
            if nps_answers is not None and nps_answers < 100
            else ""
        )
        out.append(f"NPS in {period} is {nps_value:+.0f} from {int(nps_answers or 0):,} answers{small}.")
    return out


def titles(**kw) -> dict[str, str]:
    """Chart titles that state the finding, from the same results the charts draw."""
    t = {}
    if "tier_counts" in kw:
        tc = kw["tier_counts"]
        top = tc.columns[-1]
        t["tiers"] = (
            f"Members grew from {int(tc.iloc[0].sum()):,} to {int(tc.iloc[-1].sum()):,}; "
            f"{top} now {int(tc[top].iloc[-1]):,}"
        )
    if "migration" in kw:
        ms = kw["migration"].set_index("movement")
        t["migration"] = (
            f"{ms.loc['upgraded', 'share_of_start']:.0%} of members moved up a tier, "
            f"{ms.loc['downgraded', 'share_of_start']:.0%} moved down"
        )
    if "comparison" in kw:
        c = kw["comparison"].set_index("group")
        t["comparison"] = (
            f"Members repurchase at {c.loc['member', 'repurchase_rate']:.0%} vs "
            f"{c.loc['non-member', 'repurchase_rate']:.0%} for non-members"
        )
    if "points" in kw:
        p = kw["points"]
        t["points"] = (
            f"Outstanding points {p['outstanding']:,}; {p['redemption_rate']:.0%} of issued points redeemed"
        )
    if "retention" in kw:
        r = kw["retention"]
        m1 = r[r.months_since == 1].retention.mean()
        t["retention"] = f"On average {m1:.0%} of a cohort is active again the month after"
    if "lifecycle" in kw:
        lc = kw["lifecycle"]
        t["lifecycle"] = (
            f"{int(lc.iloc[-1]['active']):,} active, {int(lc.iloc[-1]['at_risk']):,} at risk at the end"
        )
    if "churn" in kw:
        r = kw["churn"]
        t["churn"] = f"The churn model ranks well on unseen months: AUC {r.auc:.2f}"
    if "holdout" in kw:
        h = kw["holdout"].set_index(kw["holdout"].columns[0]).loc["all"]
        t["holdout"] = (
            f"Holdout check: {h.predicted:.2f} purchases per buyer predicted vs {h.actual:.2f} actual "
            f"({h.predicted / h.actual - 1:+.0%})"
        )
    if "clv_by_tier" in kw:
        c = kw["clv_by_tier"]
        hi = c.loc[c.clv_mean.idxmax()]
        t["clv"] = f"{hi.iloc[0]} are worth {fmt_value(hi.clv_mean, 'yuan')} each over 12 months"
    if "satisfaction" in kw:
        s = kw["satisfaction"]
        t["satisfaction"] = f"NPS {s.nps.iloc[-1]:+.0f} and CSAT {s.csat.iloc[-1]:.0%} in {s.period.iloc[-1]}"
    return t
