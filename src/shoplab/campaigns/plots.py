"""Charts of campaign results: each takes a result table and returns the matplotlib Axes.

Titles state the finding and are computed from the data (``*_title`` functions); titles, axis labels and
legends follow the report language (:func:`shoplab.set_lang`, or ``lang=``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..i18n import tr
from ..notebook import fmt_change
from ..plots import PALETTE, count_formatter, use_style, yuan_formatter

__all__ = [
    "plot_lifts",
    "lift_title",
    "plot_segment_lifts",
    "segment_title",
    "plot_qini",
    "qini_title",
    "plot_attribution",
    "attribution_title",
    "segment_display",
    "dimension_display",
    "model_display",
]

#: English display names of the package's RFM segment labels (the data keeps the Chinese labels)
RFM_NAMES_EN = {
    "重要价值客户": "important value",
    "重要保持客户": "important retention",
    "重要发展客户": "important development",
    "重要挽留客户": "important win-back",
    "一般价值客户": "general value",
    "一般保持客户": "general retention",
    "一般发展客户": "general development",
    "一般挽留客户": "general win-back",
    "未购买": "no order in the year",
    "非会员": "non-member",
}
_CODES_ZH = {"new": "新客", "returning": "老客", "unknown": "未知"}
_DIMENSIONS = {
    "rfm_segment": ("RFM segment", "RFM 分层"),
    "tier": ("membership tier", "会员等级"),
    "platform": ("platform", "平台"),
    "customer": ("new vs returning", "新老客"),
}
_MODELS = {
    "first_touch": ("first touch", "首次触点"),
    "last_touch": ("last touch", "末次触点"),
    "linear": ("linear", "线性"),
    "time_decay": ("time decay", "时间衰减"),
    "markov": ("Markov removal", "马尔可夫移除效应"),
}


def segment_display(segment, lang: str | None = None) -> str:
    """A segment value as the report shows it: package labels in the report language, data values as they are."""
    s = str(segment)
    if s in RFM_NAMES_EN:
        return tr(RFM_NAMES_EN[s], s, lang)
    if s in _CODES_ZH:
        return tr(s, _CODES_ZH[s], lang)
    return s


def dimension_display(dimension: str, lang: str | None = None) -> str:
    """The name of a segment dimension (``rfm_segment``, ``tier``, ...) in the report language."""
    return tr(*_DIMENSIONS[dimension], lang) if dimension in _DIMENSIONS else dimension


def model_display(model: str, lang: str | None = None) -> str:
    """The name of an attribution model (``first_touch``, ..., ``markov``) in the report language."""
    return tr(*_MODELS[model], lang) if model in _MODELS else model


def _pp(x, _pos=None) -> str:
    return f"{x:+.0f} pp" if x else "0"


def _pp_formatter() -> FuncFormatter:
    return FuncFormatter(_pp)


def _empty(ax, text: str, title: str | None):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _window(r) -> str:
    return f"{pd.Timestamp(r['start_ts']):%m-%d}–{pd.Timestamp(r['end_ts']):%m-%d}"


def lift_title(summary: pd.DataFrame, metric: str = "conversion", *, lang: str | None = None) -> str:
    """A title that states the finding: how many campaigns lifted ``metric`` significantly against control."""
    s = summary[summary.get("has_control", False) == True]  # noqa: E712
    if s.empty:
        return tr(
            "No campaign in the period has a randomised control group",
            "本期没有设对照组的活动，无法测算提升",
            lang,
        )
    sig = s[f"significant_{metric}"].fillna(False).astype(bool) & (s[f"lift_{metric}"] > 0)
    name_en, name_zh = {
        "conversion": ("conversion", "转化率"),
        "revenue_per_user": ("revenue per user", "人均成交额"),
    }[metric]
    if len(s) == 1:
        r = s.iloc[0]
        if metric == "conversion":
            v = f"{r['lift_conversion'] * 100:+.1f} pp"
        else:
            v = fmt_change(r["lift_revenue_per_user"], "yuan")
        if sig.iloc[0]:
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
        f"{int(sig.sum())} of {len(s)} campaigns lifted {name_en} beyond chance against their control groups",
        f"{len(s)} 个活动中有 {int(sig.sum())} 个的{name_zh}相对对照组显著提升",
        lang,
    )


def plot_lifts(
    summary: pd.DataFrame,
    *,
    metric: str = "conversion",
    title: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Absolute lift (treatment minus control) of each campaign with its interval; zero marked.

    ``summary`` is :attr:`Evaluation.summary`; ``metric`` is ``conversion`` (in pp) or ``revenue_per_user`` (¥).
    Green: significant rise, red: significant fall, grey: not significant (after the decision-family adjustment;
    the bars are the adjusted intervals, so a bar excludes 0 exactly when it is coloured).
    """
    use_style()
    s = summary[summary["has_control"] == True].iloc[::-1]  # noqa: E712
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.2, 0.5 * len(s) + 1.4)))
    if s.empty:
        return _empty(
            ax,
            tr(
                "No campaign here has a randomised control group: no lift to show",
                "这些活动都没有随机对照组：无法展示提升",
                lang,
            ),
            title,
        )
    scale = 100.0 if metric == "conversion" else 1.0
    y = range(len(s))
    mid = s[f"lift_{metric}"] * scale
    lo, hi = s[f"lift_{metric}_ci_low"] * scale, s[f"lift_{metric}_ci_high"] * scale
    sig = s[f"significant_{metric}"].fillna(False).astype(bool)
    from .evaluate import ci_name

    levels = s.get(f"lift_{metric}_ci_level", pd.Series(dtype=float)).dropna().unique()
    level = f"{ci_name(levels[0])} " if len(levels) == 1 else ""  # the adjusted level of the decision family
    level_zh = level.strip()
    colors = [
        PALETTE[2] if g and m > 0 else (PALETTE[3] if g else PALETTE[7])
        for g, m in zip(sig, mid, strict=True)
    ]
    for yi, m, a, b, col in zip(y, mid, lo, hi, colors, strict=True):
        ax.plot([a, b], [yi, yi], color=col, lw=2.2, solid_capstyle="butt")
        ax.plot([a, a], [yi - 0.15, yi + 0.15], color=col, lw=1.5)
        ax.plot([b, b], [yi - 0.15, yi + 0.15], color=col, lw=1.5)
        ax.scatter([m], [yi], color=col, zorder=3, s=36)
        label = f"{m:+.1f} pp" if metric == "conversion" else fmt_change(m, "yuan")
        ax.annotate(
            label, (m, yi), xytext=(0, 7), textcoords="offset points", ha="center", fontsize=9, color=col
        )
    ax.axvline(0, color="#333", lw=1)
    ax.set_yticks(list(y))
    ax.set_yticklabels([f"{n}\n({c}, {_window(r)})" for (n, c), r in zip(
        zip(s["name"], s["campaign_id"], strict=True), s.to_dict("records"), strict=True)])  # fmt: skip
    ax.set_ylim(-0.6, len(s) - 0.4)
    ax.set_ylabel(tr("campaign (id, dates)", "活动（编号，日期）", lang))
    if metric == "conversion":
        ax.xaxis.set_major_formatter(_pp_formatter())
        ax.set_xlabel(
            tr(
                f"conversion in the campaign window, treatment − control (percentage points; bar = {level}confidence "
                "interval)",
                f"活动期间转化率：实验组 − 对照组（百分点；横线为{level_zh}置信区间）",
                lang,
            )
        )
    else:
        ax.xaxis.set_major_formatter(yuan_formatter())
        ax.set_xlabel(
            tr(
                f"paid GMV per assigned user in the campaign window, treatment − control (¥; bar = {level}confidence "
                "interval)",
                f"活动期间每位分组用户的成交额：实验组 − 对照组（元；横线为{level_zh}置信区间）",
                lang,
            )
        )
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def plot_segment_lifts(
    seg: pd.DataFrame, *, dimension: str = "rfm_segment", campaign_id: str | None = None, title: str | None = None,
    ax=None, lang: str | None = None,
):  # fmt: skip
    """Conversion lift (pp) with interval for each segment of one dimension (table from ``lift_by_segment`` or
    ``segment_report``; with several campaigns, ``campaign_id`` picks one, default the last)."""
    use_style()
    if "campaign_id" in seg and len(seg):
        seg = seg[seg["campaign_id"] == (campaign_id or seg["campaign_id"].iloc[-1])]
    s = seg[seg["dimension"] == dimension].sort_values("lift_conversion") if len(seg) else seg
    if ax is None:
        _, ax = plt.subplots(figsize=(9, max(2.2, 0.42 * len(s) + 1.4)))
    if s.empty:
        return _empty(
            ax,
            tr("No segment lift: it needs a randomised control group", "无分群提升：需要随机对照组", lang),
            title,
        )
    y = list(range(len(s)))
    mid, lo, hi = (
        s[c] * 100 for c in ("lift_conversion", "lift_conversion_ci_low", "lift_conversion_ci_high")
    )
    for yi, m, a, b in zip(y, mid, lo, hi, strict=True):
        col = PALETTE[2] if a > 0 else (PALETTE[3] if b < 0 else PALETTE[7])
        ax.plot([a, b], [yi, yi], color=col, lw=2.2)
        ax.scatter([m], [yi], color=col, zorder=3, s=30)
    ax.axvline(0, color="#333", lw=1)
    ax.set_yticks(y)
    ax.set_yticklabels(
        [
            f"{segment_display(g, lang)} (n={a + b:,})"
            for g, a, b in zip(s["segment"], s["n_treatment"], s["n_control"], strict=True)
        ]
    )
    ax.set_ylabel(
        tr(
            f"{dimension_display(dimension, 'en')} (users)",
            f"{dimension_display(dimension, 'zh')}（人数）",
            lang,
        )
    )
    ax.xaxis.set_major_formatter(_pp_formatter())
    ax.set_xlabel(
        tr(
            f"conversion lift in the campaign window by {dimension_display(dimension, 'en')}, treatment − control "
            "(percentage points; bar = confidence interval)",
            f"按{dimension_display(dimension, 'zh')}的活动期间转化率提升：实验组 − 对照组（百分点；横线为置信区间）",
            lang,
        )
    )
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return ax


