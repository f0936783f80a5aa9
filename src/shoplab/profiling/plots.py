"""The profiling report's charts: each takes result tables, draws and returns the Axes.

Nothing here computes: the tables come from the compute modules, the rows a chart highlights from
:mod:`.summaries`, and every word (titles, axis labels, display names) from :mod:`.text` unless passed in.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..notebook import fmt_value
from ..plots import axes
from . import text as T

__all__ = [
    "plot_segments",
    "plot_tiers",
    "plot_pareto",
    "plot_personas",
    "plot_spend_by",
    "plot_category_heatmap",
    "plot_migration",
    "plot_rules",
    "plot_tag_coverage",
]


_ax = axes  # the house-style Axes (shoplab.plots.axes)


def _percent(axis) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _paired_bars(ax, y, a, b, colors, labels) -> None:
    """Two horizontal bars per row (``a`` above ``b``)."""
    ax.barh(y + 0.2, a, height=0.4, color=colors[0], label=labels[0])
    ax.barh(y - 0.2, b, height=0.4, color=colors[1], label=labels[1])


def plot_segments(
    summary: pd.DataFrame,
    *,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Horizontal bars: share of buyers and share of revenue by RFM segment (:func:`segment_summary`)."""
    from ..plots import PALETTE

    lb = T.chart_labels("segments", window_months=window_months, period=period, lang=lang)
    ax = _ax(ax, (9, 5))
    s = summary.iloc[::-1]
    y = np.arange(len(s))
    _paired_bars(
        ax, y, s.user_share, s.revenue_share, (PALETTE[7], PALETTE[0]), (lb["buyers"], lb["revenue"])
    )
    ax.set_yticks(y, [T.segment_name(x, lang) for x in s.segment])
    _percent(ax.xaxis)
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or T.segments_title(summary, lang=lang))
    return ax


