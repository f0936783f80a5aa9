"""The path report's display tables: result tables with their columns named and their numbers formatted for a
manager, in the report language. Formatting only; the wording of names comes from :mod:`shoplab.paths.text`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..i18n import tr
from ..notebook import fmt_value, format_table
from ..periods import Period
from ._common import as_list
from .text import _ci_pp, _ci_rate, _moves, _seconds, _unit, bucket_label, event_label, path_label

__all__ = [
    "format_session_summary",
    "format_entry_exit",
    "format_funnel",
    "format_step_times",
    "format_funnel_change",
    "format_transition_changes",
    "format_loops",
    "format_key_nodes",
    "format_channels",
    "format_event_conversion",
    "paths_table",
]


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


def _this_prev(period, lang) -> tuple[str, str]:
    """("This month", "Previous month") in the report language; for a quarter, a year or a range, their names."""
    p = Period.parse(period) if period is not None else None
    if p is None or p.is_month:
        return tr("This month", "本月", lang), tr("Previous month", "上月", lang)
    prev = p.previous_name(lang)
    return p.title(lang), prev[:1].upper() + prev[1:]


def _lo(name: str) -> str:
    """ "This month" -> "this month" (a title such as "2026 Q2" stays as it is)."""
    return name[:1].lower() + name[1:] if name[:1].isalpha() and name[1:2].islower() else name


def format_funnel_change(change: pd.DataFrame, *, lang: str | None = None, period=None) -> pd.DataFrame:
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
            "conversion_a": _this_prev(period, lang)[1],
            "conversion_b": _this_prev(period, lang)[0],
            "difference": tr("Change", "变化", lang),
            "ci": tr(f"95% CI of the change{adj_en}", f"变化的 95% 置信区间{adj_zh}", lang),
            "p_adjusted": tr(f"p-value{adj_en}", f"p 值{adj_zh}", lang),
            "significant": tr("Significant (5% level)", "是否显著（5% 水平）", lang),
        },
        lang=lang,
    )


def format_transition_changes(
    cmp: pd.DataFrame, n: int = 10, *, lang: str | None = None, period=None
) -> pd.DataFrame:
    """The ``n`` transitions whose probability changed most (from :func:`compare_transitions`), formatted."""
    this, prev = _this_prev(period, lang)
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
            "count_a": tr(f"Times, {_lo(prev)}", f"{prev}次数", lang),
            "count_b": tr(f"Times, {_lo(this)}", f"{this}次数", lang),
            "probability_a": tr(f"Share, {_lo(prev)}", f"{prev}占比", lang),
            "probability_b": tr(f"Share, {_lo(this)}", f"{this}占比", lang),
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
