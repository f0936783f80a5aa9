"""Tables and notes the campaign report shows (formatting only; the numbers come from the other modules)."""

from __future__ import annotations

import math

import pandas as pd

from ..data import Shop
from .evaluate import SRM_ALPHA, Evaluation
from .kpis import kpi_layers

__all__ = [
    "srm_table",
    "money_table",
    "kpi_report",
    "format_kpis",
    "status_notes",
    "status_note",
    "segment_report",
    "format_segments",
    "after_campaign",
    "after_campaign_sentences",
    "did_report",
    "did_sentences",
    "channel_report",
    "format_channels",
    "period_touches",
    "targeting_candidates",
]


def srm_table(ev: Evaluation) -> pd.DataFrame:
    """Planned against observed group sizes per campaign, with the SRM chi-square p-value and a verdict."""
    s = ev.summary
    if s.empty or "srm_p" not in s or s["srm_p"].isna().all():
        return pd.DataFrame()
    s = s[s["srm_p"].notna()]
    return pd.DataFrame(
        {
            "Campaign": s["name"] + " (" + s["campaign_id"] + ")",
            "Treated": s["n_treatment"].map("{:,.0f}".format),
            "Control": s["n_control"].map("{:,.0f}".format),
            "Planned treated share": s["treatment_share"].map("{:.0%}".format),
            "Observed treated share": s["observed_share"].map("{:.1%}".format),
            "SRM p-value": s["srm_p"].map("{:.3g}".format),
            "Check": ["OK" if p >= SRM_ALPHA else "MISMATCH: do not trust the effects" for p in s["srm_p"]],
        }
    )


def money_table(ev: Evaluation) -> pd.DataFrame:
    """Incremental GMV, orders, buyers and margin with intervals, cost, ROI and cost per incremental buyer."""
    from ..notebook import fmt_value

    s = ev.summary
    if s.empty or not s["has_control"].any():
        return pd.DataFrame()
    s = s[s["has_control"]]

    def ci(r, k, unit):
        return f"{fmt_value(r[k], unit)} [{fmt_value(r[k + '_ci_low'], unit)}, {fmt_value(r[k + '_ci_high'], unit)}]"

    rows = []
    for r in s.to_dict("records"):
        roi = r.get("roi", math.nan)
        rows.append(
            {
                "Campaign": f"{r['name']} ({r['campaign_id']})",
                "Incremental GMV": ci(r, "incremental_gmv", "yuan"),
                "Incremental orders": ci(r, "incremental_orders", "count"),
                "Incremental buyers": ci(r, "incremental_buyers", "count"),
                "Incremental margin": ci(r, "incremental_margin", "yuan"),
                "Cost": fmt_value(r["cost"], "yuan"),
                "ROI": "n/a"
                if roi != roi
                else f"{roi:+.0%} [{r['roi_ci_low']:+.0%}, {r['roi_ci_high']:+.0%}]",
                "Cost per incremental buyer": fmt_value(r["cost_per_incremental_buyer"], "yuan"),
            }
        )
    return pd.DataFrame(rows)


def kpi_report(
    shop: Shop, campaigns: pd.DataFrame, *, post_days: int = 14, baseline_days: int | None = None
) -> pd.DataFrame:
    """:func:`kpi_layers` for every campaign, stacked, with ``campaign_id`` and ``name`` first."""
    frames = [
        kpi_layers(shop, r, post_days=post_days, baseline_days=baseline_days or None).assign(
            campaign_id=r["campaign_id"], name=r["name"]
        )
        for _, r in campaigns.iterrows()
    ]
    if not frames:
        return pd.DataFrame()
    df = pd.concat(frames, ignore_index=True)
    return df[["campaign_id", "name"] + [c for c in df.columns if c not in ("campaign_id", "name")]]


