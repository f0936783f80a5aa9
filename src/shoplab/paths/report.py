"""The path report's drawing and wording: charts that take the small result tables, and findings as sentences."""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.ticker import PercentFormatter

from ..plots import PALETTE, count_formatter, use_style
from ._common import EXIT, OTHER, as_list
from .funnels import biggest_dropoff, compare_funnels

__all__ = [
    "present_columns",
    "plot_funnel",
    "plot_funnel_breakdown",
    "plot_weekly_conversion",
    "plot_transition_heatmap",
    "plot_sankey",
    "findings",
    "record_headlines",
    "funnel_title",
    "breakdown_title",
    "stack_breakdowns",
    "weekly_title",
    "plot_dropoffs",
    "transitions_title",
    "sankey_title",
    "paths_table",
    "plot_transition_graph",
]


def present_columns(events, columns: Any) -> tuple[list[str], list[str]]:
    """Split wanted breakdown columns into those the events have and those they lack."""
    cols = as_list(columns)
    have = set(events.columns) | {"week"}
    return [c for c in cols if c in have], [c for c in cols if c not in have]


def funnel_title(table: pd.DataFrame) -> str:
    """A chart title that states the finding: overall conversion and the biggest drop-off."""
    if len(table) < 2 or table.users.iloc[0] == 0:
        return "Funnel: no one entered the funnel in this period"
    b = biggest_dropoff(table)
    return (
        f"{table.conversion_from_start.iloc[-1]:.1%} go from {table.step.iloc[0]} to {table.step.iloc[-1]}; "
        f"the biggest loss is {_prev_step(table, b)} → {b.step} ({1 - b.conversion_from_previous:.0%} drop)"
    )


def _prev_step(table, row) -> str:
    return table.loc[table.step_number == row.step_number - 1, "step"].iloc[0]


def plot_funnel(table: pd.DataFrame, *, title: str | None = None, unit: str = "users", ax=None):
    """Horizontal bars of units reaching each step, labelled with conversion from the start and the previous step."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * len(table) + 1.2))
    y = np.arange(len(table))[::-1]
    ax.barh(y, table.users, color=PALETTE[0], height=0.6)
    top = max(table.users.max(), 1)
    for yi, r in zip(y, table.itertuples(), strict=True):
        label = f"{r.users:,.0f}  ({r.conversion_from_start:.1%} of start"
        label += f", {r.conversion_from_previous:.1%} of previous)" if r.step_number > 1 else ")"
        ax.text(r.users + top * 0.01, yi, label, va="center", fontsize=9)
    ax.set_yticks(y, table.step)
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(count_formatter())
    ax.set_xlabel(f"{unit} reaching the step")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or funnel_title(table))
    return ax


def plot_funnel_breakdown(table: pd.DataFrame, by: str, *, title: str | None = None, ax=None):
    """Conversion from the previous step, one group of bars per step and one bar per value of ``by``."""
    use_style()
    t = table[table.step_number > 1]
    groups = list(dict.fromkeys(t[by]))[:8]
    steps = list(dict.fromkeys(t.step))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.8))
    width = 0.8 / max(len(groups), 1)
    x = np.arange(len(steps))
    for i, g in enumerate(groups):
        d = t[t[by] == g].set_index("step").reindex(steps)
        ax.bar(
            x + i * width - 0.4 + width / 2,
            d.conversion_from_previous,
            width,
            label=str(g),
            color=PALETTE[i % 8],
        )
    ax.set_xticks(x, [f"→ {s}" for s in steps])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("conversion from previous step")
    ax.legend(title=by, ncols=min(len(groups), 4), loc="upper right", fontsize=8)
    ax.set_ylim(0, 1.15)
    ax.set_title(title or breakdown_title(table, by))
    return ax


def breakdown_title(table: pd.DataFrame, by: str) -> str:
    last = table[table.step_number == table.step_number.max()].reset_index(drop=True)
    if last.empty or last.conversion_from_start.isna().all():
        return f"Funnel by {by}"
    best = last.loc[last.conversion_from_start.idxmax()]
    worst = last.loc[last.conversion_from_start.idxmin()]
    return (
        f"By {by}: {best[by]} converts best ({best.conversion_from_start:.1%} reach {best.step}), "
        f"{worst[by]} worst ({worst.conversion_from_start:.1%})"
    )


def plot_weekly_conversion(table: pd.DataFrame, *, title: str | None = None, ax=None):
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
            label=f"→ {step}",
            color=PALETTE[i % 8],
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("conversion from previous step")
    ax.set_xlabel("week (starting Monday)")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title or "Weekly conversion of each step")
    return ax


def plot_transition_heatmap(matrix: pd.DataFrame, *, title: str | None = None, ax=None):
    """Heatmap of a from × to probability matrix (from :func:`shoplab.paths.transition_matrix`)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.42 * len(matrix) + 1.8))
    im = ax.imshow(
        matrix.values, cmap="Blues", vmin=0, vmax=max(float(matrix.values.max()), 1e-9), aspect="auto"
    )
    ax.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(matrix.shape[0]), matrix.index, fontsize=8)
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
    ax.set_xlabel("next event")
    ax.set_ylabel("event")
    plt.colorbar(im, ax=ax, format=PercentFormatter(1.0), label="share of next events")
    ax.set_title(title or "Where each event leads")
    return ax


