"""The path report's charts: each takes result tables, draws, and returns the ``ax``; never computes a number a
reader sees and never words one: titles and labels come from :mod:`shoplab.paths.text` (or are passed in)."""

from __future__ import annotations

import math

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.ticker import PercentFormatter

from ..plots import PALETTE, count_formatter, use_style
from . import text
from ._common import EXIT, OTHER
from .funnels import funnel_intervals

__all__ = [
    "plot_funnel",
    "plot_funnel_breakdown",
    "plot_weekly_conversion",
    "plot_step_times",
    "plot_dropoffs",
    "plot_transition_heatmap",
    "plot_transition_graph",
    "plot_sankey",
]


def plot_funnel(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    unit: str = "users",
    period: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Horizontal bars of units reaching each step, labelled with conversion from the start and the previous step."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    ax.barh(y, table.users, color=PALETTE[0], height=0.6)
    top = max(table.users.max(), 1)
    for yi, r in zip(y, table.itertuples(), strict=True):
        ax.text(r.users + top * 0.01, yi, text.funnel_bar_label(r, lang), va="center", fontsize=9)
    ax.set_yticks(y, [text.event_label(s, lang) for s in table.step])
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(count_formatter())
    ax.set_xlabel(text.funnel_axis_label(unit, period, lang))
    ax.grid(axis="y", visible=False)
    ax.set_title(title or text.funnel_title(table, lang=lang))
    return ax


def plot_funnel_breakdown(
    table: pd.DataFrame,
    by: str,
    *,
    title: str | None = None,
    period: str | None = None,
    intervals: pd.DataFrame | None = None,
    ax=None,
    lang: str | None = None,
):
    """Conversion from the previous step, one group of bars per step and one bar per value of ``by``, each with its
    95% (Wilson) interval as an error bar: a small group's wide bar says its rate may be noise. ``intervals`` is
    :func:`shoplab.paths.funnel_intervals` of ``table`` (asked for here when not given)."""
    use_style()
    t = intervals if intervals is not None else funnel_intervals(table, by=by)
    t = t[t.step_number > 1]
    groups = list(dict.fromkeys(t[by]))[:8]
    steps = list(dict.fromkeys(t.step))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(steps))
    for i, g in enumerate(groups):
        d = t[t[by] == g].set_index("step").reindex(steps)
        conv = d.conversion_from_previous
        err = np.vstack(
            [(conv - d.ci_low_from_previous).clip(lower=0), (d.ci_high_from_previous - conv).clip(lower=0)]
        )
        ax.bar(
            x + i * width - 0.4 + width / 2,
            conv,
            width,
            label=text.group_label(g, lang),
            color=PALETTE[i % 8],
            yerr=np.nan_to_num(err),
            error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
        )
    ax.set_xticks(x, [text.move_label(s, lang) for s in steps])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(text.chart_word("conversion_from_previous", lang))
    ax.set_xlabel(text.chart_word("funnel_step", lang) + text.period_suffix(period, lang))
    ax.legend(title=text.column_label(by, lang), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title or text.breakdown_title(table, by, lang=lang))
    return ax