def format_kpis(kpi: pd.DataFrame) -> pd.DataFrame:
    """The KPI layers as a manager reads them."""
    from ..notebook import fmt_change, fmt_value

    if kpi.empty:
        return kpi

    def fv(v, u):
        return f"{v:,.1f}" if u == "score" and v == v else fmt_value(v, None if u == "score" else u)

    return pd.DataFrame(
        {
            "Campaign": kpi["name"],
            "Layer": kpi["layer"],
            "KPI": kpi["kpi"],
            "During campaign": [fv(v, u) for v, u in zip(kpi["campaign"], kpi["unit"], strict=True)],
            "Baseline": [fv(v, u) for v, u in zip(kpi["baseline"], kpi["unit"], strict=True)],
            "Change": [fmt_change(c) for c in kpi["change"]],
            "Baseline is": kpi["comparison"],
        }
    )


def status_note(ev: Evaluation, campaigns: pd.DataFrame, *, period: str, has_assignments: bool):
    """The :func:`status_notes` as one loud warning box (nothing when all is well)."""
    from IPython.display import HTML

    from ..notebook import note

    notes = status_notes(ev, campaigns, period=period, has_assignments=has_assignments)
    return note(" ".join(notes), kind="warning") if notes else HTML("")


def status_notes(ev: Evaluation, campaigns: pd.DataFrame, *, period: str, has_assignments: bool) -> list[str]:
    """Warnings the report must show: no campaign, no control group, SRM, small groups."""
    notes = []
    if campaigns.empty:
        notes.append(f"No campaign was active in {period}: there is nothing to evaluate this month.")
        return notes
    if not has_assignments:
        notes.append(
            "The data source has no campaign_assignments table, so no campaign has a randomised control "
            "group: effects below are difference-in-differences estimates, which rest on assumptions."
        )
    s = ev.summary
    for r in s[~s["has_control"]].to_dict("records") if has_assignments else []:
        notes.append(
            f"{r['name']} ({r['campaign_id']}) has no users in one of its groups: no test is possible."
        )
    for r in s[s.get("srm_ok", pd.Series(True, index=s.index)) == False].to_dict("records"):  # noqa: E712
        notes.append(
            f"Sample ratio mismatch in {r['name']}: {r['observed_share']:.1%} treated against a planned "
            f"{r['treatment_share']:.0%} (p = {r['srm_p']:.1g}). Fix the assignment before trusting its effects."
        )
    return notes


def segment_report(
    shop: Shop, ev: Evaluation, *, confidence: float = 0.95, min_users: int = 30
) -> pd.DataFrame:
    """:func:`~shoplab.campaigns.segments.lift_by_segment` for every evaluated campaign, stacked."""
    from .segments import lift_by_segment, user_segments

    frames = []
    for r in ev.summary[ev.summary["has_control"]].to_dict("records"):
        out = ev.outcomes[r["campaign_id"]]
        seg = user_segments(shop, out["user_id"], start_ts=r["start_ts"])
        t = lift_by_segment(out, seg, confidence=confidence, min_users=min_users)
        frames.append(t.assign(campaign_id=r["campaign_id"], name=r["name"]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["campaign_id", "name", "dimension", "segment", "n_treatment", "n_control", "lift_conversion",
                 "lift_conversion_ci_low", "lift_conversion_ci_high"]
    )  # fmt: skip


def format_segments(seg: pd.DataFrame) -> pd.DataFrame:
    """Segment lifts as a manager reads them (rates in %, lifts in pp, revenue lift in ¥, intervals)."""
    if seg.empty:
        return seg
    return pd.DataFrame(
        {
            "Campaign": seg["name"],
            "Dimension": seg["dimension"],
            "Segment": seg["segment"],
            "Users (T / C)": [f"{a:,} / {b:,}" for a, b in zip(seg.n_treatment, seg.n_control, strict=True)],
            "Conversion T / C": [
                f"{a:.1%} / {b:.1%}"
                for a, b in zip(seg.conversion_treatment, seg.conversion_control, strict=True)
            ],  # fmt: skip
            "Conversion lift [CI]": [
                f"{m * 100:+.1f} pp [{lo * 100:+.1f}, {hi * 100:+.1f}]"
                for m, lo, hi in zip(
                    seg.lift_conversion, seg.lift_conversion_ci_low, seg.lift_conversion_ci_high, strict=True
                )  # fmt: skip
            ],
            "Revenue/user lift [CI]": [
                f"¥{m:+,.2f} [{lo:+,.2f}, {hi:+,.2f}]"
                for m, lo, hi in zip(
                    seg.lift_revenue_per_user,
                    seg.lift_revenue_per_user_ci_low,
                    seg.lift_revenue_per_user_ci_high,
                    strict=True,
                )  # fmt: skip
            ],
        }
    )


def after_campaign(
    shop: Shop, ev: Evaluation, *, post_days: int = 14, confidence: float = 0.95
) -> pd.DataFrame:
    """Pull-forward (revenue per assigned user after the campaign, treatment − control) and the new buyers
    each campaign brought with their 30-day repeat rate against organic new buyers in the same window."""
    from .segments import new_buyers, post_window_effect

    rows = []
    for r in ev.summary.to_dict("records"):
        row = dict(campaign_id=r["campaign_id"], name=r["name"])
        if r.get("has_control"):
            pf = post_window_effect(shop.orders, shop.campaign_assignments, campaign_id=r["campaign_id"],
                                    end_ts=r["end_ts"], post_days=post_days, confidence=confidence)  # fmt: skip
            row |= dict(post_days=post_days, post_lift_revenue_per_user=pf["abs_lift"],
                        post_ci_low=pf["ci_low"], post_ci_high=pf["ci_high"])  # fmt: skip
        if "campaign_id" in shop.orders.columns:
            nb = new_buyers(
                shop.orders, campaign_id=r["campaign_id"], start_ts=r["start_ts"], end_ts=r["end_ts"]
            )
            nb = nb.set_index("kind")
            row |= dict(new_buyers_campaign=nb.loc["campaign", "new_buyers"],
                        retention_campaign=nb.loc["campaign", "retention"],
                        new_buyers_organic=nb.loc["organic", "new_buyers"],
                        retention_organic=nb.loc["organic", "retention"])  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)