def plot_sankey(links: pd.DataFrame, *, title: str | None = None, ax=None):
    """Sankey of session flows by step position (``links`` from :func:`shoplab.paths.sankey_links`)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 6))
    if links.empty:
        ax.text(0.5, 0.5, "no sessions from the entry event", ha="center")
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
            ax.text(
                lay + node_w / 2 + 0.02,
                y - h / 2,
                f"{n} {share:.0%}",
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
    ax.set_xticks(range(depth), [f"step {i + 1}" for i in range(depth)])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or "Session flows")
    return ax


def findings(
    summary: pd.DataFrame,
    current: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    *,
    period: str | None = None,
    unit: str = "users",
    min_sessions: int = 200,
) -> list[str]:
    """Headline sentences from the numbers: sessions and bounce rate, the biggest drop-off, the step that got
    worse (two-proportion test against the previous period), the channel that converts best."""
    out = []
    s = summary.iloc[0]
    when = f" in {period}" if period else ""
    out.append(
        f"{s.sessions:,.0f} sessions from {s.users:,.0f} users{when}, {s.events_per_session:.1f} events per session; "
        f"{s.bounce_rate:.1%} bounced (left after one event)."
    )
    if len(current) >= 2 and current.users.iloc[0] > 0:
        b = biggest_dropoff(current)
        out.append(
            f"{current.conversion_from_start.iloc[-1]:.1%} of {unit} who reached {current.step.iloc[0]} went on to "
            f"{current.step.iloc[-1]}. The biggest drop-off is {_prev_step(current, b)} → {b.step}: "
            f"{b.dropoff:,.0f} {unit} ({1 - b.conversion_from_previous:.1%}) did not continue."
        )
    if previous is not None and len(previous) and previous.users.iloc[0] > 0:
        cmp = compare_funnels(previous, current)
        worse = cmp[(cmp.difference < 0) & (cmp.p_value < 0.05)].sort_values("difference")
        better = cmp[(cmp.difference > 0) & (cmp.p_value < 0.05)].sort_values("difference", ascending=False)
        if len(worse):
            w = worse.iloc[0]
            out.append(
                f"The step that got worse is → {w.step}: {w.conversion_b:.1%} against {w.conversion_a:.1%} the month "
                f"before ({w.difference * 100:+.1f} pp, 95% CI {w.ci_low * 100:+.1f} to {w.ci_high * 100:+.1f} pp, "
                f"p = {w.p_value:.3f})."
            )
        else:
            out.append(
                "No step converted significantly worse than the month before (two-proportion test, 5% level)."
            )
        if len(better):
            g = better.iloc[0]
            out.append(
                f"→ {g.step} improved to {g.conversion_b:.1%} from {g.conversion_a:.1%} ({g.difference * 100:+.1f} pp, "
                f"p = {g.p_value:.3f})."
            )
    if channels is not None and len(channels):
        c = channels[channels.sessions >= min_sessions]
        if len(c) >= 2:
            best, worst = c.loc[c.conversion.idxmax()], c.loc[c.conversion.idxmin()]
            out.append(
                f"The channel that converts best is {best.channel}: {best.conversion:.1%} of its {best.sessions:,.0f} "
                f"sessions bought (95% CI {best.ci_low:.1%}–{best.ci_high:.1%}), against {worst.conversion:.1%} for "
                f"{worst.channel}."
            )
    return out


def record_headlines(
    summary: pd.DataFrame,
    current: pd.DataFrame,
    previous_summary: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
) -> dict[str, float]:
    """Record ``paths.sessions``, ``paths.bounce_rate``, ``paths.funnel.<step>`` and ``paths.conversion``."""
    from ..notebook import record

    def prev(df, col, i=0):
        if df is None or len(df) <= i:
            return math.nan
        return df[col].iloc[i]

    out = {}
    s = summary.iloc[0]
    out["paths.sessions"] = record(
        "paths.sessions",
        int(s.sessions),
        label="Sessions",
        unit="count",
        previous=prev(previous_summary, "sessions"),
    )
    out["paths.bounce_rate"] = record(
        "paths.bounce_rate",
        s.bounce_rate,
        label="Bounce rate",
        unit="rate",
        previous=prev(previous_summary, "bounce_rate"),
    )
    for i, r in enumerate(current.itertuples()):
        key = f"paths.funnel.{r.step}"
        out[key] = record(
            key, r.users, label=f"Funnel: {r.step}", unit="count", previous=prev(previous, "users", i)
        )
    out["paths.conversion"] = record(
        "paths.conversion",
        current.conversion_from_start.iloc[-1],
        label=f"Funnel conversion {current.step.iloc[0]} → {current.step.iloc[-1]}",
        unit="rate",
        previous=prev(previous, "conversion_from_start", len(previous) - 1)
        if previous is not None
        else math.nan,
    )
    return out


def stack_breakdowns(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One long table from ``{column: funnel(by=column)}``: ``breakdown``, ``group`` and the funnel columns."""
    parts = []
    for col, t in tables.items():
        d = t.rename(columns={col: "group"}).copy()
        d.insert(0, "breakdown", col)
        d["group"] = d["group"].astype(str)
        parts.append(d)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def weekly_title(table: pd.DataFrame) -> str:
    """Names the step whose weekly conversion moved most between the first and the last full week."""
    t = table[table.step_number > 1].sort_values("week")
    weeks = [pd.Timestamp(w).strftime("%m-%d") for w in dict.fromkeys(t.week)]
    t = t.assign(week=[pd.Timestamp(w).strftime("%m-%d") for w in t.week])
    if len(weeks) < 3:
        return "Weekly conversion of each step"
    a, b = t[t.week == weeks[1]].set_index("step"), t[t.week == weeks[-2]].set_index("step")
    diff = (b.conversion_from_previous - a.conversion_from_previous).dropna()
    if diff.empty:
        return "Weekly conversion of each step"
    step = diff.abs().idxmax()
    return (
        f"→ {step} moved most: {a.conversion_from_previous[step]:.0%} in the week of {weeks[1]} to "
        f"{b.conversion_from_previous[step]:.0%} in the week of {weeks[-2]}"
    )


