"""The overview report's computation in one call: :func:`compute_report` returns every number the notebook shows,
as one :class:`OverviewResults` (numbers only; words in :mod:`.text`, the chart in :mod:`.plots`, metrics.json in
:mod:`.metrics`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..data import Shop
from ..orders import REFUND_SETTLE_DAYS
from ..periods import Period
from .backtest import BacktestResult, HistoryCheck, backtest, history_check
from .forecast import ForecastResult, forecast
from .kpis import RefundWindow, daily_trend, kpi_history, kpi_summary, refund_window
from .warning import WarningResult, early_warning

__all__ = ["OverviewResults", "compute_report"]


@dataclass(frozen=True)
class OverviewResults:
    """Everything the overview report shows for one month."""

    period: str
    #: :func:`.kpis.kpi_summary`: one row per KPI, this month against the previous month and last year
    summary: pd.DataFrame
    #: :func:`.kpis.daily_trend`: the month's days (and the previous month's, aligned by day of month)
    trend: pd.DataFrame
    #: :func:`.kpis.kpi_history`: the KPIs of the months up to ``period`` (the index page's sparklines)
    history: pd.DataFrame
    #: :func:`.kpis.refund_window`: whether the month's refunds may still be coming
    refund_window: RefundWindow
    #: :func:`.backtest.history_check`: whether the history supports the forecast and its backtest
    history_check: HistoryCheck | None = None
    #: :func:`.forecast.forecast` after the period (None: too little history, or not asked for)
    forecast: ForecastResult | None = None
    #: :func:`.backtest.backtest` of daily GMV (None when ``forecast`` is)
    backtest: BacktestResult | None = None
    #: :func:`.warning.early_warning` of the period's days (None: too little history before the period)
    warning: WarningResult | None = None

    @property
    def refunds_incomplete(self) -> bool:
        return self.refund_window.incomplete


def compute_report(
    shop: Shop,
    *,
    period: Period | str,
    history_months: int = 12,
    compare_previous: bool = True,
    settle_days: int = REFUND_SETTLE_DAYS,
    forecasts: bool = True,
) -> OverviewResults:
    """The overview's numbers for ``period``: KPI summary, daily trend, KPI history and the refund window.

    Parameters
    ----------
    shop
        The shop (``orders`` required; ``users`` and ``events`` optional, see :mod:`.kpis`).
    period
        The month, ``YYYY-MM``.
    history_months
        Months of KPI history up to ``period`` (only months the data covers in full).
    compare_previous
        Include the previous month in the daily trend.
    settle_days
        Days after an order by which its refund is taken as settled.
    forecasts
        Compute the forecast, its backtest and the early warning (they skip, None, with too little history:
        :func:`.backtest.history_check` for the first two).
    """
    p = Period.parse(period)
    check = history_check(shop, period=p) if forecasts else None
    enough = check is not None and check.enough
    return OverviewResults(
        period=p.label,
        summary=kpi_summary(shop, p),
        trend=daily_trend(shop, p, compare_previous=compare_previous),
        history=kpi_history(shop, p, months=history_months),
        refund_window=refund_window(shop, p, settle_days=settle_days),
        history_check=check,
        forecast=forecast(shop, period=p) if enough else None,
        backtest=backtest(shop, period=p) if enough else None,
        warning=early_warning(shop, period=p) if forecasts else None,
    )
