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


def verdicts(ev: Evaluation, *, did: pd.DataFrame | None = None, lang: str | None = None) -> list[str]:
    """One or two sentences per campaign generated from the numbers: worked or not, by how much, ROI, sureness.

    ``did`` (from :func:`~shoplab.campaigns.report.did_report`) supplies the estimate for campaigns without a
    control group. Sentences follow the report language (``lang``, default the one set by ``set_lang``).
    """
    from ..i18n import tr
    from ..notebook import fmt_change, fmt_value

    did_rows = {} if did is None or did.empty else did.set_index("campaign_id").to_dict("index")

    pct = f"{ev.confidence:.0%}"
    n_metrics = ev.effects.groupby("campaign_id").size().max() if len(ev.effects) else 0
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
        conv = tr(
            f"conversion {ct} treated vs {cc} control, {fmt_change(lc, 'pp')} "
            f"({pct} CI {fmt_change(lo, 'pp')} to {fmt_change(hi, 'pp')})",
            f"转化率实验组 {ct}、对照组 {cc}，提升 {fmt_change(lc, 'pp')}"
            f"（{pct} 置信区间 {fmt_change(lo, 'pp')} 至 {fmt_change(hi, 'pp')}）", lang,
        )  # fmt: skip
        rl, rlo, rhi = (fmt_change(r[k], "yuan") for k in (
            "lift_revenue_per_user", "lift_revenue_per_user_ci_low", "lift_revenue_per_user_ci_high"))  # fmt: skip
        rev = tr(
            f"revenue per assigned user {fmt_change(r['rel_lift_revenue_per_user'])} vs control "
            f"({rl}, CI {rlo} to {rhi})",
            f"人均成交额较对照组 {fmt_change(r['rel_lift_revenue_per_user'])}（{rl}，置信区间 {rlo} 至 {rhi}）", lang,
        )  # fmt: skip
        v = r["verdict"]
        if v.startswith("worked"):
            lead = tr(f"{head} worked: {conv}; {rev}.", f"{head_zh}有效：{conv}；{rev}。", lang)
        elif v == "hurt":
            lead = tr(f"{head} hurt sales: {conv}; {rev}.", f"{head_zh}损害了销售：{conv}；{rev}。", lang)
        else:
            lead = tr(
                f"{head} had no detectable effect: {conv}; {rev}. Neither lift is significant once corrected for "
                f"testing {n_metrics} metrics (Holm), so effects of this size could be chance.",
                f"{head_zh}未见显著效果：{conv}；{rev}。按检验 {n_metrics} 个指标做 Holm 校正后两项提升都不显著，"
                "这种幅度的差异可能只是偶然。", lang,
            )  # fmt: skip
        out.append(lead)
        g, glo, ghi = (fmt_value(r[k], "yuan") for k in ("incremental_gmv", "incremental_gmv_ci_low",
                                                           "incremental_gmv_ci_high"))  # fmt: skip
        money = tr(
            f"Incremental GMV {g} (CI {glo} to {ghi})", f"增量成交额 {g}（置信区间 {glo} 至 {ghi}）", lang
        )
        if not math.isnan(r.get("roi", math.nan)):
            m, cost = fmt_value(r["incremental_margin"], "yuan"), fmt_value(r["cost"], "yuan")
            roi, rlo_, rhi_ = (f"{r[k]:+.0%}" for k in ("roi", "roi_ci_low", "roi_ci_high"))
            money += tr(
                f", incremental margin {m} against a cost of {cost}: ROI {roi} (CI {rlo_} to {rhi_}), so it "
                + ("paid off" if r["roi"] > 0 else "did not pay for itself"),
                f"，增量毛利 {m}，活动成本 {cost}：投资回报率 ROI {roi}（置信区间 {rlo_} 至 {rhi_}），"
                + ("收回了成本" if r["roi"] > 0 else "没有收回成本"), lang,
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
