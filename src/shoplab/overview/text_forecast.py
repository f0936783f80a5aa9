"""The overview's words for the forecast, its backtest and the early warning (:mod:`.forecast`, :mod:`.backtest`,
:mod:`.warning`); re-exported by :mod:`.text`."""

from __future__ import annotations

import pandas as pd

from .. import labels
from ..i18n import tr
from ..notebook import Finding, fmt_change, fmt_value
from .text_plan import kpi_label
from .warning import largest_miss

# --- forecast, backtest and early warning (shoplab.overview.forecast, .backtest, .warning) ---------------------

_UNIT = {"gmv": "yuan", "orders": "count", "buyers": "count", "conversion": "rate"}


def horizon_label(row: pd.Series, lang: str | None = None) -> str:
    """The name of a forecast total (a row of :attr:`.forecast.ForecastResult.totals`)."""
    h, label = row["horizon"], row["label"]
    if h == "month":
        whole = pd.Timestamp(row["start"]).day == 1
        return (
            tr(f"Next month ({label})", f"下月（{label}）", lang)
            if whole
            else tr(f"Rest of {label}", f"{label} 剩余天数", lang)
        )
    if h == "quarter":
        return tr(f"Rest of {label}", f"{label} 剩余月份", lang)
    if h == "year":
        return tr(f"Rest of {label}", f"{label} 年内剩余", lang)
    return tr(f"Full year {label} (actual + forecast)", f"{label} 全年（已实现 + 预测）", lang)


def _interval(lo: float, hi: float, unit: str) -> str:
    return f"{fmt_value(lo, unit)} – {fmt_value(hi, unit)}"


def forecast_findings(fc, bt, *, lang: str | None = None) -> list[Finding]:
    """Sentences on the forecast (``fc``, :class:`.forecast.ForecastResult`) and how far to trust it (``bt``,
    :class:`.backtest.BacktestResult`): next month, the full year, the backtest against its baseline."""
    out = []
    nm = fc.total("month", "gmv")
    if nm is not None:
        name = horizon_label(nm, "en"), horizon_label(nm, "zh")
        v, iv = fmt_value(nm["forecast"], "yuan"), _interval(nm["low95"], nm["high95"], "yuan")
        out.append(
            Finding(
                tr(
                    f"{name[0]}: GMV is forecast at {v} (95% interval {iv}; 80%: "
                    f"{_interval(nm['low80'], nm['high80'], 'yuan')}).",
                    f"{name[1]}成交额预测为 {v}（95% 区间 {iv}；80% 区间 {_interval(nm['low80'], nm['high80'], 'yuan')}）。",
                    lang,
                ),
                "forecast",
            )
        )
    fy = fc.total("full_year", "gmv")
    if fy is not None and fy["days"] > 0:
        v, iv = fmt_value(fy["forecast"], "yuan"), _interval(fy["low95"], fy["high95"], "yuan")
        done = fmt_value(fy["actual"], "yuan")
        out.append(
            Finding(
                tr(
                    f"The full year {fy['label']} is projected at {v} (95% interval {iv}): {done} to the period's "
                    f"end plus {fy['days']} days still to come.",
                    f"{fy['label']} 全年成交额预计 {v}（95% 区间 {iv}）：截至本期末已实现 {done}，另有 {fy['days']} 天待实现。",
                    lang,
                ),
                "forecast",
            )
        )
    if bt is not None:
        m, nv, cov = (
            fmt_value(bt.mape, "rate"),
            fmt_value(bt.naive_mape, "rate"),
            fmt_value(bt.coverage95, "rate"),
        )
        n_o = len(bt.by_origin)
        if bt.beats_baseline:
            en = (
                f"How reliable: over the last {n_o} months ({bt.days} days) the daily GMV forecast missed by {m} "
                f"on average (MAPE), better than a weekly seasonal naive forecast ({nv}); {cov} of days fell "
                "inside their 95% intervals."
            )
            zh = (
                f"预测可靠性：最近 {n_o} 个月（{bt.days} 天）回测中，每日成交额预测的平均误差 (MAPE) 为 {m}，"
                f"优于按上周同日的朴素预测（{nv}）；{cov} 的日子落在 95% 区间内。"
            )
        else:
            en = (
                f"How reliable: the forecast does not beat a weekly seasonal naive forecast over the last {n_o} "
                f"months (MAPE {m} against {nv}); read its point values with care ({cov} of days fell inside "
                "their 95% intervals)."
            )
            zh = (
                f"预测可靠性：最近 {n_o} 个月回测中，模型没有胜过按上周同日的朴素预测（MAPE {m}，朴素预测 {nv}），"
                f"请谨慎看待预测值（{cov} 的日子落在 95% 区间内）。"
            )
        if bt.coverage95 < 0.85:
            en += " The intervals were too narrow: more days fell outside than they allow."
            zh += " 区间偏窄：落在区间外的日子多于应有比例。"
        out.append(Finding(tr(en, zh, lang), "backtest"))
    return out


