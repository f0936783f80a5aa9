"""The path report's drawing and wording: charts that take the small result tables, display tables, and findings
as sentences, in the report language (``lang="en"`` or ``"zh"``, default: the one set by :func:`shoplab.set_lang`).
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MPath
from matplotlib.ticker import PercentFormatter

from ..i18n import get_lang, tr
from ..notebook import Finding, fmt_value, format_table
from ..plots import PALETTE, count_formatter, use_style
from ._common import EXIT, OTHER, as_list
from .funnels import biggest_dropoff, compare_funnels, funnel_intervals, named_change, two_proportion_test

__all__ = [
    "EVENT_NAMES_ZH",
    "event_label",
    "path_label",
    "group_label",
    "column_label",
    "present_columns",
    "plot_funnel",
    "plot_funnel_breakdown",
    "plot_step_times",
    "step_times_title",
    "format_step_times",
    "slowest_step",
    "bucket_label",
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
    "dropoffs_title",
    "transitions_title",
    "sankey_title",
    "paths_table",
    "plot_transition_graph",
    "format_session_summary",
    "format_entry_exit",
    "format_funnel",
    "format_funnel_change",
    "format_transition_changes",
    "format_loops",
    "format_key_nodes",
    "format_channels",
    "format_event_conversion",
]

# ---------------------------------------------------------------------------------------------- display names

EVENT_NAMES_ZH = {
    "home": "首页",
    "search": "搜索",
    "category": "分类页",
    "product_view": "商品详情",
    "add_to_cart": "加购",
    "cart": "购物车",
    "checkout": "结算",
    "submit_order": "提交订单",
    "pay": "支付",
    "favorite": "收藏",
    "share": "分享",
    "review": "评价",
    "live_room": "直播间",
    "coupon_center": "领券中心",
    "campaign_page": "活动会场",
    EXIT: "[离开]",
    OTHER: "[其他]",
}
"""Chinese display names of the event codes of the data contract (and the package's ``[exit]``/``[other]``)."""

_GROUP_NAMES_ZH = {
    "app": "App",
    "mini_program": "小程序",
    "web": "网页",
    "new": "新用户",
    "returning": "老用户",
}
_COLUMN_NAMES = {
    "platform": ("platform", "平台"),
    "channel": ("channel", "渠道"),
    "user_type": ("new or returning", "新老用户"),
    "week": ("week", "周"),
}
_UNITS = {"users": ("users", "用户", "位用户"), "sessions": ("sessions", "会话", "个会话")}


def event_label(code: Any, lang: str | None = None) -> str:
    """An event code (or a funnel step label ``a/b``) as the report shows it: Chinese names in ``zh``."""
    code = str(code)
    if get_lang(lang) != "zh":
        return code
    if code in EVENT_NAMES_ZH:
        return EVENT_NAMES_ZH[code]
    return "/".join(EVENT_NAMES_ZH.get(p, p) for p in code.split("/"))


def path_label(path: Any, lang: str | None = None) -> str:
    """A path ``home → search → pay`` with each event's display name."""
    return " → ".join(event_label(p, lang) for p in str(path).split(" → "))


def group_label(value: Any, lang: str | None = None) -> str:
    """A breakdown value as shown: package-defined codes (platforms, new/returning) in Chinese in ``zh``."""
    value = str(value)
    return _GROUP_NAMES_ZH.get(value, value) if get_lang(lang) == "zh" else value


def column_label(col: str, lang: str | None = None) -> str:
    """A breakdown column's name in the report language."""
    en, zh = _COLUMN_NAMES.get(col, (col, col))
    return tr(en, zh, lang)


def _unit(unit: str, lang: str | None = None, counter: bool = False) -> str:
    en, zh, zh_counted = _UNITS.get(unit, (unit, unit, unit))
    return tr(en, zh_counted if counter else zh, lang)


def _rate(v) -> str:
    return fmt_value(v, "rate")


def _pp(v) -> str:
    return fmt_value(v, "pp")


def _p_text(p) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _ci_pp(lo, hi, lang=None) -> str:
    return tr(f"{lo * 100:+.1f} to {hi * 100:+.1f} pp", f"{lo * 100:+.1f} 至 {hi * 100:+.1f} pp", lang)


def _ci_rate(lo, hi) -> str:
    return f"{_rate(lo)}–{_rate(hi)}"


def _seconds(v, lang=None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return tr(f"{v:,.0f} s", f"{v:,.0f} 秒", lang)


def present_columns(events, columns: Any) -> tuple[list[str], list[str]]:
    """Split wanted breakdown columns into those the events have and those they lack."""
    cols = as_list(columns)
    have = set(events.columns) | {"week"}
    return [c for c in cols if c in have], [c for c in cols if c not in have]


# ------------------------------------------------------------------------------------------------------ funnel


def _prev_step(table, row) -> str:
    return table.loc[table.step_number == row.step_number - 1, "step"].iloc[0]


def _changed_move(row, lang=None) -> str:
    """``previous step → step`` in display names for a row of a :func:`compare_funnels` table: how a sentence
    names a step's conversion from the previous one."""
    return f"{event_label(row.from_step, lang)} → {event_label(row.step, lang)}"


def funnel_title(table: pd.DataFrame, *, lang: str | None = None) -> str:
    """A chart title that states the finding: overall conversion and the biggest drop-off."""
    if len(table) < 2 or table.users.iloc[0] == 0:
        return tr("Funnel: no one entered the funnel in this period", "漏斗：本期没有人进入漏斗", lang)
    b = biggest_dropoff(table)
    first, last = event_label(table.step.iloc[0], lang), event_label(table.step.iloc[-1], lang)
    conv, drop = _rate(table.conversion_from_start.iloc[-1]), _rate(1 - b.conversion_from_previous)
    prev, step = event_label(_prev_step(table, b), lang), event_label(b.step, lang)
    return tr(
        f"{conv} go from {first} to {last}; the biggest loss is {prev} → {step} ({drop} drop)",
        f"从{first}到{last}的整体转化率 {conv}；流失最大的一步是 {prev} → {step}（流失 {drop}）",
        lang,
    )


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
        n, s, p = f"{r.users:,.0f}", _rate(r.conversion_from_start), _rate(r.conversion_from_previous)
        if r.step_number > 1:
            label = tr(f"{n}  ({s} of start, {p} of previous)", f"{n}（占起点 {s}，占上一步 {p}）", lang)
        else:
            label = tr(f"{n}  ({s} of start)", f"{n}（占起点 {s}）", lang)
        ax.text(r.users + top * 0.01, yi, label, va="center", fontsize=9)
    ax.set_yticks(y, [event_label(s, lang) for s in table.step])
    ax.set_xlim(0, top * 1.45)
    ax.xaxis.set_major_formatter(count_formatter())
    when = f", {period}" if period else ""
    ax.set_xlabel(
        tr(
            f"{_unit(unit, 'en')} reaching the step{when}",
            f"到达该步的{_unit(unit, 'zh')}数" + (f"（{period}）" if period else ""),
            lang,
        )
    )
    ax.grid(axis="y", visible=False)
    ax.set_title(title or funnel_title(table, lang=lang))
    return ax


def breakdown_title(table: pd.DataFrame, by: str, *, min_units: int = 30, lang: str | None = None) -> str:
    """Names the group that converts best and the one that converts worst to the last step, and says whether the
    gap between them is more than chance: a two-proportion test and the 95% interval of the difference, both
    Bonferroni-adjusted for the number of pairs the two were picked from. Groups with fewer than ``min_units``
    units at step 1 are not named: their rates are too noisy to rank."""
    last = table[table.step_number == table.step_number.max()].reset_index(drop=True)
    col = column_label(by, lang)
    start = table[table.step_number == 1].set_index(by)["users"]
    last = last[last[by].map(start).fillna(0) >= min_units].reset_index(drop=True)
    if len(last) < 2 or last.conversion_from_start.isna().all():
        return tr(f"Funnel by {col}", f"按{col}拆分的漏斗", lang)
    best = last.loc[last.conversion_from_start.idxmax()]
    worst = last.loc[last.conversion_from_start.idxmin()]
    b, w = group_label(best[by], lang), group_label(worst[by], lang)
    bs, ws, step = (
        _rate(best.conversion_from_start),
        _rate(worst.conversion_from_start),
        event_label(best.step, lang),
    )
    # the best and the worst of n groups are picked from n(n-1)/2 pairs: Bonferroni keeps the 5% level honest
    pairs = len(last) * (len(last) - 1) // 2
    test = two_proportion_test(worst.users, start[worst[by]], best.users, start[best[by]], tests=pairs)
    p_adj = test["p_adjusted"]
    adj_en = f", adjusted for {pairs} pairs" if pairs > 1 else ""
    adj_zh = f"，已按 {pairs} 对两两比较校正" if pairs > 1 else ""
    if p_adj < 0.05:
        ci_en, ci_zh = (
            _ci_pp(test["ci_low"], test["ci_high"], "en"),
            _ci_pp(test["ci_low"], test["ci_high"], "zh"),
        )
        gap_en = f"; gap {_pp(test['difference'])} (95% CI {ci_en}{adj_en})"
        gap_zh = f"；相差 {_pp(test['difference'])}（95% 置信区间 {ci_zh}{adj_zh}）"
    else:
        gap_en = f"; the gap may be chance ({_p_text(p_adj)}{adj_en})"
        gap_zh = f"；差距可能只是随机波动（{_p_text(p_adj)}{adj_zh}）"
    return tr(
        f"By {col}: {b} converts best ({bs} reach {step}), {w} worst ({ws}){gap_en}",
        f"按{col}：{b} 转化最好（{bs} 到达{step}），{w} 最差（{ws}）{gap_zh}",
        lang,
    )


def plot_funnel_breakdown(
    table: pd.DataFrame,
    by: str,
    *,
    title: str | None = None,
    period: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Conversion from the previous step, one group of bars per step and one bar per value of ``by``, each with its
    95% (Wilson) interval as an error bar: a small group's wide bar says its rate may be noise."""
    use_style()
    t = funnel_intervals(table, by=by)
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
            label=group_label(g, lang),
            color=PALETTE[i % 8],
            yerr=np.nan_to_num(err),
            error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
        )
    ax.set_xticks(x, [f"→ {event_label(s, lang)}" for s in steps])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(tr("conversion from previous step", "较上一步的转化率", lang))
    ax.set_xlabel(
        tr("funnel step", "漏斗步骤", lang) + (tr(f" ({period})", f"（{period}）", lang) if period else "")
    )
    ax.legend(title=column_label(by, lang), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title or breakdown_title(table, by, lang=lang))
    return ax


def stack_breakdowns(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One long table from ``{column: funnel(by=column)}``: ``breakdown``, ``group`` and the funnel columns."""
    parts = []
    for col, t in tables.items():
        d = t.rename(columns={col: "group"}).copy()
        d.insert(0, "breakdown", col)
        d["group"] = d["group"].astype(str)
        parts.append(d)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def weekly_title(change: pd.DataFrame, *, lang: str | None = None) -> str:
    """The weekly trend's title from :func:`shoplab.paths.weekly_change`: names the step whose conversion moved
    most from the first to the last full week among those that changed beyond noise (Bonferroni-adjusted for the
    steps compared, see :func:`shoplab.paths.named_change`), with its change and adjusted 95% interval; says
    that no step changed beyond noise when none did."""
    default = tr("Weekly conversion of each step", "各步骤的每周转化率", lang)
    if change is None or change.empty or change.difference.isna().all():
        return default
    wa, wb = (pd.Timestamp(change[c].iloc[0]).strftime("%m-%d") for c in ("week_a", "week_b"))
    tests = int(change.tests.iloc[0])
    r = named_change(change)
    if r is None:
        return tr(
            f"No step changed beyond noise from the week of {wa} to the week of {wb} "
            f"({tests} steps tested, Bonferroni-adjusted)",
            f"从 {wa} 当周到 {wb} 当周，没有哪一步的变化超出随机波动（检验了 {tests} 个步骤，已做 Bonferroni 校正）",
            lang,
        )
    name = _changed_move(r, lang)
    va, vb, d = _rate(r.conversion_a), _rate(r.conversion_b), _pp(r.difference)
    ci = _ci_pp(r.ci_low_adjusted, r.ci_high_adjusted, lang)
    n = int(change.significant.sum())
    en_verb, zh_verb = ("fell", "降到") if r.difference < 0 else ("rose", "升到")
    more_en = f"; {n} steps changed beyond noise" if n > 1 else ""
    more_zh = f"；共 {n} 个步骤的变化超出随机波动" if n > 1 else ""
    return tr(
        f"{name} {en_verb} from {va} in the week of {wa} to {vb} in the week of {wb} "
        f"({d}, 95% CI {ci}, adjusted for {tests} steps){more_en}",
        f"{name} 从 {wa} 当周的 {va} {zh_verb} {wb} 当周的 {vb}（{d}，95% 置信区间 {ci}，已按 {tests} 个步骤校正）{more_zh}",
        lang,
    )


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
            label=f"→ {event_label(step, lang)}",
            color=PALETTE[i % 8],
        )
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO, interval=1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d"))
    ax.set_ylabel(tr("conversion from previous step", "较上一步的转化率", lang))
    span = ""
    if len(t):
        w = pd.to_datetime(t.week)
        span = f"{w.min():%Y-%m-%d} – {w.max():%Y-%m-%d}"
    ax.set_xlabel(
        tr(f"week starting Monday ({span})", f"周（周一起始，{span}）", lang)
        if span
        else tr("week starting Monday", "周（周一起始）", lang)
    )
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title or tr("Weekly conversion of each step", "各步骤的每周转化率", lang))
    return ax


# ------------------------------------------------------------------------------------------ time between steps


def _edge_text(minutes: float, lang=None) -> tuple[str, str]:
    """A bucket edge as (number, unit) in the largest unit it is whole in: (30, min), (2, h), (3, d)."""
    m = float(minutes)
    for size, en, zh in ((1440, "d", "天"), (60, "h", "小时"), (1, "min", "分钟")):
        if m >= size and abs(m / size - round(m / size)) < 1e-9:
            return f"{m / size:,.0f}", tr(en, zh, lang)
    return f"{m:,.1f}".rstrip("0").rstrip("."), tr("min", "分钟", lang)


def bucket_label(lower: float, upper: float, *, lang: str | None = None) -> str:
    """A time bucket as a manager reads it: ``≤ 1 min`` / ``1 分钟内``, ``1–5 min``, ``30 min–2 h``, ``3–7 d``."""
    hn, hu = _edge_text(upper, lang)
    if lower <= 0:
        return tr(f"≤ {hn} {hu}", f"{hn} {hu}内", lang)
    ln, lu = _edge_text(lower, lang)
    if lu == hu:
        return f"{ln}–{hn} {hu}"
    return f"{ln} {lu}–{hn} {hu}"


def _moves(dist: pd.DataFrame, lang=None) -> list[str]:
    steps = dist.drop_duplicates("step_number").sort_values("step_number")
    return [
        f"{event_label(a, lang)} → {event_label(b, lang)}"
        for a, b in zip(steps.from_step, steps.step, strict=True)
    ]


def _slow_edge(dist: pd.DataFrame) -> float | None:
    """The edge beyond which a step counts as slow in sentences: one day, or the largest edge below it."""
    inner = sorted(set(dist.upper_minutes) - {dist.upper_minutes.max()})
    below = [e for e in inner if e <= 1440]
    return below[-1] if below else None


def slowest_step(dist: pd.DataFrame) -> dict | None:
    """The step with the largest share of units taking longer than the slow edge (one day by default), from
    :func:`shoplab.paths.step_time_distribution` (no groups): ``from_step``, ``step``, ``edge`` (minutes),
    ``share`` (slower than the edge), ``units`` (reaching the step). None when no step has units."""
    edge = _slow_edge(dist)
    if edge is None or dist.empty:
        return None
    rows = []
    for k, d in dist.groupby("step_number"):
        n = int(d.units.sum())
        if n:
            fast = d[d.upper_minutes <= edge].units.sum()
            rows.append((k, d.from_step.iloc[0], d.step.iloc[0], 1 - fast / n, n))
    if not rows:
        return None
    k, a, b, share, n = max(rows, key=lambda r: (r[3], -r[0]))
    return {"step_number": k, "from_step": a, "step": b, "edge": edge, "share": share, "units": n}


def step_times_title(dist: pd.DataFrame, *, unit: str = "users", lang: str | None = None) -> str:
    """A title that names the slowest step: the share that takes longer than a day to make it."""
    s = slowest_step(dist)
    if s is None:
        return tr("Time between funnel steps", "漏斗各步之间的耗时", lang)
    a, b = event_label(s["from_step"], lang), event_label(s["step"], lang)
    edge, share = _edge_phrase(s["edge"], lang), f"{s['share']:.0%}"
    return tr(
        f"The slowest step is {a} → {b}: {share} take more than {edge}",
        f"最慢的一步是 {a} → {b}：{share} 的{_unit(unit, 'zh')}隔了 {edge}以上才完成",
        lang,
    )


def _edge_phrase(minutes: float, lang=None) -> str:
    """``a day``, ``2 hours``, ``30 minutes`` / ``1 天``, ``2 小时``: an edge inside a sentence."""
    n, u = _edge_text(minutes, "en")
    if get_lang(lang) == "zh":
        return " ".join(_edge_text(minutes, "zh"))
    word = {"d": "day", "h": "hour", "min": "minute"}[u]
    return f"a {word}" if n == "1" else f"{n} {word}s"


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
    moves = _moves(dist, lang)
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
                label=bucket_label(b.lower_minutes, b.upper_minutes, lang=lang))  # fmt: skip
        for yi, lo, sh in zip(y, left, share, strict=True):
            if sh >= 0.06:
                ax.text(lo + sh / 2, yi, f"{sh:.0%}", ha="center", va="center", fontsize=8,
                        color="white" if shade > 0.55 else "black")  # fmt: skip
        left += share
    ax.set_yticks(y, moves)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    u = _unit(unit, lang)
    label = tr(
        f"share of {u} reaching the step, by time since the previous step",
        f"到达该步的{u}按距上一步耗时的占比",
        lang,
    )
    ax.set_xlabel(label + (f" ({period})" if period else ""))
    ax.set_xlim(0, 1)
    ax.grid(False)
    ax.legend(title=tr("time taken", "耗时", lang), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_title(title or step_times_title(dist, unit=unit, lang=lang))
    return ax


def format_step_times(
    dist: pd.DataFrame, table: pd.DataFrame, *, unit: str = "users", lang: str | None = None
) -> pd.DataFrame:
    """The time between steps as a table: per step, the units reaching it, the quartiles of the time since the
    previous step (from the :func:`shoplab.paths.funnel` table) and the share in each time bucket."""
    f = table.set_index("step_number")
    u = _unit(unit, lang)
    rows = []
    buckets = dist.drop_duplicates("bucket").sort_values("bucket")
    names = [bucket_label(b.lower_minutes, b.upper_minutes, lang=lang) for b in buckets.itertuples()]
    for (k, d), move in zip(dist.groupby("step_number", sort=True), _moves(dist, lang), strict=True):
        r = f.loc[k]
        row = {
            tr("Step", "步骤", lang): move,
            tr(f"{u.capitalize()} reaching it", f"到达的{u}数", lang): fmt_value(r.users, "count"),
            tr("25% within", "25% 在…内", lang): fmt_value(
                r.p25_minutes_from_previous, "duration", lang=lang
            ),
            tr("Median", "中位数", lang): fmt_value(r.median_minutes_from_previous, "duration", lang=lang),
            tr("75% within", "75% 在…内", lang): fmt_value(
                r.p75_minutes_from_previous, "duration", lang=lang
            ),
        }
        shares = d.sort_values("bucket")["share"].tolist()
        row.update({n: fmt_value(v, "rate") for n, v in zip(names, shares, strict=True)})
        rows.append(row)
    return pd.DataFrame(rows).replace("n/a", "–")


# ------------------------------------------------------------------------------------------------------- drops


def dropoffs_title(table: pd.DataFrame, *, lang: str | None = None) -> str:
    """Names the step whose drop-offs most often leave the session."""
    ex = table[table.next_event == EXIT].reset_index(drop=True)
    if not len(ex):
        return tr("Where drop-offs go", "流失用户去了哪里", lang)
    top = ex.loc[ex.share.idxmax()]
    step, share = event_label(top.step, lang), f"{top.share:.0%}"
    if top.share >= 0.5:
        return tr(
            f"Most who stop at {step} leave the session ({share})",
            f"停在{step}的会话大多直接离开（{share}）",
            lang,
        )
    return tr(
        f"{share} of those who stop at {step} leave the session, more than at any other step",
        f"停在{step}的会话中 {share} 直接离开，高于其他各步",
        lang,
    )


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
        name = event_label(d, lang)
        ax.barh(y, share, left=left, color=colors[d], label=name, height=0.6)
        for yi, lo, s in zip(y, left, share, strict=True):
            if s >= 0.08:
                ax.text(lo + s / 2, yi, f"{name}\n{s:.0%}", ha="center", va="center", fontsize=7)
        left += share
    ax.set_yticks(y, [tr(f"stopped at {s}", f"停在{event_label(s, 'zh')}", lang) for s in steps])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(tr("share of sessions that stopped at the step", "停在该步的会话去向占比", lang))
    ax.set_xlim(0, 1)
    ax.grid(False)
    ax.legend(
        title=tr("next event", "下一个事件", lang), loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8
    )
    ax.set_title(title or dropoffs_title(table, lang=lang))
    return ax


# ------------------------------------------------------------------------------------------------- transitions


def transitions_title(table: pd.DataFrame, *, lang: str | None = None) -> str:
    """Names the strongest transition between two different events."""
    t = table[(table.from_event != table.to_event) & (table.to_event != EXIT)]
    if t.empty:
        return tr("Where each event leads", "各事件的下一步去向", lang)
    r = t.loc[t["count"].idxmax()]
    a, b, p = event_label(r.from_event, lang), event_label(r.to_event, lang), f"{r.probability:.0%}"
    return tr(
        f"The busiest move is {a} → {b} ({r['count']:,} times, {p} of {a})",
        f"最频繁的跳转是 {a} → {b}（{r['count']:,} 次，占{a}下一步的 {p}）",
        lang,
    )


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
        [event_label(c, lang) for c in matrix.columns],
        rotation=45,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(matrix.shape[0]), [event_label(c, lang) for c in matrix.index], fontsize=8)
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
    when = tr(f" ({period})", f"（{period}）", lang) if period else ""
    ax.set_xlabel(tr("next event in the session", "会话中的下一个事件", lang) + when)
    ax.set_ylabel(tr("event", "当前事件", lang))
    plt.colorbar(
        im,
        ax=ax,
        format=PercentFormatter(1.0),
        label=tr("share of the event's next events", "占该事件下一步的比例", lang),
    )
    ax.set_title(title or tr("Where each event leads", "各事件的下一步去向", lang))
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
        ax.text(0.5, 0.5, tr("no transitions", "没有跳转", lang), ha="center")
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
        ax.text(x * 1.22, y * 1.18, event_label(n, lang), ha="center", va="center", fontsize=10)
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    r0 = t.iloc[0]
    a, b = event_label(r0.from_event, lang), event_label(r0.to_event, lang)
    ax.set_title(
        title
        or tr(
            f"The {len(t)} strongest moves between events; the widest is {a} → {b}\n"
            "(arrow width: how often; label: share of the source event's next events)",
            f"最强的 {len(t)} 条事件跳转，最粗的是 {a} → {b}\n（箭头粗细：次数；标签：占来源事件下一步的比例）",
            lang,
        )
    )
    return ax


# ------------------------------------------------------------------------------------------------------ sankey


def sankey_title(links: pd.DataFrame, entry: str, *, lang: str | None = None) -> str:
    """States where sessions from ``entry`` go first."""
    first = links[links.layer == 0]
    name = event_label(entry, lang)
    if first.empty:
        return tr(f"No sessions with {name} in this period", f"本期没有包含{name}的会话", lang)
    total = first.sessions.sum()
    top = first.loc[first.sessions.idxmax()]
    share, target = f"{top.sessions / total:.0%}", event_label(top.target, lang)
    return tr(
        f"From {name}, {share} of sessions go next to {target}",
        f"从{name}出发，{share} 的会话下一步进入{target}",
        lang,
    )


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
        ax.text(
            0.5, 0.5, tr("no sessions from the entry event", "没有从入口事件开始的会话", lang), ha="center"
        )
        ax.set_title(title or tr("Session flows", "会话路径流向", lang))
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
                    f"{event_label(n, lang)} {share:.0%}",
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
    ax.set_xticks(range(depth), [tr(f"step {i + 1}", f"第 {i + 1} 步", lang) for i in range(depth)])
    entry = entry or str(links[links.layer == 0].source.iloc[0])
    name = event_label(entry, lang)
    when_en, when_zh = (f", {period}", f"，{period}") if period else ("", "")
    ax.set_xlabel(
        tr(
            f"step of the session from its first {name} (label: share of those sessions{when_en})",
            f"从首次进入{name}起的第几步（标签：占这些会话的比例{when_zh}）",
            lang,
        )
    )
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or tr("Session flows", "会话路径流向", lang))
    return ax


# ---------------------------------------------------------------------------------------------- display tables


def format_session_summary(summary: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """The month's session numbers as two columns (measure, value), formatted for a manager."""
    s = summary.iloc[0]
    rows = [
        (tr("Sessions", "会话数", lang), fmt_value(s.sessions, "count")),
        (tr("Users", "用户数", lang), fmt_value(s.users, "count")),
        (tr("Events", "事件数", lang), fmt_value(s.events, "count")),
        (tr("Events per session", "平均每个会话的事件数", lang), f"{s.events_per_session:,.1f}"),
        (
            tr("Median session length", "会话时长中位数", lang),
            fmt_value(s.median_length_seconds / 60, "minutes", lang=lang),
        ),
        (
            tr("Mean session length", "平均会话时长", lang),
            fmt_value(s.mean_length_seconds / 60, "minutes", lang=lang),
        ),
        (
            tr("Bounces (one-event sessions)", "跳出会话数（只有一个事件）", lang),
            fmt_value(s.bounces, "count"),
        ),
        (tr("Bounce rate", "跳出率", lang), fmt_value(s.bounce_rate, "rate")),
    ]
    return pd.DataFrame(rows, columns=[tr("Measure", "指标", lang), tr("This month", "本月", lang)])


def format_entry_exit(pages: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Entry and exit pages (page names are the data's own) with counts and shares formatted."""
    return format_table(
        pages,
        {"entries": "count", "exits": "count", "entry_share": "rate", "exit_share": "rate"},
        rename={
            "page": tr("Page", "页面", lang),
            "entries": tr("Sessions entering here", "从此进入的会话", lang),
            "entry_share": tr("Share of entries", "入口占比", lang),
            "exits": tr("Sessions leaving here", "从此离开的会话", lang),
            "exit_share": tr("Share of exits", "出口占比", lang),
        },
        lang=lang,
    )


def format_funnel(table: pd.DataFrame, *, unit: str = "users", lang: str | None = None) -> pd.DataFrame:
    """The funnel as a manager reads it: units, conversion from start and previous step, lost and drop-off rate,
    median minutes from the previous step."""
    t = table.copy()
    t["step"] = [event_label(s, lang) for s in t.step]
    t["drop_rate"] = [
        np.nan if r.step_number == 1 else 1 - r.conversion_from_previous for r in t.itertuples()
    ]
    t["dropoff"] = [np.nan if r.step_number == 1 else r.dropoff for r in t.itertuples()]
    cols = [
        "step",
        "users",
        "conversion_from_start",
        "conversion_from_previous",
        "dropoff",
        "drop_rate",
        "median_minutes_from_previous",
    ]
    t = t[[c for c in cols if c in t.columns]]
    u = _unit(unit, lang)
    out = format_table(
        t,
        {
            "users": "count",
            "conversion_from_start": "rate",
            "conversion_from_previous": "rate",
            "dropoff": "count",
            "drop_rate": "rate",
            "median_minutes_from_previous": "duration",
        },
        rename={
            "step": tr("Step", "步骤", lang),
            "users": tr(f"{u.capitalize()} reaching it", f"到达的{u}数", lang),
            "conversion_from_start": tr("Conversion from start", "整体转化率", lang),
            "conversion_from_previous": tr("Conversion from previous step", "较上一步转化率", lang),
            "dropoff": tr(f"{u.capitalize()} lost", f"流失{u}数", lang),
            "drop_rate": tr("Drop-off rate", "流失率", lang),
            "median_minutes_from_previous": tr(
                "Median time from previous step", "距上一步的时间中位数", lang
            ),
        },
        lang=lang,
    )
    return out.replace("n/a", "–")


def format_funnel_change(change: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Step-by-step change against the previous month (from :func:`compare_funnels`), formatted: the interval, the
    p-value and the verdict are Bonferroni-adjusted for the steps compared, as the findings that name a step."""
    t = change.copy()
    tests = int(t.tests.iloc[0]) if len(t) else 1
    t["step"] = [f"→ {event_label(s, lang)}" for s in t.step]
    t["ci"] = [_ci_pp(lo, hi, lang) for lo, hi in zip(t.ci_low_adjusted, t.ci_high_adjusted, strict=True)]
    t["significant"] = [tr("yes", "是", lang) if s else tr("no", "否", lang) for s in t.significant]
    t = t[["step", "conversion_a", "conversion_b", "difference", "ci", "p_adjusted", "significant"]]
    adj_en = f" (adjusted for {tests} steps)" if tests > 1 else ""
    adj_zh = f"（已按 {tests} 个步骤校正）" if tests > 1 else ""
    return format_table(
        t,
        {"conversion_a": "rate", "conversion_b": "rate", "difference": "pp", "p_adjusted": "p"},
        rename={
            "step": tr("Step", "步骤", lang),
            "conversion_a": tr("Previous month", "上月", lang),
            "conversion_b": tr("This month", "本月", lang),
            "difference": tr("Change", "变化", lang),
            "ci": tr(f"95% CI of the change{adj_en}", f"变化的 95% 置信区间{adj_zh}", lang),
            "p_adjusted": tr(f"p-value{adj_en}", f"p 值{adj_zh}", lang),
            "significant": tr("Significant (5% level)", "是否显著（5% 水平）", lang),
        },
        lang=lang,
    )


def format_transition_changes(cmp: pd.DataFrame, n: int = 10, *, lang: str | None = None) -> pd.DataFrame:
    """The ``n`` transitions whose probability changed most (from :func:`compare_transitions`), formatted."""
    t = cmp.head(n).copy()
    t["from_event"] = [event_label(e, lang) for e in t.from_event]
    t["to_event"] = [event_label(e, lang) for e in t.to_event]
    return format_table(
        t,
        {
            "count_a": "count",
            "count_b": "count",
            "probability_a": "rate",
            "probability_b": "rate",
            "difference": "pp",
        },
        rename={
            "from_event": tr("From", "来源事件", lang),
            "to_event": tr("To", "下一个事件", lang),
            "count_a": tr("Times, previous month", "上月次数", lang),
            "count_b": tr("Times, this month", "本月次数", lang),
            "probability_a": tr("Share, previous month", "上月占比", lang),
            "probability_b": tr("Share, this month", "本月占比", lang),
            "difference": tr("Change", "变化", lang),
        },
        lang=lang,
    )


def format_loops(loops: pd.DataFrame, n: int = 10, *, lang: str | None = None) -> pd.DataFrame:
    """The ``n`` events sessions most often come back to (from :func:`loops`), formatted."""
    t = loops.head(n).copy()
    t["event"] = [event_label(e, lang) for e in t.event]
    return format_table(
        t,
        {"sessions": "count", "returns": "count", "sessions_with_return": "count", "return_rate": "rate"},
        rename={
            "event": tr("Event", "事件", lang),
            "sessions": tr("Sessions with it", "包含该事件的会话", lang),
            "returns": tr("Returns", "回访次数", lang),
            "sessions_with_return": tr("Sessions that came back", "回访的会话", lang),
            "return_rate": tr("Return rate", "回访率", lang),
        },
        lang=lang,
    )


def format_key_nodes(nodes: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Key nodes (from :func:`key_nodes`): visits, exit rate, median dwell time and conversion, formatted."""
    t = nodes.copy()
    t["node"] = [event_label(e, lang) for e in t.node]
    t["median_dwell_seconds"] = [_seconds(v, lang) for v in t.median_dwell_seconds]
    return format_table(
        t,
        {"visits": "count", "sessions": "count", "exits": "count", "exit_rate": "rate", "conversion": "rate"},
        rename={
            "node": tr("Event", "节点", lang),
            "visits": tr("Visits", "访问次数", lang),
            "sessions": tr("Sessions", "会话数", lang),
            "exits": tr("Session ended here", "在此结束的会话", lang),
            "exit_rate": tr("Exit rate", "退出率", lang),
            "median_dwell_seconds": tr("Median time on it", "停留时长中位数", lang),
            "conversion": tr("Conversion of sessions with it", "经过该节点的会话转化率", lang),
        },
        lang=lang,
    )


def format_channels(channels: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """Session conversion by traffic channel (from :func:`channel_conversion`) with its 95% interval."""
    t = channels.copy()
    t["ci"] = [_ci_rate(lo, hi) for lo, hi in zip(t.ci_low, t.ci_high, strict=True)]
    t = t.drop(columns=["ci_low", "ci_high"])
    return format_table(
        t,
        {"sessions": "count", "converted": "count", "conversion": "rate"},
        rename={
            "channel": tr("Channel", "渠道", lang),
            "sessions": tr("Sessions", "会话数", lang),
            "converted": tr("Sessions that bought", "成交会话数", lang),
            "conversion": tr("Conversion", "转化率", lang),
            "ci": tr("95% CI", "95% 置信区间", lang),
        },
        lang=lang,
    )


def format_event_conversion(table: pd.DataFrame, event: str, *, lang: str | None = None) -> pd.DataFrame:
    """Conversion of sessions with and without ``event`` (from :func:`event_conversion`), formatted."""
    t = table.copy()
    name = event_label(event, lang)
    t["with_event"] = [
        tr(f"with {name}", f"有{name}", lang) if w else tr(f"without {name}", f"无{name}", lang)
        for w in t.with_event
    ]
    t["ci"] = [_ci_rate(lo, hi) for lo, hi in zip(t.ci_low, t.ci_high, strict=True)]
    t = t[["with_event", "sessions", "converted", "conversion", "ci", "difference", "p_value"]]
    out = format_table(
        t,
        {"sessions": "count", "converted": "count", "conversion": "rate", "difference": "pp", "p_value": "p"},
        rename={
            "with_event": tr("Group", "分组", lang),
            "sessions": tr("Sessions", "会话数", lang),
            "converted": tr("Sessions that bought", "成交会话数", lang),
            "conversion": tr("Conversion", "转化率", lang),
            "ci": tr("95% CI", "95% 置信区间", lang),
            "difference": tr("Difference", "差异", lang),
            "p_value": tr("p-value", "p 值", lang),
        },
        lang=lang,
    )
    return out.replace("n/a", "–")


def paths_table(top: pd.DataFrame, outcomes: Any = ("purchase", "exit"), *, lang: str | None = None):
    """Top paths as an HTML table a manager reads: full path text, share and conversion as percentages."""
    from IPython.display import HTML

    names = {
        "purchase": tr("purchase", "购买", lang),
        "exit": tr("left", "离开", lang),
        "longer": tr("goes on", "更长路径", lang),
    }
    t = top[top.outcome.isin(as_list(outcomes))].copy()
    t["outcome"] = [names.get(o, o) for o in t.outcome]
    t["path"] = [path_label(p, lang) for p in t.path]
    t["share"] = t.share.map(lambda x: f"{x:.1%}")
    t["conversion"] = t.conversion.map(lambda x: f"{x:.0%}")
    t["sessions"] = t.sessions.map(lambda x: f"{x:,}")
    t = t.rename(
        columns={
            "outcome": tr("outcome", "结果", lang),
            "path": tr("path", "路径", lang),
            "steps": tr("steps", "步数", lang),
            "sessions": tr("sessions", "会话数", lang),
            "share": tr("share of sessions", "会话占比", lang),
            "conversion": tr("bought", "购买转化率", lang),
        }
    )
    return HTML(t.to_html(index=False, border=0, escape=True).replace("<td>", '<td style="text-align:left">'))


# ---------------------------------------------------------------------------------------------------- findings


def _change_findings(cmp: pd.DataFrame, lang=None) -> list[Finding]:
    """The month-over-month sentences from a :func:`compare_funnels` table: the step that got worse and the one
    that improved most, each named only when its change is beyond noise after the Bonferroni adjustment for the
    steps compared (:func:`named_change`); otherwise that no step changed beyond noise."""
    if cmp.empty:
        return []
    tests = int(cmp.tests.iloc[0])
    adj_en = f"; adjusted for {tests} steps" if tests > 1 else ""
    adj_zh = f"；已按 {tests} 个步骤校正" if tests > 1 else ""
    how_en, how_zh = ("two-proportion test, 5% level", "双比例检验，5% 显著性水平")
    if tests > 1:
        how_en = f"two-proportion tests at the 5% level, Bonferroni-adjusted for {tests} steps"
        how_zh = f"双比例检验，5% 显著性水平，已按 {tests} 个步骤做 Bonferroni 校正"

    def numbers(r):
        ci = _ci_pp(r.ci_low_adjusted, r.ci_high_adjusted, lang)
        return _changed_move(r, lang), _rate(r.conversion_a), _rate(r.conversion_b), _pp(r.difference), ci

    out = []
    worse, better = named_change(cmp, direction="down"), named_change(cmp, direction="up")
    if worse is not None:
        step, a, b, d, ci = numbers(worse)
        p = _p_text(worse.p_adjusted)
        out.append(
            Finding(
                tr(
                    f"The step that got worse is {step}: {b} against {a} the month before "
                    f"({d}, 95% CI {ci}, {p}{adj_en}).",
                    f"变差的一步是 {step}：转化率 {b}，上月为 {a}（{d}，95% 置信区间 {ci}，{p}{adj_zh}）。",
                    lang,
                ),
                "funnel-change",
            )
        )
    elif better is not None:
        out.append(
            Finding(
                tr(
                    f"No step got worse beyond noise against the month before ({how_en}).",
                    f"与上月相比，没有哪一步的转化率下降超出随机波动（{how_zh}）。",
                    lang,
                ),
                "funnel-change",
            )
        )
    else:
        c = cmp.dropna(subset=["difference"])
        tail_en = tail_zh = ""
        if len(c):
            m = c.loc[c.difference.abs().idxmax()]
            step, d = _changed_move(m, lang), _pp(m.difference)
            p = _p_text(m.p_adjusted)
            after_en, before_zh = (" after adjustment", "校正后 ") if tests > 1 else ("", "")
            tail_en = f"; the largest change is {step}, {d} ({p}{after_en})"
            tail_zh = f"；变化最大的是 {step}，{d}（{before_zh}{p}）"
        out.append(
            Finding(
                tr(
                    f"No step changed beyond noise against the month before ({how_en}){tail_en}.",
                    f"与上月相比，没有哪一步的变化超出随机波动（{how_zh}）{tail_zh}。",
                    lang,
                ),
                "funnel-change",
            )
        )
    if better is not None:
        step, a, b, d, ci = numbers(better)
        p = _p_text(better.p_adjusted)
        out.append(
            Finding(
                tr(
                    f"{step} improved to {b} from {a} ({d}, 95% CI {ci}, {p}{adj_en}).",
                    f"{step} 的转化率从 {a} 提升到 {b}（{d}，95% 置信区间 {ci}，{p}{adj_zh}）。",
                    lang,
                ),
                "funnel-change",
            )
        )
    return out


def findings(
    summary: pd.DataFrame,
    current: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    *,
    period: str | None = None,
    unit: str = "users",
    min_sessions: int = 200,
    nodes: pd.DataFrame | None = None,
    target: str = "pay",
    times: pd.DataFrame | None = None,
    slow_share: float = 0.10,
    change: pd.DataFrame | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """Headline sentences from the numbers: sessions and bounce rate, the biggest drop-off, the step that got
    worse and the one that improved against the previous period (from ``change``, the
    :func:`shoplab.paths.compare_funnels` table of ``previous`` against ``current``, computed here when not
    given: a step is named only when its change passes the two-proportion test Bonferroni-adjusted for the steps
    compared, else the finding says no step changed beyond noise), the channel that converts best and, given the
    ``nodes`` table of :func:`key_nodes`, the event (other than ``target``) where sessions most often end, and,
    given ``times`` (:func:`shoplab.paths.step_time_distribution` of the same funnel), the slowest step when at
    least ``slow_share`` of its units take more than a day. Groups with fewer than ``min_sessions`` sessions (or
    visits) are left out.

    Each finding links to its section: ``sessions``, ``funnel``, ``step-times``, ``funnel-change``, ``channels``
    or ``key-nodes``.
    """

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    out = []
    s = summary.iloc[0]
    ns, nu, eps, br = (
        fmt_value(s.sessions, "count"),
        fmt_value(s.users, "count"),
        f"{s.events_per_session:,.1f}",
        _rate(s.bounce_rate),
    )
    out.append(
        F(
            f"{ns} sessions from {nu} users"
            + (f" in {period}" if period else "")
            + f", {eps} events per session; "
            f"{br} bounced (left after one event).",
            (f"{period} " if period else "本月") + f"共 {ns} 个会话、{nu} 位用户，平均每个会话 {eps} 个事件；"
            f"跳出率 {br}（只有一个事件就离开）。",
            "sessions",
        )
    )
    u_en, u_zh = _unit(unit, "en"), _unit(unit, "zh", counter=True)
    if len(current) >= 2 and current.users.iloc[0] > 0:
        b = biggest_dropoff(current)
        first, last = event_label(current.step.iloc[0], lang), event_label(current.step.iloc[-1], lang)
        prev, step = event_label(_prev_step(current, b), lang), event_label(b.step, lang)
        conv, lost, drop = (
            _rate(current.conversion_from_start.iloc[-1]),
            fmt_value(b.dropoff, "count"),
            _rate(1 - b.conversion_from_previous),
        )
        out.append(
            F(
                f"{conv} of {u_en} who reached {first} went on to {last}. The biggest drop-off is {prev} → {step}: "
                f"{lost} {u_en} ({drop}) did not continue.",
                f"到达{first}的{_unit(unit, 'zh')}中 {conv} 最终走到{last}。流失最大的一步是 {prev} → {step}："
                f"{lost} {u_zh}（{drop}）没有继续。",
                "funnel",
            )
        )
    slow = slowest_step(times) if times is not None and len(current) >= 2 else None
    if slow is not None and slow["share"] >= slow_share:
        move = f"{event_label(slow['from_step'], lang)} → {event_label(slow['step'], lang)}"
        med = current.loc[current.step_number == slow["step_number"], "median_minutes_from_previous"].iloc[0]
        med_en, med_zh = fmt_value(med, "duration", lang="en"), fmt_value(med, "duration", lang="zh")
        share, n = _rate(slow["share"]), fmt_value(round(slow["share"] * slow["units"]), "count")
        edge_en, edge_zh = _edge_phrase(slow["edge"], "en"), _edge_phrase(slow["edge"], "zh")
        out.append(
            F(
                f"The slowest step is {move}: half of the {u_en} who make it do so within {med_en}, but {share} "
                f"({n}) take more than {edge_en}.",
                f"最慢的一步是 {move}：完成这一步的{_unit(unit, 'zh')}一半在 {med_zh} 内完成，但 {share}（{n} {u_zh}）"
                f"隔了 {edge_zh}以上。",
                "step-times",
            )
        )
    if len(current) and not (len(current) >= 2 and current.users.iloc[0] > 0):
        out.append(
            F(
                f"No {u_en} entered the funnel in {period or 'this period'}.",
                f"{period or '本期'}没有{_unit(unit, 'zh')}进入漏斗。",
                "funnel",
            )
        )
    if previous is not None and (not len(previous) or previous.users.iloc[0] == 0):
        out.append(
            F(
                "No comparison with the month before: no one entered the funnel then.",
                "无法与上月对比：上月没有人进入漏斗。",
                "funnel-change",
            )
        )
    elif (previous is not None or change is not None) and len(current) >= 2 and current.users.iloc[0] > 0:
        cmp = change if change is not None else compare_funnels(previous, current)
        out.extend(_change_findings(cmp, lang))
    if channels is not None and len(channels):
        c = channels[channels.sessions >= min_sessions]
        if len(c) >= 2:
            best, worst = c.loc[c.conversion.idxmax()], c.loc[c.conversion.idxmin()]
            bc, bn, bci, wc = (
                _rate(best.conversion),
                fmt_value(best.sessions, "count"),
                _ci_rate(best.ci_low, best.ci_high),
                _rate(worst.conversion),
            )
            apart = best.ci_low > worst.ci_high
            out.append(
                F(
                    f"The channel that converts best is {best.channel}: {bc} of its {bn} sessions bought "
                    f"(95% CI {bci}), against {wc} for {worst.channel}"
                    + (
                        "; their 95% intervals do not overlap."
                        if apart
                        else "; their 95% intervals overlap, so the gap may be chance."
                    ),
                    f"转化最好的渠道是{best.channel}：{bn} 个会话中 {bc} 成交（95% 置信区间 {bci}），"
                    f"{worst.channel}为 {wc}"
                    + (
                        "；两者的 95% 置信区间不重叠。"
                        if apart
                        else "；两者的 95% 置信区间重叠，差距可能只是随机波动。"
                    ),
                    "channels",
                )
            )
        else:
            out.append(
                F(
                    f"Too few sessions to compare channels: {len(c)} channel(s) have at least {min_sessions:,} "
                    "sessions this month.",
                    f"会话太少，无法比较渠道：本月只有 {len(c)} 个渠道的会话数达到 {min_sessions:,}。",
                    "channels",
                )
            )
    if nodes is not None and len(nodes):
        n = nodes[(nodes.node != target) & (nodes.visits >= min_sessions)]
        if len(n):
            r = n.loc[n.exit_rate.idxmax()]
            name, rate, visits = event_label(r.node, lang), _rate(r.exit_rate), fmt_value(r.visits, "count")
            tgt = event_label(target, lang)
            out.append(
                F(
                    f"Apart from {tgt}, sessions most often end at {name}: {rate} of its {visits} visits were the "
                    "session's last event.",
                    f"除{tgt}外，会话最常在{name}结束：{visits} 次访问中 {rate} 是会话的最后一步（退出率）。",
                    "key-nodes",
                )
            )
    return out


def record_headlines(
    summary: pd.DataFrame,
    current: pd.DataFrame,
    previous_summary: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    *,
    lang: str | None = None,
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
        label=tr("Sessions", "会话数", lang),
        unit="count",
        previous=prev(previous_summary, "sessions"),
    )
    out["paths.bounce_rate"] = record(
        "paths.bounce_rate",
        s.bounce_rate,
        label=tr("Bounce rate", "跳出率", lang),
        unit="rate",
        previous=prev(previous_summary, "bounce_rate"),
    )
    for i, r in enumerate(current.itertuples()):
        key = f"paths.funnel.{r.step}"
        name = event_label(r.step, lang)
        out[key] = record(
            key,
            r.users,
            label=tr(f"Funnel: {name}", f"漏斗：{name}", lang),
            unit="count",
            previous=prev(previous, "users", i),
        )
    first, last = event_label(current.step.iloc[0], lang), event_label(current.step.iloc[-1], lang)
    out["paths.conversion"] = record(
        "paths.conversion",
        current.conversion_from_start.iloc[-1],
        label=tr(f"Funnel conversion {first} → {last}", f"漏斗转化率 {first} → {last}", lang),
        unit="rate",
        previous=prev(previous, "conversion_from_start", len(previous) - 1)
        if previous is not None
        else math.nan,
    )
    return out
