"""The metrics.json keys of the overview report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these.

The six headline KPIs, ``overview.<code>``, each labelled with its glossary name (``metric.<code>``), so the index
page shows the same name as the report's KPI table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import labels
from ..metrics import Metric, record
from .kpis import HEADLINES, KPI_UNITS

if TYPE_CHECKING:
    from .report import OverviewResults

__all__ = ["METRICS", "record_headlines", "record_forecast"]

_NOTES = {
    "gmv": "(amount of the month's orders, not cancelled; refunded orders count)",
    "orders": "(orders placed in the month, not cancelled)",
    "buyers": "(distinct users with a non-cancelled order in the month)",
    "aov": "(GMV / orders)",
    "new_users": "(signed up in the month; first-time buyers without users.signup_ts)",
    "repurchase_rate": "(share of the month's buyers with two or more orders in the month)",
}

METRICS: tuple[Metric, ...] = tuple(
    Metric(
        f"overview.{key}",
        labels.name(f"metric.{key}", "en"),
        labels.name(f"metric.{key}", "zh"),
        KPI_UNITS[key],
        index=True,
        source="shoplab.overview.kpis.kpi_summary",
        note=_NOTES[key],
    )
    for key in HEADLINES
) + (
    Metric(
        "overview.gmv_forecast_next_month",
        "GMV forecast, next month",
        "下月成交额预测",
        "yuan",
        index=False,
        source="shoplab.overview.forecast.forecast",
        note="(the median of simulated totals of the month after the period; absent with too little history)",
    ),
    Metric(
        "overview.gmv_forecast_next_month_low",
        "GMV forecast, next month: 95% interval, low",
        "下月成交额预测 95% 区间下限",
        "yuan",
        index=False,
        source="shoplab.overview.forecast.forecast",
    ),
    Metric(
        "overview.gmv_forecast_next_month_high",
        "GMV forecast, next month: 95% interval, high",
        "下月成交额预测 95% 区间上限",
        "yuan",
        index=False,
        source="shoplab.overview.forecast.forecast",
    ),
    Metric(
        "overview.gmv_backtest_mape",
        "GMV forecast backtest: MAPE of daily values",
        "成交额预测回测：日值平均绝对百分比误差 (MAPE)",
        "rate",
        index=False,
        source="shoplab.overview.backtest.backtest",
        note="(six rolling origins, one per month of the last six, each forecasting that month's days)",
    ),
    Metric(
        "overview.gmv_backtest_naive_mape",
        "GMV forecast backtest: MAPE of the weekly seasonal naive baseline",
        "成交额预测回测：周季节性朴素基准的 MAPE",
        "rate",
        index=False,
        source="shoplab.overview.backtest.backtest",
    ),
    Metric(
        "overview.gmv_backtest_coverage95",
        "GMV forecast backtest: daily values inside their 95% intervals",
        "成交额预测回测：日值落入 95% 区间的比例",
        "rate",
        index=False,
        source="shoplab.overview.backtest.backtest",
    ),
    Metric(
        "overview.warning_days",
        "Early warning: days outside the 99% band",
        "预警：超出 99% 区间的天数",
        "count",
        index=False,
        source="shoplab.overview.warning.early_warning",
        note="(days of the period on which GMV, orders or conversion fell outside the band)",
    ),
)


def record_headlines(
    results: OverviewResults | pd.DataFrame, history: pd.DataFrame | None = None
) -> dict[str, float]:
    """Record the overview's headline numbers (``overview.gmv`` ...) for metrics.json and the index page.

    ``results`` is :func:`shoplab.overview.compute_report`'s result (its history gives the index page its
    sparklines); a KPI summary table (:func:`~shoplab.overview.kpis.kpi_summary`) with an optional ``history``
    (:func:`~shoplab.overview.kpis.kpi_history`) still works.
    """
    if isinstance(results, pd.DataFrame):
        summary = results
    else:
        summary, history = results.summary, results.history
    out = {}
    for key in HEADLINES:
        r = summary.loc[key]
        hist = history[key].to_dict() if history is not None else None
        out[f"overview.{key}"] = record(f"overview.{key}", r["value"], previous=r["previous"], history=hist)
    if not isinstance(results, pd.DataFrame):
        out.update(record_forecast(results))
    return out


def record_forecast(results: OverviewResults) -> dict[str, float]:
    """Record the forecast, backtest and early-warning keys; each is absent when its section skipped."""
    out = {}
    fc, bt, w = results.forecast, results.backtest, results.warning
    if fc is not None:
        nm = fc.total("month", "gmv")
        for suffix, col in (("", "forecast"), ("_low", "low95"), ("_high", "high95")):
            key = f"overview.gmv_forecast_next_month{suffix}"
            out[key] = record(key, float(nm[col]))
    if bt is not None:
        for key, v in (("mape", bt.mape), ("naive_mape", bt.naive_mape), ("coverage95", bt.coverage95)):
            out[f"overview.gmv_backtest_{key}"] = record(f"overview.gmv_backtest_{key}", float(v))
    if w is not None:
        out["overview.warning_days"] = record("overview.warning_days", int(w.flags.date.nunique()))
    return out
