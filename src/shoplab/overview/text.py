"""The overview's words: KPI names, the KPI table as a manager reads it, findings, chart titles and labels, the
refund note, and why GMV moved. No statistics and no engine calls: each function takes results of :mod:`.kpis`
and :mod:`.drivers`.

KPI names come from the glossary (``metric.<code>``, ``trend_metric.<code>``: src/shoplab/glossary/overview.toml).
"""

from __future__ import annotations

import pandas as pd

from .. import labels
from ..currency import money_symbol
from ..i18n import tr
from ..notebook import Finding, fmt_change, fmt_value
from ..periods import Period
from .kpis import KPI_UNITS, RefundWindow, trend_summary
from .text_forecast import (  # re-exported: the forecast, backtest and warning words
    fan_labels,
    fan_title,
    festival_name,
    forecast_findings,
    forecast_skip_note,
    format_backtest,
    format_forecast_totals,
    format_warning,
    horizon_label,
    warning_findings,
    warning_skip_note,
    warning_title,
)
from .text_plan import (  # re-exported: why it moved, targets, scorecard
    driver_name,
    driver_sentence,
    drivers_axis_labels,
    drivers_notes,
    drivers_title,
    format_drivers,
    format_scoped_targets,
    format_scorecard,
    format_targets,
    kpi_label,
    scoped_targets_notes,
    scorecard_notes,
    targets_notes,
    targets_sentence,
)

__all__ = [
    "forecast_findings",
    "forecast_skip_note",
    "warning_skip_note",
    "warning_findings",
    "format_forecast_totals",
    "format_backtest",
    "format_warning",
    "horizon_label",
    "fan_title",
    "fan_labels",
    "festival_name",
    "warning_title",
    "kpi_label",
    "format_summary",
    "findings",
    "trend_title",
    "trend_axis_labels",
    "peak_label",
    "refund_note",
    "driver_name",
    "driver_sentence",
    "drivers_title",
    "format_drivers",
    "drivers_axis_labels",
    "drivers_notes",
    "targets_sentence",
    "format_targets",
    "targets_notes",
    "format_scoped_targets",
    "scoped_targets_notes",
    "format_scorecard",
    "scorecard_notes",
    "KPIS",
    "KPI_LABELS_ZH",
]


#: KPI code -> (English name, unit), as before the glossary (kept for scripts that read it)
KPIS: dict[str, tuple[str, str]] = {k: (kpi_label(k, "en"), unit) for k, unit in KPI_UNITS.items()}
#: KPI code -> Chinese name (kept for scripts that read it)
KPI_LABELS_ZH: dict[str, str] = {k: kpi_label(k, "zh") for k in KPI_UNITS}


def _en(lang: str | None) -> bool:
    return tr("en", "zh", lang) == "en"


def _period(period) -> Period:
    """The period of a label (a month when not given: the wording of a monthly report)."""
    return Period.parse(period) if period is not None else Period(2000, 1)


def _vs_prev_zh(p: Period) -> str:
    """The Chinese word before a change on the previous period: 环比 (month, quarter), 同比 (a year), 较前 n 天."""
    return {"month": "环比", "quarter": "环比", "year": "同比"}.get(p.kind, f"较前 {p.days} 天")


def format_summary(summary: pd.DataFrame, *, lang: str | None = None, period=None) -> pd.DataFrame:
    """The KPI table as a manager reads it: formatted values and changes, n/a where not comparable.

    ``period`` (a quarter, a year, a range) names the columns; by default they read as a month's."""
    p = _period(period)
    if p.is_month:
        cols = [
            tr("This month", "本月", lang),
            tr("Previous month", "上月", lang),
            tr("Change", "环比", lang),
            tr("Same month last year", "去年同月", lang),
            tr("Change vs last year", "同比", lang),
        ]
    else:
        cols = [
            p.title(lang),
            f"{p.previous().title(lang)} ({p.previous_name(lang)})"
            if _en(lang)
            else f"{p.previous().title(lang)}（{p.previous_name(lang)}）",
            tr(f"Change vs {p.previous_name('en')}", _vs_prev_zh(p), lang),
            f"{p.year_ago().title(lang)} ({p.year_ago_name(lang)})"
            if _en(lang)
            else f"{p.year_ago().title(lang)}（{p.year_ago_name(lang)}）",
            tr(f"Change vs {p.year_ago_name('en')}", "较去年同期" if p.kind == "range" else "同比", lang),
        ]
    rows = []
    for _, r in summary.iterrows():
        values = [
            fmt_value(r["value"], r["unit"]),
            fmt_value(r["previous"], r["unit"]),
            fmt_change(r["change_mom"], r["change_kind"]),
            fmt_value(r["last_year"], r["unit"]),
            fmt_change(r["change_yoy"], r["change_kind"]),
        ]
        rows.append({tr("KPI", "指标", lang): r["label"], **dict(zip(cols, values, strict=True))})
    return pd.DataFrame(rows).set_index(tr("KPI", "指标", lang))


