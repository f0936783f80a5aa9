"""The path report's words: display names of events and groups, chart titles that state the finding, the labels
of the charts, and the findings as sentences, in the report language (``lang="en"`` or ``"zh"``, default: the one
set by :func:`shoplab.set_lang`). No statistics and no engine calls: a title or a finding that needs a test or a
pick gets it from the compute modules (:mod:`shoplab.paths.changes`, :mod:`shoplab.paths.steptimes`), handed in
or asked for by name.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import labels
from ..i18n import get_lang, tr
from ..notebook import fmt_p, fmt_value
from .changes import (
    breakdown_gap,
    busiest_transition,
    changed_steps,
    is_most,
    named_change,
    top_exit_step,
    top_first_move,
)
from .funnels import biggest_dropoff
from .steptimes import slowest_step

__all__ = [
    "EVENT_NAMES_ZH",
    "event_label",
    "path_label",
    "group_label",
    "column_label",
    "bucket_label",
    "funnel_title",
    "breakdown_title",
    "weekly_title",
    "step_times_title",
    "dropoffs_title",
    "transitions_title",
    "transition_graph_title",
    "sankey_title",
    "chart_word",
    "period_suffix",
    "move_label",
    "funnel_bar_label",
    "funnel_axis_label",
    "weekly_axis_label",
    "step_times_axis_label",
    "stopped_at",
    "sankey_step",
    "sankey_axis_label",
]

# ---------------------------------------------------------------------------------------------- display names

EVENT_NAMES_ZH = labels.names("event", "zh")
"""Chinese display names of the event codes of the data contract (and the package's ``[exit]``/``[other]``), from
the glossary (``event.*``)."""

_GROUP_NAMESPACES = ("platform", "user_type")  # breakdown values the package names (glossary/common.toml)


_UNITS = {"users": ("users", "用户", "位用户"), "sessions": ("sessions", "会话", "个会话")}


def event_label(code: Any, lang: str | None = None) -> str:
    """An event code (or a funnel step label ``a/b``) as the report shows it: Chinese names in ``zh``."""
    code = str(code)
    if get_lang(lang) != "zh":
        return code
    if f"event.{code}" in labels.entries():
        return labels.name(f"event.{code}", "zh")
    return "/".join(labels.label("event", p, "zh") for p in code.split("/"))


def path_label(path: Any, lang: str | None = None) -> str:
    """A path ``home → search → pay`` with each event's display name."""
    return " → ".join(event_label(p, lang) for p in str(path).split(" → "))


def group_label(value: Any, lang: str | None = None) -> str:
    """A breakdown value as shown: package-defined codes (platforms, new/returning) in Chinese in ``zh``."""
    value = str(value)
    if get_lang(lang) != "zh":
        return value
    for ns in _GROUP_NAMESPACES:
        if f"{ns}.{value}" in labels.entries():
            return labels.name(f"{ns}.{value}", "zh")
    return value


def column_label(col: str, lang: str | None = None) -> str:
    """A breakdown column's name in the report language."""
    return labels.label("breakdown", col, lang)


def _unit(unit: str, lang: str | None = None, counter: bool = False) -> str:
    en, zh, zh_counted = _UNITS.get(unit, (unit, unit, unit))
    return tr(en, zh_counted if counter else zh, lang)


def _rate(v) -> str:
    return fmt_value(v, "rate")


def _pp(v) -> str:
    return fmt_value(v, "pp")


_p_text = fmt_p


def _ci_pp(lo, hi, lang=None) -> str:
    return tr(f"{lo * 100:+.1f} to {hi * 100:+.1f} pp", f"{lo * 100:+.1f} 至 {hi * 100:+.1f} pp", lang)


def _ci_rate(lo, hi) -> str:
    return f"{_rate(lo)}–{_rate(hi)}"


def _seconds(v, lang=None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return tr(f"{v:,.0f} s", f"{v:,.0f} 秒", lang)


# ------------------------------------------------------------------------------------------------------ titles


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


def breakdown_title(
    table: pd.DataFrame, by: str, *, gap: dict | None = None, min_units: int = 30, lang: str | None = None
) -> str:
    """Names the group that converts best and the one that converts worst to the last step, and says whether the
    gap between them is more than chance, from ``gap`` (:func:`shoplab.paths.changes.breakdown_gap` of ``table``,
    asked for here when not given: a two-proportion test and the 95% interval of the difference, both
    Bonferroni-adjusted for the number of pairs the two were picked from; groups with fewer than ``min_units``
    units at step 1 are not named)."""
    col = column_label(by, lang)
    if gap is None:
        gap = breakdown_gap(table, by, min_units=min_units)
    if gap is None:
        return tr(f"Funnel by {col}", f"按{col}拆分的漏斗", lang)
    best, worst, pairs, test = gap["best"], gap["worst"], gap["pairs"], gap["test"]
    b, w = group_label(best[by], lang), group_label(worst[by], lang)
    bs, ws, step = (
        _rate(best.conversion_from_start),
        _rate(worst.conversion_from_start),
        event_label(best.step, lang),
    )
    adj_en = f", adjusted for {pairs} pairs" if pairs > 1 else ""
    adj_zh = f"，已按 {pairs} 对两两比较校正" if pairs > 1 else ""
    if gap["significant"]:
        ci_en, ci_zh = (
            _ci_pp(test["ci_low"], test["ci_high"], "en"),
            _ci_pp(test["ci_low"], test["ci_high"], "zh"),
        )
        gap_en = f"; gap {_pp(test['difference'])} (95% CI {ci_en}{adj_en})"
        gap_zh = f"；相差 {_pp(test['difference'])}（95% 置信区间 {ci_zh}{adj_zh}）"
    else:
        p_adj = test["p_adjusted"]
        gap_en = f"; the gap may be chance ({_p_text(p_adj)}{adj_en})"
        gap_zh = f"；差距可能只是随机波动（{_p_text(p_adj)}{adj_zh}）"
    return tr(
        f"By {col}: {b} converts best ({bs} reach {step}), {w} worst ({ws}){gap_en}",
        f"按{col}：{b} 转化最好（{bs} 到达{step}），{w} 最差（{ws}）{gap_zh}",
        lang,
    )


def weekly_title(change: pd.DataFrame, *, lang: str | None = None) -> str:
    """The weekly trend's title from :func:`shoplab.paths.weekly_change`: names the step whose conversion moved
    most from the first to the last full week among those that changed beyond noise (Bonferroni-adjusted for the
    steps compared, see :func:`shoplab.paths.named_change`), with its change and adjusted 95% interval; says
    that no step changed beyond noise when none did."""
    default = chart_word("weekly_title", lang)
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
    n = changed_steps(change)
    en_verb, zh_verb = ("fell", "降到") if r.difference < 0 else ("rose", "升到")
    more_en = f"; {n} steps changed beyond noise" if n > 1 else ""
    more_zh = f"；共 {n} 个步骤的变化超出随机波动" if n > 1 else ""
    return tr(
        f"{name} {en_verb} from {va} in the week of {wa} to {vb} in the week of {wb} "
        f"({d}, 95% CI {ci}, adjusted for {tests} steps){more_en}",
        f"{name} 从 {wa} 当周的 {va} {zh_verb} {wb} 当周的 {vb}（{d}，95% 置信区间 {ci}，已按 {tests} 个步骤校正）{more_zh}",
        lang,
    )


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


def dropoffs_title(table: pd.DataFrame, *, lang: str | None = None) -> str:
    """Names the step whose drop-offs most often leave the session."""
    top = top_exit_step(table)
    if top is None:
        return tr("Where drop-offs go", "流失用户去了哪里", lang)
    step, share = event_label(top.step, lang), f"{top.share:.0%}"
    if is_most(top.share):
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


def transitions_title(table: pd.DataFrame, *, lang: str | None = None) -> str:
    """Names the strongest transition between two different events."""
    r = busiest_transition(table)
    if r is None:
        return chart_word("transitions_title", lang)
    a, b, p = event_label(r.from_event, lang), event_label(r.to_event, lang), f"{r.probability:.0%}"
    return tr(
        f"The busiest move is {a} → {b} ({r['count']:,} times, {p} of {a})",
        f"最频繁的跳转是 {a} → {b}（{r['count']:,} 次，占{a}下一步的 {p}）",
        lang,
    )


def sankey_title(links: pd.DataFrame, entry: str, *, lang: str | None = None) -> str:
    """States where sessions from ``entry`` go first."""
    move = top_first_move(links)
    name = event_label(entry, lang)
    if move is None:
        return tr(f"No sessions with {name} in this period", f"本期没有包含{name}的会话", lang)
    top, s = move
    share, target = f"{s:.0%}", event_label(top.target, lang)
    return tr(
        f"From {name}, {share} of sessions go next to {target}",
        f"从{name}出发，{share} 的会话下一步进入{target}",
        lang,
    )


# ------------------------------------------------------------------------------------------------ chart labels

_CHART_WORDS = {
    "conversion_from_previous": ("conversion from previous step", "较上一步的转化率"),
    "funnel_step": ("funnel step", "漏斗步骤"),
    "weekly_title": ("Weekly conversion of each step", "各步骤的每周转化率"),
    "time_taken": ("time taken", "耗时"),
    "dropoff_share": ("share of sessions that stopped at the step", "停在该步的会话去向占比"),
    "next_event": ("next event", "下一个事件"),
    "next_event_in_session": ("next event in the session", "会话中的下一个事件"),
    "event": ("event", "当前事件"),
    "next_event_share": ("share of the event's next events", "占该事件下一步的比例"),
    "transitions_title": ("Where each event leads", "各事件的下一步去向"),
    "no_transitions": ("no transitions", "没有跳转"),
    "no_entry_sessions": ("no sessions from the entry event", "没有从入口事件开始的会话"),
    "sankey_title": ("Session flows", "会话路径流向"),
}


def chart_word(code: str, lang: str | None = None) -> str:
    """A fixed chart label (axis, legend title, default title) by its code in :data:`_CHART_WORDS`."""
    en, zh = _CHART_WORDS[code]
    return tr(en, zh, lang)


def period_suffix(period: str | None, lang: str | None = None) -> str:
    """`` (2026-10)`` / ``（2026-10）`` after an axis label; empty without a period."""
    return tr(f" ({period})", f"（{period}）", lang) if period else ""


def move_label(step: Any, lang: str | None = None) -> str:
    """``→ step``: a step's conversion from the previous one in a legend or on an axis."""
    return f"→ {event_label(step, lang)}"


def funnel_bar_label(row: Any, lang: str | None = None) -> str:
    """The label beside a funnel bar: units, share of the start and (after step 1) of the previous step."""
    n, s, p = f"{row.users:,.0f}", _rate(row.conversion_from_start), _rate(row.conversion_from_previous)
    if row.step_number > 1:
        return tr(f"{n}  ({s} of start, {p} of previous)", f"{n}（占起点 {s}，占上一步 {p}）", lang)
    return tr(f"{n}  ({s} of start)", f"{n}（占起点 {s}）", lang)


def funnel_axis_label(unit: str = "users", period: str | None = None, lang: str | None = None) -> str:
    when = f", {period}" if period else ""
    return tr(
        f"{_unit(unit, 'en')} reaching the step{when}",
        f"到达该步的{_unit(unit, 'zh')}数" + (f"（{period}）" if period else ""),
        lang,
    )


def weekly_axis_label(weeks: Any, lang: str | None = None) -> str:
    """The weekly chart's x label with the span of the weeks shown."""
    if not len(weeks):
        return tr("week starting Monday", "周（周一起始）", lang)
    w = pd.to_datetime(weeks)
    span = f"{w.min():%Y-%m-%d} – {w.max():%Y-%m-%d}"
    return tr(f"week starting Monday ({span})", f"周（周一起始，{span}）", lang)


def step_times_axis_label(unit: str = "users", period: str | None = None, lang: str | None = None) -> str:
    u = _unit(unit, lang)
    label = tr(
        f"share of {u} reaching the step, by time since the previous step",
        f"到达该步的{u}按距上一步耗时的占比",
        lang,
    )
    return label + (f" ({period})" if period else "")


def stopped_at(step: Any, lang: str | None = None) -> str:
    return tr(f"stopped at {step}", f"停在{event_label(step, 'zh')}", lang)


def transition_graph_title(edges: pd.DataFrame, *, lang: str | None = None) -> str:
    """The graph's title from the edges it draws (strongest first)."""
    r0 = edges.iloc[0]
    a, b = event_label(r0.from_event, lang), event_label(r0.to_event, lang)
    return tr(
        f"The {len(edges)} strongest moves between events; the widest is {a} → {b}\n"
        "(arrow width: how often; label: share of the source event's next events)",
        f"最强的 {len(edges)} 条事件跳转，最粗的是 {a} → {b}\n（箭头粗细：次数；标签：占来源事件下一步的比例）",
        lang,
    )


def sankey_step(i: int, lang: str | None = None) -> str:
    """The Sankey's column ``i`` (from 0): ``step 1``, ``第 1 步``."""
    return tr(f"step {i + 1}", f"第 {i + 1} 步", lang)


def sankey_axis_label(entry: str, period: str | None = None, lang: str | None = None) -> str:
    name = event_label(entry, lang)
    when_en, when_zh = (f", {period}", f"，{period}") if period else ("", "")
    return tr(
        f"step of the session from its first {name} (label: share of those sessions{when_en})",
        f"从首次进入{name}起的第几步（标签：占这些会话的比例{when_zh}）",
        lang,
    )
