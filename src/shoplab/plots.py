"""shoplab's house style for charts: one palette, CJK glyphs, ¥ and thousands formatting, titles that state
the finding. Drawing functions take a small result table and return the matplotlib Axes; they never call
``plt.show()``.

Each report draws its own charts in its ``plots`` module (``shoplab.overview.plots.plot_daily_trend``, reachable
here as ``shoplab.plots.plot_daily_trend`` too) with this style.
"""

from __future__ import annotations

import functools
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter

from .currency import money_symbol  # the shop's currency (¥ by default)
from .i18n import get_lang

__all__ = ["PALETTE", "use_style", "axes", "cjk_font", "yuan_formatter", "count_formatter"]

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


def axes(ax=None, size: tuple[float, float] = (9, 4)):
    """``ax`` in the house style, or a new figure of ``size`` inches with one Axes when ``ax`` is None."""
    import matplotlib.pyplot as plt

    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


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


def __getattr__(name: str):
    # overview's daily trend chart moved to shoplab.overview.plots; the old name keeps working (imported on first
    # use: shoplab.overview.plots draws with this module's house style)
    if name == "plot_daily_trend":
        from .overview.plots import plot_daily_trend

        return plot_daily_trend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
