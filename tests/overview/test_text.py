"""The overview's words (shoplab.overview.text) and its chart (shoplab.overview.plots) on the tiny shop:
hand-worked titles, findings and notes in English and Chinese, and the names kept for compatibility."""

from __future__ import annotations

import matplotlib
import pytest

from shoplab import overview, plots
from shoplab.overview import kpis, text
from shoplab.overview import plots as overview_plots

matplotlib.use("Agg")


def test_latest_month_refund_rate_is_marked_incomplete(tiny):
    # the data ends 2024-10-31: October's refunds are still to come; September's had 30 days to arrive
    assert overview.refunds_incomplete(tiny, "2024-10")
    assert not overview.refunds_incomplete(tiny, "2024-09")
    assert overview.refund_rate_note(tiny, "2024-09") is None
    en = overview.refund_rate_note(tiny, "2024-10", lang="en")
    zh = overview.refund_rate_note(tiny, "2024-10", lang="zh")
    assert "2024-10 is the latest month in the data" in en and "still incomplete" in en
    assert "2024-10 是数据中最新的月份" in zh and "尚不完整" in zh
    s = overview.kpi_summary(tiny, "2024-10")
    for lang, words in (("en", "still incomplete"), ("zh", "尚不完整")):
        marked = " ".join(overview.findings(s, period="2024-10", refunds_incomplete=True, lang=lang))
        plain = " ".join(overview.findings(s, period="2024-10", lang=lang))
        assert words in marked and words not in plain
    # with a longer settling time September is still open too, and the note says how far the data runs
    note = overview.refund_rate_note(tiny, "2024-09", settle_days=40, lang="en")
    assert "the data ends 31 days after 2024-09" in note and "settled 40 days after" in note


def test_refund_window_and_its_note(tiny):
    # the data's last order is 2024-10-31 23:00: inside October, 31 days after September's end
    w = kpis.refund_window(tiny, "2024-10")
    assert (w.period, w.incomplete, w.days_after, w.settle_days) == ("2024-10", True, None, 30)
    w = kpis.refund_window(tiny, "2024-09", settle_days=40)
    assert (w.incomplete, w.days_after) == (True, 31)
    assert not kpis.refund_window(tiny, "2024-09").incomplete
    assert text.refund_note(kpis.refund_window(tiny, "2024-09")) is None
    one_day = kpis.RefundWindow("2024-09", True, 30, 1)
    assert "the data ends 1 day after 2024-09" in text.refund_note(one_day, lang="en")
    assert "数据截止于 2024-09 结束后第 1 天" in text.refund_note(one_day, lang="zh")
    # the old call shape gives the same words
    assert overview.refund_rate_note(tiny, "2024-10", lang="zh") == text.refund_note(
        kpis.refund_window(tiny, "2024-10"), lang="zh"
    )


def test_trend_summary_and_title_hand_worked(tiny):
    # October GMV by day: 10-03 100, 10-04 50, 10-10 30 (refunded: sold), 10-31 20 -> 200; September: 40
    t = overview.daily_trend(tiny, "2024-10")
    g = kpis.trend_summary(t, "gmv")
    assert (g.period, g.total, g.peak_value, g.peak_day, f"{g.peak_date:%Y-%m-%d}") == (
        "2024-10", 200, 100, 3, "2024-10-03"
    )  # fmt: skip
    assert g.peak_share == 0.5 and g.previous_period == "2024-09" and g.change == pytest.approx(4.0)
    assert (
        text.trend_title(t, "gmv", lang="en")
        == "GMV per day, 2024-10: peak ¥100 on 10-03; month total +400.0% vs 2024-09"
    )
    assert (
        text.trend_title(t, "gmv", lang="zh")
        == "2024-10 每日成交额：10-03 达到峰值 ¥100；全月合计较 2024-09 +400.0%"
    )
    # four orders in October on four days (the first is the peak), one in September
    assert (
        text.trend_title(t, "orders", lang="en")
        == "Orders per day, 2024-10: peak 1 on 10-03; month total +300.0% vs 2024-09"
    )
    assert text.trend_title(t, "buyers", lang="zh").startswith("2024-10 每日购买人数：10-03 达到峰值 1")
    only = overview.daily_trend(tiny, "2024-10", compare_previous=False)
    assert kpis.trend_summary(only).previous_total is None
    assert text.trend_title(only, lang="en") == "GMV per day, 2024-10: peak ¥100 on 10-03"
    empty = overview.daily_trend(tiny, "2024-08", compare_previous=False)
    assert text.trend_title(empty, lang="zh") == "2024-08 每日成交额：无销售"
    best = [f for f in text.findings(overview.kpi_summary(tiny, "2024-10"), t, lang="en") if "best day" in f]
    assert best == ["The best day was 2024-10-03 with ¥100 GMV (50% of the month)."]


