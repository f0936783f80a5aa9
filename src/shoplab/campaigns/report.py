"""Tables and notes the campaign report shows (formatting only; the numbers come from the other modules)."""

from __future__ import annotations

import math
import re

import pandas as pd

from ..data import Shop
from ..i18n import tr
from ..notebook import fmt_change
from .evaluate import HEADLINE_KEYS, SRM_ALPHA, Evaluation, ci_name
from .kpis import kpi_layers

__all__ = [
    "srm_table",
    "money_table",
    "kpi_report",
    "format_kpis",
    "status_notes",
    "status_note",
    "segment_report",
    "segment_notes",
    "segment_note",
    "format_segments",
    "after_campaign",
    "after_campaign_sentences",
    "did_report",
    "did_sentences",
    "record_did_headlines",
    "channel_report",
    "format_channels",
    "period_touches",
    "targeting_candidates",
    "effects_table",
    "record_report_headlines",
    "format_attribution",
    "kpi_display",
    "comparison_display",
    "findings",
    "SECTIONS",
]


def _by_first(df: pd.DataFrame) -> pd.DataFrame:
    """A display table indexed by its first column (the campaign or channel), so no row numbers show."""
    return df.set_index(df.columns[0]) if len(df.columns) else df


def srm_table(ev: Evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """Planned against observed group sizes per campaign, with the SRM chi-square p-value and a verdict."""
    from ..notebook import fmt_value

    s = ev.summary
    if s.empty or "srm_p" not in s or s["srm_p"].isna().all():
        return pd.DataFrame()
    s = s[s["srm_p"].notna()]
    ok = tr("OK", "正常", lang)
    bad = tr("MISMATCH: do not trust the effects", "不一致：效果不可信", lang)
    return _by_first(
        pd.DataFrame(
            {
                tr("Campaign", "活动", lang): s["name"] + " (" + s["campaign_id"] + ")",
                tr("Treated (users)", "实验组（人）", lang): s["n_treatment"].map("{:,.0f}".format),
                tr("Control (users)", "对照组（人）", lang): s["n_control"].map("{:,.0f}".format),
                tr("Planned treated share", "计划实验组占比", lang): s["treatment_share"].map(
                    "{:.0%}".format
                ),
                tr("Observed treated share", "实际实验组占比", lang): s["observed_share"].map(
                    "{:.1%}".format
                ),
                tr("SRM p-value", "SRM p 值", lang): [fmt_value(p, "p") for p in s["srm_p"]],
                tr("Check", "检查结果", lang): [ok if p >= SRM_ALPHA else bad for p in s["srm_p"]],
            }
        )
    )


def _roi_call(r: dict, lang: str | None) -> str:
    """Whether the campaign paid for itself, decided on the ROI interval (not the point)."""
    lo, hi = r.get("roi_ci_low", math.nan), r.get("roi_ci_high", math.nan)
    if lo != lo or hi != hi:
        return "n/a"
    if lo > 0:
        return tr("yes (whole interval above 0)", "是（整个区间高于 0）", lang)
    if hi < 0:
        return tr("no (whole interval below 0)", "否（整个区间低于 0）", lang)
    return tr("ROI uncertain (interval spans 0)", "投资回报不确定（区间跨越 0）", lang)


def money_table(ev: Evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """Incremental GMV, orders, buyers and margin with intervals (each at its level), cost, ROI with its
    interval, whether it paid off (decided on the interval) and cost per incremental buyer."""
    from ..notebook import fmt_value

    s = ev.summary
    if s.empty or not s["has_control"].any():
        return pd.DataFrame()
    s = s[s["has_control"]]
    first = s.iloc[0]

    def head(en, zh, key):
        level = first.get(f"{key}_ci_level", ev.confidence)
        name = ci_name(level if level == level else ev.confidence)
        return tr(f"{en} [{name} CI]", f"{zh} [{name} 置信区间]", lang)

    def ci(r, k, unit):
        return f"{fmt_value(r[k], unit)} [{fmt_value(r[k + '_ci_low'], unit)}, {fmt_value(r[k + '_ci_high'], unit)}]"

    rows = []
    for r in s.to_dict("records"):
        roi = r.get("roi", math.nan)
        rows.append(
            {
                tr("Campaign", "活动", lang): f"{r['name']} ({r['campaign_id']})",
                tr("Compared with", "对比对象", lang): tr(
                    f"control group ({r['n_control']:,.0f} users)",
                    f"对照组（{r['n_control']:,.0f} 人）",
                    lang,
                ),
                head("Incremental GMV", "增量成交额", "incremental_gmv"): ci(r, "incremental_gmv", "yuan"),
                head("Incremental orders", "增量订单数", "incremental_orders"): ci(
                    r, "incremental_orders", "count"
                ),
                head("Incremental buyers", "增量买家数", "incremental_buyers"): ci(
                    r, "incremental_buyers", "count"
                ),
                head("Incremental margin (CUPED)", "增量毛利（CUPED）", "incremental_margin"): ci(
                    r, "incremental_margin", "yuan"
                ),
                tr("Campaign cost", "活动成本", lang): fmt_value(r["cost"], "yuan"),
                head("ROI", "投资回报率 ROI", "incremental_margin"): "n/a"
                if roi != roi
                else f"{roi:+.0%} [{r['roi_ci_low']:+.0%}, {r['roi_ci_high']:+.0%}]",
                tr("Paid for itself?", "是否收回成本", lang): _roi_call(r, lang),
                tr("Cost per incremental buyer", "每位增量买家成本", lang): fmt_value(
                    r["cost_per_incremental_buyer"], "yuan"
                ),
            }
        )
    return _by_first(pd.DataFrame(rows))


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


_LAYERS_ZH = {"participation": "参与", "sales": "销售", "brand": "品牌", "feedback": "反馈"}
_KPIS_ZH = {
    "Campaign page views": "活动页浏览量",
    "Participants": "参与人数",
    "Interactions of participants": "参与用户互动次数",
    "Shares": "分享次数",
    "GMV (paid)": "成交额（已支付）",
    "Orders": "订单数",
    "Buyers": "购买人数",
    "AOV": "客单价",
    "Reviews written": "评价数",
    "Review rating (1–5)": "评价评分（1–5）",
    "NPS": "净推荐值 NPS",
    "CSAT (mean, 1–5)": "满意度 CSAT（均值，1–5）",
}


def kpi_display(kpi: str, lang: str | None = None) -> str:
    """A KPI name of :func:`kpi_layers` in the report language."""
    if m := re.fullmatch(r"Exposure \(impressions on (.*)\)", str(kpi)):
        return tr(kpi, f"曝光量（{m.group(1)} 展示次数）", lang)
    return tr(kpi, _KPIS_ZH.get(kpi, kpi), lang)


def comparison_display(text: str, lang: str | None = None) -> str:
    """What a KPI's baseline is (the ``comparison`` column of :func:`kpi_layers`) in the report language."""
    t = str(text)
    if m := re.fullmatch(r"before/after: the (\d+) days before the campaign \(not an effect estimate\)", t):
        return tr(
            f"the {m.group(1)} days before (before/after, not an effect)",
            f"活动前 {m.group(1)} 天（前后对比，非效果）",
            lang,
        )
    if m := re.fullmatch(r"participants \(n=(\d+)\) vs other users \(n=(\d+)\)", t):
        a, b = int(m.group(1)), int(m.group(2))
        return tr(
            f"participants ({a:,}) vs other users ({b:,})",
            f"参与用户（{a:,} 人）对比其他用户（{b:,} 人）",
            lang,
        )
    return t


def format_kpis(kpi: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The KPI layers as a manager reads them."""
    from ..notebook import fmt_change, fmt_value

    if kpi.empty:
        return kpi

    def fv(v, u):
        return f"{v:,.1f}" if u == "score" and v == v else fmt_value(v, None if u == "score" else u)

    return _by_first(
        pd.DataFrame(
            {
                tr("Campaign", "活动", lang): kpi["name"],
                tr("Layer", "层级", lang): [tr(x, _LAYERS_ZH.get(x, x), lang) for x in kpi["layer"]],
                tr("KPI", "指标", lang): [kpi_display(x, lang) for x in kpi["kpi"]],
                tr("During campaign", "活动期间", lang): [
                    fv(v, u) for v, u in zip(kpi["campaign"], kpi["unit"], strict=True)
                ],
                tr("Baseline", "基线", lang): [
                    fv(v, u) for v, u in zip(kpi["baseline"], kpi["unit"], strict=True)
                ],
                tr("Change", "变化", lang): [fmt_change(c) for c in kpi["change"]],
                tr("Baseline is", "基线口径", lang): [comparison_display(x, lang) for x in kpi["comparison"]],
            }
        )
    )


def status_note(
    ev: Evaluation, campaigns: pd.DataFrame, *, period: str, has_assignments: bool, lang: str | None = None
):
    """The :func:`status_notes` as one loud warning box (nothing when all is well)."""
    from IPython.display import HTML

    from ..notebook import note

    notes = status_notes(ev, campaigns, period=period, has_assignments=has_assignments, lang=lang)
    return note(" ".join(notes), kind="warning") if notes else HTML("")


def status_notes(
    ev: Evaluation, campaigns: pd.DataFrame, *, period: str, has_assignments: bool, lang: str | None = None
) -> list[str]:
    """Warnings the report must show: no campaign, no control group, SRM, small groups."""
    notes = []
    if campaigns.empty:
        notes.append(
            tr(
                f"No campaign was active in {period}: there is nothing to evaluate this month.",
                f"{period} 没有进行中的活动：本月没有可评估的活动。",
                lang,
            )
        )
        return notes
    if not has_assignments:
        notes.append(
            tr(
                "The data source has no campaign_assignments table, so no campaign has a randomised control "
                "group: effects below are difference-in-differences estimates, which rest on assumptions.",
                "数据源中没有 campaign_assignments 表，所有活动都没有随机对照组：下面的效果是双重差分（DiD）"
                "估计，依赖平行趋势等假设。",
                lang,
            )
        )
    s = ev.summary
    for r in s[~s["has_control"]].to_dict("records") if has_assignments else []:
        notes.append(
            tr(
                f"{r['name']} ({r['campaign_id']}) has no users in one of its groups: no test is possible.",
                f"{r['name']}（{r['campaign_id']}）的实验组或对照组没有用户：无法做实验检验。",
                lang,
            )
        )
    late = s["n_assigned_after_start"] if "n_assigned_after_start" in s else pd.Series(0, index=s.index)
    for r in s[late.fillna(0) > 0].to_dict("records"):
        n = f"{int(r['n_assigned_after_start']):,}"
        notes.append(
            tr(
                f"{r['name']} ({r['campaign_id']}): {n} assigned users were assigned after the campaign started. "
                "Their pre-period (the CUPED covariate) ends at the start, and their campaign window includes days "
                "before they were assigned, which dilutes the lift.",
                f"{r['name']}（{r['campaign_id']}）：有 {n} 位分组用户是在活动开始后才分组的。他们的活动前窗口（CUPED 协变量）"
                "截止于活动开始，而活动窗口包含了他们分组之前的日子，会稀释提升。",
                lang,
            )
        )
    for r in s[s.get("srm_ok", pd.Series(True, index=s.index)) == False].to_dict("records"):  # noqa: E712
        notes.append(
            tr(
                f"Sample ratio mismatch in {r['name']}: {r['observed_share']:.1%} treated against a planned "
                f"{r['treatment_share']:.0%} (p = {r['srm_p']:.1g}). Fix the assignment before trusting its effects.",
                f"{r['name']} 样本比例不一致（SRM）：实验组占比 {r['observed_share']:.1%}，计划为 "
                f"{r['treatment_share']:.0%}（p = {r['srm_p']:.1g}）。修复分组后才能相信其效果。",
                lang,
            )
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
        frames.append(
            t.assign(campaign_id=r["campaign_id"], name=r["name"], tier_source=seg.attrs["tier_source"])
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["campaign_id", "name", "dimension", "segment", "n_treatment", "n_control", "lift_conversion",
                 "lift_conversion_ci_low", "lift_conversion_ci_high", "tier_source"]
    )  # fmt: skip


def segment_notes(seg: pd.DataFrame, *, lang: str | None = None) -> list[str]:
    """What the reader must know about the segments of :func:`segment_report`: when ``tier_history`` is absent,
    the tier segment (and the uplift model's tier feature) is today's tier, not the tier at the campaign start."""
    if seg.empty or "tier_source" not in seg or not (seg["tier_source"] == "members").any():
        return []
    return [tr(
        "The data source has no tier_history table, so the membership-tier segments (and the uplift model's tier "
        "feature) use each member's current tier, not the tier held when the campaign started: members upgraded "
        "by the campaign count in their new tier, which can exaggerate the lift in higher tiers.",
        "数据源中没有 tier_history 表，因此会员等级分群（以及增益模型的等级特征）用的是会员当前的等级，而不是活动开始时的等级："
        "因活动而升级的会员会被计入新等级，可能夸大高等级分群的提升。", lang,
    )]  # fmt: skip


def segment_note(seg: pd.DataFrame, *, lang: str | None = None):
    """The :func:`segment_notes` as a visible note box (nothing when the tiers are the ones at the start)."""
    from IPython.display import HTML

    from ..notebook import note

    notes = segment_notes(seg, lang=lang)
    return note(" ".join(notes), kind="warning") if notes else HTML("")


def format_segments(seg: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Segment lifts as a manager reads them (rates in %, lifts in pp, revenue lift in ¥, intervals)."""
    from .plots import dimension_display, segment_display

    if seg.empty:
        return seg
    return _by_first(
        pd.DataFrame(
            {
                tr("Campaign", "活动", lang): seg["name"],
                tr("Dimension", "维度", lang): [dimension_display(d, lang) for d in seg["dimension"]],
                tr("Segment", "分群", lang): [segment_display(s, lang) for s in seg["segment"]],
                tr("Users (treated / control)", "用户数（实验组 / 对照组）", lang): [
                    f"{a:,} / {b:,}" for a, b in zip(seg.n_treatment, seg.n_control, strict=True)
                ],
                tr("Conversion (treated / control)", "转化率（实验组 / 对照组）", lang): [
                    f"{a:.1%} / {b:.1%}"
                    for a, b in zip(seg.conversion_treatment, seg.conversion_control, strict=True)
                ],  # fmt: skip
                tr("Conversion lift [CI]", "转化率提升 [置信区间]", lang): [
                    f"{m * 100:+.1f} pp [{lo * 100:+.1f}, {hi * 100:+.1f}]"
                    for m, lo, hi in zip(
                        seg.lift_conversion,
                        seg.lift_conversion_ci_low,
                        seg.lift_conversion_ci_high,
                        strict=True,
                    )  # fmt: skip
                ],
                tr("Revenue per user lift [CI]", "人均成交额提升 [置信区间]", lang): [
                    f"{fmt_change(m, 'yuan')} [{fmt_change(lo, 'yuan')}, {fmt_change(hi, 'yuan')}]"
                    for m, lo, hi in zip(
                        seg.lift_revenue_per_user,
                        seg.lift_revenue_per_user_ci_low,
                        seg.lift_revenue_per_user_ci_high,
                        strict=True,
                    )  # fmt: skip
                ],
            }
        )
    )


def after_campaign(
    shop: Shop, ev: Evaluation, *, post_days: int = 14, pre_days: int = 28, cuped: bool = True,
    confidence: float = 0.95,
) -> pd.DataFrame:  # fmt: skip
    """Pull-forward (revenue per assigned user after the campaign, treatment − control, CUPED-adjusted with the
    ``pre_days`` before the start when ``cuped``), the cumulative lift over the window and the days after, and
    the new buyers each campaign brought with their 30-day repeat rate against organic new buyers in the same
    window (:func:`~shoplab.campaigns.segments.post_window_effect`, :func:`~shoplab.campaigns.segments.new_buyers`).

    Columns: ``post_lift_revenue_per_user`` with ``post_ci_low``/``post_ci_high``, ``post_max_dip`` (the largest
    post-campaign dip per assigned user the interval cannot rule out) and ``post_max_dip_share`` (that dip as a
    share of ``window_lift_revenue_per_user``), ``cumulative_lift_revenue_per_user`` with
    ``cumulative_ci_low``/``cumulative_ci_high``, ``post_cuped``, ``post_days``; then the new-buyer columns.
    """
    from .segments import new_buyers, post_window_effect

    rows = []
    for r in ev.summary.to_dict("records"):
        row = dict(campaign_id=r["campaign_id"], name=r["name"])
        if r.get("has_control"):
            pf = post_window_effect(shop.orders, shop.campaign_assignments, campaign_id=r["campaign_id"],
                                    start_ts=r["start_ts"], end_ts=r["end_ts"], post_days=post_days,
                                    pre_days=pre_days, cuped=cuped, confidence=confidence,
                                    outcomes=ev.outcomes.get(r["campaign_id"]) if ev.pre_days == pre_days else None)  # fmt: skip
            row |= dict(post_days=post_days, post_lift_revenue_per_user=pf["abs_lift"],
                        post_ci_low=pf["ci_low"], post_ci_high=pf["ci_high"], post_max_dip=pf["max_dip"],
                        post_max_dip_share=pf["max_dip_share"], window_lift_revenue_per_user=pf["window_lift"],
                        cumulative_lift_revenue_per_user=pf["cumulative_lift"],
                        cumulative_ci_low=pf["cumulative_ci_low"], cumulative_ci_high=pf["cumulative_ci_high"],
                        post_cuped=pf["cuped"])  # fmt: skip
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


def _pull_forward_words(r: dict, lang: str | None) -> str:
    """What the post-window interval says about pull-forward, without reading absence of evidence as evidence."""
    from ..notebook import fmt_value

    lo, hi = r["post_ci_low"], r["post_ci_high"]
    if hi < 0:
        return tr(
            "a dip: treated users spent less than control users afterwards, so part of the campaign's sales were "
            "pulled forward from the following days",
            "出现回落：实验组之后比对照组花得少，部分活动销量是从之后几天提前透支的",
            lang,
        )
    if lo > 0:
        return tr("treated users kept spending more afterwards (the interval excludes a dip)",
                  "实验组用户活动后仍消费更多（置信区间排除了回落）", lang)  # fmt: skip
    dip, share = fmt_value(r.get("post_max_dip", -lo), "yuan"), r.get("post_max_dip_share", math.nan)
    if share == share:
        w = fmt_change(r["window_lift_revenue_per_user"], "yuan")
        return tr(
            f"no significant dip, but a post-campaign dip of up to {dip} per assigned user, {share:.0%} of the "
            f"in-window lift of {w}, cannot be ruled out",
            f"未见显著回落，但不能排除活动后每位分组用户回落多达 {dip}，相当于活动期间提升（{w}）的 {share:.0%}",
            lang,
        )
    return tr(
        f"no significant dip, but a post-campaign dip of up to {dip} per assigned user cannot be ruled out",
        f"未见显著回落，但不能排除活动后每位分组用户回落多达 {dip}",
        lang,
    )


def _cumulative_words(r: dict, lang: str | None) -> str:
    """The lift over the campaign window and the post window together, with its interval ('' when absent)."""
    if not _ok(r.get("cumulative_lift_revenue_per_user")):
        return ""
    v, a, b = (
        fmt_change(r[k], "yuan")
        for k in ("cumulative_lift_revenue_per_user", "cumulative_ci_low", "cumulative_ci_high")
    )
    days = int(r["post_days"])
    adj_en, adj_zh = (", CUPED-adjusted", "，经 CUPED 调整") if r.get("post_cuped") else ("", "")
    return tr(
        f" Over the campaign and the {days} days after together, revenue per assigned user of the treated group "
        f"differed from the control group by {v} (CI {a} to {b}{adj_en}).",
        f"活动期间与之后 {days} 天合计，实验组人均成交额比对照组相差 {v}（置信区间 {a} 至 {b}{adj_zh}）。",
        lang,
    )


def after_campaign_sentences(after: pd.DataFrame, *, lang: str | None = None) -> list[str]:
    """Sentences on pull-forward (with the cumulative lift) and new buyers, from :func:`after_campaign`."""
    out = []
    for r in after.to_dict("records"):
        if (
            "post_lift_revenue_per_user" in r
            and r["post_lift_revenue_per_user"] == r["post_lift_revenue_per_user"]
        ):
            lo, hi = r["post_ci_low"], r["post_ci_high"]
            what = _pull_forward_words(r, lang)
            v, a, b = (fmt_change(x, "yuan") for x in (r["post_lift_revenue_per_user"], lo, hi))
            out.append(tr(
                f"{r['name']}: in the {int(r['post_days'])} days after the campaign, revenue per assigned user of the "
                f"treated group differed from the control group by {v} (CI {a} to {b}): {what}.",
                f"{r['name']}：活动结束后 {int(r['post_days'])} 天内，实验组人均成交额比对照组相差 {v}"
                f"（置信区间 {a} 至 {b}）：{what}。", lang,
            ) + _cumulative_words(r, lang))  # fmt: skip
        if r.get("new_buyers_campaign", 0):
            rc, ro = r["retention_campaign"], r["retention_organic"]
            ro_txt = "n/a" if ro != ro else f"{ro:.0%}"
            nc, no = f"{r['new_buyers_campaign']:,}", f"{r['new_buyers_organic']:,}"
            out.append(tr(
                f"{r['name']} brought {nc} first-time buyers; {rc:.0%} bought again within 30 days, against "
                f"{ro_txt} of the {no} organic first-time buyers of the same days (small groups: read as indicative).",
                f"{r['name']} 带来 {nc} 位首购用户，其中 {rc:.0%} 在 30 天内复购；同期 {no} 位自然首购用户的复购率为 "
                f"{ro_txt}（样本小，仅供参考）。", lang,
            ))  # fmt: skip
    return out


def did_report(shop: Shop, ev: Evaluation, *, pre_days: int = 28, confidence: float = 0.95) -> pd.DataFrame:
    """Difference-in-differences for the campaigns without a randomised control group (empty if all have one):
    one :func:`~shoplab.campaigns.did.did_estimate` row each, ``did_evaluable`` 0 where only purchases mark
    participation (no ``events`` or no campaign-page view in the window)."""
    from .did import did_estimate

    rows = []
    for r in ev.summary[~ev.summary["has_control"].astype(bool)].to_dict("records"):
        rows.append(
            dict(name=r["name"]) | did_estimate(
                shop.orders, campaign_id=r["campaign_id"], start_ts=r["start_ts"], end_ts=r["end_ts"],
                events=shop.events if shop.has("events") else None, pre_days=pre_days, confidence=confidence,
            )
        )  # fmt: skip
    return pd.DataFrame(rows)


def _not_evaluable(r: dict, lang: str | None) -> str:
    """Why a campaign without a control group has no DiD estimate (``did_evaluable`` = 0)."""
    name, n = r["name"], int(r.get("n_exposed") or 0)
    if n:
        return tr(
            f"{name}: without a control group its effect cannot be estimated here. Only {n:,} users viewed the "
            "campaign page, too few of them with comparable visits of users who had not; so there is no estimate, "
            "no interval and no incremental GMV.",
            f"{name}：没有对照组，这里无法估计其效果。只有 {n:,} 位用户浏览过活动页，其中能找到未浏览用户可比访问的太少；"
            "因此不给出估计值、置信区间和增量成交额。", lang,
        )  # fmt: skip
    return tr(
        f"{name}: without a control group its effect cannot be estimated here. Only purchases mark who took "
        "part (no campaign-page view in the window), and buyers compared with anyone else show a rise even "
        "when the campaign did nothing; so there is no estimate, no interval and no incremental GMV.",
        f"{name}：没有对照组，这里无法估计其效果。只有购买记录能标识谁参与了活动（窗口内没有活动页浏览），而拿买家与其他人"
        "比较，即使活动毫无作用也会显示增长；因此不给出估计值、置信区间和增量成交额。", lang,
    )  # fmt: skip


def did_sentences(did: pd.DataFrame, ev: Evaluation, *, lang: str | None = None) -> list[str]:
    """What the DiD section says: its estimates with the assumption check, why a campaign cannot be evaluated,
    or why no estimate is needed."""
    if did.empty:
        if ev.summary.empty:
            return [tr("No campaign to evaluate.", "没有可评估的活动。", lang)]
        return [tr(
            "Every campaign here has a randomised control group, so no difference-in-differences estimate is "
            "needed (the randomised comparison above is the stronger evidence).",
            "这里的每个活动都有随机对照组，因此不需要双重差分估计（上面的随机对照比较证据更强）。", lang,
        )]  # fmt: skip
    out = []
    for r in did.to_dict("records"):
        if not r.get("did_evaluable"):
            out.append(_not_evaluable(r, lang))
            if r.get("n_buyers", 0):
                b, d = f"¥{r['buyers_before']:,.2f}", f"¥{r['buyers_during']:,.2f}"
                nb = f"{r['n_buyers']:,}"
                out.append(tr(
                    f"Descriptive only, not an effect: the campaign's {nb} buyers spent {b} per user in the window "
                    f"before it and {d} during it; they were picked for buying during it, so the rise is built in.",
                    f"仅为描述，不是效果：活动的 {nb} 位买家活动前同长度窗口人均消费 {b}，活动期间 {d}；他们正是因为活动期间"
                    "购买才被选出，增长是必然的。", lang,
                ))  # fmt: skip
            continue
        pl, plo, phi = (
            fmt_change(r[k], "yuan") for k in ("pretrend_placebo", "pretrend_ci_low", "pretrend_ci_high")
        )
        if r["parallel_trends_plausible"]:
            check = tr(f"the pre-campaign placebo finds no difference ({pl}, CI {plo} to {phi}), which does not "
                       "prove parallel trends",
                       f"活动前的安慰剂检验未发现差异（{pl}，置信区间 {plo} 至 {phi}），但这不能证明趋势平行", lang)  # fmt: skip
        else:
            check = tr(f"WARNING: the pre-campaign placebo is not zero ({pl}, CI {plo} to {phi}), so the groups were "
                       "already diverging and the estimate is likely biased",
                       f"警告：活动前的安慰剂检验不为 0（{pl}，置信区间 {plo} 至 {phi}），两组在活动前已出现分化，估计很可能有偏",
                       lang)  # fmt: skip
        v, lo, hi = (fmt_change(r[k], "yuan") for k in ("did_revenue_per_user", "ci_low", "ci_high"))
        npart, ncomp = f"{r['n_participants']:,}", f"{r['n_comparison']:,}"
        out.append(tr(
            f"{r['name']}: difference-in-differences of {v} paid GMV per participant (CI {lo} to {hi}): "
            "participants' change from the window before their first campaign-page view to the rest of the "
            "campaign, minus the same change after visits of users who had not yet seen the page, on the same "
            f"campaign day and visit rank and matched on pre-period activity ({npart} participants vs {ncomp} "
            f"comparison users); {check}. Participants chose to look, so this is not a randomised result.",
            f"{r['name']}：双重差分为每位参与用户 {v} 的支付成交额（置信区间 {lo} 至 {hi}）：参与用户从首次浏览活动页之前的"
            "窗口到活动剩余时间的变化，减去尚未浏览活动页的用户在同一活动日、同一访问序次的访问之后的同样变化（按活动前活跃度"
            f"匹配；参与用户 {npart} 人，对比用户 {ncomp} 人）；{check}。"
            "是否浏览是用户自选的，这不是随机实验结论。", lang,
        ))  # fmt: skip
        b, d = f"¥{r['participants_before']:,.2f}", f"¥{r['participants_during']:,.2f}"
        out.append(tr(
            f"Plain before/after (not an effect): participants spent {b} per user in the window before and {d} "
            "during the campaign.",
            f"简单前后对比（不是效果）：参与用户活动前人均消费 {b}，活动期间 {d}。", lang,
        ))  # fmt: skip
    return out


_DID_LABELS = {
    "did_evaluable": ("effect estimable without a control group (1 = yes)", "无对照组时可估计效果（1 = 是）"),
    "did_revenue_per_user": ("DiD revenue per participant", "双重差分人均成交额"),
    "did_revenue_per_user_ci_low": ("DiD revenue per participant, CI low", "双重差分人均成交额置信区间下限"),
    "did_revenue_per_user_ci_high": (
        "DiD revenue per participant, CI high",
        "双重差分人均成交额置信区间上限",
    ),
}


def record_did_headlines(did: pd.DataFrame, *, lang: str | None = None) -> dict[str, float]:
    """Record, for each campaign without a control group (rows of :func:`did_report`),
    ``campaigns.<id>.did_evaluable`` (1 or 0) and, only when an estimate is reported,
    ``campaigns.<id>.did_revenue_per_user`` with ``_ci_low`` / ``_ci_high`` (metrics.json)."""
    from ..notebook import record

    got = {}
    for r in did.to_dict("records") if len(did) else []:
        keys = ["did_evaluable"]
        if r.get("did_evaluable"):
            keys += ["did_revenue_per_user", "did_revenue_per_user_ci_low", "did_revenue_per_user_ci_high"]
        values = r | {
            "did_revenue_per_user_ci_low": r.get("ci_low"),
            "did_revenue_per_user_ci_high": r.get("ci_high"),
        }
        for k in keys:
            key = f"campaigns.{r['campaign_id']}.{k}"
            en, zh = _DID_LABELS[k]
            got[key] = record(
                key,
                int(values[k]) if k == "did_evaluable" else values[k],
                label=tr(f"{r['name']}: {en}", f"{r['name']}：{zh}", lang),
                unit="count" if k == "did_evaluable" else "yuan",
                index=k == "did_revenue_per_user",
            )
    return got


def channel_report(shop: Shop, *, period) -> pd.DataFrame | None:
    """:func:`~shoplab.campaigns.attribution.channel_performance` for the month (with margins when known);
    None when the orders have no ``channel`` column (the report then skips the channel table)."""
    from ..periods import Period
    from .attribution import channel_performance
    from .effect import _order_costs

    if "channel" not in shop.orders.columns:
        return None
    p = Period.parse(period)
    costs = None
    if shop.has("order_items", "items") and "cost" in shop.items.columns:
        costs = _order_costs(shop.order_items, shop.items)
    spend = shop.marketing_spend if shop.has("marketing_spend") else None
    return channel_performance(shop.orders, spend, start=p.start, end=p.end, order_costs=costs)


def format_channels(ch: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Channel performance as a manager reads it (counts with separators, ¥, rates in %, n/a when unknown)."""
    from ..notebook import fmt_value

    def f(v, unit):
        return "n/a" if v != v else fmt_value(v, unit)

    return _by_first(
        pd.DataFrame(
            {
                tr("Channel", "渠道", lang): ch["channel"],
                tr("Impressions", "曝光量", lang): [f(v, "count") for v in ch["impressions"]],
                tr("Clicks", "点击量", lang): [f(v, "count") for v in ch["clicks"]],
                tr("CTR", "点击率 CTR", lang): [f(v, "rate") for v in ch["ctr"]],
                tr("Spend", "投放花费", lang): [f(v, "yuan") for v in ch["spend"]],
                tr("Orders", "订单数", lang): [f(v, "count") for v in ch["orders"]],
                tr("CVR (orders / clicks)", "转化率 CVR（订单/点击）", lang): [
                    f(v, "rate") for v in ch["cvr"]
                ],
                tr("GMV", "成交额 GMV", lang): [f(v, "yuan") for v in ch["gmv"]],
                tr("New buyers", "新买家数", lang): [f(v, "count") for v in ch["new_buyers"]],
                tr("CAC", "获客成本 CAC", lang): [f(v, "yuan") for v in ch["cac"]],
                "ROAS": [f(v, "ratio") for v in ch["roas"]],
                tr("ROI (margin)", "投资回报率 ROI（毛利）", lang): [
                    "n/a" if v != v else f"{v:+.0%}" for v in ch["roi"]
                ],
            }
        )
    )


def period_touches(shop: Shop, *, period, lookback_days: int = 30):
    """Journeys of the month for attribution, kept in the engine (:func:`~shoplab.campaigns.attribution.touch_table`,
    a lazy Ibis table: one row per touch is too many to bring back on a large shop). None when the shop has no
    events or its events have no ``channel`` (the report then skips attribution)."""
    from ..periods import Period
    from .attribution import touch_table

    if not shop.has("events") or "channel" not in shop.events.columns:
        return None
    p = Period.parse(period)
    return touch_table(shop.events, shop.orders, start=p.start, end=p.end, lookback_days=lookback_days)


def targeting_candidates(shop: Shop, *, period) -> pd.DataFrame:
    """Uplift features of every known user as of the end of ``period`` (the next campaign's audience)."""
    from ..periods import Period
    from .uplift import uplift_features

    src = shop.users if shop.has("users") else shop.orders
    ids = src.select("user_id").distinct().execute()["user_id"]
    return uplift_features(shop, ids, as_of=Period.parse(period).end)


#: anchor ids of the report's sections (the notebook's ``<a id=...>`` lines); findings link to them
SECTIONS = (
    "findings", "verdict", "sample-ratio", "effect", "money", "kpi-layers", "after-campaign", "without-control",
    "who-responded", "channels", "definitions", "data-quality",
)  # fmt: skip

_METRICS_ZH = {
    "conversion": "转化率（≥1 笔支付订单）",
    "revenue_per_user": "人均成交额",
    "orders_per_user": "人均订单数",
    "aov": "客单价（成交额 / 订单数），以下单为条件",
}
_METHODS_ZH = {
    "two-proportion z (unpooled)": "两比例 z 检验（非合并方差）",
    "Welch t on CUPED-adjusted spend": "CUPED 调整后的 Welch t 检验",
    "Welch t": "Welch t 检验",
    "delta method over users": "按用户的 Delta 方法",
}
_HEADLINE_LABELS = {
    "lift_conversion": ("conversion lift vs control", "转化率提升（对比对照组）"),
    "lift_conversion_ci_low": ("conversion lift, CI low", "转化率提升置信区间下限"),
    "lift_conversion_ci_high": ("conversion lift, CI high", "转化率提升置信区间上限"),
    "lift_revenue_per_user": ("revenue per user lift vs control", "人均成交额提升（对比对照组）"),
    "lift_revenue_per_user_ci_low": ("revenue per user lift, CI low", "人均成交额提升置信区间下限"),
    "lift_revenue_per_user_ci_high": ("revenue per user lift, CI high", "人均成交额提升置信区间上限"),
    "incremental_gmv": ("incremental GMV", "增量成交额"),
    "roi": ("ROI", "投资回报率 ROI"),
    "srm_p": ("sample-ratio check p-value", "样本比例检验 p 值"),
}


def effects_table(ev: Evaluation, *, lang: str | None = None) -> pd.DataFrame:
    """The effect table as a manager reads it, in the report language: what was compared with what, values,
    lift with its interval, relative lift with its interval, the p-value and whether it is significant (numbers
    as in ``ev.effects``). Decision metrics show intervals at the adjusted level and the adjusted p-value, so
    "significant" is exactly "the interval excludes 0"; secondary metrics are labelled as such and unadjusted.
    The revenue row shows CUPED-adjusted group means (the means the CUPED lift compares)."""
    from ..notebook import fmt_value

    if ev.effects.empty:
        return pd.DataFrame()
    names = dict(zip(ev.summary.campaign_id, ev.summary.name, strict=False))
    n_dec = ev.effects.groupby("campaign_id")["role"].apply(lambda x: int((x == "decision").sum())).to_dict()

    def rel_ci(r):
        lo, hi = r["rel_ci_low"], r["rel_ci_high"]
        if pd.isna(r["rel_lift"]):
            return "n/a"
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return f"{r['rel_lift']:+.1%} [" + tr("unbounded", "无界", lang) + "]"
        return f"{r['rel_lift']:+.1%} [{lo:+.1%}, {hi:+.1%}]"

    rows = []
    for r in ev.effects.to_dict("records"):
        u = r["unit"]
        if u == "rate":
            lift = f"{r['abs_lift'] * 100:+.2f} pp [{r['ci_low'] * 100:+.2f}, {r['ci_high'] * 100:+.2f}]"
        elif u == "yuan":
            lift = f"{fmt_change(r['abs_lift'], 'yuan')} [{fmt_change(r['ci_low'], 'yuan')}, {fmt_change(r['ci_high'], 'yuan')}]"
        else:
            lift = f"{r['abs_lift']:+,.2f} [{r['ci_low']:+,.2f}, {r['ci_high']:+,.2f}]"
        metric = _METRICS_ZH.get(r["metric"], r["label"])
        if r["metric"] == "revenue_per_user" and "CUPED" in str(r["label"]):
            metric += "（CUPED 调整后均值）"
        unit = u if u != "count" else "number"
        level = ci_name(r["ci_level"])
        decision = r["role"] == "decision"
        m = n_dec.get(r["campaign_id"], 0)
        if decision:
            role = tr(f"decision ({m} metrics, Bonferroni)", f"决策指标（{m} 项，Bonferroni 校正）", lang)
            p = fmt_value(r["p_adjusted"], "p")
        else:
            role = tr("secondary (not adjusted)", "次要指标（未校正）", lang)
            p = fmt_value(r["p_value"], "p")
        yes, no = tr("yes", "是", lang), tr("no", "否", lang)
        rows.append(
            {
                tr("Campaign", "活动", lang): names.get(r["campaign_id"], r["campaign_id"]),
                tr("Metric", "指标", lang): tr(r["label"], metric, lang),
                tr("Role", "指标角色", lang): role,
                tr("Treated", "实验组", lang): fmt_value(r["treatment"], unit),
                tr("Control", "对照组", lang): fmt_value(r["control"], unit),
                tr("Lift [CI]", "提升 [置信区间]", lang): f"{lift} ({level})",
                tr("Relative lift [CI]", "相对提升 [置信区间]", lang): rel_ci(r),
                tr("p (decision: adjusted)", "p 值（决策指标已校正）", lang): p,
                tr("Significant", "是否显著", lang): yes if r["significant"] else no,
                tr("Compared with", "对比对象", lang): tr(
                    f"control group ({r['n_control']:,} users)",
                    f"对照组（{r['n_control']:,} 人）",
                    lang,
                ),
                tr("Method", "检验方法", lang): tr(
                    r["method"], _METHODS_ZH.get(r["method"], r["method"]), lang
                ),
            }
        )
    return _by_first(pd.DataFrame(rows))


def record_report_headlines(ev: Evaluation, *, lang: str | None = None) -> dict[str, float]:
    """:func:`~shoplab.campaigns.evaluate.record_headlines` with labels in the report language: the same keys
    ``campaigns.<id>.<key>`` for every key in :data:`HEADLINE_KEYS`, the same values and units."""
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
            en, zh = _HEADLINE_LABELS.get(k, (k.replace("_", " "), k))
            got[key] = record(
                key,
                r.get(k, math.nan),
                label=tr(f"{r['name']}: {en}", f"{r['name']}：{zh}", lang),
                unit=unit,
                index=not detail,
            )
    return got


def _ok(x) -> bool:
    return x is not None and x == x


def _effect_finding(r: dict, pct: str, lang: str | None):
    from ..notebook import Finding, fmt_change, fmt_value

    name, win = r["name"], f"{pd.Timestamp(r['start_ts']):%m-%d}–{pd.Timestamp(r['end_ts']):%m-%d}"
    ct, cc = fmt_value(r["conversion_treatment"], "rate"), fmt_value(r["conversion_control"], "rate")
    lc, lo, hi = (fmt_change(r[k], "pp") for k in ("lift_conversion", "lift_conversion_ci_low",
                                                     "lift_conversion_ci_high"))  # fmt: skip
    rv, rlo, rhi = (fmt_change(r[k], "yuan") for k in ("lift_revenue_per_user", "lift_revenue_per_user_ci_low",
                                               "lift_revenue_per_user_ci_high"))  # fmt: skip
    lvl_c = (
        ci_name(r.get("lift_conversion_ci_level", math.nan))
        if _ok(r.get("lift_conversion_ci_level"))
        else pct
    )
    lvl_r = (ci_name(r["lift_revenue_per_user_ci_level"]) if _ok(r.get("lift_revenue_per_user_ci_level"))
             else pct)  # fmt: skip
    m = int(r["n_decision_metrics"]) if _ok(r.get("n_decision_metrics")) else 2
    sc, sr = bool(r.get("significant_conversion")), bool(r.get("significant_revenue_per_user"))
    adj_en, adj_zh = f"after adjusting for the {m} decision metrics", f"按 {m} 个决策指标校正后"
    if sc and sr:
        sig = tr(f"both significant {adj_en}", f"{adj_zh}两项均显著", lang)
    elif sc or sr:
        sig = tr(
            f"only {'conversion' if sc else 'revenue per user'} is significant {adj_en}",
            f"{adj_zh}仅{'转化率' if sc else '人均成交额'}显著",
            lang,
        )
    else:
        sig = tr(f"neither is significant {adj_en}, so this could be chance (absence of evidence, not proof of "
                 "no effect)",
                 f"{adj_zh}两项均不显著，可能只是偶然（没有证据表明有效，并不证明无效）", lang)  # fmt: skip
    v = str(r.get("verdict", ""))
    if not r.get("srm_ok", True):
        verb_en, verb_zh, section = (
            "cannot be trusted (sample ratio mismatch)",
            "结果不可信（样本比例不一致）",
            "sample-ratio",
        )
    elif v.startswith("worked"):
        verb_en, verb_zh, section = "lifted sales", "效果显著", "effect"
    elif v == "hurt":
        verb_en, verb_zh, section = "hurt sales", "拉低了销售", "effect"
    else:
        verb_en, verb_zh, section = "had no detectable effect", "未见显著效果", "effect"
    en = (f"{name} ({win}) {verb_en} against its randomised control group: conversion {ct} treated vs {cc} "
          f"control, {lc} ({lvl_c} CI {lo} to {hi}), and CUPED-adjusted revenue per assigned user {rv} ({lvl_r} CI "
          f"{rlo} to {rhi}); {sig}.")  # fmt: skip
    zh = (f"{name}（{win}）相对随机对照组{verb_zh}：转化率实验组 {ct}、对照组 {cc}，提升 {lc}（{lvl_c} 置信区间 {lo} 至 "
          f"{hi}），CUPED 调整后的人均成交额提升 {rv}（{lvl_r} 置信区间 {rlo} 至 {rhi}）；{sig}。")  # fmt: skip
    small = min(r["n_treatment"], r["n_control"])
    if small < 1000:
        en += f" Small sample: only {small:,.0f} users in the smaller group, so the intervals are wide."
        zh += f"样本量小：较小的一组只有 {small:,.0f} 人，置信区间较宽。"
    return Finding(tr(en, zh, lang), section)


def _money_finding(r: dict, lang: str | None):
    from ..notebook import Finding, fmt_value

    g, glo, ghi = (fmt_value(r[k], "yuan") for k in ("incremental_gmv", "incremental_gmv_ci_low",
                                                       "incremental_gmv_ci_high"))  # fmt: skip
    lvl_g = ci_name(r["incremental_gmv_ci_level"]) if _ok(r.get("incremental_gmv_ci_level")) else "95%"
    cost = fmt_value(r["cost"], "yuan")
    en = f"{r['name']} brought incremental GMV of {g} against the control group ({lvl_g} CI {glo} to {ghi})"
    zh = f"{r['name']} 相对对照组带来增量成交额 {g}（{lvl_g} 置信区间 {glo} 至 {ghi}）"
    if _ok(r.get("roi")):
        m = fmt_value(r["incremental_margin"], "yuan")
        lvl = (
            ci_name(r["incremental_margin_ci_level"]) if _ok(r.get("incremental_margin_ci_level")) else "95%"
        )
        roi, lo, hi = (f"{r[k]:+.0%}" for k in ("roi", "roi_ci_low", "roi_ci_high"))
        if r["roi_ci_low"] > 0:
            en += (f", and its CUPED-adjusted incremental margin of {m} covered the {cost} cost: ROI {roi} ({lvl} CI "
                   f"{lo} to {hi}, all above zero)")  # fmt: skip
            zh += f"，CUPED 调整后的增量毛利 {m} 覆盖了 {cost} 的活动成本：投资回报率 ROI {roi}（{lvl} 置信区间 {lo} 至 {hi}，全部高于 0）"
        elif r["roi_ci_high"] < 0:
            en += (f", but its CUPED-adjusted incremental margin of {m} did not cover the {cost} cost: ROI {roi} "
                   f"({lvl} CI {lo} to {hi}, all below zero)")  # fmt: skip
            zh += (
                f"，但 CUPED 调整后的增量毛利 {m} 未能覆盖 {cost} 的活动成本：投资回报率 ROI {roi}（{lvl} 置信区间 {lo} 至 "
                f"{hi}，全部低于 0）"
            )
        else:
            en += (f"; against the {cost} cost its CUPED-adjusted incremental margin of {m} gives ROI {roi} ({lvl} CI "
                   f"{lo} to {hi}): ROI uncertain, the interval spans both loss and profit")  # fmt: skip
            zh += (f"；CUPED 调整后的增量毛利 {m}，对比 {cost} 的活动成本，投资回报率 ROI {roi}（{lvl} 置信区间 {lo} 至 "
                   f"{hi}）：投资回报不确定，置信区间同时包含亏损和盈利")  # fmt: skip
    else:
        en += f" at a cost of {cost}; ROI is unknown because item costs are missing"
        zh += f"，活动成本 {cost}；缺少商品成本，无法计算 ROI"
    return Finding(tr(en + ".", zh + "。", lang), "money")


def findings(
    ev: Evaluation,
    *,
    did: pd.DataFrame | None = None,
    after: pd.DataFrame | None = None,
    seg: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    attribution: pd.DataFrame | None = None,
    period: str | None = None,
    max_findings: int = 6,
    lang: str | None = None,
) -> list:
    """The report's findings: plain sentences generated from the result tables, each a
    :class:`~shoplab.notebook.Finding` linked to the section that shows its numbers (see :data:`SECTIONS`).

    Order: each campaign's effect against its control group (with interval, significance, small-sample and SRM
    warnings) and its money (incremental GMV, ROI with interval); campaigns without a control group
    (difference-in-differences, or that no effect can be measured); pull-forward; the segment that responded
    most; channels and attribution. At most ``max_findings``; with more than two campaigns, one sentence counts
    the campaigns that worked and only the one with the largest incremental GMV is detailed.
    """
    from ..i18n import join
    from ..notebook import Finding, fmt_value

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    pct = f"{ev.confidence:.0%}"
    s = ev.summary
    out: list = []
    when_en, when_zh = (f" in {period}", f"{period} ") if period else ("", "本期")
    if s.empty:
        out.append(F(f"No campaign was active{when_en}: there is no campaign effect to report.",
                     f"{when_zh}没有进行中的活动：没有活动效果可报告。", "verdict"))  # fmt: skip
    ctrl = s[s["has_control"] == True]  # noqa: E712
    if len(ctrl) > 2:
        sig = ctrl[ctrl["significant_conversion"].fillna(False).astype(bool) & (ctrl["lift_conversion"] > 0)]
        names = join(list(sig["name"]), lang)
        out.append(F(
            f"{len(sig)} of {len(ctrl)} campaigns with a randomised control group lifted conversion beyond chance"
            + (f": {names}." if len(sig) else "."),
            f"{len(ctrl)} 个设有随机对照组的活动中，{len(sig)} 个的转化率显著提升" + (f"：{names}。" if len(sig) else "。"),
            "effect",
        ))  # fmt: skip
        ctrl = ctrl.sort_values("incremental_gmv", ascending=False).head(1)
    for r in ctrl.to_dict("records"):
        out.append(_effect_finding(r, pct, lang))
        out.append(_money_finding(r, lang))
    did_rows = {} if did is None or did.empty else did.set_index("campaign_id").to_dict("index")
    for r in s[s["has_control"] != True].to_dict("records"):  # noqa: E712
        d = did_rows.get(r["campaign_id"])
        if d is not None and not d.get("did_evaluable", 1):
            why_en, why_zh = (
                ("too few users viewed its campaign page", "浏览过活动页的用户太少") if d.get("n_exposed")
                else ("only purchases mark who took part", "只有购买记录能标识谁参与了活动")
            )  # fmt: skip
            shown = bool(d.get("n_buyers"))
            out.append(F(
                f"{r['name']} has no randomised control group and {why_en}, so its effect cannot be estimated: no "
                "interval and no incremental GMV"
                + (" (the section shows its buyers' spend before and during it, which is not an effect)." if shown
                   else "."),
                f"{r['name']} 没有随机对照组，且{why_zh}，因此无法估计其效果：不给出置信区间和增量成交额"
                + ("（该章节列出其买家活动前与活动期间的消费，这不是效果）。" if shown else "。"),
                "without-control",
            ))  # fmt: skip
            continue
        if d is None or not _ok(d.get("did_revenue_per_user")):
            out.append(F(
                f"{r['name']} has no randomised control group and no usable comparison, so its effect cannot be "
                "measured.",
                f"{r['name']} 没有随机对照组，也没有可用的对比组，无法测算其效果。",
                "without-control",
            ))  # fmt: skip
            continue
        v, lo, hi = (fmt_change(d[k], "yuan") for k in ("did_revenue_per_user", "ci_low", "ci_high"))
        excl = d["ci_low"] > 0 or d["ci_high"] < 0
        out.append(F(
            f"{r['name']} has no randomised control group: against visits of users who had not yet seen its "
            "campaign page, matched on pre-period activity, campaign day and visit rank (difference-in-differences), "
            f"participants' paid GMV per user changed by {v} ({pct} CI {lo} to {hi}, "
            f"{'excluding' if excl else 'including'} zero). Participants chose to look, so selection can remain: "
            "read it as an estimate under assumptions, not a tested effect.",
            f"{r['name']} 没有随机对照组：与尚未浏览活动页的用户的访问相比（按活动前活跃度、活动日和访问序次匹配，双重差分 DiD），参与用户人均成交额"
            f"变化 {v}（{pct} 置信区间 {lo} 至 {hi}，{'不含' if excl else '包含'} 0）。是否浏览是用户自选的，可能仍有"
            "选择偏差：这是基于假设的估计，而非经过检验的效果。",
            "without-control",
        ))  # fmt: skip
    if after is not None and len(after) and "post_lift_revenue_per_user" in after:
        a = after[after["post_lift_revenue_per_user"].notna()]
        if len(a):
            r = a.iloc[0]
            v, lo, hi = (
                fmt_change(r[k], "yuan")
                for k in ("post_lift_revenue_per_user", "post_ci_low", "post_ci_high")
            )
            days = int(r["post_days"])
            out.append(F(
                f"In the {days} days after {r['name']}, revenue per assigned user of the treated group differed "
                f"from the control group by {v} (CI {lo} to {hi}): {_pull_forward_words(r, 'en')}."
                + _cumulative_words(r, "en"),
                f"{r['name']} 结束后 {days} 天内，实验组人均成交额比对照组相差 {v}（置信区间 {lo} 至 {hi}）："
                f"{_pull_forward_words(r, 'zh')}。" + _cumulative_words(r, "zh"),
                "after-campaign",
            ))  # fmt: skip
    if seg is not None and len(seg) and len(ctrl):
        from .plots import dimension_display, segment_display

        cid = seg["campaign_id"].iloc[-1] if "campaign_id" in seg else None
        one = seg[seg["campaign_id"] == cid] if cid is not None else seg
        if len(one):
            top = one.loc[one["lift_conversion"].idxmax()]
            n = int(top["n_treatment"] + top["n_control"])
            v, lo, hi = (f"{top[k] * 100:+.1f} pp" for k in ("lift_conversion", "lift_conversion_ci_low",
                                                                "lift_conversion_ci_high"))  # fmt: skip
            dim_en, dim_zh = (
                dimension_display(top["dimension"], "en"),
                dimension_display(top["dimension"], "zh"),
            )
            seg_name = segment_display(top["segment"], lang)
            sure = top["lift_conversion_ci_low"] > 0
            out.append(F(
                f"{top['name']}: the {seg_name} segment ({dim_en}, {n:,} users) responded most, conversion {v} "
                f"(CI {lo} to {hi}{'' if sure else ', including zero'}); segment intervals are not corrected for "
                "the many segments compared, so treat it as a lead to test.",
                f"{top['name']}：{dim_zh}中「{seg_name}」（{n:,} 人）响应最强，转化率提升 {v}（置信区间 {lo} 至 "
                f"{hi}{'' if sure else '，包含 0'}）；分群区间未做多重比较校正，应作为待验证的线索。",
                "who-responded",
            ))  # fmt: skip
    given = attribution if attribution is not None else pd.DataFrame()
    models = [m for m in ("first_touch", "last_touch", "linear", "time_decay", "markov") if m in given]
    if len(given) and given[models].to_numpy().sum() > 0:  # no order credited: nothing to compare
        tops = {attribution.loc[attribution[m].idxmax(), "channel"] for m in models}
        shares = attribution[models] / attribution[models].sum()
        spread = shares.max(axis=1) - shares.min(axis=1)
        wide, pp = attribution.loc[spread.idxmax(), "channel"], f"{spread.max() * 100:.1f} pp"
        if len(tops) == 1:
            top = next(iter(tops))
            sh = shares.loc[attribution["channel"] == top]
            lo_s, hi_s = f"{sh.min(axis=1).iloc[0]:.0%}", f"{sh.max(axis=1).iloc[0]:.0%}"
            out.append(F(
                f"{top} earns the most credit for the month's orders under every attribution model ({lo_s} to "
                f"{hi_s} of orders); " + ("its" if wide == top else f"{wide}'s")
                + f" share depends most on the model ({pp} apart).",
                f"{when_zh}各归因模型下 {top} 的订单贡献都最高（占订单 {lo_s} 至 {hi_s}）；"
                + ("其" if wide == top else f"{wide} 的") + f"份额随模型变化最大（相差 {pp}）。",
                "channels",
            ))  # fmt: skip
        else:
            out.append(F(
                f"The channel with the most credit for the month's orders depends on the attribution model; {wide}'s "
                f"share moves most ({pp} apart), so budget decisions should not rest on one model.",
                f"{when_zh}订单贡献最高的渠道取决于归因模型；{wide} 的份额变化最大（相差 {pp}），投放预算不宜只看单一模型。",
                "channels",
            ))  # fmt: skip
    if channels is not None and len(channels) and channels["roas"].notna().any():
        best = channels.loc[channels["roas"].idxmax()]
        roas = fmt_value(best["roas"], "ratio")
        cac = fmt_value(best["cac"], "yuan") if _ok(best["cac"]) else "n/a"
        spend = fmt_value(best["spend"], "yuan")
        out.append(F(
            f"Among paid channels{when_en}, {best['channel']} returned the most GMV per ¥ of spend: ROAS {roas} on "
            f"{spend} spend, CAC {cac} per new buyer (attributed by order channel, not a tested effect).",
            f"{when_zh}付费渠道中 {best['channel']} 的投入产出最高：投放花费 {spend}，广告支出回报 ROAS {roas}，"
            f"获客成本 CAC {cac}/新买家（按订单渠道归属，并非实验检验的效果）。",
            "channels",
        ))  # fmt: skip
    return out[:max_findings]


def format_attribution(table: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Orders credited to each channel by each attribution model, with the channel's share of the orders."""
    from .plots import model_display

    if table.empty:
        return table
    models = [m for m in ("first_touch", "last_touch", "linear", "time_decay", "markov") if m in table]
    out = pd.DataFrame({tr("Channel", "渠道", lang): table["channel"]})
    for m in models:
        total = table[m].sum()
        out[model_display(m, lang)] = [f"{v:,.0f} ({v / total:.0%})" for v in table[m]]
    return _by_first(out)