def after_campaign_sentences(after: pd.DataFrame) -> list[str]:
    """Sentences on pull-forward and new buyers, from :func:`after_campaign`."""
    out = []
    for r in after.to_dict("records"):
        if (
            "post_lift_revenue_per_user" in r
            and r["post_lift_revenue_per_user"] == r["post_lift_revenue_per_user"]
        ):
            lo, hi = r["post_ci_low"], r["post_ci_high"]
            if hi < 0:
                what = "a dip: part of the campaign's sales were pulled forward from the following days"
            elif lo > 0:
                what = "treated users kept spending more afterwards (no pull-forward)"
            else:
                what = "no detectable dip, so no sign of pull-forward"
            out.append(f"{r['name']}: in the {r['post_days']} days after the campaign, revenue per assigned user "
                       f"differed by ¥{r['post_lift_revenue_per_user']:+,.2f} (CI ¥{lo:+,.2f} to ¥{hi:+,.2f}): {what}.")  # fmt: skip
        if r.get("new_buyers_campaign", 0):
            rc, ro = r["retention_campaign"], r["retention_organic"]
            ro_txt = "n/a" if ro != ro else f"{ro:.0%}"
            out.append(f"{r['name']} brought {r['new_buyers_campaign']:,} first-time buyers; {rc:.0%} bought again "
                       f"within 30 days, against {ro_txt} of the {r['new_buyers_organic']:,} organic first-time "
                       "buyers of the same days (small groups: read as indicative).")  # fmt: skip
    return out


def did_report(shop: Shop, ev: Evaluation, *, confidence: float = 0.95) -> pd.DataFrame:
    """Difference-in-differences for the campaigns without a randomised control group (empty if all have one)."""
    from .did import did_estimate

    rows = []
    for r in ev.summary[~ev.summary["has_control"]].to_dict("records"):
        if "campaign_id" not in shop.orders.columns and not shop.has("events"):
            continue
        rows.append(
            dict(name=r["name"]) | did_estimate(
                shop.orders, campaign_id=r["campaign_id"], start_ts=r["start_ts"], end_ts=r["end_ts"],
                events=shop.events if shop.has("events") else None, confidence=confidence,
            )
        )  # fmt: skip
    return pd.DataFrame(rows)


