"""The monthly overview: GMV, orders, buyers, AOV, new and active users, conversion, repurchase and refund rates
against the previous month and the same month last year, and the daily trend.

Analyses (``__all__``), each called ``f(shop, period=...)``:

- :func:`compute_report`: every number of the report for one month, as :class:`OverviewResults`.
- :class:`OverviewResults`: what :func:`compute_report` returns (summary, trend, history, refund window).
- :func:`kpi_summary`: the KPI table, this month against the previous month and last year.
- :func:`month_kpis`: the KPIs of given months, one row per month (``periods=[...]``).
- :func:`kpi_history`: the KPIs of the months up to a month (the index page's sparklines).
- :func:`daily_trend`: GMV, orders and buyers per day of the month and of the previous month.
- :func:`trend_summary`: the daily trend's total and peak day.
- :class:`TrendSummary`: what :func:`trend_summary` returns.
- :func:`refund_window`: whether the month's refunds may still be coming, and how many days the data runs on.
- :class:`RefundWindow`: what :func:`refund_window` returns.
- :func:`refunds_incomplete`: just the yes/no of :func:`refund_window`.
- :data:`KPI_UNITS`: the KPIs and their units (``yuan``, ``count``, ``rate``).
- :data:`HEADLINES`: the KPIs the index page shows (metrics.json ``overview.<code>``).

- :func:`year_projection`: the period's full year projected (actual + forecast) with its intervals (for targets).
- :class:`Projection`: what :func:`year_projection` returns (point, low80, high80, low95, high95).
- :class:`ForecastResult`: the forecast after the period: daily GMV, orders, buyers with 80/95% intervals.
- :class:`BacktestResult`: the forecast's six-month rolling backtest against a weekly seasonal naive baseline.
- :func:`early_warning`: the period's days outside the 99% band of models fitted before it, with the driver.
- :class:`WarningResult`: what :func:`early_warning` returns.

Submodules: :mod:`.kpis` (the numbers; definitions there), :mod:`.drivers` (why GMV moved: the LMDI split and
the contributions of buyer types, channels and categories), :mod:`.targets` (attainment against the ``targets``
table), :mod:`.scorecard` (retention, churn, NPS, gross margin, marketing ROI from the reports that own them),
:mod:`.calendar` (the promotion calendar), :mod:`.forecast`, :mod:`.backtest`, :mod:`.warning`, :mod:`.report`
(compute_report), :mod:`.text`
(findings, titles, labels), :mod:`.plots` (the chart), :mod:`.metrics` (the metrics.json keys).

Kept for compatibility (the same objects, from their submodules): ``KPIS``, ``KPI_LABELS_ZH``, ``kpi_label``,
``findings``, ``format_summary``, ``trend_title`` (:mod:`.text`), ``record_headlines`` (:mod:`.metrics`) and
``refund_rate_note``. The positional period of the older call shape (``kpi_summary(shop, "2026-10")``) still
works, with a DeprecationWarning.
"""

from __future__ import annotations

from ..orders import REFUND_SETTLE_DAYS
from . import backtest as backtest  # submodules
from . import calendar as calendar
from . import drivers as drivers  # submodules
from . import forecast as forecast
from . import kpis as kpis
from . import metrics as metrics
from . import plots as plots
from . import report as report
from . import scorecard as scorecard
from . import targets as targets
from . import text as text
from . import warning as warning
from .backtest import BacktestResult
from .forecast import ForecastResult, Projection, year_projection
from .kpis import (
    HEADLINES,
    KPI_UNITS,
    RefundWindow,
    TrendSummary,
    daily_trend,
    kpi_history,
    kpi_summary,
    month_kpis,
    refund_window,
    refunds_incomplete,
    trend_summary,
)
from .report import OverviewResults, compute_report
from .warning import WarningResult, early_warning

__all__ = [
    "compute_report",
    "OverviewResults",
    "kpi_summary",
    "month_kpis",
    "kpi_history",
    "daily_trend",
    "trend_summary",
    "TrendSummary",
    "refund_window",
    "RefundWindow",
    "refunds_incomplete",
    "KPI_UNITS",
    "HEADLINES",
    "year_projection",
    "Projection",
    "ForecastResult",
    "BacktestResult",
    "early_warning",
    "WarningResult",
]

# compatibility aliases: the public names of the one-module overview, now in text and metrics
KPIS = text.KPIS
KPI_LABELS_ZH = text.KPI_LABELS_ZH
kpi_label = text.kpi_label
findings = text.findings
format_summary = text.format_summary
trend_title = text.trend_title
record_headlines = metrics.record_headlines


def refund_rate_note(shop, period, *, settle_days: int = REFUND_SETTLE_DAYS, lang: str | None = None):
    """Kept for compatibility: ``text.refund_note(kpis.refund_window(shop, period, settle_days=...))``."""
    return text.refund_note(refund_window(shop, period=period, settle_days=settle_days), lang)