def forecast_skip_note(check, lang: str | None = None) -> str:
    """The note shown where the forecast and backtest sections skip (``check``: :class:`.backtest.HistoryCheck`)."""
    d = f"{check.first_origin:%Y-%m-%d}"
    return tr(
        f"Forecast and backtest skipped: the data has {check.days} days before {d}, the first of the six backtest "
        f"months, and the model needs at least {check.needed} (about eight weeks) before it. Their metrics are "
        "not written.",
        f"已跳过预测与回测：数据在回测首月 {d} 之前只有 {check.days} 天，模型至少需要 {check.needed} 天（约八周）。"
        "相关指标不写入 metrics.json。",
        lang,
    )


def warning_skip_note(period: str, lang: str | None = None) -> str:
    """The note shown where the early warning skips (too little history before the period)."""
    return tr(
        f"Early warning skipped: the data has too little history before {period} to fit its model "
        "(at least eight weeks).",
        f"已跳过预警：{period} 之前的历史数据不足以拟合模型（至少需要八周）。",
        lang,
    )


def format_forecast_totals(fc, lang: str | None = None) -> pd.DataFrame:
    """The forecast totals as a manager reads them: one row per horizon and metric."""
    rows = []
    for _, r in fc.totals.iterrows():
        u = _UNIT[r["metric"]]
        rows.append(
            {
                tr("Horizon", "时间范围", lang): horizon_label(r, lang),
                tr("Metric", "指标", lang): kpi_label(r["metric"], lang),
                tr("Forecast", "预测值", lang): fmt_value(r["forecast"], u),
                tr("80% interval", "80% 区间", lang): _interval(r["low80"], r["high80"], u),
                tr("95% interval", "95% 区间", lang): _interval(r["low95"], r["high95"], u),
            }
        )
    return pd.DataFrame(rows)


def format_backtest(bt, lang: str | None = None) -> pd.DataFrame:
    """The backtest by origin month, with the pooled row last."""
    rows = [*bt.by_origin.to_dict("records")]
    rows.append(
        dict(origin=tr("All", "合计", lang), days=bt.days, mape=bt.mape, naive_mape=bt.naive_mape,
             coverage80=bt.coverage80, coverage95=bt.coverage95)
    )  # fmt: skip
    out = pd.DataFrame(rows)
    for c in ("mape", "naive_mape", "coverage80", "coverage95"):
        out[c] = [fmt_value(v, "rate") for v in out[c]]
    return out.rename(
        columns={
            "origin": tr("Month forecast", "预测月份", lang),
            "days": tr("Days", "天数", lang),
            "mape": tr("MAPE (model)", "MAPE（模型）", lang),
            "naive_mape": tr("MAPE (weekly naive)", "MAPE（上周同日）", lang),
            "coverage80": tr("Inside 80% interval", "落入 80% 区间", lang),
            "coverage95": tr("Inside 95% interval", "落入 95% 区间", lang),
        }
    )


