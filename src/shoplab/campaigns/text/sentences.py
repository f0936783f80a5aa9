"""The report's sentences and notes: verdicts, warnings, pull-forward, difference-in-differences (words only;
every number comes from the compute modules)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pandas as pd

from ...currency import money_symbol
from ...i18n import tr
from ...notebook import fmt_change, fmt_value
from ..decisions import assigned_late, interval_sign, is_small_sample, roi_outcome, smaller_group
from .names import ci_name

if TYPE_CHECKING:
    from ..evaluate import Evaluation

__all__ = [
    "verdicts",
    "status_notes",
    "status_note",
    "segment_notes",
    "segment_note",
    "after_campaign_sentences",
    "did_sentences",
]


def verdicts(ev: Evaluation, *, did: pd.DataFrame | None = None, lang: str | None = None) -> list[str]:
    """One or two sentences per campaign generated from the numbers: worked or not, by how much, ROI, sureness.

    ``did`` (from :func:`~shoplab.campaigns.report.did_report`) supplies the estimate for campaigns without a
    control group. Sentences follow the report language (``lang``, default the one set by ``set_lang``).
    """

    did_rows = {} if did is None or did.empty else did.set_index("campaign_id").to_dict("index")

    pct = ci_name(ev.confidence)
    out = []
    for r in ev.summary.to_dict("records"):
        head = f"{r['name']} ({r['campaign_id']}, {r['start_ts']:%m-%d}–{r['end_ts']:%m-%d})"
        head_zh = f"{r['name']}（{r['campaign_id']}，{r['start_ts']:%m-%d}–{r['end_ts']:%m-%d}）"
        if not r.get("has_control"):
            d = did_rows.get(r["campaign_id"])
            if d is not None and not d.get("did_evaluable", 1):
                out.append(tr(
                    f"{head}: no randomised control group, and without one its effect cannot be estimated: "
                    + ("too few users viewed its campaign page" if d.get("n_exposed") else
                       "only purchases mark who took part, and buyers always look better than non-buyers")
                    + " (no interval, no incremental GMV).",
                    f"{head_zh}：没有随机对照组，因此无法估计其效果："
                    + ("浏览过活动页的用户太少" if d.get("n_exposed") else "只有购买记录能标识谁参与了活动，而买家总是比未购买者表现更好")
                    + "（不给出置信区间和增量成交额）。", lang,
                ))  # fmt: skip
                continue
            if d is None or d["did_revenue_per_user"] != d["did_revenue_per_user"]:
                out.append(tr(
                    f"{head}: no randomised control group, so its effect cannot be measured by a test.",
                    f"{head_zh}：没有随机对照组，无法用实验检验其效果。", lang,
                ))  # fmt: skip
                continue
            excl = interval_sign(d["ci_low"], d["ci_high"]) != 0
            v, lo, hi = (fmt_change(d[k], "yuan") for k in ("did_revenue_per_user", "ci_low", "ci_high"))
            trend = tr("the pre-campaign placebo finds no difference", "活动前的安慰剂检验未发现差异", lang) if (
                d["parallel_trends_plausible"]) else tr(
                "but the groups already diverged before it, so the estimate is likely biased",
                "但两组在活动前已出现分化，估计很可能有偏", lang)  # fmt: skip
            out.append(tr(
                f"{head}: no randomised control group. Against visits of users who had not yet seen its campaign "
                "page, matched on pre-period activity, campaign day and visit rank (difference-in-differences), "
                f"participants' paid GMV changed by {v} per "
                f"participant ({pct} CI {lo} to {hi}, which {'excludes' if excl else 'includes'} zero); {trend}. "
                "Participants chose to look at the page, so selection can remain; it is not a randomised test.",
                f"{head_zh}：没有随机对照组。与尚未浏览活动页的用户的访问相比（按活动前活跃度、活动日和访问序次匹配，双重差分 DiD），参与用户的人均成交额"
                f"变化 {v}（{pct} 置信区间 {lo} 至 {hi}，{'不含' if excl else '包含'} 0）；{trend}。是否浏览活动页是用户"
                "自选的，可能仍有选择偏差，并非随机实验结论。", lang,
            ))  # fmt: skip
            continue
        if not r["srm_ok"]:
            out.append(tr(
                f"{head}: WARNING — the groups are {r['n_treatment']:,} treated vs {r['n_control']:,} control, "
                f"{r['observed_share']:.1%} treated against a planned {r['treatment_share']:.0%} (SRM p = "
                f"{r['srm_p']:.1g}); the assignment or tracking is broken, do not trust the lifts below.",
                f"{head_zh}：警告——实验组 {r['n_treatment']:,} 人、对照组 {r['n_control']:,} 人，实验组占比 "
                f"{r['observed_share']:.1%}，计划为 {r['treatment_share']:.0%}（样本比例检验 SRM p = {r['srm_p']:.1g}）；"
                "分组或埋点有问题，下面的提升不可信。", lang,
            ))  # fmt: skip
        lc, lo, hi = r["lift_conversion"], r["lift_conversion_ci_low"], r["lift_conversion_ci_high"]
        ct, cc = fmt_value(r["conversion_treatment"], "rate"), fmt_value(r["conversion_control"], "rate")
        lvl_c, lvl_r = ci_name(r["lift_conversion_ci_level"]), ci_name(r["lift_revenue_per_user_ci_level"])
        m_fam = int(r["n_decision_metrics"])
        conv = tr(
            f"conversion {ct} treated vs {cc} control, {fmt_change(lc, 'pp')} "
            f"({lvl_c} CI {fmt_change(lo, 'pp')} to {fmt_change(hi, 'pp')})",
            f"转化率实验组 {ct}、对照组 {cc}，提升 {fmt_change(lc, 'pp')}"
            f"（{lvl_c} 置信区间 {fmt_change(lo, 'pp')} 至 {fmt_change(hi, 'pp')}）", lang,
        )  # fmt: skip
        rl, rlo, rhi = (fmt_change(r[k], "yuan") for k in (
            "lift_revenue_per_user", "lift_revenue_per_user_ci_low", "lift_revenue_per_user_ci_high"))  # fmt: skip
        rel = fmt_change(r["rel_lift_revenue_per_user"])
        rev = tr(
            f"CUPED-adjusted revenue per assigned user {rel} vs control ({rl}, {lvl_r} CI {rlo} to {rhi})",
            f"CUPED 调整后的人均成交额较对照组 {rel}（{rl}，{lvl_r} 置信区间 {rlo} 至 {rhi}）", lang,
        )  # fmt: skip
        adj = tr(
            f" Both are decision metrics, so their intervals are at {lvl_c} (Bonferroni for {m_fam} metrics): "
            f"an interval excludes zero exactly when the lift is significant after that adjustment.",
            f"两者都是决策指标，置信区间按 {m_fam} 个指标做 Bonferroni 校正取 {lvl_c}：区间不含 0 当且仅当校正后显著。",
            lang,
        ) if m_fam > 1 and lvl_c == lvl_r else ""  # fmt: skip
        v = r["verdict"]
        if v.startswith("worked"):
            lead = tr(f"{head} worked: {conv}; {rev}.", f"{head_zh}有效：{conv}；{rev}。", lang)
        elif v == "hurt":
            lead = tr(f"{head} hurt sales: {conv}; {rev}.", f"{head_zh}损害了销售：{conv}；{rev}。", lang)
        else:
            both = tr(" (both intervals include zero)", "（两个区间都包含 0）", lang) if adj else ""
            lead = tr(
                f"{head} had no detectable effect: {conv}; {rev}. Neither lift is significant once adjusted for "
                f"the {m_fam} decision metrics{both}, so effects of this size could be chance; this is absence of "
                "evidence, not evidence of no effect.",
                f"{head_zh}未见显著效果：{conv}；{rev}。按 {m_fam} 个决策指标校正后两项提升都不显著{both}，"
                "这种幅度的差异可能只是偶然；这只是没有证据表明有效，并不证明无效。", lang,
            )  # fmt: skip
        out.append(lead + adj)
        g, glo, ghi = (fmt_value(r[k], "yuan") for k in ("incremental_gmv", "incremental_gmv_ci_low",
                                                           "incremental_gmv_ci_high"))  # fmt: skip
        lvl_g = ci_name(r["incremental_gmv_ci_level"])
        money = tr(
            f"Incremental GMV {g} ({lvl_g} CI {glo} to {ghi})",
            f"增量成交额 {g}（{lvl_g} 置信区间 {glo} 至 {ghi}）",
            lang,
        )
        if not math.isnan(r.get("roi", math.nan)):
            m, cost = fmt_value(r["incremental_margin"], "yuan"), fmt_value(r["cost"], "yuan")
            mlo, mhi = (
                fmt_value(r[k], "yuan") for k in ("incremental_margin_ci_low", "incremental_margin_ci_high")
            )
            lvl_m = ci_name(r["incremental_margin_ci_level"])
            roi, rlo_, rhi_ = (f"{r[k]:+.0%}" for k in ("roi", "roi_ci_low", "roi_ci_high"))
            outcome = roi_outcome(r)
            outcome = "uncertain" if outcome == "unknown" else outcome  # a point without bounds: not decided
            money += tr(
                f", CUPED-adjusted incremental margin {m} ({lvl_m} CI {mlo} to {mhi}) against a cost of {cost}: "
                f"ROI {roi} ({lvl_m} CI {rlo_} to {rhi_}), so "
                + {"paid off": "it paid off", "did not pay off": "it did not pay for itself",
                   "uncertain": "ROI uncertain: the interval spans both loss and profit"}[outcome],
                f"，CUPED 调整后的增量毛利 {m}（{lvl_m} 置信区间 {mlo} 至 {mhi}），活动成本 {cost}：投资回报率 ROI {roi}"
                f"（{lvl_m} 置信区间 {rlo_} 至 {rhi_}），"
                + {"paid off": "收回了成本", "did not pay off": "没有收回成本",
                   "uncertain": "投资回报不确定：置信区间同时包含亏损和盈利"}[outcome], lang,
            )  # fmt: skip
        elif not math.isnan(r.get("cost", math.nan)):
            cost = fmt_value(r["cost"], "yuan")
            money += tr(f" against a cost of {cost}; ROI needs item costs, which are missing",
                        f"，活动成本 {cost}；计算 ROI 需要商品成本，数据中缺失", lang)  # fmt: skip
        if r["cost_per_incremental_buyer"] == r["cost_per_incremental_buyer"]:
            cpb = fmt_value(r["cost_per_incremental_buyer"], "yuan")
            money += tr(f"; {cpb} per incremental buyer", f"；每位增量买家成本 {cpb}", lang)
            if not r["significant_conversion"]:
                money += tr(" (uncertain: the increase in buyers is not beyond chance)",
                            "（不确定：买家数的增加不显著）", lang)  # fmt: skip
        out.append(money + tr(".", "。", lang))
        if is_small_sample(r):
            small = smaller_group(r)
            out.append(tr(f"Small sample: only {small:,} users in the smaller group, so intervals are wide.",
                          f"样本量小：较小的一组只有 {small:,} 人，置信区间较宽。", lang))  # fmt: skip
    return out


def status_note(
    ev: Evaluation, campaigns: pd.DataFrame, *, period: str, has_assignments: bool, lang: str | None = None
):
    """The :func:`status_notes` as one loud warning box (nothing when all is well)."""
    from IPython.display import HTML

    from ...notebook import note

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
    for r in assigned_late(s).to_dict("records"):
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

    from ...notebook import note

    notes = segment_notes(seg, lang=lang)
    return note(" ".join(notes), kind="warning") if notes else HTML("")


def _ok(x) -> bool:
    return x is not None and x == x


def _pull_forward_words(r: dict, lang: str | None) -> str:
    """What the post-window interval says about pull-forward, without reading absence of evidence as evidence."""

    lo, hi = r["post_ci_low"], r["post_ci_high"]
    side = interval_sign(lo, hi)
    if side < 0:
        return tr(
            "a dip: treated users spent less than control users afterwards, so part of the campaign's sales were "
            "pulled forward from the following days",
            "出现回落：实验组之后比对照组花得少，部分活动销量是从之后几天提前透支的",
            lang,
        )
    if side > 0:
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
                cur = money_symbol()
                b, d = f"{cur}{r['buyers_before']:,.2f}", f"{cur}{r['buyers_during']:,.2f}"
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
        cur = money_symbol()
        b, d = f"{cur}{r['participants_before']:,.2f}", f"{cur}{r['participants_during']:,.2f}"
        out.append(tr(
            f"Plain before/after (not an effect): participants spent {b} per user in the window before and {d} "
            "during the campaign.",
            f"简单前后对比（不是效果）：参与用户活动前人均消费 {b}，活动期间 {d}。", lang,
        ))  # fmt: skip
    return out
