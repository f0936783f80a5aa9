"""The service report's charts, drawing only: each takes a table of :class:`~.report.ServiceResults`, its title
from :mod:`.text`, the house style from :mod:`shoplab.plots`, and returns the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .. import labels
from ..i18n import tr
from ..plots import PALETTE, use_style

__all__ = ["plot_response_by_hour", "plot_response_by_day", "plot_delivery_by", "plot_dsr_trend",
           "plot_return_rate_by_category"]  # fmt: skip


def _ax(ax):
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    return ax


def plot_response_by_hour(by_hour: pd.DataFrame, *, target_s: float, title=None, ax=None, lang=None):
    """Median first response (seconds) by hour of day, with the target as a dashed line."""
    ax = _ax(ax)
    ax.bar(by_hour.index, by_hour.median_s, color=PALETTE[0], label=tr("median", "中位数", lang))
    ax.plot(by_hour.index, by_hour.p90_s, color=PALETTE[1], marker="o", ms=3, label="p90")
    ax.axhline(target_s, color=PALETTE[7], ls="--", lw=1, label=tr("target", "目标", lang))
    ax.set_xlabel(tr("hour of day", "小时", lang))
    ax.set_ylabel(tr("seconds to first response", "首次响应（秒）", lang))
    ax.set_xticks(range(0, 24, 2))
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_response_by_day(by_day: pd.DataFrame, *, target_s: float, title=None, ax=None, lang=None):
    """Daily median first response, promotion days shaded."""
    ax = _ax(ax)
    days = pd.to_datetime(by_day.day)
    for d in days[by_day.promotion.to_numpy()]:
        ax.axvspan(d - pd.Timedelta(hours=12), d + pd.Timedelta(hours=12), color=PALETTE[3], alpha=0.15, lw=0)
    ax.plot(days, by_day.median_s, color=PALETTE[0], marker="o", ms=3, label=tr("median", "中位数", lang))
    ax.axhline(target_s, color=PALETTE[7], ls="--", lw=1, label=tr("target", "目标", lang))
    ax.set_ylabel(tr("seconds to first response", "首次响应（秒）", lang))
    ax.legend(loc="upper right")
    ax.figure.autofmt_xdate()
    if title:
        ax.set_title(title)
    return ax


def plot_delivery_by(by: pd.DataFrame, *, target_days: float, title=None, ax=None, lang=None):
    """Median delivery days per carrier (or province), slowest on top, with the target."""
    ax = _ax(ax)
    d = by.sort_values("days_median")
    ax.barh([str(i) for i in d.index], d.days_median, color=PALETTE[0])
    ax.axvline(target_days, color=PALETTE[1], ls="--", lw=1, label=tr("target", "目标", lang))
    ax.set_xlabel(tr("days from shipment to delivery (median)", "发货到签收天数（中位数）", lang))
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def plot_dsr_trend(trend: pd.DataFrame, *, title=None, ax=None, lang=None):
    """The three DSR scores at each month's end."""
    ax = _ax(ax)
    for i, a in enumerate(("description", "service", "logistics")):
        ax.plot(
            trend.index,
            trend[a],
            marker="o",
            ms=3,
            color=PALETTE[i],
            label=labels.label("dsr_aspect", a, lang),
        )
    ax.set_ylabel(tr("score (1-5)", "评分（1-5）", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.tick_params(axis="x", rotation=45)
    if title:
        ax.set_title(title)
    return ax


def plot_return_rate_by_category(by_cat: pd.DataFrame, *, title=None, ax=None, lang=None):
    """Return rate per category, highest on top."""
    ax = _ax(ax)
    d = by_cat.sort_values("return_rate")
    ax.barh([str(i) for i in d.index], d.return_rate * 100, color=PALETTE[0])
    ax.set_xlabel(tr("returns per 100 orders", "每 100 单退货数", lang))
    if title:
        ax.set_title(title)
    return ax
