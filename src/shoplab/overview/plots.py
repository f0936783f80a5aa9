"""The overview's chart, drawing only: it takes the daily trend (:func:`.kpis.daily_trend`), its wording from
:mod:`.text`, the house style from :mod:`shoplab.plots`, and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..periods import Period
from ..plots import PALETTE, count_formatter, use_style, yuan_formatter
from . import text
from .kpis import trend_summary

__all__ = ["plot_daily_trend"]


def plot_daily_trend(
    trend: pd.DataFrame, *, metric: str = "gmv", title: str | None = None, ax=None, lang: str | None = None
):
    """Daily line of ``metric`` for the last period in ``trend``, with the previous period dashed (by day of month;
    for a quarter or range by day of the period; for a year, one point per month).

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
            text.peak_label(t.peak_date, lang, monthly=Period.parse(current).monthly),
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
    if Period.parse(current).is_month:
        ax.set_xlim(0.5, 31.5)
    else:
        ax.set_xlim(0.5, max(trend["day"].max(), 1) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax
