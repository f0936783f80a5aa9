"""The overview report's computation in one call: :func:`compute_report` returns every number the notebook shows,
as one :class:`OverviewResults` (numbers only; words in :mod:`.text`, the chart in :mod:`.plots`, metrics.json in
:mod:`.metrics`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..data import Shop
from ..orders import REFUND_SETTLE_DAYS
from ..periods import Period
from .drivers import gmv_drivers, largest_drivers
from .kpis import RefundWindow, daily_trend, kpi_history, kpi_summary, refund_window
from .scorecard import scorecard
from .targets import Projection, TargetTable, attainment, read_targets

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
    #: whether the shop has a ``targets`` table; scoped target rows not compared yet
    has_targets: bool = False
    scoped_targets: int = 0

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
        Full-year projections with intervals by metric (:class:`.targets.Projection`, from the forecast): the
        hook for the on track / at risk verdict; without them the verdict is ``not_judged``.
    """
    p = Period.parse(period)
    drivers = gmv_drivers(shop, period=p)
    tt: TargetTable | None = read_targets(shop)
    return OverviewResults(
        period=p.label,
        summary=kpi_summary(shop, period=p),
        trend=daily_trend(shop, period=p, compare_previous=compare_previous),
        history=kpi_history(shop, period=p, months=history_months),
        refund_window=refund_window(shop, period=p, settle_days=settle_days),
        drivers=drivers,
        top_drivers=largest_drivers(drivers),
        targets=attainment(shop, period=p, targets=tt, projections=projections),
        scorecard=scorecard(shop, period=p),
        has_targets=tt is not None,
        scoped_targets=tt.scoped if tt is not None else 0,
    )