def plot_tiers(
    tier_table: pd.DataFrame,
    *,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Users and revenue by value tier (bars: users; labels: revenue), from :func:`tier_summary`."""
    from ..plots import PALETTE, count_formatter

    g = tier_table
    lb = T.chart_labels("tiers", window_months=window_months, period=period, lang=lang)
    ax = _ax(ax, (9, 3.8))
    ax.bar([T.tier_name(t, lang) for t in g.tier], g.users, color=PALETTE[: len(g)])
    for i, (u, r) in enumerate(zip(g.users, g.revenue, strict=True)):
        label = fmt_value(r, "yuan")  # ¥0 for none, in the shop's currency
        ax.annotate(label, (i, u), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=9)
    ax.set_ylim(0, max(g.users.max(), 1) * 1.15)
    ax.yaxis.set_major_formatter(count_formatter())
    ax.set_ylabel(lb["y"])
    ax.set_xlabel(lb["x"])
    ax.grid(axis="x", visible=False)
    ax.set_title(title or T.tiers_title(g, lang=lang))
    return ax


def plot_pareto(
    curve: pd.DataFrame,
    *,
    point: tuple[float, float] | None = None,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Cumulative share of revenue against the share of buyers, best first (:func:`pareto_curve`), with
    ``point`` (:func:`.summaries.pareto_point`, the top 20% by default) marked."""
    from ..plots import PALETTE
    from .summaries import pareto_point

    lb = T.chart_labels("pareto", window_months=window_months, period=period, lang=lang)
    ax = _ax(ax, (7, 4.2))
    ax.plot([0, *curve.user_share], [0, *curve.revenue_share], lw=2, color=PALETTE[0])
    ax.plot([0, 1], [0, 1], ls="--", color="#999", lw=1, label=lb["equal"])
    point = point if point is not None else pareto_point(curve, 0.2)
    if point is not None:
        x, y = point
        ax.plot([x, x], [0, y], color=PALETTE[3], lw=1, ls=":")
        ax.plot([x], [y], "o", color=PALETTE[3], ms=5)
        ax.annotate(f"{y:.0%}", (x, y), textcoords="offset points", xytext=(8, -12), fontsize=10)
    for a in (ax.xaxis, ax.yaxis):
        _percent(a)
    ax.set_xlim(0, 1.0)
    ax.set_ylim(0, 1.03)
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    ax.legend(loc="lower right")
    ax.set_title(title or T.pareto_title(curve, lang=lang))
    return ax


def plot_personas(
    describe: pd.DataFrame,
    names: Mapping[int, str],
    *,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Share of active users and of revenue by persona (:meth:`Personas.describe`; ``names``: display names
    by persona number, :func:`.text.persona_labels`)."""
    from ..plots import PALETTE

    lb = T.chart_labels("personas", window_months=window_months, period=period, lang=lang)
    ax = _ax(ax, (9, 0.7 * len(describe) + 1.8))
    d = describe.iloc[::-1]
    y = np.arange(len(d))
    _paired_bars(ax, y, d.user_share, d.revenue_share, (PALETTE[7], PALETTE[1]), (lb["users"], lb["revenue"]))
    ax.set_yticks(y, [f"{p}: {names[p]}" for p in d.persona])
    _percent(ax.xaxis)
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or T.personas_title(describe, names, lang=lang))
    return ax


def plot_spend_by(
    table: pd.DataFrame,
    by_col: str,
    *,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Revenue per user by a breakdown column (:func:`spend_by`), with user counts in the labels."""
    from ..plots import PALETTE, yuan_formatter

    lb = T.chart_labels("spend_by", window_months=window_months, period=period, by_col=by_col, lang=lang)
    ax = _ax(ax, (7, 3.6))
    ax.bar([T.value_name(v, lang) for v in table[by_col]], table.revenue_per_user, color=PALETTE[0])
    for i, (v, n) in enumerate(zip(table.revenue_per_user, table.users, strict=True)):
        ax.annotate(
            lb["users"].format(n=n),
            (i, v),
            textcoords="offset points",
            xytext=(0, 3),
            ha="center",
            fontsize=8,
            color="#555",
        )
    ax.set_ylim(0, max(float(np.nan_to_num(table.revenue_per_user.max())), 1.0) * 1.15)  # no users: NaN
    ax.yaxis.set_major_formatter(yuan_formatter())
    ax.set_ylabel(lb["y"])
    ax.set_xlabel(lb["x"])
    ax.grid(axis="x", visible=False)
    ax.set_title(title or T.spend_by_title(table, by_col, lang=lang))
    return ax


def _cell_text(ax, values: np.ndarray, fmt, dark) -> None:
    """Write each non-skipped cell's value (``fmt(v)``; None: skipped) in white on dark cells."""
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            s = fmt(v)
            if s is not None:
                ax.text(j, i, s, ha="center", va="center", fontsize=8, color="white" if dark(v) else "black")


def plot_category_heatmap(
    pref: pd.DataFrame,
    *,
    title: str | None = None,
    period: str | None = None,
    window_months: int = 12,
    ax=None,
    lang: str | None = None,
):
    """Mean category share of spend by segment (:func:`category_preference`), as a heatmap with values."""
    lb = T.chart_labels("categories", window_months=window_months, period=period, lang=lang)
    ax = _ax(ax, (9, 0.45 * len(pref) + 1.8))
    im = ax.imshow(pref.to_numpy(dtype="float64"), cmap="Blues", aspect="auto", vmin=0)
    ax.set_xticks(range(len(pref.columns)), pref.columns)
    ax.set_yticks(range(len(pref.index)), [T.segment_name(s, lang) for s in pref.index])
    _cell_text(ax, pref.to_numpy(), lambda v: f"{v:.0%}", lambda v: v > 0.25)
    ax.grid(False)
    ax.figure.colorbar(im, ax=ax, label=lb["colorbar"], format="{x:.0%}")
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    ax.set_title(title or T.categories_title(pref, lang=lang))
    return ax


def plot_migration(
    matrix: pd.DataFrame,
    counts: Mapping[str, int] | None = None,
    *,
    title: str | None = None,
    period: str | None = None,
    previous: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """The segment migration matrix (:func:`segment_migration`) as a heatmap of user counts (rows: last month,
    columns: this month); ``counts`` (:func:`.summaries.migration_summary`) make the title."""
    lb = T.chart_labels("migration", period=period, previous=previous, lang=lang)
    ax = _ax(ax, (10, 7))
    ax.imshow(np.log1p(matrix.to_numpy(dtype="float64")), cmap="Purples", aspect="auto")
    ax.set_xticks(
        range(len(matrix.columns)), [T.segment_name(c, lang) for c in matrix.columns], rotation=40, ha="right"
    )
    ax.set_yticks(range(len(matrix.index)), [T.segment_name(c, lang) for c in matrix.index])
    hi = np.log1p(matrix.to_numpy().max()) * 0.6
    _cell_text(
        ax, matrix.to_numpy(), lambda v: f"{int(v):,}" if int(v) else None, lambda v: np.log1p(int(v)) > hi
    )
    ax.grid(False)
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    if title is None:
        from .summaries import migration_summary

        title = T.migration_title(
            counts if counts is not None else migration_summary(matrix), lang=lang, period=period
        )
    ax.set_title(title)
    return ax


def plot_rules(
    rules: pd.DataFrame, *, top: int = 10, title: str | None = None, ax=None, lang: str | None = None
):
    """Top pairs by lift (bars), one bar per pair (the direction with the higher confidence,
    :func:`.summaries.top_pairs`), confidence in the labels."""
    from ..plots import PALETTE
    from .summaries import top_pairs

    lb = T.chart_labels("rules", lang=lang)
    r = top_pairs(rules, top).iloc[::-1]
    ax = _ax(ax, (9, 0.4 * len(r) + 1.8))
    ax.barh(range(len(r)), r.lift, color=PALETTE[2])
    for i, (lift, conf) in enumerate(zip(r.lift, r.confidence, strict=True)):
        ax.annotate(
            lb["confidence"].format(conf=conf),
            (lift, i),
            textcoords="offset points",
            xytext=(3, -3),
            fontsize=8,
        )
    ax.axvline(1, color="#999", ls="--", lw=1)
    ax.set_xlim(0, float(r.lift.max()) * 1.15 if len(r) else 2)
    ax.set_yticks(range(len(r)), [f"{a} → {c}" for a, c in zip(r.antecedent, r.consequent, strict=True)])
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    ax.grid(axis="y", visible=False)
    ax.set_title(title or T.rules_title(rules, lang=lang))
    return ax


def plot_tag_coverage(
    coverage: pd.DataFrame,
    *,
    groups: tuple[str, ...] = ("behaviour", "value", "preference"),
    top: int = 20,
    title: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Share of users holding each targeting tag (the ``top`` most common tags of ``groups``,
    :func:`.summaries.top_tags`) from :func:`tag_coverage`."""
    from ..plots import PALETTE
    from .summaries import top_tags

    lb = T.chart_labels("tags", lang=lang)
    best = top_tags(coverage, groups=groups, top=top)
    c = best.iloc[::-1]
    ax = _ax(ax, (9, 0.3 * len(c) + 1.8))
    colors = {g: PALETTE[i] for i, g in enumerate(groups)}
    ax.barh(range(len(c)), c.share, color=[colors.get(str(g), PALETTE[7]) for g in c.tag_group])
    ticks = [
        lb["tick"].format(tag=T.tag_name(t, lang), group=T.tag_group_name(g, lang))
        for t, g in zip(c.tag, c.tag_group, strict=True)
    ]
    ax.set_yticks(range(len(c)), ticks)
    for i, (v, n) in enumerate(zip(c.share, c.users, strict=True)):
        ax.annotate(f"{v:.0%} · {n:,}", (v, i), textcoords="offset points", xytext=(3, -3), fontsize=8)
    _percent(ax.xaxis)
    ax.set_xlim(0, float(c.share.max()) * 1.15 if len(c) else 1)
    ax.set_xlabel(lb["x"])
    ax.set_ylabel(lb["y"])
    ax.grid(axis="y", visible=False)
    ax.set_title(title or T.tags_title(best, lang=lang))
    return ax
