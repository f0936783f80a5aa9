"""The overview's chart, drawing only: it takes the daily trend (:func:`.kpis.daily_trend`), its wording from
:mod:`.text`, the house style from :mod:`shoplab.plots`, and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..plots import PALETTE, count_formatter, use_style, yuan_formatter
from . import text
from .kpis import trend_summary

__all__ = ["plot_daily_trend", "plot_forecast_fan", "plot_warning"]


def plot_daily_trend(
    trend: pd.DataFrame, *, metric: str = "gmv", title: str | None = None, ax=None, lang: str | None = None
):
    """Daily line of ``metric`` for the last period in ``trend``, with the previous period dashed (by day of month).

    ``trend`` is the table from :func:`shoplab.overview.daily_trend`; ``title`` e.g. from
    :func:`shoplab.overview.text.trend_title`.
    """
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    periods = list(dict.fromkeys(trend["period"]))
    current = periods[-1]
    for p in periods:
        d = trend[trend.period == p]
        is_cur = p == current
        ax.plot(
            d["day"],
            d[metric],
            label=p,
            lw=2.2 if is_cur else 1.4,
            ls="-" if is_cur else "--",
            color=PALETTE[0] if is_cur else PALETTE[7],
            marker="o" if is_cur else None,
            ms=3,
        )
    t = trend_summary(trend, metric)
    if t.peak_value is not None and t.peak_value > 0:
        ax.annotate(
            text.peak_label(t.peak_date, lang),
            (t.peak_day, t.peak_value),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=9,
        )
    money = metric in ("gmv", "net_sales", "amount")
    ax.yaxis.set_major_formatter(yuan_formatter() if money else count_formatter())
    xlabel, ylabel = text.trend_axis_labels(metric, current, lang)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xlim(0.5, 31.5)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def plot_forecast_fan(
    fc,
    *,
    metric: str = "gmv",
    history_days: int = 120,
    title: str | None = None,
    ax=None,
    lang: str | None = None,
):
    """Fan chart: the last ``history_days`` of ``metric`` and its daily forecast (median) with the 80% and 95%
    bands, festival main days marked. ``fc`` is :func:`shoplab.overview.forecast.forecast`'s result; ``title``
    e.g. from :func:`.text.fan_title`."""
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4))
    words = text.fan_labels(lang)
    hist = fc.history[metric].iloc[-history_days:]
    d = fc.daily[fc.daily.metric == metric]
    ax.fill_between(d.date, d.low95, d.high95, color=PALETTE[0], alpha=0.15, lw=0, label=words["band95"])
    ax.fill_between(d.date, d.low80, d.high80, color=PALETTE[0], alpha=0.3, lw=0, label=words["band80"])
    ax.plot(hist.index, hist.to_numpy(), color=PALETTE[7], lw=1.3, label=words["history"])
    ax.plot(d.date, d.forecast, color=PALETTE[0], lw=1.6, ls="--", label=words["forecast"])
    lo, hi = hist.index[0], d.date.max()
    top = max(float(d.high95.max()), float(hist.max())) if len(d) else float(hist.max())
    for r in fc.festivals.itertuples():
        day = r.peak if pd.notna(r.peak) else r.start
        if lo <= day <= hi:
            ax.axvline(day, color=PALETTE[1], lw=0.8, ls=":")
            ax.annotate(
                text.festival_name(r.festival, lang), (day, top), xytext=(2, 0), textcoords="offset points",
                fontsize=8, color=PALETTE[1], rotation=90, va="top",
            )  # fmt: skip
    ax.axvline(fc.origin, color=PALETTE[7], lw=0.8)
    money = metric in ("gmv", "net_sales")
    ax.yaxis.set_major_formatter(yuan_formatter() if money else count_formatter())
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", ncols=2, fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_warning(w, *, metric: str = "gmv", title: str | None = None, ax=None, lang: str | None = None):
    """The period's daily ``metric`` against the early warning's expectation and band, days outside it marked.
    ``w`` is :func:`shoplab.overview.warning.early_warning`'s result."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    d = w.daily[w.daily.metric == metric]
    words = text.fan_labels(lang)
    ax.fill_between(d.date, d.low, d.high, color=PALETTE[0], alpha=0.15, lw=0, label=f"{w.band:.0%}")
    ax.plot(d.date, d.expected, color=PALETTE[0], lw=1.4, ls="--", label=words["forecast"])
    ax.plot(d.date, d.actual, color=PALETTE[7], lw=1.4, marker="o", ms=3, label=words["history"])
    out = d[d.flagged]
    ax.scatter(out.date, out.actual, color=PALETTE[3], zorder=3, s=30)
    if metric == "conversion":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    else:
        ax.yaxis.set_major_formatter(yuan_formatter() if metric == "gmv" else count_formatter())
    ax.legend(loc="upper left", fontsize=8)
    ax.tick_params(axis="x", labelrotation=30)
    if title:
        ax.set_title(title)
    return ax