def segment_title(
    seg: pd.DataFrame,
    dimension: str = "rfm_segment",
    campaign_id: str | None = None,
    *,
    lang: str | None = None,
) -> str:
    """A title stating which segment responded most (same campaign choice as :func:`plot_segment_lifts`)."""
    if "campaign_id" in seg and len(seg):
        seg = seg[seg["campaign_id"] == (campaign_id or seg["campaign_id"].iloc[-1])]
    s = seg[seg["dimension"] == dimension] if len(seg) else seg
    if s.empty:
        return tr("No segment is large enough to compare", "没有足够大的分群可供比较", lang)
    top = s.loc[s["lift_conversion"].idxmax()]
    name = f"{top['name']}: " if "name" in top else ""
    name_zh = f"{top['name']}：" if "name" in top else ""
    seg_name = segment_display(top["segment"], lang)
    v = f"{top['lift_conversion'] * 100:+.1f} pp"
    sure = top["lift_conversion_ci_low"] > 0
    return tr(
        f"{name}largest conversion lift in {seg_name} ({v}"
        + ("" if sure else ", interval includes zero")
        + ")",
        f"{name_zh}{seg_name}转化率提升最大（{v}" + ("" if sure else "，置信区间含 0") + "）",
        lang,
    )


def plot_qini(curve: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """Qini curve of held-out users against random targeting (table from ``fit_uplift``)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    if curve is None or len(curve) == 0:
        return _empty(ax, tr("No uplift model to show", "没有可展示的增益模型", lang), title)
    ax.plot(
        curve["fraction"] * 100,
        curve["qini"],
        color=PALETTE[0],
        lw=2,
        label=tr("ranked by predicted uplift", "按预测增益排序", lang),
    )
    ax.plot(
        curve["fraction"] * 100,
        curve["random"],
        color=PALETTE[7],
        ls="--",
        label=tr("random targeting", "随机投放", lang),
    )
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_xlabel(
        tr(
            "share of held-out users targeted, highest predicted uplift first (%)",
            "触达的留出用户占比（按预测增益从高到低，%）",
            lang,
        )
    )
    ax.set_ylabel(tr("incremental conversions (users)", "增量转化人数", lang))
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


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


def plot_attribution(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    period: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Orders credited to each channel by each attribution model, grouped bars (``period`` labels the axis)."""
    use_style()
    models = [c for c in ("first_touch", "last_touch", "linear", "time_decay", "markov") if c in table]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.4))
    if table.empty or not table[models].to_numpy().sum() > 0:
        return _empty(ax, tr("No journeys to attribute", "没有可归因的转化路径", lang), title)
    n = len(models)
    width = 0.8 / max(n, 1)
    x = range(len(table))
    for i, m in enumerate(models):
        ax.bar([xi + (i - (n - 1) / 2) * width for xi in x], table[m], width=width, label=model_display(m, lang),
               color=PALETTE[i % len(PALETTE)])  # fmt: skip
    ax.set_xticks(list(x))
    ax.set_xticklabels(table["channel"])
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_xlabel(tr("channel", "渠道", lang))
    when_en = f" in {period}" if period else ""
    when_zh = f"{period} " if period else ""
    ax.set_ylabel(tr(f"orders credited{when_en}", f"{when_zh}归因订单数", lang))
    ax.set_ylim(0, float(table[models].to_numpy().max()) * 1.18)
    ax.legend(ncol=n, loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=9)
    if title:
        ax.set_title(title)
    return ax


def attribution_title(table: pd.DataFrame, *, lang: str | None = None) -> str:
    """A title naming the channel with the most credit and the channel whose share depends most on the model."""
    models = [m for m in ("first_touch", "last_touch", "linear", "time_decay", "markov") if m in table]
    if table.empty or not table[models].to_numpy().sum() > 0:  # journeys, but none converted
        return tr("No converting journeys in the period", "本期没有转化路径", lang)
    shares = table[models] / table[models].sum()
    spread = shares.max(axis=1) - shares.min(axis=1)
    wide = table.loc[spread.idxmax(), "channel"]
    tops = {table.loc[table[m].idxmax(), "channel"] for m in models}
    pp = f"{spread.max() * 100:.1f} pp"
    if len(tops) == 1:
        top = tops.pop()
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
