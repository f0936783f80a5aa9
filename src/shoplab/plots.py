"""shoplab's house style for charts: one palette, CJK glyphs, ¥ and thousands formatting, titles that state
the finding. Drawing functions take a small result table and return the matplotlib Axes; they never call
``plt.show()``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter

from .currency import money_symbol  # the shop's currency (¥ by default)
from .i18n import get_lang, tr

__all__ = ["PALETTE", "use_style", "cjk_font", "yuan_formatter", "count_formatter", "plot_daily_trend"]

PALETTE = ["#1f5fa8", "#e07b39", "#3a9e6e", "#c8404d", "#7b5ea7", "#8c6d46", "#d36fb0", "#7f7f7f"]


@functools.cache
def cjk_font() -> str | None:
    """Register the bundled Noto Sans CJK SC font with matplotlib and return its family name."""
    try:
        import mplfonts
    except ImportError:  # pragma: no cover - mplfonts is a dependency
        return None
    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.exists():  # pragma: no cover
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_style() -> None:
    """Apply the house style to matplotlib (fonts, palette, sizes). Safe to call more than once."""
    family = cjk_font()
    rc = {
        "figure.figsize": (9, 4),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.bbox": "tight",
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 13,
        "axes.titleweight": "normal",  # the bundled CJK font has no bold face
        "axes.titlelocation": "left",
        "axes.labelsize": 10,
        "legend.frameon": False,
        "axes.unicode_minus": False,
        "text.parse_math": False,  # a shop's text (a campaign "满$100减$10") is drawn as written, not as TeX math
    }
    if family:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [family, "DejaVu Sans"]
    matplotlib.rcParams.update(rc)


def _compact(x: float, lang: str | None = None) -> str:
    """Short axis numbers: 万/亿 in Chinese reports, K/M/B in English ones (thousands separators below)."""
    ax = abs(x)
    if get_lang(lang) == "zh":
        if ax >= 1e8:
            return f"{x / 1e8:,.1f}亿"
        if ax >= 1e4:
            return f"{x / 1e4:,.1f}万"
        return f"{x:,.0f}"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e4, "K")):
        if ax >= scale:
            return f"{x / scale:,.1f}{suffix}" if scale > 1e4 else f"{x / 1e3:,.0f}K"
    return f"{x:,.0f}"


def yuan_formatter(lang: str | None = None) -> FuncFormatter:
    """Axis formatter for money: ¥1,234 / ¥12.3万 / ¥1.2亿 in Chinese, ¥1,234 / ¥123K / ¥1.2M in English
    (the language of the report when the chart is drawn, unless ``lang`` is given), in the shop's currency."""
    return FuncFormatter(
        lambda x, _: (
            ("-" + money_symbol() + _compact(-x, lang)) if x < 0 else money_symbol() + _compact(x, lang)
        )
    )


def count_formatter(lang: str | None = None) -> FuncFormatter:
    """Axis formatter for counts with thousands separators (万/亿 or K/M/B for large numbers)."""
    return FuncFormatter(lambda x, _: _compact(x, lang))


def plot_daily_trend(
    trend: pd.DataFrame, *, metric: str = "gmv", title: str | None = None, ax=None, lang: str | None = None
):
    """Daily line of ``metric`` for the last period in ``trend``, with the previous period dashed (by day of month).

    ``trend`` is the table from :func:`shoplab.overview.daily_trend`.
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
    cur = trend[trend.period == current]
    if len(cur) and cur[metric].max() > 0:
        top = cur.loc[cur[metric].idxmax()]
        ax.annotate(
            tr(f"peak {top['date']:%m-%d}", f"峰值 {top['date']:%m-%d}", lang),
            (top["day"], top[metric]),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=9,
        )
    money = metric in ("gmv", "net_sales", "amount")
    ax.yaxis.set_major_formatter(yuan_formatter() if money else count_formatter())
    ax.set_xlabel(tr(f"day of month ({current})", f"日期（{current} 的第几天）", lang))
    ylabels = {
        "gmv": (f"GMV ({money_symbol().strip()} per day)", f"成交额（{money_symbol().strip()}/天）"),
        "orders": ("orders per day", "订单数/天"),
        "buyers": ("buyers per day", "购买人数/天"),
    }
    ax.set_ylabel(tr(*ylabels.get(metric, (metric, metric)), lang))
    ax.set_xlim(0.5, 31.5)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax
