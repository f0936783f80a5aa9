"""Charts of campaign results: each takes a result table and returns the matplotlib Axes (drawing only).

Titles are passed in (``title=``; the ones that state the finding are in :mod:`~shoplab.campaigns.text.titles`);
axis labels and legends follow the report language (:func:`shoplab.set_lang`, or ``lang=``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..currency import money_symbol
from ..i18n import tr
from ..notebook import fmt_change
from ..plots import PALETTE, count_formatter, use_style, yuan_formatter
from .segments import campaign_segments
from .text import titles as _titles
from .text.names import MODELS, ci_name, dimension_display, model_display, segment_display

__all__ = ["plot_lifts", "plot_segment_lifts", "plot_qini", "plot_attribution"]


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


def plot_lifts(
    summary: pd.DataFrame,
    *,
    metric: str = "conversion",
    title: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Absolute lift (treatment minus control) of each campaign with its interval; zero marked.

    ``summary`` is :attr:`Evaluation.summary`; ``metric`` is ``conversion`` (in pp) or ``revenue_per_user`` (in the shop's currency).
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
        cur = money_symbol().strip()
        ax.xaxis.set_major_formatter(yuan_formatter())
        ax.set_xlabel(
            tr(
                f"paid GMV per assigned user in the campaign window, treatment − control ({cur}; bar = {level}confidence "
                "interval)",
                f"活动期间每位分组用户的成交额：实验组 − 对照组（{cur}；横线为{level_zh}置信区间）",
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
    s = campaign_segments(seg, campaign_id, dimension)
    s = s.sort_values("lift_conversion") if len(s) else s
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
    models = [c for c in MODELS if c in table]
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


# names kept here for compatibility: the words live in shoplab.campaigns.text
lift_title = _titles.lift_title
segment_title = _titles.segment_title
qini_title = _titles.qini_title
attribution_title = _titles.attribution_title