def plot_dropoffs(table: pd.DataFrame, *, title: str | None = None, ax=None):
    """Stacked shares of where units that stop at each step go next."""
    use_style()
    steps = list(dict.fromkeys(table.step))
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.6 * max(len(steps), 1) + 1.5))
    dests = list(dict.fromkeys(table.sort_values("units", ascending=False).next_event))
    colors = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(x for x in dests if x not in (EXIT, OTHER))}
    colors[EXIT], colors[OTHER] = "#bbbbbb", "#dddddd"
    y = np.arange(len(steps))[::-1]
    left = np.zeros(len(steps))
    for d in dests:
        share = table[table.next_event == d].set_index("step").reindex(steps)["share"].fillna(0).to_numpy()
        ax.barh(y, share, left=left, color=colors[d], label=d, height=0.6)
        for yi, lo, s in zip(y, left, share, strict=True):
            if s >= 0.08:
                ax.text(lo + s / 2, yi, f"{d}\n{s:.0%}", ha="center", va="center", fontsize=7)
        left += share
    ax.set_yticks(y, [f"stopped at {s}" for s in steps])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of units that stopped at the step")
    ax.set_xlim(0, 1)
    ax.grid(False)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    if title is None and len(table):
        ex = table[table.next_event == EXIT].reset_index(drop=True)
        top = ex.loc[ex.share.idxmax()] if len(ex) else None
        title = (
            f"Most who stop at {top.step} leave the session ({top.share:.0%})"
            if top is not None
            else "Where drop-offs go"
        )
    ax.set_title(title or "Where drop-offs go")
    return ax


