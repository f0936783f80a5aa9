"""Early warning: the period's days whose GMV, orders or conversion fall outside the 99% band of a model fitted on
the days before the period (scored out of sample: the model never sees the period), with the size of the miss and
its likely driver. Numbers only; words in :mod:`.text`.

One model per metric (:func:`.forecast.fit_model`: the forecast's model and calendar), fitted once on at most
:data:`~.forecast.MAX_TRAIN_DAYS` days before the period's start, forecasts every day of the period; the band
widens with the distance from the start. With a well-specified model about 1% of days fall outside by chance.

The likely driver splits a miss into its factors, each against its own model's expectation (log deviations add
up to the metric's):

* GMV = orders x AOV: ``orders`` or ``aov`` (expected AOV = expected GMV / expected orders);
* orders = buyers x orders per buyer: ``buyers`` or ``orders_per_buyer``;
* conversion = visiting buyers / visitors: ``visitors`` or ``visiting_buyers``.

The driver is the factor whose deviation from expectation is larger in size. Conversion needs ``events``; its
models (conversion, visitors) are fitted on the last :data:`EVENT_TRAIN_DAYS` days before the period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import Shop
from ..periods import Period
from . import calendar
from .forecast import MAX_TRAIN_DAYS, MIN_TRAIN_DAYS, daily_series, data_days, fit_model, predict

__all__ = ["BAND", "WARNING_METRICS", "WarningResult", "early_warning", "drivers", "largest_miss"]

#: the band's coverage
BAND = 0.99
#: days of events before the period the conversion and visitors models are fitted on (the events are the
#: shop's largest table; the orders models use up to MAX_TRAIN_DAYS)
EVENT_TRAIN_DAYS = 91
#: the watched metrics
WARNING_METRICS = ("gmv", "orders", "conversion")
#: metric -> (factor a, factor b) with metric = a x b
FACTORS = {
    "gmv": ("orders", "aov"),
    "orders": ("buyers", "orders_per_buyer"),
    "conversion": ("visitors", "visiting_buyers"),
}


@dataclass(frozen=True)
class WarningResult:
    """The early warning of one period (:func:`early_warning`)."""

    period: str
    band: float
    train_start: pd.Timestamp
    #: the first day of the period (the models saw the days before it)
    origin: pd.Timestamp
    #: one row per (``date``, ``metric``): ``actual``, ``expected`` (the model's median), ``low``, ``high`` (the
    #: band), ``deviation`` (actual / expected - 1), ``flagged`` (outside the band)
    daily: pd.DataFrame
    #: the flagged rows of ``daily``, with ``direction`` (above / below), ``driver`` (the factor that deviated
    #: more, see :data:`FACTORS`), ``driver_deviation`` and ``other``, ``other_deviation`` (factor / its
    #: expectation - 1)
    flags: pd.DataFrame
    #: the metrics watched (conversion only with events)
    metrics: tuple[str, ...]

    @property
    def flag_rate(self) -> float:
        """Share of the watched (day, metric) pairs outside the band."""
        return float(self.daily.flagged.mean()) if len(self.daily) else float("nan")


def largest_miss(w: WarningResult) -> pd.Series | None:
    """The flagged (day, metric) with the largest relative deviation from expectation (the finding names it);
    where no deviation is finite (an expectation of 0), the first flagged day. None without flags."""
    f = w.flags
    if not len(f):
        return None
    dev = pd.to_numeric(f.deviation, errors="coerce").abs().replace([np.inf, -np.inf], np.nan)
    return f.loc[dev.idxmax()] if dev.notna().any() else f.iloc[0]


def drivers(actual_a, expected_a, actual_b, expected_b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For a metric that is the product (or, for conversion, the ratio) of factors a and b: which factor deviated
    more from its expectation (``0``: a, ``1``: b) by the size of ``log(actual / expected)``, and both
    deviations as ``actual / expected - 1``."""
    a = np.asarray(actual_a, float) / np.asarray(expected_a, float)
    b = np.asarray(actual_b, float) / np.asarray(expected_b, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        which = np.where(np.abs(np.log(b)) > np.abs(np.log(a)), 1, 0)
    return which, a - 1, b - 1


def early_warning(shop: Shop, *, period: Period | str, band: float = BAND) -> WarningResult | None:
    """Flag the period's days outside the ``band`` of models fitted on the days before the period's start; None
    with fewer than :data:`~.forecast.MIN_TRAIN_DAYS` days before it."""
    p = Period.parse(period)
    first, last = data_days(shop)
    if pd.isna(first) or pd.isna(last):
        return None
    origin = pd.Timestamp(p.start)
    end = min(pd.Timestamp(p.end), last + pd.Timedelta(days=1))
    start = max(first, origin - pd.Timedelta(days=MAX_TRAIN_DAYS))
    if (origin - start).days < MIN_TRAIN_DAYS or end <= origin:
        return None
    events = shop.has("events")
    s = daily_series(shop, start=start, end=end)
    if events:  # the events are read for the last EVENT_TRAIN_DAYS before the period only (their cost)
        c_start = max(start, origin - pd.Timedelta(days=EVENT_TRAIN_DAYS))
        c = daily_series(shop, start=c_start, end=end, conversion=True)
        s = s.join(c[["visitors", "visiting_buyers", "conversion"]])
    s["aov"] = s.gmv / s.orders.where(s.orders > 0)
    s["orders_per_buyer"] = s.orders / s.buyers.where(s.buyers > 0)
    x = calendar.regressors(s.index, calendar.campaign_days(shop))
    train, test = s.loc[: origin - pd.Timedelta(days=1)], s.loc[origin:]
    metrics = WARNING_METRICS if events else tuple(m for m in WARNING_METRICS if m != "conversion")
    modelled = ["gmv", "orders", "buyers"] + (["conversion", "visitors"] if events else [])
    exp, rows = {}, []
    k = round(band * 100)
    for m in modelled:
        y = train[m].dropna() if m in ("conversion", "visitors") else train[m]
        y = (
            y.loc[y.index >= train.index[-1] - pd.Timedelta(days=EVENT_TRAIN_DAYS - 1)]
            if m == "visitors"
            else y
        )
        log = m != "conversion"
        f = predict(fit_model(y, x, metric=m, log=log), x.loc[test.index], levels=(band,))
        exp[m] = f.forecast
        if m in metrics:
            d = f.rename(columns={"forecast": "expected", f"low{k}": "low", f"high{k}": "high"})
            d.insert(0, "actual", test[m].to_numpy())
            d.insert(0, "metric", m)
            rows.append(d.reset_index())
    daily = pd.concat(rows, ignore_index=True)
    daily["deviation"] = daily.actual / daily.expected.where(daily.expected != 0) - 1
    daily["flagged"] = daily.actual.notna() & ((daily.actual < daily.low) | (daily.actual > daily.high))
    exp["aov"] = exp["gmv"] / exp["orders"]
    exp["orders_per_buyer"] = exp["orders"] / exp["buyers"]
    if events:
        exp["visiting_buyers"] = exp["conversion"] * exp["visitors"]
    flags = daily[daily.flagged].copy()
    flags["direction"] = np.where(flags.actual > flags.high, "above", "below")
    for c in ("driver", "other"):
        flags[c] = pd.Series(dtype="object")
    for c in ("driver_deviation", "other_deviation"):
        flags[c] = np.nan
    for m, (fa, fb) in FACTORS.items():
        sel = flags.metric == m
        if not sel.any():
            continue
        dates = pd.DatetimeIndex(flags.loc[sel, "date"])
        which, da, db = drivers(
            test.loc[dates, fa], exp[fa].loc[dates], test.loc[dates, fb], exp[fb].loc[dates]
        )
        flags.loc[sel, "driver"] = np.where(which == 0, fa, fb)
        flags.loc[sel, "other"] = np.where(which == 0, fb, fa)
        flags.loc[sel, "driver_deviation"] = np.where(which == 0, da, db)
        flags.loc[sel, "other_deviation"] = np.where(which == 0, db, da)
    flags = flags.sort_values(["date", "metric"]).reset_index(drop=True)
    return WarningResult(p.label, band, start, origin, daily, flags, metrics)
