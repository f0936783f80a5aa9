"""The forecast's backtest: six rolling origins, one at the start of each of the last six months up to the period,
each fitted on the days before it (:func:`.forecast.fit_model`, the same model and calendar) and forecasting that
month's days; the daily values are compared with their forecasts (MAPE, :func:`shoplab.stats.mape`) and their 95%
and 80% intervals (coverage, :func:`shoplab.stats.interval_coverage`), against a weekly seasonal naive baseline
(each day forecast by the same weekday of the last week before the origin). Numbers only; words in :mod:`.text`.

:func:`history_check` decides whether the history is long enough for it (the forecast and backtest sections
skip without): :data:`MIN_TRAIN_DAYS` days before the first origin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import stats
from ..data import Shop
from ..periods import Period
from . import calendar
from .forecast import MAX_TRAIN_DAYS, MIN_TRAIN_DAYS, daily_series, data_days, fit_model, predict

__all__ = ["ORIGINS", "HistoryCheck", "history_check", "BacktestResult", "seasonal_naive", "backtest"]

#: rolling origins of the backtest (months)
ORIGINS = 6


@dataclass(frozen=True)
class HistoryCheck:
    """Whether the history supports the forecast and its backtest (:func:`history_check`)."""

    enough: bool
    #: days of data before the first backtest month
    days: int
    needed: int
    first_day: pd.Timestamp
    #: the first backtest month (its first day)
    first_origin: pd.Timestamp


def _last_month_start(p: Period) -> pd.Timestamp:
    last = pd.Timestamp(p.end) - pd.Timedelta(days=1)
    return pd.Timestamp(last.year, last.month, 1)


def history_check(shop: Shop, *, period: Period | str, origins: int = ORIGINS) -> HistoryCheck:
    """Enough history when the data has :data:`MIN_TRAIN_DAYS` full days before the first of ``origins`` months
    ending with the period's last month."""
    p = Period.parse(period)
    first, _ = data_days(shop)
    o1 = _last_month_start(p) - pd.DateOffset(months=origins - 1)
    days = 0 if pd.isna(first) else max(0, (o1 - first).days)
    return HistoryCheck(days >= MIN_TRAIN_DAYS, days, MIN_TRAIN_DAYS, first, o1)


def seasonal_naive(history: pd.Series, h: int, *, season: int = 7) -> np.ndarray:
    """Each of the next ``h`` days forecast by the same day of the last ``season`` days of ``history``."""
    last = np.asarray(history, float)[-season:]
    return np.resize(last, h)


@dataclass(frozen=True)
class BacktestResult:
    """The backtest of one metric (:func:`backtest`)."""

    metric: str
    #: one row per held-out day: ``origin`` (the month, YYYY-MM), ``date``, ``actual``, ``forecast``, ``low80``,
    #: ``high80``, ``low95``, ``high95``, ``naive`` (the baseline)
    daily: pd.DataFrame
    #: one row per origin: ``origin``, ``days``, ``mape``, ``naive_mape``, ``coverage80``, ``coverage95``
    by_origin: pd.DataFrame
    #: pooled over all held-out days
    mape: float
    naive_mape: float
    coverage80: float
    coverage95: float

    @property
    def beats_baseline(self) -> bool:
        """Whether the model's MAPE is below the weekly seasonal naive baseline's."""
        return bool(self.mape < self.naive_mape)

    @property
    def days(self) -> int:
        return len(self.daily)


def _summary(d: pd.DataFrame) -> dict:
    return dict(
        days=len(d),
        mape=stats.mape(d.actual, d.forecast),
        naive_mape=stats.mape(d.actual, d.naive),
        coverage80=stats.interval_coverage(d.actual, d.low80, d.high80),
        coverage95=stats.interval_coverage(d.actual, d.low95, d.high95),
    )


def backtest(
    shop: Shop, *, period: Period | str, metric: str = "gmv", origins: int = ORIGINS
) -> BacktestResult | None:
    """Backtest ``metric`` (a column of :func:`.forecast.daily_series`) over ``origins`` months ending with the
    period's last month; None when :func:`history_check` finds too little history."""
    p = Period.parse(period)
    check = history_check(shop, period=period, origins=origins)
    if not check.enough:
        return None
    end = _last_month_start(p) + pd.DateOffset(months=1)
    start = max(check.first_day, check.first_origin - pd.Timedelta(days=MAX_TRAIN_DAYS))
    series = daily_series(shop, start=start, end=end)
    x = calendar.regressors(series.index, calendar.campaign_days(shop))
    frames = []
    for k in range(origins):
        o = check.first_origin + pd.DateOffset(months=k)
        nxt = o + pd.DateOffset(months=1)
        train = series.loc[
            max(start, o - pd.Timedelta(days=MAX_TRAIN_DAYS)) : o - pd.Timedelta(days=1), metric
        ]
        test = series.loc[o : nxt - pd.Timedelta(days=1), metric]
        if not len(test):
            continue
        f = predict(fit_model(train, x, metric=metric), x.loc[test.index])
        f.insert(0, "actual", test.to_numpy())
        f["naive"] = seasonal_naive(train, len(test))
        f.insert(0, "origin", f"{o:%Y-%m}")
        frames.append(f.reset_index())
    daily = pd.concat(frames, ignore_index=True)
    by_origin = pd.DataFrame([dict(origin=o, **_summary(d)) for o, d in daily.groupby("origin", sort=True)])
    pooled = _summary(daily)
    return BacktestResult(
        metric=metric,
        daily=daily,
        by_origin=by_origin,
        mape=pooled["mape"],
        naive_mape=pooled["naive_mape"],
        coverage80=pooled["coverage80"],
        coverage95=pooled["coverage95"],
    )
