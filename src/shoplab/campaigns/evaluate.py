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

from ..data import Shop
from . import stats as st
from .effect import assigned_outcomes, effect_table, srm_check

__all__ = [
    "ci_name",
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


def ci_name(level: float) -> str:
    """An interval level as the report writes it: ``95%``, ``97.5%``, ``98.3%``."""
    if level != level:
        return "n/a"
    text = f"{level * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


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
    """

    summary: pd.DataFrame
    effects: pd.DataFrame
    outcomes: dict[str, pd.DataFrame] = field(default_factory=dict)
    confidence: float = 0.95
    pre_days: int = 28


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
    effects; the report then falls back to difference-in-differences. ``metrics`` are the decision metrics,
    tested as one family (default :data:`~shoplab.campaigns.effect.DECISION_METRICS`, conversion and revenue
    per user; see :func:`~shoplab.campaigns.effect.effect_table`); the other metrics are reported as secondary.
    A headline metric left out of the family keeps its lift and (unadjusted) interval but is not called
    significant.
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
        summary=summary, effects=eff, outcomes=outcomes, confidence=confidence, pre_days=pre_days
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


def _roi_outcome(r: dict) -> str:
    """``paid off``, ``did not pay off`` or ``uncertain``, from the ROI interval (not the point)."""
    return "paid off" if r["roi_ci_low"] > 0 else ("did not pay off" if r["roi_ci_high"] < 0 else "uncertain")


def verdicts(ev: Evaluation, *, did: pd.DataFrame | None = None, lang: str | None = None) -> list[str]:
    """One or two sentences per campaign generated from the numbers: worked or not, by how much, ROI, sureness.

    ``did`` (from :func:`~shoplab.campaigns.report.did_report`) supplies the estimate for campaigns without a
    control group. Sentences follow the report language (``lang``, default the one set by ``set_lang``).
    """
    from ..i18n import tr
    from ..notebook import fmt_change, fmt_value

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
            excl = d["ci_low"] > 0 or d["ci_high"] < 0
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
            outcome = _roi_outcome(r)
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
        small = min(r["n_treatment"], r["n_control"])
        if small < 1000:
            out.append(tr(f"Small sample: only {small:,} users in the smaller group, so intervals are wide.",
                          f"样本量小：较小的一组只有 {small:,} 人，置信区间较宽。", lang))  # fmt: skip
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
    """The effect table as a manager reads it: formatted values, intervals at their level, adjusted p-values
    for the decision metrics (unadjusted for the secondary ones, labelled so)."""
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
        decision = r["role"] == "decision"
        rows.append(
            {
                "Campaign": names.get(r["campaign_id"], r["campaign_id"]),
                "Metric": r["label"],
                "Role": "decision" if decision else "secondary (not adjusted)",
                "Treatment": fmt_value(r["treatment"], u if u != "count" else None),
                "Control": fmt_value(r["control"], u if u != "count" else None),
                "Lift [CI]": f"{lift} ({ci_name(r['ci_level'])})",
                "Relative lift": "n/a" if pd.isna(r["rel_lift"]) else f"{r['rel_lift']:+.1%}",
                "p": f"{r['p_adjusted']:.3g} (adjusted)" if decision else f"{r['p_value']:.3g}",
                "Method": r["method"],
            }
        )
    return pd.DataFrame(rows)
