"""The report's findings: plain sentences generated from the result tables, each linked to its section."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ...currency import money_symbol
from ...i18n import tr
from ...notebook import Finding, fmt_change, fmt_value
from ..attribution import AttributionSpread, best_roas_channel
from ..attribution import attribution_spread as _spread
from ..decisions import (
    detailed_campaigns,
    interval_sign,
    is_small_sample,
    lift_count,
    roi_outcome,
    smaller_group,
)
from ..segments import top_segment
from .names import ci_name, dimension_display, segment_display
from .sentences import _cumulative_words, _ok, _pull_forward_words

if TYPE_CHECKING:
    from ..evaluate import Evaluation

__all__ = ["findings", "SECTIONS"]


#: anchor ids of the report's sections (the notebook's ``<a id=...>`` lines); findings link to them
SECTIONS = (
    "findings", "verdict", "sample-ratio", "effect", "money", "kpi-layers", "after-campaign", "without-control",
    "who-responded", "channels", "definitions", "data-quality",
)  # fmt: skip


def _effect_finding(r: dict, pct: str, lang: str | None):

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
    if is_small_sample(r):
        small = smaller_group(r)
        en += f" Small sample: only {small:,.0f} users in the smaller group, so the intervals are wide."
        zh += f"样本量小：较小的一组只有 {small:,.0f} 人，置信区间较宽。"
    return Finding(tr(en, zh, lang), section)


def _money_finding(r: dict, lang: str | None):
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
        outcome = roi_outcome(r)
        if outcome == "paid off":
            en += (f", and its CUPED-adjusted incremental margin of {m} covered the {cost} cost: ROI {roi} ({lvl} CI "
                   f"{lo} to {hi}, all above zero)")  # fmt: skip
            zh += f"，CUPED 调整后的增量毛利 {m} 覆盖了 {cost} 的活动成本：投资回报率 ROI {roi}（{lvl} 置信区间 {lo} 至 {hi}，全部高于 0）"
        elif outcome == "did not pay off":
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
    attribution_spread: AttributionSpread | None = None,
    period: str | None = None,
    max_findings: int = 6,
    lang: str | None = None,
) -> list:
    """The report's findings: plain sentences generated from the result tables, each a
    :class:`~shoplab.notebook.Finding` linked to the section that shows its numbers (see :data:`SECTIONS`).

    Order: each campaign's effect against its control group (with interval, significance, small-sample and SRM
    warnings) and its money (incremental GMV, ROI with interval); campaigns without a control group
    (difference-in-differences, or that no effect can be measured); pull-forward; the segment that responded
    most; channels and attribution (``attribution_spread``, :func:`~shoplab.campaigns.attribution.attribution_spread`
    of ``attribution`` when not passed). At most ``max_findings``; with more than two campaigns, one sentence counts
    the campaigns that worked and only the one with the largest incremental GMV is detailed.
    """
    from ...i18n import join

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    pct = f"{ev.confidence:.0%}"
    s = ev.summary
    out: list = []
    when_en, when_zh = (f" in {period}", f"{period} ") if period else ("", "本期")
    if s.empty:
        out.append(F(f"No campaign was active{when_en}: there is no campaign effect to report.",
                     f"{when_zh}没有进行中的活动：没有活动效果可报告。", "verdict"))  # fmt: skip
    count = lift_count(s, "conversion")
    if count.summarised:
        n_sig, n_ctrl, names = count.n_lifted, count.n_controlled, join(list(count.lifted), lang)
        out.append(F(
            f"{n_sig} of {n_ctrl} campaigns with a randomised control group lifted conversion beyond chance"
            + (f": {names}." if n_sig else "."),
            f"{n_ctrl} 个设有随机对照组的活动中，{n_sig} 个的转化率显著提升" + (f"：{names}。" if n_sig else "。"),
            "effect",
        ))  # fmt: skip
    ctrl = detailed_campaigns(s)
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
        excl = interval_sign(d["ci_low"], d["ci_high"]) != 0
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
        top = top_segment(seg)
        if top is not None:
            n = int(top["n_treatment"] + top["n_control"])
            v, lo, hi = (f"{top[k] * 100:+.1f} pp" for k in ("lift_conversion", "lift_conversion_ci_low",
                                                                "lift_conversion_ci_high"))  # fmt: skip
            dim_en, dim_zh = (
                dimension_display(top["dimension"], "en"),
                dimension_display(top["dimension"], "zh"),
            )
            seg_name = segment_display(top["segment"], lang)
            sure = interval_sign(top["lift_conversion_ci_low"], top["lift_conversion_ci_high"]) > 0
            out.append(F(
                f"{top['name']}: the {seg_name} segment ({dim_en}, {n:,} users) responded most, conversion {v} "
                f"(CI {lo} to {hi}{'' if sure else ', including zero'}); segment intervals are not corrected for "
                "the many segments compared, so treat it as a lead to test.",
                f"{top['name']}：{dim_zh}中「{seg_name}」（{n:,} 人）响应最强，转化率提升 {v}（置信区间 {lo} 至 "
                f"{hi}{'' if sure else '，包含 0'}）；分群区间未做多重比较校正，应作为待验证的线索。",
                "who-responded",
            ))  # fmt: skip
    a = attribution_spread if attribution_spread is not None else _spread(attribution)
    if a is not None:  # None: no order credited, nothing to compare
        wide, pp = a.widest, f"{a.widest_spread * 100:.1f} pp"
        if a.top is not None:
            top = a.top
            lo_s, hi_s = f"{a.top_share_low:.0%}", f"{a.top_share_high:.0%}"
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
    best = best_roas_channel(channels)
    if best is not None:
        roas = fmt_value(best["roas"], "ratio")
        cac = fmt_value(best["cac"], "yuan") if _ok(best["cac"]) else "n/a"
        spend = fmt_value(best["spend"], "yuan")
        out.append(F(
            f"Among paid channels{when_en}, {best['channel']} returned the most GMV per {money_symbol().strip()} of spend: ROAS {roas} on "
            f"{spend} spend, CAC {cac} per new buyer (attributed by order channel, not a tested effect).",
            f"{when_zh}付费渠道中 {best['channel']} 的投入产出最高：投放花费 {spend}，广告支出回报 ROAS {roas}，"
            f"获客成本 CAC {cac}/新买家（按订单渠道归属，并非实验检验的效果）。",
            "channels",
        ))  # fmt: skip
    return out[:max_findings]
