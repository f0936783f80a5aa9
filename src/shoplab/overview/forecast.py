"""Forecasts of daily GMV, orders and buyers after the period, with 80% and 95% intervals, and their totals for
the rest of the month, quarter and year (docs/adr/0007-forecast-library.md).

The model (:func:`fit_model`): ``log1p(y) = x'b + u``, ``u`` an ARIMA(1,1,1), ``x`` the day-of-week dummies and the
promotion calendar (:mod:`.calendar`), fitted with statsmodels by Hannan-Rissanen on the daily values up to the
period's end (at most :data:`MAX_TRAIN_DAYS`). Daily intervals are the model's Gaussian intervals, transformed
back; a total's interval is a quantile of :data:`N_PATHS` simulated paths summed. Intervals do not include the
uncertainty of the estimated coefficients. Numbers only; words in :mod:`.text`.

The daily values (:func:`daily_series`) are the orders that count for GMV (:func:`shoplab.orders.gross_orders`):
``gmv`` their amount, ``orders`` their number, ``buyers`` the distinct users with one that day. The first day of
the data is left out (it may be partial).
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..data import Shop
from ..orders import gross_orders
from ..periods import Period
from . import calendar

__all__ = [
    "METRICS",
    "MIN_TRAIN_DAYS",
    "MAX_TRAIN_DAYS",
    "N_PATHS",
    "Fit",
    "Projection",
    "ForecastResult",
    "data_days",
    "daily_series",
    "fit_model",
    "predict",
    "simulate",
    "forecast",
    "projection",
    "year_projection",
]

#: the forecast metrics (daily columns of :func:`daily_series`)
METRICS = ("gmv", "orders", "buyers")
#: the additive metrics: their quarter and year totals are sums of days (buyers are distinct: months only)
ADDITIVE = ("gmv", "orders")
#: fewest days of history a model is fitted on
MIN_TRAIN_DAYS = 56
#: most days of history a model is fitted on (the latest ones)
MAX_TRAIN_DAYS = 730
#: simulated paths behind the intervals of totals
N_PATHS = 1000
ORDER = (1, 1, 1)
#: (order, trend) tried in turn: a level that never moves makes the ARIMA(1,1,1)'s MA part non-invertible
#: (over-differenced), and a stationary ARMA around a constant fits it instead
FALLBACKS = ((ORDER, "n"), ((1, 0, 1), "c"), ((1, 0, 0), "c"), ((0, 1, 0), "n"))


def data_days(shop: Shop) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first full day and the last day of the orders data (the first day may be partial: left out); NaT
    without orders."""
    lo, hi = shop.period_bounds("orders")
    return pd.Timestamp(lo).normalize() + pd.Timedelta(days=1), pd.Timestamp(hi).normalize()


def daily_series(shop: Shop, *, start, end, conversion: bool = False) -> pd.DataFrame:
    """Daily ``gmv``, ``orders`` and ``buyers`` for the days ``start`` .. ``end`` (``end`` excluded), one row per
    day (index ``date``; days without orders are 0). With ``conversion`` (needs ``events``), also ``visitors``
    (distinct users with an event that day), ``visiting_buyers`` (those of them with an order that day) and
    ``conversion`` = visiting_buyers / visitors (NaN without visitors)."""
    lo, hi = pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime()
    days = pd.date_range(lo, hi - _dt.timedelta(days=1), freq="D", name="date")
    o = gross_orders(shop.orders)
    o = o.filter((o.ts >= lo) & (o.ts < hi))
    o = o.mutate(d=o.ts.date())
    df = o.group_by("d").aggregate(gmv=o.amount.sum(), orders=o.count(), buyers=o.user_id.nunique()).execute()
    df["d"] = pd.to_datetime(df["d"])
    out = df.set_index("d").reindex(days).fillna(0.0).astype("float64")
    out.index.name = "date"
    if conversion:
        e = shop.events
        e = e.filter((e.ts >= lo) & (e.ts < hi))
        v = e.select(d=e.ts.date(), user_id=e.user_id).distinct()
        b = o.select("d", "user_id").distinct().mutate(bought=1)
        vb = v.left_join(b, ["d", "user_id"])
        c = vb.group_by(vb.d).aggregate(visitors=vb.count(), visiting_buyers=vb.bought.count()).execute()
        c["d"] = pd.to_datetime(c["d"])
        c = c.set_index("d").reindex(days).fillna(0.0).astype("float64")
        out["visitors"] = c.visitors.to_numpy()
        out["visiting_buyers"] = c.visiting_buyers.to_numpy()
        out["conversion"] = out.visiting_buyers / out.visitors.where(out.visitors > 0)
    return out