def findings(
    summary: pd.DataFrame,
    trend: pd.DataFrame | None = None,
    *,
    period: str | None = None,
    refunds_incomplete: bool = False,
    drivers_top: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    lang: str | None = None,
) -> list[Finding]:
    """Plain sentences backed by the numbers of the KPI table (and the daily trend, if given).

    With ``drivers_top`` (:func:`.drivers.largest_drivers`) the first finding also names the largest driver of
    the GMV change (:func:`driver_sentence`) and links to ``why-it-moved``; with ``targets``
    (:func:`.targets.attainment`) the second finding is GMV against its target (:func:`targets_sentence`).

    Each finding links to the section that shows its numbers (``key-numbers`` or ``daily-trend``).
    ``refunds_incomplete`` (from :func:`.kpis.refunds_incomplete`) marks the refund rate as still incomplete.
    """

    def s(key):
        return summary.loc[key]

    def F(en: str, zh: str, section: str = "key-numbers") -> Finding:
        return Finding(tr(en, zh, lang), section)

    out = []
    p = _period(period)
    prev_en, prev_zh = p.previous_name("en"), _vs_prev_zh(p)
    yoy_zh = "同比" if p.kind != "range" else "较去年同期"
    g = s("gmv")
    gv = fmt_value(g["value"], "yuan")
    en = f"GMV was {gv}" + (f" in {p.title('en')}" if period else "")
    zh = (f"{p.title('zh')} " if period else "本月") + f"成交额 {gv}"
    comps_en, comps_zh = [], []
    if not pd.isna(g["change_mom"]):
        comps_en.append(f"{fmt_change(g['change_mom'])} on {prev_en}")
        comps_zh.append(f"{prev_zh} {fmt_change(g['change_mom'])}")
    if not pd.isna(g["change_yoy"]) and p.year_ago() != p.previous():
        comps_en.append(f"{fmt_change(g['change_yoy'])} on {p.year_ago_name('en')}")
        comps_zh.append(f"{yoy_zh} {fmt_change(g['change_yoy'])}")
    first_en = en + (", " + " and ".join(comps_en) if comps_en else "") + "."
    first_zh = zh + ("，" + "，".join(comps_zh) if comps_zh else "") + "。"
    why = driver_sentence(drivers_top, lang=lang) if drivers_top is not None else None
    if why:
        out.append(Finding(tr(first_en + " ", first_zh, lang) + why, "why-it-moved"))
    else:
        out.append(F(first_en, first_zh))
    plan = targets_sentence(targets, lang=lang) if targets is not None else None
    if plan:
        out.append(Finding(plan, "targets"))
    b, a = s("buyers"), s("aov")
    nb, no, av = (
        fmt_value(b["value"], "count"),
        fmt_value(s("orders")["value"], "count"),
        fmt_value(a["value"], "yuan"),
    )
    out.append(
        F(
            f"{nb} buyers ({fmt_change(b['change_mom'])} on {prev_en}) placed {no} orders at {av} per order "
            f"({fmt_change(a['change_mom'])}).",
            f"{nb} 位买家（{prev_zh} {fmt_change(b['change_mom'])}）下单 {no} 笔，客单价 {av}（{prev_zh} {fmt_change(a['change_mom'])}）。",
        )
    )
    c = s("conversion")
    if not pd.isna(c["value"]):
        cv, act, ch = (
            fmt_value(c["value"], "rate"),
            fmt_value(s("active_users")["value"], "count"),
            fmt_change(c["change_mom"], "pp"),
        )
        out.append(
            F(
                f"{cv} of the {p.noun('en')}'s {act} active users bought ({ch} {p.vs_previous('en')}).",
                f"{p.this_name('zh')} {act} 位活跃用户中 {cv} 完成购买（{prev_zh} {ch}）。",
            )
        )
    r, rf = s("repurchase_rate"), s("refund_rate")
    rv, rc = fmt_value(r["value"], "rate"), fmt_change(r["change_mom"], "pp")
    fv, fc = fmt_value(rf["value"], "rate"), fmt_change(rf["change_mom"], "pp")
    open_en = ", still incomplete: late refunds are yet to come" if refunds_incomplete else ""
    open_zh = "，尚不完整：仍有退款未到" if refunds_incomplete else ""
    out.append(
        F(
            f"Repurchase rate: {rv} of buyers ordered twice or more ({rc}); refund rate {fv} ({fc}{open_en}).",
            f"复购率 {rv}：买家中下单两次及以上的占比（{prev_zh} {rc}）；退款率 {fv}（{prev_zh} {fc}{open_zh}）。",
        )
    )
    if trend is not None and len(trend):
        t = trend_summary(trend, "gmv")
        if t.total > 0 and _period(t.period).monthly:
            tv, share = fmt_value(t.peak_value, "yuan"), t.peak_share
            out.append(
                F(
                    f"The best month was {t.peak_date:%Y-%m} with {tv} GMV ({share:.0%} of {p.title('en')}).",
                    f"成交最高的月份为 {t.peak_date:%Y-%m}，成交额 {tv}（占{p.title('zh')} {share:.0%}）。",
                    "daily-trend",
                )
            )
        elif t.total > 0 and not p.is_month:
            tv, share = fmt_value(t.peak_value, "yuan"), t.peak_share
            out.append(
                F(
                    f"The best day was {t.peak_date:%Y-%m-%d} with {tv} GMV ({share:.0%} of the {p.noun('en')}).",
                    f"单日成交最高为 {t.peak_date:%Y-%m-%d}，成交额 {tv}（占{p.this_name('zh')} {share:.0%}）。",
                    "daily-trend",
                )
            )
        elif t.total > 0:
            tv, share = fmt_value(t.peak_value, "yuan"), t.peak_share
            out.append(
                F(
                    f"The best day was {t.peak_date:%Y-%m-%d} with {tv} GMV ({share:.0%} of the month).",
                    f"单日成交最高为 {t.peak_date:%Y-%m-%d}，成交额 {tv}（占全月 {share:.0%}）。",
                    "daily-trend",
                )
            )
    return out