def test_kpi_names_come_from_the_glossary_and_keep_the_old_names():
    # the names the one-module overview had (KPIS, KPI_LABELS_ZH): metrics.json labels depend on them
    assert overview.KPIS == {
        "gmv": ("GMV", "yuan"), "net_sales": ("Net sales", "yuan"), "orders": ("Orders", "count"),
        "buyers": ("Buyers", "count"), "aov": ("AOV", "yuan"), "new_users": ("New users", "count"),
        "active_users": ("Active users (MAU)", "count"), "dau": ("Average DAU", "count"),
        "stickiness": ("Stickiness (DAU/MAU)", "rate"), "conversion": ("Visit-to-buy conversion", "rate"),
        "repurchase_rate": ("Repurchase rate", "rate"), "refund_rate": ("Refund rate", "rate"),
    }  # fmt: skip
    assert overview.KPI_LABELS_ZH == {
        "gmv": "成交额 (GMV)", "net_sales": "净销售额", "orders": "订单数", "buyers": "购买人数", "aov": "客单价",
        "new_users": "新用户", "active_users": "月活跃用户 (MAU)", "dau": "日均活跃 (DAU)",
        "stickiness": "粘性 (DAU/MAU)", "conversion": "访问-购买转化率", "repurchase_rate": "复购率",
        "refund_rate": "退款率",
    }  # fmt: skip
    assert text.kpi_label("aov", "zh") == "客单价" and overview.kpi_label("gmv", "en") == "GMV"
    assert list(overview.KPIS) == list(overview.KPI_UNITS)


def test_compatibility_names_are_the_same_objects():
    assert overview.findings is text.findings and overview.format_summary is text.format_summary
    assert overview.trend_title is text.trend_title and overview.kpi_summary is kpis.kpi_summary
    assert overview.record_headlines is overview.metrics.record_headlines
    from shoplab.plots import plot_daily_trend

    assert plot_daily_trend is plots.plot_daily_trend is overview_plots.plot_daily_trend
    with pytest.raises(AttributeError):
        plots.no_such_chart  # noqa: B018


def test_trend_chart_draws_the_words_of_text(tiny):
    t = overview.daily_trend(tiny, "2024-10")
    ax = overview_plots.plot_daily_trend(t, metric="gmv", title=text.trend_title(t, lang="zh"), lang="zh")
    assert ax.get_xlabel() == "日期（2024-10 的第几天）" and ax.get_ylabel() == "成交额（¥/天）"
    assert ax.get_title(loc="left") == "2024-10 每日成交额：10-03 达到峰值 ¥100；全月合计较 2024-09 +400.0%"
    (note,) = [c for c in ax.texts if c.get_text().startswith("峰值")]
    assert note.get_text() == "峰值 10-03" and tuple(note.xy) == (3, 100)
    ax = overview_plots.plot_daily_trend(t, metric="orders", lang="en")
    assert ax.get_ylabel() == "orders per day" and ax.get_xlabel() == "day of month (2024-10)"
    assert [line.get_label() for line in ax.get_lines()] == ["2024-09", "2024-10"]
    matplotlib.pyplot.close("all")
