import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from shoplab import plots  # noqa: E402


def test_chinese_labels_have_glyphs():
    plots.use_style()
    assert plots.cjk_font() is not None
    fig, ax = plt.subplots()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.bar(["美妆", "服饰", "家居", "钻石会员"], [3, 2, 1, 4])
        ax.set_title("双11 销售额 ¥ 万")
        fig.canvas.draw()
    missing = [
        str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert not missing, missing
    plt.close(fig)


def test_money_and_count_formatters():
    y, c = plots.yuan_formatter("zh"), plots.count_formatter("zh")
    assert y(1234, 0) == "¥1,234" and y(123_456, 0) == "¥12.3万" and y(2.5e8, 0) == "¥2.5亿"
    assert c(999, 0) == "999" and c(12_000, 0) == "1.2万"
    y, c = plots.yuan_formatter("en"), plots.count_formatter("en")
    assert y(1234, 0) == "¥1,234" and y(123_456, 0) == "¥123K" and y(2.5e8, 0) == "¥250.0M"
    assert y(-1500, 0) == "-¥1,500" and y(0, 0) == "¥0"  # a loss: the sign before the currency
    assert c(999, 0) == "999" and c(12_000, 0) == "12K" and c(3.2e9, 0) == "3.2B"


def test_axis_numbers_follow_the_report_language():
    from shoplab.i18n import set_lang

    try:
        set_lang("zh")
        assert plots.count_formatter()(12_000, 0) == "1.2万"
        set_lang("en")
        assert plots.count_formatter()(12_000, 0) == "12K"
    finally:
        set_lang("en")


def test_daily_trend_plot_returns_axes():
    days = pd.date_range("2026-09-01", "2026-10-31", freq="D")
    trend = pd.DataFrame(
        {
            "period": [d.strftime("%Y-%m") for d in days],
            "day": days.day,
            "date": days,
            "gmv": range(len(days)),
            "orders": 1,
            "buyers": 1,
        }
    )
    ax = plots.plot_daily_trend(trend, title="t")
    assert ax.get_title(loc="left") == "t" and len(ax.lines) == 2
    plt.close(ax.figure)


def test_axes_gives_a_house_style_axes_or_keeps_the_given_one():
    from shoplab.membership import plots as mplots
    from shoplab.profiling import plots as pplots

    ax = plots.axes(size=(5, 3))
    assert tuple(ax.figure.get_size_inches()) == (5, 3)
    assert plots.axes(ax) is ax
    assert mplots._ax is plots.axes and pplots._ax is plots.axes
    plt.close("all")
