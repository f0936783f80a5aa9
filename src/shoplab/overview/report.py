"""The overview report's computation in one call: :func:`compute_report` returns every number the notebook shows,
as one :class:`OverviewResults` (numbers only; words in :mod:`.text`, the chart in :mod:`.plots`, metrics.json in
:mod:`.metrics`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..data import Shop
from ..orders import REFUND_SETTLE_DAYS
from ..periods import Period
from .backtest import BacktestResult, HistoryCheck, backtest, history_check
from .drivers import gmv_drivers, largest_drivers
from .forecast import ADDITIVE, ForecastResult, forecast, projection
from .kpis import RefundWindow, daily_trend, kpi_history, kpi_summary, refund_window
from .scorecard import scorecard
from .targets import Projection, TargetTable, attainment, read_targets
from .targets_scoped import SCOPED_COLUMNS, scoped_attainment
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
    #: :func:`.drivers.gmv_drivers`: the GMV change against the previous month and last year, split into drivers
    drivers: pd.DataFrame
    #: :func:`.drivers.largest_drivers`: per comparison and split, the driver with the largest effect
    top_drivers: pd.DataFrame
    #: :func:`.targets.attainment`: the metrics with a target, actual against it (empty without targets)
    targets: pd.DataFrame
    #: :func:`.scorecard.scorecard`: retention, churn, NPS, gross margin and marketing ROI (NaN where skipped)
    scorecard: pd.DataFrame
    #: whether the shop has a ``targets`` table, and how many of its rows are scoped to a channel or a category
    has_targets: bool = False
    scoped_targets: int = 0
    #: why the ``targets`` table could not be read (two targets for one period, metric and scope), else None:
    #: the targets section then says so and compares nothing
    targets_error: str | None = None
    #: :func:`.targets_scoped.scoped_attainment`: the scoped targets, actual against them (empty without)
    scoped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SCOPED_COLUMNS))
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
    projections: Mapping[str, Projection] | None = None,
    forecasts: bool = True,
) -> OverviewResults:
    """The overview's numbers for ``period``: KPI summary, daily trend, KPI history, the refund window and the
    drivers of the GMV change, the attainment of the targets and the scorecard.

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
    projections
        Full-year projections with intervals by metric (:class:`.targets.Projection`): the on track / at risk
        verdict of the targets; by default the forecast's 95% intervals (gmv, orders); without a forecast the
        verdict is ``not_judged``.
    forecasts
        Compute the forecast, its backtest and the early warning (they skip, None, with too little history:
        :func:`.backtest.history_check` for the first two).
    """
    p = Period.parse(period)
    drivers = gmv_drivers(shop, period=p)
    targets_error = None
    try:
        tt: TargetTable | None = read_targets(shop)
    except ValueError as e:  # contradictory targets: the section says why, the rest of the overview stands
        tt, targets_error = None, str(e)
    check = history_check(shop, period=p) if forecasts else None
    enough = check is not None and check.enough
    fc = forecast(shop, period=p) if enough else None
    if projections is None and fc is not None:
        projections = {}
        for metric in ADDITIVE:
            try:
                pr = projection(fc, metric)
            except ValueError:  # this forecast has no such metric
                continue
            projections[metric] = Projection(metric, p.year, pr.point, pr.low95, pr.high95, level=0.95)
    return OverviewResults(
        period=p.label,
        summary=kpi_summary(shop, period=p),
        trend=daily_trend(shop, period=p, compare_previous=compare_previous),
        history=kpi_history(shop, period=p, months=history_months),
        refund_window=refund_window(shop, period=p, settle_days=settle_days),
        drivers=drivers,
        top_drivers=largest_drivers(drivers),
        targets=attainment(
            shop,
            period=p,
            targets=tt or TargetTable(pd.DataFrame(columns=["period", "metric", "target"])),
            projections=projections,
        ),
        scorecard=scorecard(shop, period=p),
        has_targets=tt is not None or targets_error is not None,
        targets_error=targets_error,
        scoped_targets=tt.scoped if tt is not None else 0,
        scoped=scoped_attainment(shop, period=p, targets=tt)
        if tt is not None
        else pd.DataFrame(columns=SCOPED_COLUMNS),
        history_check=check,
        forecast=fc,
        backtest=backtest(shop, period=p) if enough else None,
        warning=early_warning(shop, period=p) if forecasts else None,
    )