def plot_weekly_conversion(
    table: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None
):
    """Weekly conversion from the previous step, one line per step (``table`` from ``funnel(by="week")``)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    t = table[table.step_number > 1]
    for i, (step, d) in enumerate(t.groupby("step", sort=False)):
        d = d.sort_values("week")
        ax.plot(
            pd.to_datetime(d.week),
            d.conversion_from_previous,
            marker="o",
            ms=3,
            label=text.move_label(step, lang),
            color=PALETTE[i % 8],
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.set_ylabel(text.chart_word("conversion_from_previous", lang))
    ax.set_xlabel(text.weekly_axis_label(t.week, lang))
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title or text.chart_word("weekly_title", lang))
    return ax


def plot_step_times(
    dist: pd.DataFrame,
    *,
    title: str | None = None,
    unit: str = "users",
    period: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Stacked shares of the time each step takes after the previous one (from
    :func:`shoplab.paths.step_time_distribution`, no groups): one bar per step, light = quick, dark = slow."""
    use_style()
    moves = text._moves(dist, lang)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * max(len(moves), 1) + 1.8))
    buckets = dist.drop_duplicates("bucket").sort_values("bucket")
    cmap = plt.get_cmap("YlGnBu")
    nb = len(buckets)
    y = np.arange(len(moves))[::-1]
    left = np.zeros(len(moves))
    for i, b in enumerate(buckets.itertuples()):
        share = dist[dist.bucket == b.bucket].sort_values("step_number")["share"].fillna(0).to_numpy()
        shade = 0.15 + 0.8 * i / max(nb - 1, 1)  # light = quick, dark = slow
        ax.barh(y, share, left=left, height=0.6, color=cmap(shade),
                label=text.bucket_label(b.lower_minutes, b.upper_minutes, lang=lang))  # fmt: skip
        for yi, lo, sh in zip(y, left, share, strict=True):
            if sh >= 0.06:
                ax.text(lo + sh / 2, yi, f"{sh:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if shade > 0.55 else "black")  # fmt: skip
        left += share
    ax.set_yticks(y, moves)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(text.step_times_axis_label(unit, period, lang))
    ax.set_xlim(0, 1)
    ax.grid(False)
    ax.legend(
        title=text.chart_word("time_taken", lang), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8
    )
    ax.set_title(title or text.step_times_title(dist, unit=unit, lang=lang))
    return ax


def plot_dropoffs(
    table: pd.DataFrame, *, title: str | None = None, top: int = 7, ax=None, lang: str | None = None
):
    """Stacked shares of where units that stop at each step go next (destinations beyond the ``top`` most
    frequent are drawn together as ``[other]``)."""
    use_style()
    steps = list(dict.fromkeys(table.step))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * max(len(steps), 1) + 1.5))
    ranked = table[~table.next_event.isin([EXIT, OTHER])].groupby("next_event").units.sum()
    keep = set(ranked.sort_values(ascending=False).index[:top])
    t = table.assign(next_event=[d if d in keep or d == EXIT else OTHER for d in table.next_event])
    t = t.groupby(["step", "next_event"], as_index=False, sort=False)[["units", "share"]].sum()
    dests = list(dict.fromkeys(t.sort_values("units", ascending=False).next_event))
    dests = [d for d in dests if d != OTHER] + ([OTHER] if OTHER in dests else [])
    colors = {d: PALETTE[i % 7] for i, d in enumerate(x for x in dests if x not in (EXIT, OTHER))}
    colors[EXIT], colors[OTHER] = "#bbbbbb", "#dddddd"
    y = np.arange(len(steps))[::-1]
    left = np.zeros(len(steps))
    for d in dests:
        share = t[t.next_event == d].set_index("step").reindex(steps)["share"].fillna(0).to_numpy()
        name = text.event_label(d, lang)
        ax.barh(y, share, left=left, color=colors[d], label=name, height=0.6)
        for yi, lo, s in zip(y, left, share, strict=True):
            if s >= 0.08:
                ax.text(lo + s / 2, yi, f"{name}\n{s:.0%}", ha="center", va="center", fontsize=7)
        left += share
    ax.set_yticks(y, [text.stopped_at(s, lang) for s in steps])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(text.chart_word("dropoff_share", lang))
    ax.set_xlim(0, 1)
    ax.grid(False)
    ax.legend(
        title=text.chart_word("next_event", lang), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8
    )
    ax.set_title(title or text.dropoffs_title(table, lang=lang))
    return ax


