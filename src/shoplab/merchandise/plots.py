"""The merchandise charts, drawing only: they take tables of :class:`~.report.MerchandiseResults`, their wording
from :mod:`.text`, the house style from :mod:`shoplab.plots`, and return the Axes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import PercentFormatter

from ..i18n import tr
from ..plots import PALETTE, use_style
from . import text

__all__ = ["plot_pareto", "plot_tier_mix"]


def plot_pareto(pareto: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """Cumulative share of item GMV against the share of items (best first), with the 20% line."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    ax.plot(pareto["item_share"], pareto["gmv_share"], color=PALETTE[0], lw=2.2)
    ax.plot([0, 1], [0, 1], color=PALETTE[7], ls="--", lw=1)
    ax.axvline(0.2, color=PALETTE[1], ls=":", lw=1.2)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(tr("share of items sold (best first)", "动销商品占比（按成交额从高到低）", lang))
    ax.set_ylabel(tr("cumulative share of item GMV", "累计成交额占比", lang))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    if title:
        ax.set_title(title)
    return ax


def plot_tier_mix(mix: pd.DataFrame, *, title: str | None = None, ax=None, lang: str | None = None):
    """Bars per tier: the plan (4321) and the actual shares of GMV, stock value and views."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    series = [("plan", PALETTE[7]), ("gmv_share", PALETTE[0]), ("stock_share", PALETTE[1])]
    series += [("view_share", PALETTE[2])]
    series = [(c, colour) for c, colour in series if mix[c].notna().any()]
    x = np.arange(len(mix))
    w = 0.8 / len(series)
    for k, (c, colour) in enumerate(series):
        ax.bar(
            x + (k - (len(series) - 1) / 2) * w, mix[c].fillna(0), w, label=text.col(c, lang), color=colour
        )
    ax.set_xticks(x, [text.tier_name(t, lang) for t in mix["tier"]])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(tr("share", "占比", lang))
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax
