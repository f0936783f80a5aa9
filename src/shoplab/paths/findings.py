"""The path report's findings: headline sentences from the result tables, each linked to its section, in the
report language. Words only: the picks and tests they state come from :mod:`shoplab.paths.changes` and
:mod:`shoplab.paths.steptimes`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import PeriodError
from ..i18n import tr
from ..notebook import Finding, fmt_value
from ..periods import Period
from .changes import best_and_worst_channel, compare_funnels, largest_change, named_change, top_exit_node
from .funnels import biggest_dropoff
from .steptimes import slowest_step
from .text import (
    _changed_move,
    _ci_pp,
    _ci_rate,
    _edge_phrase,
    _p_text,
    _pp,
    _prev_step,
    _rate,
    _unit,
    event_label,
)

__all__ = ["findings"]


def _change_findings(
    cmp: pd.DataFrame, lang=None, before: tuple[str, str] = ("the month before", "上月")
) -> list[Finding]:
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
                    f"The step that got worse is {step}: {b} against {a} {before[0]} "
                    f"({d}, 95% CI {ci}, {p}{adj_en}).",
                    f"变差的一步是 {step}：转化率 {b}，{before[1]}为 {a}（{d}，95% 置信区间 {ci}，{p}{adj_zh}）。",
                    lang,
                ),
                "funnel-change",
            )
        )
    elif better is not None:
        out.append(
            Finding(
                tr(
                    f"No step got worse beyond noise against {before[0]} ({how_en}).",
                    f"与{before[1]}相比，没有哪一步的转化率下降超出随机波动（{how_zh}）。",
                    lang,
                ),
                "funnel-change",
            )
        )
    else:
        m = largest_change(cmp)
        tail_en = tail_zh = ""
        if m is not None:
            step, d = _changed_move(m, lang), _pp(m.difference)
            p = _p_text(m.p_adjusted)
            after_en, before_zh = (" after adjustment", "校正后 ") if tests > 1 else ("", "")
            tail_en = f"; the largest change is {step}, {d} ({p}{after_en})"
            tail_zh = f"；变化最大的是 {step}，{d}（{before_zh}{p}）"
        out.append(
            Finding(
                tr(
                    f"No step changed beyond noise against {before[0]} ({how_en}){tail_en}.",
                    f"与{before[1]}相比，没有哪一步的变化超出随机波动（{how_zh}）{tail_zh}。",
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


def _parse(period) -> Period | None:
    try:
        return Period.parse(period) if period is not None else None
    except PeriodError:  # a free-text label: worded as a month's
        return None


def findings(
    summary: Any,
    current: pd.DataFrame | None = None,
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

    ``summary`` may be the :class:`~shoplab.paths.PathsResults` of :func:`~shoplab.paths.compute_report`
    instead: the findings of the whole report (its tables, period, unit and purchase event).
    """
    if current is None:
        r = summary
        summary, current, previous, channels = r.summary, r.current, r.previous, r.channels
        period, unit, nodes, times, change = str(r.period), r.unit, r.nodes, r.times, r.change
        target = r.params["target_event"]

    def F(en: str, zh: str, section: str) -> Finding:
        return Finding(tr(en, zh, lang), section)

    pp = _parse(period)
    before = ("the month before", "上月")
    if pp is not None and not pp.is_month:
        before = (pp.previous_name("en"), pp.previous_name("zh"))
        period = tr(pp.title("en"), pp.title("zh"), lang)
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
                f"No comparison with {before[0]}: no one entered the funnel then.",
                f"无法与{before[1]}对比：{before[1]}没有人进入漏斗。",
                "funnel-change",
            )
        )
    elif (previous is not None or change is not None) and len(current) >= 2 and current.users.iloc[0] > 0:
        cmp = change if change is not None else compare_funnels(previous, current)
        out.extend(_change_findings(cmp, lang, before))
    if channels is not None and len(channels):
        pick = best_and_worst_channel(channels, min_sessions=min_sessions)
        if pick["best"] is not None:
            best, worst = pick["best"], pick["worst"]
            bc, bn, bci, wc = (
                _rate(best.conversion),
                fmt_value(best.sessions, "count"),
                _ci_rate(best.ci_low, best.ci_high),
                _rate(worst.conversion),
            )
            apart = pick["apart"]
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
                    f"Too few sessions to compare channels: {pick['eligible']} channel(s) have at least {min_sessions:,} "
                    "sessions this month.",
                    f"会话太少，无法比较渠道：本月只有 {pick['eligible']} 个渠道的会话数达到 {min_sessions:,}。",
                    "channels",
                )
            )
    if nodes is not None and len(nodes):
        r = top_exit_node(nodes, target=target, min_visits=min_sessions)
        if r is not None:
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