def plot_transition_heatmap(
    matrix: pd.DataFrame,
    *,
    title: str | None = None,
    period: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Heatmap of a from × to probability matrix (from :func:`shoplab.paths.transition_matrix`)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.42 * len(matrix) + 1.8))
    im = ax.imshow(
        matrix.values,
        cmap="Blues",
        vmin=0,
        vmax=max(
            float(matrix.values.max()) if matrix.size else 0.0, 1e-9
        ),  # empty: no transition in the month
        aspect="auto",
    )
    ax.set_xticks(
        range(matrix.shape[1]),
        [text.event_label(c, lang) for c in matrix.columns],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(matrix.shape[0]), [text.event_label(c, lang) for c in matrix.index], fontsize=8)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            v = matrix.values[i, j]
            if v >= 0.05:
                ax.text(
                    j,
                    i,
                    f"{v:.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if v > 0.5 else "black",
                )
    ax.grid(False)
    ax.set_xlabel(text.chart_word("next_event_in_session", lang) + text.period_suffix(period, lang))
    ax.set_ylabel(text.chart_word("event", lang))
    plt.colorbar(
        im,
        ax=ax,
        format=PercentFormatter(1.0),
        label=text.chart_word("next_event_share", lang),
    )
    ax.set_title(title or text.chart_word("transitions_title", lang))
    return ax


def _circle_order(t: pd.DataFrame) -> list[str]:
    """Nodes in the order of their strongest chain of moves, so that arrows mostly run around the circle."""
    weight = pd.concat([t.groupby("from_event")["count"].sum(), t.groupby("to_event")["count"].sum()])
    weight = weight.groupby(level=0).sum().sort_values(ascending=False)
    left, order = list(weight.index), []
    while left:
        cur = order[-1] if order else None
        nxt = t[(t.from_event == cur) & t.to_event.isin(left)] if cur is not None else t.iloc[:0]
        n = nxt.loc[nxt["count"].idxmax(), "to_event"] if len(nxt) else left[0]
        order.append(n)
        left.remove(n)
    return order