def trend_title(trend: pd.DataFrame, metric: str = "gmv", *, lang: str | None = None) -> str:
    """A chart title that states the finding of the daily (for a year: monthly) trend."""
    t = trend_summary(trend, metric)
    unit = "yuan" if metric in ("gmv", "net_sales") else "count"
    name = labels.label("trend_metric", metric, lang)
    p = _period(t.period)
    if not p.is_month:
        return _period_trend_title(t, p, name, unit, lang)
    if t.total == 0:
        return tr(f"{name} per day, {t.period}: no sales", f"{t.period} 每日{name}：无销售", lang)
    peak = fmt_value(t.peak_value, unit)
    title = tr(
        f"{name} per day, {t.period}: peak {peak} on {t.peak_date:%m-%d}",
        f"{t.period} 每日{name}：{t.peak_date:%m-%d} 达到峰值 {peak}",
        lang,
    )
    if t.previous_total:
        ch = fmt_change(t.change)
        title += tr(
            f"; month total {ch} vs {t.previous_period}", f"；全月合计较 {t.previous_period} {ch}", lang
        )
    return title


def _period_trend_title(t, p: Period, name: str, unit: str, lang: str | None) -> str:
    per_en, per_zh = ("month", "每月") if p.monthly else ("day", "每日")
    title_en, title_zh = p.title("en"), p.title("zh")
    if t.total == 0:
        return tr(f"{name} per {per_en}, {title_en}: no sales", f"{title_zh} {per_zh}{name}：无销售", lang)
    peak = fmt_value(t.peak_value, unit)
    when = f"{t.peak_date:%Y-%m}" if p.monthly else f"{t.peak_date:%m-%d}"
    title = tr(
        f"{name} per {per_en}, {title_en}: peak {peak} in {when}"
        if p.monthly
        else f"{name} per {per_en}, {title_en}: peak {peak} on {when}",
        f"{title_zh} {per_zh}{name}：{when} 达到峰值 {peak}",
        lang,
    )
    if t.previous_total:
        ch = fmt_change(t.change)
        prev = _period(t.previous_period)
        total_zh = {"quarter": "全季度合计", "year": "全年合计"}.get(p.kind, "期间合计")
        title += tr(
            f"; {p.noun('en')} total {ch} vs {prev.title('en')}",
            f"；{total_zh}较 {prev.title('zh')} {ch}",
            lang,
        )
    return title