def warning_findings(w, *, lang: str | None = None) -> list[Finding]:
    """Sentences on the early warning (``w``: :class:`.warning.WarningResult`)."""
    f = w.flags
    pct = f"{w.band:.0%}"
    if not len(f):
        return [
            Finding(
                tr(
                    f"No day of {w.period} fell outside the {pct} band of GMV, orders or conversion expected from "
                    "the days before it.",
                    f"{w.period} 没有一天的成交额、订单数或转化率超出按此前数据预期的 {pct} 区间。",
                    lang,
                ),
                "early-warning",
            )
        ]
    days = f.date.nunique()
    top = largest_miss(w)
    name = kpi_label(top["metric"], lang)
    drv = labels.label("warning_factor", top["driver"], lang)
    ch, dch = fmt_change(top["deviation"]), fmt_change(top["driver_deviation"])
    return [
        Finding(
            tr(
                f"{days} day{'s' if days != 1 else ''} of {w.period} fell outside the {pct} band; the largest miss: "
                f"{name} on {top['date']:%Y-%m-%d}, {ch} against expectation, mostly {drv} ({dch}).",
                f"{w.period} 有 {days} 天超出 {pct} 区间；偏离最大的是 {top['date']:%Y-%m-%d} 的{name}，较预期 {ch}，"
                f"主要来自{drv}（{dch}）。",
                lang,
            ),
            "early-warning",
        )
    ]


def format_warning(w, lang: str | None = None) -> pd.DataFrame:
    """The flagged days: date, metric, actual, expected, band, deviation and the likely driver."""
    rows = []
    for _, r in w.flags.iterrows():
        u = _UNIT[r["metric"]]
        rows.append(
            {
                tr("Date", "日期", lang): f"{r['date']:%Y-%m-%d}",
                tr("Metric", "指标", lang): kpi_label(r["metric"], lang),
                tr("Actual", "实际", lang): fmt_value(r["actual"], u),
                tr("Expected", "预期", lang): fmt_value(r["expected"], u),
                tr("Band", "区间", lang): _interval(r["low"], r["high"], u),
                tr("Against expectation", "较预期", lang): fmt_change(r["deviation"]),
                tr("Likely driver", "主要原因", lang): f"{labels.label('warning_factor', r['driver'], lang)} "
                f"{fmt_change(r['driver_deviation'])}",
            }
        )
    return pd.DataFrame(rows)


def fan_title(fc, metric: str = "gmv", *, lang: str | None = None) -> str:
    """The fan chart's title: the next month's forecast with its interval."""
    nm = fc.total("month", metric)
    name = labels.label("trend_metric", metric, lang)
    if nm is None:
        return tr(f"{name} per day: history and forecast", f"每日{name}：历史与预测", lang)
    u = _UNIT[metric]
    v, iv = fmt_value(nm["forecast"], u), _interval(nm["low95"], nm["high95"], u)
    return tr(
        f"{name} per day: {nm['label']} forecast {v} in total (95%: {iv})",
        f"每日{name}：{nm['label']} 预计合计 {v}（95%：{iv}）",
        lang,
    )


def fan_labels(lang: str | None = None) -> dict[str, str]:
    """The fan chart's legend entries."""
    return {
        "history": tr("actual", "实际", lang),
        "forecast": tr("forecast (median)", "预测（中位数）", lang),
        "band80": tr("80% interval", "80% 区间", lang),
        "band95": tr("95% interval", "95% 区间", lang),
        "campaign": tr("campaign days", "活动日", lang),
    }


def festival_name(code: str, lang: str | None = None) -> str:
    """A festival's name (glossary ``festival.<code>``)."""
    return labels.label("festival", code, lang)


def warning_title(w, metric: str = "gmv", *, lang: str | None = None) -> str:
    """The early-warning chart's title: the metric's days against the band, and how many fell outside."""
    name = labels.label("trend_metric", metric, lang) if metric != "conversion" else kpi_label(metric, lang)
    n = int(w.daily[(w.daily.metric == metric)].flagged.sum())
    pct = f"{w.band:.0%}"
    return tr(
        f"{name} per day in {w.period} against the {pct} band expected from before: {n} day{'s' if n != 1 else ''} "
        "outside",
        f"{w.period} 每日{name}与按此前数据预期的 {pct} 区间：{n} 天超出",
        lang,
    )