def plot_transition_graph(
    table: pd.DataFrame, *, top_edges: int = 12, title: str | None = None, ax=None, lang: str | None = None
):
    """The strongest transitions between different events as a graph: nodes on a circle, arrow width by count."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 7))
    t = table[(table.from_event != table.to_event) & (table.to_event != EXIT)]
    t = t.sort_values("count", ascending=False).head(top_edges)
    if t.empty:
        ax.text(0.5, 0.5, text.chart_word("no_transitions", lang), ha="center")
        ax.axis("off")
        return ax
    nodes = _circle_order(t)
    angle = {n: math.pi / 2 - 2 * math.pi * i / len(nodes) for i, n in enumerate(nodes)}
    xy = {n: (math.cos(a), math.sin(a)) for n, a in angle.items()}
    top = t["count"].max()
    for r in t.itertuples():
        ax.annotate(
            "",
            xy=xy[r.to_event],
            xytext=xy[r.from_event],
            arrowprops={
                "arrowstyle": "-|>",
                "lw": 0.8 + 6 * r.count / top,
                "color": PALETTE[0],
                "alpha": 0.55,
                "shrinkA": 18,
                "shrinkB": 18,
                "connectionstyle": "arc3,rad=0.12",
                "mutation_scale": 14,
            },
        )
        (x0, y0), (x1, y1) = xy[r.from_event], xy[r.to_event]
        # the arc's midpoint: arc3 bends the chord by rad × its length to the left of the direction of travel
        mx, my = (x0 + x1) / 2 + 0.06 * (y1 - y0), (y0 + y1) / 2 - 0.06 * (x1 - x0)
        ax.text(
            mx,
            my,
            f"{r.probability:.0%}",
            fontsize=8,
            color="#222",
            ha="center",
            va="center",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
        )
    for n, (x, y) in xy.items():
        ax.scatter([x], [y], s=500, color=PALETTE[1], zorder=3)
        ax.text(x * 1.22, y * 1.18, text.event_label(n, lang), ha="center", va="center", fontsize=10)
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title or text.transition_graph_title(t, lang=lang))
    return ax


def plot_sankey(
    links: pd.DataFrame,
    *,
    title: str | None = None,
    entry: str | None = None,
    period: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Sankey of session flows by step position (``links`` from :func:`shoplab.paths.sankey_links`)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 6))
    if links.empty:
        ax.text(0.5, 0.5, text.chart_word("no_entry_sessions", lang), ha="center")
        ax.set_title(title or text.chart_word("sankey_title", lang))
        ax.axis("off")
        return ax
    depth = int(links.layer.max()) + 2
    vol: dict[tuple[int, str], float] = {}
    for r in links.itertuples():
        vol[(0, r.source)] = vol.get((0, r.source), 0) + (r.sessions if r.layer == 0 else 0)
        vol[(r.layer + 1, r.target)] = vol.get((r.layer + 1, r.target), 0) + r.sessions
    for r in links[links.layer > 0].itertuples():  # sources of later layers get their volume as targets
        vol.setdefault((r.layer, r.source), 0)
    total = sum(v for (lay, _), v in vol.items() if lay == 0) or 1
    gap, node_w = 0.02, 0.12
    pos: dict[tuple[int, str], list[float]] = {}
    colors: dict[str, str] = {}
    names = list(dict.fromkeys([n for (_, n) in sorted(vol, key=lambda k: -vol[k])]))
    for i, n in enumerate(n for n in names if n not in (EXIT, OTHER)):
        colors[n] = PALETTE[i % len(PALETTE)]
    colors[EXIT], colors[OTHER] = "#bbbbbb", "#999999"
    for lay in range(depth):
        nodes = [(n, v) for (la, n), v in vol.items() if la == lay and v > 0]
        nodes.sort(key=lambda nv: (nv[0] in (EXIT, OTHER), -nv[1]))
        y = 1.0
        for n, v in nodes:
            h = v / total * (1 - gap * 6)
            pos[(lay, n)] = [y, y - h, y, y]  # top, bottom, next out, next in
            ax.add_patch(Rectangle((lay - node_w / 2, y - h), node_w, h, color=colors.get(n, "#777"), lw=0))
            share = v / total
            if share >= 0.005:  # nodes under 0.5% of sessions stay unlabelled (their labels would collide)
                ax.text(
                    lay + node_w / 2 + 0.02,
                    y - h / 2,
                    f"{text.event_label(n, lang)} {share:.0%}",
                    va="center",
                    fontsize=8 if h > 0.025 else 6,
                )
            y -= h + gap
    for r in links.sort_values(["layer", "sessions"], ascending=[True, False]).itertuples():
        s, t = pos.get((r.layer, r.source)), pos.get((r.layer + 1, r.target))
        if s is None or t is None:
            continue
        h = r.sessions / total * (1 - gap * 6)
        x0, x1 = r.layer + node_w / 2, r.layer + 1 - node_w / 2
        y0, y1 = s[2], t[3]
        xm = (x0 + x1) / 2
        verts = [
            (x0, y0),
            (xm, y0),
            (xm, y1),
            (x1, y1),
            (x1, y1 - h),
            (xm, y1 - h),
            (xm, y0 - h),
            (x0, y0 - h),
            (x0, y0),
        ]
        codes = [
            MPath.MOVETO,
            MPath.CURVE4,
            MPath.CURVE4,
            MPath.CURVE4,
            MPath.LINETO,
            MPath.CURVE4,
            MPath.CURVE4,
            MPath.CURVE4,
            MPath.CLOSEPOLY,
        ]
        ax.add_patch(PathPatch(MPath(verts, codes), color=colors.get(r.target, "#777"), alpha=0.35, lw=0))
        s[2] -= h
        t[3] -= h
    ax.set_xlim(-0.2, depth - 0.3)
    ax.set_ylim(min(p[1] for p in pos.values()) - 0.02, 1.02)
    ax.set_xticks(range(depth), [text.sankey_step(i, lang) for i in range(depth)])
    entry = entry or str(links[links.layer == 0].source.iloc[0])
    ax.set_xlabel(text.sankey_axis_label(entry, period, lang))
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or text.chart_word("sankey_title", lang))
    return ax