def transitions_title(table: pd.DataFrame) -> str:
    """Names the strongest transition between two different events."""
    t = table[(table.from_event != table.to_event) & (table.to_event != EXIT)]
    if t.empty:
        return "Where each event leads"
    r = t.loc[t["count"].idxmax()]
    return f"The busiest move is {r.from_event} → {r.to_event} ({r['count']:,} times, {r.probability:.0%} of {r.from_event})"


def sankey_title(links: pd.DataFrame, entry: str) -> str:
    """States where sessions from ``entry`` go first."""
    first = links[links.layer == 0]
    if first.empty:
        return f"No sessions with {entry} in this period"
    total = first.sessions.sum()
    top = first.loc[first.sessions.idxmax()]
    return f"From {entry}, {top.sessions / total:.0%} of sessions go next to {top.target}"


def paths_table(top: pd.DataFrame, outcomes: Any = ("purchase", "exit")):
    """Top paths as an HTML table a manager reads: full path text, share and conversion as percentages."""
    from IPython.display import HTML

    t = top[top.outcome.isin(as_list(outcomes))].copy()
    t["share"] = t.share.map(lambda x: f"{x:.1%}")
    t["conversion"] = t.conversion.map(lambda x: f"{x:.0%}")
    t["sessions"] = t.sessions.map(lambda x: f"{x:,}")
    t = t.rename(columns={"share": "share of sessions", "conversion": "bought"})
    return HTML(t.to_html(index=False, border=0, escape=True).replace("<td>", '<td style="text-align:left">'))


def plot_transition_graph(table: pd.DataFrame, *, top_edges: int = 12, title: str | None = None, ax=None):
    """The strongest transitions between different events as a graph: nodes on a circle, arrow width by count."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 7))
    t = table[(table.from_event != table.to_event) & (table.to_event != EXIT)]
    t = t.sort_values("count", ascending=False).head(top_edges)
    nodes = list(dict.fromkeys([*t.from_event, *t.to_event]))
    if not nodes:
        ax.text(0.5, 0.5, "no transitions", ha="center")
        return ax
    angle = {n: 2 * math.pi * i / len(nodes) for i, n in enumerate(nodes)}
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
        ax.text(
            (x0 + x1) / 2 * 0.92 + (y1 - y0) * 0.06,
            (y0 + y1) / 2 * 0.92 - (x1 - x0) * 0.06,
            f"{r.probability:.0%}",
            fontsize=7,
            color="#333",
            ha="center",
        )
    for n, (x, y) in xy.items():
        ax.scatter([x], [y], s=500, color=PALETTE[1], zorder=3)
        ax.text(x * 1.2, y * 1.2, n, ha="center", va="center", fontsize=9)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.4, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(
        title or f"The {len(t)} strongest moves between events (label: share of the source's next events)"
    )
    return ax
