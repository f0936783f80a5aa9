"""The overview's charts, drawing only: the daily trend (:func:`.kpis.daily_trend`) and why GMV moved
(:func:`.drivers.gmv_drivers`), their wording from
:mod:`.text`, the house style from :mod:`shoplab.plots`, and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..periods import Period
from ..plots import PALETTE, count_formatter, use_style, yuan_formatter
from . import text
from .kpis import trend_summary

__all__ = ["plot_daily_trend", "plot_drivers", "plot_forecast_fan", "plot_warning"]


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


def plot_drivers(
    drivers: pd.DataFrame,
    *,
    comparison: str = "previous",
    title: str | None = None,
    axes=None,
    lang: str | None = None,
):
    """Why GMV moved, for one comparison of :func:`shoplab.overview.drivers.gmv_drivers`: a waterfall from the
    base month's GMV through the factor effects to this month's, and the contributions by channel and by
    category (the panels the table has). Returns the array of Axes; ``title`` e.g. from
    :func:`shoplab.overview.text.drivers_title`."""
    use_style()
    d = drivers[drivers.comparison == comparison]
    dims = [k for k in ("factor", "channel", "category") if (d.dimension == k).any()]
    if axes is None:
        _, axes = plt.subplots(1, max(1, len(dims)), figsize=(4.6 * max(1, len(dims)), 4.2), squeeze=False)
        axes = axes[0]
    words = text.drivers_axis_labels(lang)
    for ax, dim in zip(axes, dims, strict=False):
        g = d[d.dimension == dim]
        if dim == "factor":
            total0 = float(g.base_gmv.iloc[0])
            names = [g.base.iloc[0], *(text.driver_name(dim, x, lang) for x in g.driver), g.period.iloc[0]]
            bottoms, heights, colors = [0.0], [total0], [PALETTE[7]]
            run = total0
            for e in g.effect:
                bottoms.append(run if e >= 0 else run + e)
                heights.append(abs(e))
                colors.append(PALETTE[2] if e >= 0 else PALETTE[3])
                run += e
            bottoms.append(0.0)
            heights.append(run)
            colors.append(PALETTE[0])
            ax.bar(range(len(names)), heights, bottom=bottoms, color=colors)
            ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
            ax.yaxis.set_major_formatter(yuan_formatter())
        else:
            g = g.reindex(g.effect.abs().sort_values().index)
            ax.barh(
                [text.driver_name(dim, x, lang) for x in g.driver],
                g.effect,
                color=[PALETTE[2] if e >= 0 else PALETTE[3] for e in g.effect],
            )
            ax.axvline(0, color=PALETTE[7], lw=0.8)
            ax.xaxis.set_major_formatter(yuan_formatter())
            ax.set_xlabel(words["effect"])
        ax.set_title(words[dim], fontsize=10)
    if title:
        axes[0].figure.suptitle(title)
    return axes


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
