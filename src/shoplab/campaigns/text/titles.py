"""Chart titles that state the finding (computed from the result tables, in the report language)."""

from __future__ import annotations

import pandas as pd

from ...i18n import tr
from ...notebook import fmt_change
from ..attribution import AttributionSpread, attribution_spread
from ..decisions import interval_sign, lift_count
from ..segments import top_segment
from .names import segment_display

__all__ = ["lift_title", "segment_title", "qini_title", "attribution_title"]


def lift_title(summary: pd.DataFrame, metric: str = "conversion", *, lang: str | None = None) -> str:
    """A title that states the finding: how many campaigns lifted ``metric`` significantly against control."""
    count = lift_count(summary, metric)
    if not count.n_controlled:
        return tr(
            "No campaign in the period has a randomised control group",
            "本期没有设对照组的活动，无法测算提升",
            lang,
        )
    name_en, name_zh = {
        "conversion": ("conversion", "转化率"),
        "revenue_per_user": ("revenue per user", "人均成交额"),
    }[metric]
    if count.n_controlled == 1:
        r = summary[summary.get("has_control", False) == True].iloc[0]  # noqa: E712
        if metric == "conversion":
            v = f"{r['lift_conversion'] * 100:+.1f} pp"
        else:
            v = fmt_change(r["lift_revenue_per_user"], "yuan")
        if count.lifted_each[0]:
            return tr(
                f"{r['name']} lifted {name_en} by {v} against the control group",
                f"{r['name']}：{name_zh}较对照组显著提升 {v}",
                lang,
            )
        return tr(
            f"{r['name']}: no detectable lift in {name_en} against the control group ({v}, not significant)",
            f"{r['name']}：{name_zh}相对对照组无显著提升（{v}，不显著）",
            lang,
        )
    return tr(
        f"{count.n_lifted} of {count.n_controlled} campaigns lifted {name_en} beyond chance against their control groups",
        f"{count.n_controlled} 个活动中有 {count.n_lifted} 个的{name_zh}相对对照组显著提升",
        lang,
    )


def segment_title(
    seg: pd.DataFrame,
    dimension: str = "rfm_segment",
    campaign_id: str | None = None,
    *,
    lang: str | None = None,
) -> str:
    """A title stating which segment responded most (same campaign choice as :func:`plot_segment_lifts`)."""
    top = top_segment(seg, campaign_id, dimension)
    if top is None:
        return tr("No segment is large enough to compare", "没有足够大的分群可供比较", lang)
    name = f"{top['name']}: " if "name" in top else ""
    name_zh = f"{top['name']}：" if "name" in top else ""
    seg_name = segment_display(top["segment"], lang)
    v = f"{top['lift_conversion'] * 100:+.1f} pp"
    sure = interval_sign(top["lift_conversion_ci_low"], top["lift_conversion_ci_high"]) > 0
    return tr(
        f"{name}largest conversion lift in {seg_name} ({v}"
        + ("" if sure else ", interval includes zero")
        + ")",
        f"{name_zh}{seg_name}转化率提升最大（{v}" + ("" if sure else "，置信区间含 0") + "）",
        lang,
    )


def qini_title(qini: float, *, null: dict | None = None, lang: str | None = None) -> str:
    """A title stating whether ranking by predicted uplift beats random targeting.

    It says so only when ``null`` (from :func:`~shoplab.campaigns.uplift.qini_null`, the permutation test) found
    the coefficient above the 95th percentile of random rankings; otherwise the ranking is called
    indistinguishable from a random one (a positive coefficient alone is what half of random rankings get).
    """
    if qini != qini:
        return tr(
            "No uplift model: no past campaign with a randomised control group",
            "无增益模型：过往活动都没有随机对照组",
            lang,
        )
    if null is None or null.get("p_value") != null.get("p_value"):
        return tr(
            f"Ranking users by predicted uplift: Qini {qini:+.4f} per user (not tested against random rankings)",
            f"按预测增益圈选用户：Qini 系数 {qini:+.4f}/人（未与随机排序做检验）",
            lang,
        )
    k, p, pct = int(null["n_permutations"]), null["p_value"], f"{null['confidence']:.0%}"
    if null["beats_random"]:
        return tr(
            f"Ranking users by predicted uplift beats random targeting (Qini {qini:+.4f} per user, above {pct} "
            f"of {k} random rankings, p = {p:.3f})",
            f"按预测增益圈选用户优于随机投放（Qini 系数 {qini:+.4f}/人，高于 {k} 次随机排序中的 {pct}，p = {p:.3f}）",
            lang,
        )
    return tr(
        f"Ranking users by predicted uplift is not distinguishable from a random ranking (Qini {qini:+.4f} per "
        f"user, p = {p:.3f} against {k} random rankings)",
        f"按预测增益圈选用户与随机排序无法区分（Qini 系数 {qini:+.4f}/人，对比 {k} 次随机排序 p = {p:.3f}）",
        lang,
    )


def attribution_title(table, *, lang: str | None = None) -> str:
    """A title naming the channel with the most credit and the channel whose share depends most on the model
    (``table``: an :class:`~shoplab.campaigns.attribution.AttributionSpread`, or the attribution table it is
    computed from)."""
    a = table if isinstance(table, AttributionSpread) or table is None else attribution_spread(table)
    if a is None:  # journeys, but none converted
        return tr("No converting journeys in the period", "本期没有转化路径", lang)
    wide, pp = a.widest, f"{a.widest_spread * 100:.1f} pp"
    if a.top is not None:
        top = a.top
        return tr(
            f"{top} earns the most credit under every model; "
            + ("its" if wide == top else f"{wide}'s")
            + f" share moves most between models ({pp})",
            f"各归因模型下 {top} 贡献都最高；"
            + ("其" if wide == top else f"{wide} 的")
            + f"份额随模型变化最大（{pp}）",
            lang,
        )
    return tr(
        f"The top channel depends on the model; {wide}'s share moves most between models ({pp})",
        f"贡献最高的渠道取决于归因模型；{wide} 的份额随模型变化最大（{pp}）",
        lang,
    )