def trend_axis_labels(metric: str, period: str, lang: str | None = None) -> tuple[str, str]:
    """The daily trend chart's x and y axis labels (for a year's monthly trend: per month)."""
    cur = money_symbol().strip()
    p = _period(period)
    if p.monthly:
        ylabels = {
            "gmv": (f"GMV ({cur} per month)", f"成交额（{cur}/月）"),
            "orders": ("orders per month", "订单数/月"),
            "buyers": ("buyers per month", "购买人数/月"),
        }
        xlabel = tr(f"month of {p.title('en')}", f"月份（{p.title('zh')} 的第几个月）", lang)
        return xlabel, tr(*ylabels.get(metric, (metric, metric)), lang)
    ylabels = {
        "gmv": (f"GMV ({cur} per day)", f"成交额（{cur}/天）"),
        "orders": ("orders per day", "订单数/天"),
        "buyers": ("buyers per day", "购买人数/天"),
    }
    if p.is_month:
        xlabel = tr(f"day of month ({period})", f"日期（{period} 的第几天）", lang)
    else:
        xlabel = tr(f"day of {p.title('en')}", f"日期（{p.title('zh')} 的第几天）", lang)
    return xlabel, tr(*ylabels.get(metric, (metric, metric)), lang)


def peak_label(date: pd.Timestamp, lang: str | None = None, *, monthly: bool = False) -> str:
    """The annotation at the peak of the daily trend chart (``monthly``: the peak month)."""
    if monthly:
        return tr(f"peak {date:%Y-%m}", f"峰值 {date:%Y-%m}", lang)
    return tr(f"peak {date:%m-%d}", f"峰值 {date:%m-%d}", lang)


def refund_note(window: RefundWindow, lang: str | None = None) -> str | None:
    """A note for the report when the month's refund rate is still incomplete (else None); ``window`` is from
    :func:`.kpis.refund_window`."""
    if not window.incomplete:
        return None
    label, settle_days, days = window.period, window.settle_days, window.days_after
    p = _period(label)
    if not p.is_month:
        return _period_refund_note(p, settle_days, days, lang)
    if days is None:
        where_en, where_zh = f"{label} is the latest month in the data", f"{label} 是数据中最新的月份"
    else:
        where_en = f"the data ends {days} day{'s' if days != 1 else ''} after {label}"
        where_zh = f"数据截止于 {label} 结束后第 {days} 天"
    return tr(
        f"Refund rate still incomplete: {where_en}, and refunds come in after the month (an order is taken as "
        f"settled {settle_days} days after it is placed). {label}'s refund rate will still rise, and its net "
        "sales fall, as late refunds arrive; compare it with earlier months with care.",
        f"退款率尚不完整：{where_zh}，而退款在下单后陆续发生（订单在下单 {settle_days} 天后才视为结清）。"
        f"随着后续退款到来，{label} 的退款率还会上升、净销售额还会下降；与此前月份比较时请谨慎。",
        lang,
    )


def _period_refund_note(p: Period, settle_days: int, days: int | None, lang: str | None) -> str:
    en_t, zh_t, noun = p.title("en"), p.title("zh"), p.noun("en")
    if days is None:
        where_en, where_zh = f"the data ends inside {en_t}", f"数据截止于 {zh_t} 之内"
    else:
        where_en = f"the data ends {days} day{'s' if days != 1 else ''} after {en_t}"
        where_zh = f"数据截止于 {zh_t} 结束后第 {days} 天"
    return tr(
        f"Refund rate still incomplete: {where_en}, and refunds come in after the order (an order is taken as "
        f"settled {settle_days} days after it is placed). The {noun}'s refund rate will still rise, and its net "
        f"sales fall, as late refunds arrive; compare it with the previous {noun} with care.",
        f"退款率尚不完整：{where_zh}，而退款在下单后陆续发生（订单在下单 {settle_days} 天后才视为结清）。"
        f"随着后续退款到来，{zh_t} 的退款率还会上升、净销售额还会下降；与此前时段比较时请谨慎。",
        lang,
    )