def did_sentences(did: pd.DataFrame, ev: Evaluation) -> list[str]:
    """What the DiD section says: its estimates with the assumption check, or why it is not needed."""
    if did.empty:
        if ev.summary.empty:
            return ["No campaign to evaluate."]
        return ["Every campaign here has a randomised control group, so no difference-in-differences estimate "
                "is needed (the randomised comparison above is the stronger evidence)."]  # fmt: skip
    out = []
    for r in did.to_dict("records"):
        check = ("the pre-trend placebo is near zero, so the parallel-trends assumption is plausible"
                 if r["parallel_trends_plausible"] else
                 "WARNING: the pre-trend placebo is not zero, so the groups were already diverging and the "
                 "estimate is likely biased")  # fmt: skip
        out.append(
            f"{r['name']}: participants' paid GMV per user rose by ¥{r['did_revenue_per_user']:+,.2f} more than "
            f"matched non-participants' (CI ¥{r['ci_low']:+,.2f} to ¥{r['ci_high']:+,.2f}; "
            f"{r['n_participants']:,} participants vs {r['n_comparison']:,} comparison users); {check} "
            f"(placebo ¥{r['pretrend_placebo']:+,.2f}, CI ¥{r['pretrend_ci_low']:+,.2f} to "
            f"¥{r['pretrend_ci_high']:+,.2f}). Participants chose to take part, so this is not a randomised result."
        )
        out.append(
            f"Plain before/after (not an effect): participants spent ¥{r['participants_before']:,.2f} per user in "
            f"the window before and ¥{r['participants_during']:,.2f} during the campaign."
        )
    return out


def channel_report(shop: Shop, *, period) -> pd.DataFrame:
    """:func:`~shoplab.campaigns.attribution.channel_performance` for the month (with margins when known)."""
    from ..periods import Period
    from .attribution import channel_performance
    from .effect import _order_costs

    p = Period.parse(period)
    costs = None
    if shop.has("order_items", "items") and "cost" in shop.items.columns:
        costs = _order_costs(shop.order_items, shop.items)
    spend = shop.marketing_spend if shop.has("marketing_spend") else None
    return channel_performance(shop.orders, spend, start=p.start, end=p.end, order_costs=costs)


def format_channels(ch: pd.DataFrame) -> pd.DataFrame:
    from ..notebook import fmt_value

    def f(v, unit):
        return "n/a" if v != v else fmt_value(v, unit)

    return pd.DataFrame(
        {
            "Channel": ch["channel"],
            "Impressions": [f(v, "count") for v in ch["impressions"]],
            "Clicks": [f(v, "count") for v in ch["clicks"]],
            "CTR": [f(v, "rate") for v in ch["ctr"]],
            "Spend": [f(v, "yuan") for v in ch["spend"]],
            "Orders": [f(v, "count") for v in ch["orders"]],
            "CVR (orders/clicks)": [f(v, "rate") for v in ch["cvr"]],
            "GMV": [f(v, "yuan") for v in ch["gmv"]],
            "New buyers": [f(v, "count") for v in ch["new_buyers"]],
            "CAC": [f(v, "yuan") for v in ch["cac"]],
            "ROAS": ["n/a" if v != v else f"{v:,.1f}x" for v in ch["roas"]],
            "ROI (margin)": ["n/a" if v != v else f"{v:+.0%}" for v in ch["roi"]],
        }
    )


def period_touches(shop: Shop, *, period, lookback_days: int = 30) -> pd.DataFrame:
    """Journeys of the month for attribution (:func:`~shoplab.campaigns.attribution.touch_paths`)."""
    from ..periods import Period
    from .attribution import touch_paths

    p = Period.parse(period)
    return touch_paths(shop.events, shop.orders, start=p.start, end=p.end, lookback_days=lookback_days)


def targeting_candidates(shop: Shop, *, period) -> pd.DataFrame:
    """Uplift features of every known user as of the end of ``period`` (the next campaign's audience)."""
    from ..periods import Period
    from .uplift import uplift_features

    src = shop.users if shop.has("users") else shop.orders
    ids = src.select("user_id").distinct().execute()["user_id"]
    return uplift_features(shop, ids, as_of=Period.parse(period).end)