@dataclass(frozen=True)
class Fit:
    """A fitted model of one daily series (:func:`fit_model`)."""

    metric: str
    #: the statsmodels results (ARIMAResults)
    result: object
    #: the regressors kept (those not constant over the training days)
    columns: tuple[str, ...]
    train_start: pd.Timestamp
    #: the first day after the training days
    origin: pd.Timestamp
    #: whether the series was modelled as log1p (counts and money) or as is (rates)
    log: bool = True
    #: the ARIMA order fitted (:data:`FALLBACKS`)
    order: tuple[int, int, int] = ORDER


def fit_model(y: pd.Series, x: pd.DataFrame, *, metric: str = "", log: bool = True) -> Fit:
    """Fit ``log1p(y) = x'b + ARIMA(1,1,1)`` (``log=False``: ``y`` as is) on the days of ``y`` (daily index,
    no gaps). Columns of ``x`` that are constant over those days are dropped (their effect cannot be estimated).
    When the series' level never moves, the stationary :data:`FALLBACKS` are fitted instead.
    """
    from statsmodels.tsa.arima.model import ARIMA

    y = y.astype("float64").ffill().bfill().fillna(0.0)  # a rate is missing on days without its base
    if len(y) < MIN_TRAIN_DAYS:
        raise ValueError(f"{metric or 'series'}: {len(y)} days of history, at least {MIN_TRAIN_DAYS} needed")
    z = np.log1p(y.clip(lower=0)) if log else y
    z = pd.Series(z.to_numpy(), index=pd.date_range(y.index[0], periods=len(y), freq="D"))
    x = x.loc[y.index]
    keep = tuple(c for c in x.columns if x[c].nunique() > 1)
    exog = x[list(keep)].to_numpy() if keep else None
    res, order = None, ORDER
    for order, trend in FALLBACKS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = ARIMA(z, exog=exog, order=order, trend=trend).fit(method="hannan_rissanen")
            break
        except (ValueError, np.linalg.LinAlgError):
            continue
    if res is None:
        raise ValueError(f"{metric or 'series'}: no ARIMA model could be fitted to {len(y)} days")
    origin = pd.Timestamp(y.index[-1]) + pd.Timedelta(days=1)
    return Fit(metric, res, keep, pd.Timestamp(y.index[0]), origin, log, order)


def _back(fit: Fit, v):
    return np.clip(np.expm1(v), 0, None) if fit.log else v


def _exog(fit: Fit, x: pd.DataFrame):
    return x[list(fit.columns)].to_numpy() if fit.columns else None


def predict(fit: Fit, x: pd.DataFrame, *, levels: tuple[float, ...] = (0.8, 0.95)) -> pd.DataFrame:
    """Daily forecasts for the days of ``x`` (consecutive, from ``fit.origin``): ``forecast`` (the median) and
    ``low<NN>`` / ``high<NN>`` for each level (e.g. ``low95``), on the scale of the series."""
    h = len(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        f = fit.result.get_forecast(h, exog=_exog(fit, x))
        mean = np.asarray(f.predicted_mean, float)
        out = pd.DataFrame({"forecast": _back(fit, mean)}, index=x.index)
        for lv in levels:
            ci = np.asarray(f.conf_int(alpha=1 - lv), float)
            k = round(lv * 100)
            out[f"low{k}"], out[f"high{k}"] = _back(fit, ci[:, 0]), _back(fit, ci[:, 1])
    out.index.name = "date"
    return out


def _psi(fit: Fit, h: int) -> np.ndarray:
    """The MA(infinity) weights of the model's errors on the (integrated) series, ``h`` of them."""
    from statsmodels.tsa.arima_process import arma2ma

    res = fit.result
    ar = np.r_[1.0, -np.asarray(res.arparams, float)]
    for _ in range(fit.order[1]):
        ar = np.polymul(ar, [1.0, -1.0])  # (1 - phi L)(1 - L)^d
    ma = np.r_[1.0, np.asarray(res.maparams, float)]
    return arma2ma(ar, ma, lags=h)


def simulate(fit: Fit, x: pd.DataFrame, *, n: int = N_PATHS, seed: int = 0) -> np.ndarray:
    """``n`` simulated paths of the days of ``x`` (from ``fit.origin``), shape (days, n), on the series' scale:
    the forecast mean plus Gaussian innovations through the model's MA(infinity) weights (the same variance as
    the daily intervals of :func:`predict`, with the errors' correlation across days)."""
    h = len(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean = np.asarray(fit.result.get_forecast(h, exog=_exog(fit, x)).predicted_mean, float)
    psi = _psi(fit, h)
    idx = np.arange(h)
    lower = np.where(idx[:, None] >= idx[None, :], psi[np.clip(idx[:, None] - idx[None, :], 0, None)], 0.0)
    eps = np.random.default_rng(seed).standard_normal((h, n)) * math.sqrt(float(fit.result.params["sigma2"]))
    return _back(fit, mean[:, None] + lower @ eps)


class Projection(NamedTuple):
    """A total with its intervals (unpacks as ``point, low80, high80, low95, high95``)."""

    point: float
    low80: float
    high80: float
    low95: float
    high95: float


@dataclass(frozen=True)
class ForecastResult:
    """The forecast after a period (:func:`forecast`)."""

    period: str
    #: the first forecast day (the period's end)
    origin: pd.Timestamp
    #: the daily values the models were fitted on (index ``date``; columns of :data:`METRICS`)
    history: pd.DataFrame
    #: one row per (``date``, ``metric``): ``forecast``, ``low80``, ``high80``, ``low95``, ``high95``
    daily: pd.DataFrame
    #: one row per (``horizon``, ``metric``): ``horizon`` in month (the rest of the origin's month: the next
    #: month when the period ends at a month's end), quarter, year (rest of the origin's quarter / year) and
    #: full_year (the period's year: actual to the period's end plus the forecast rest); ``label``, ``start``,
    #: ``end`` (included), ``days``, ``actual`` (the observed part), ``forecast``, ``low80`` .. ``high95``
    totals: pd.DataFrame
    #: distinct monthly buyers / the sum of daily buyers over the last three full months (monthly buyers)
    buyer_ratio: float
    #: the calendar regressors kept in the GMV model
    regressors: tuple[str, ...]
    #: the festivals in the history and the forecast days (:func:`.calendar.festival_days`)
    festivals: pd.DataFrame

    def total(self, horizon: str, metric: str = "gmv") -> pd.Series | None:
        """The row of ``totals`` for ``horizon`` and ``metric`` (None: not given, e.g. an empty horizon)."""
        t = self.totals[(self.totals.horizon == horizon) & (self.totals.metric == metric)]
        return t.iloc[0] if len(t) else None


def _quarter_end(d: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(d.year, 3 * ((d.month - 1) // 3) + 1, 1) + pd.DateOffset(months=3)


def _month_end(d: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(d.year, d.month, 1) + pd.DateOffset(months=1)


def _buyer_ratio(shop: Shop, hist: pd.DataFrame, origin: pd.Timestamp) -> float:
    last = pd.Timestamp(origin.year, origin.month, 1)
    months = [m for m in (last - pd.DateOffset(months=k) for k in range(1, 4)) if m >= hist.index[0]]
    if not months:
        return 1.0
    o = gross_orders(shop.orders)
    o = o.filter((o.ts >= months[-1].to_pydatetime()) & (o.ts < last.to_pydatetime()))
    d = o.group_by(m=o.ts.truncate("M")).aggregate(distinct=o.user_id.nunique()).execute()
    distinct = dict(zip(pd.to_datetime(d["m"]), d["distinct"], strict=True))
    ratios = []
    for m in months:
        days = hist.loc[m : m + pd.DateOffset(months=1) - pd.Timedelta(days=1), "buyers"].sum()
        if days > 0:
            ratios.append(distinct.get(m, 0) / days)
    return float(np.mean(ratios)) if ratios else 1.0


def forecast(
    shop: Shop,
    *,
    period: Period | str,
    metrics: tuple[str, ...] = METRICS,
    n_paths: int = N_PATHS,
    seed: int = 0,
) -> ForecastResult | None:
    """Forecast ``metrics`` daily from the period's end to the end of that year (at least the rest of the month),
    fitted on the daily values up to the period's end; None with fewer than :data:`MIN_TRAIN_DAYS` days."""
    p = Period.parse(period)
    first, last = data_days(shop)
    if pd.isna(first) or pd.isna(last):
        return None
    origin = min(pd.Timestamp(p.end), last + pd.Timedelta(days=1))
    start = max(first, origin - pd.Timedelta(days=MAX_TRAIN_DAYS))
    if (origin - start).days < MIN_TRAIN_DAYS:
        return None
    year0 = (origin - pd.Timedelta(days=1)).year
    horizon_end = max(pd.Timestamp(origin.year + 1, 1, 1), _month_end(origin))
    hist = daily_series(shop, start=min(start, pd.Timestamp(year0, 1, 1)), end=origin)
    fut_days = pd.date_range(origin, horizon_end - pd.Timedelta(days=1), freq="D")
    cal = calendar.campaign_days(shop)
    x = calendar.regressors(hist.index.append(fut_days), cal)
    xf = x.loc[fut_days]
    ratio = _buyer_ratio(shop, hist, origin) if "buyers" in metrics else math.nan
    windows = {
        "month": (origin, _month_end(origin)),
        "quarter": (origin, _quarter_end(origin)),
        "year": (origin, pd.Timestamp(origin.year + 1, 1, 1)),
        "full_year": (pd.Timestamp(year0, 1, 1), pd.Timestamp(year0 + 1, 1, 1)),
    }
    daily, rows, kept = [], [], ()
    for k, m in enumerate(metrics):
        train = hist.loc[start:, m]
        fit = fit_model(train, x, metric=m)
        kept = fit.columns if m == "gmv" or not kept else kept
        d = predict(fit, xf)
        daily.append(d.assign(metric=m).reset_index())
        paths = simulate(fit, xf, n=n_paths, seed=seed + k)
        for h, (lo, hi) in windows.items():
            if m not in ADDITIVE and h != "month":
                continue
            f_mask = (fut_days >= lo) & (fut_days < hi)
            actual = float(hist.loc[lo : origin - pd.Timedelta(days=1), m].sum()) if h == "full_year" else 0.0
            if h != "full_year" and not f_mask.any():
                continue
            sums = paths[f_mask].sum(axis=0) * (ratio if m == "buyers" else 1.0)
            q = np.quantile(sums, [0.5, 0.1, 0.9, 0.025, 0.975]) if f_mask.any() else np.zeros(5)
            label = {"month": f"{lo:%Y-%m}", "quarter": f"{lo.year}-Q{(lo.month - 1) // 3 + 1}"}.get(
                h, str(lo.year)
            )
            rows.append(
                dict(horizon=h, metric=m, label=label, start=lo, end=hi - pd.Timedelta(days=1),
                     days=int(f_mask.sum()), actual=actual, forecast=actual + q[0], low80=actual + q[1],
                     high80=actual + q[2], low95=actual + q[3], high95=actual + q[4])
            )  # fmt: skip
    daily = pd.concat(daily, ignore_index=True)[
        ["date", "metric", "forecast", "low80", "high80", "low95", "high95"]
    ]
    return ForecastResult(
        period=p.label,
        origin=origin,
        history=hist.loc[start:],
        daily=daily,
        totals=pd.DataFrame(rows),
        buyer_ratio=ratio,
        regressors=tuple(c for c in kept if not c.startswith("dow")),
        festivals=calendar.festival_days(start, fut_days[-1]),
    )


def projection(result: ForecastResult, metric: str = "gmv") -> Projection:
    """The full year of ``result``'s period projected: actual to the period's end plus the forecast rest."""
    if metric not in ADDITIVE:
        raise ValueError(
            f"a full-year projection is a sum of days: one of {', '.join(ADDITIVE)}, not {metric!r}"
        )
    r = result.total("full_year", metric)
    if r is None:
        raise ValueError(f"the forecast has no {metric!r}")
    return Projection(*(float(r[c]) for c in ("forecast", "low80", "high80", "low95", "high95")))


def year_projection(shop: Shop, *, period: Period | str, metric: str = "gmv") -> Projection | None:
    """The full year of the period projected from the forecast (for targets): actual from 1 January to the
    period's end plus the forecast rest of the year, with 80% and 95% intervals; ``metric`` is ``gmv`` or
    ``orders``. None when the history is too short for a forecast."""
    if metric not in ADDITIVE:
        raise ValueError(
            f"a full-year projection is a sum of days: one of {', '.join(ADDITIVE)}, not {metric!r}"
        )
    result = forecast(shop, period=period, metrics=(metric,))
    return None if result is None else projection(result, metric)
