"""The forecast, backtest and early-warning parts of compute_report, their metrics.json keys (absent when the
sections skip) and their words (shoplab.overview.text) in both languages."""

from __future__ import annotations

import pandas as pd
import pytest
from forecast_helpers import synthetic_shop

from shoplab import i18n, notebook, overview
from shoplab.overview import backtest as bt
from shoplab.overview import forecast as fc
from shoplab.overview import metrics as overview_metrics
from shoplab.overview import text

FORECAST_KEYS = {
    "overview.gmv_forecast_next_month",
    "overview.gmv_forecast_next_month_low",
    "overview.gmv_forecast_next_month_high",
    "overview.gmv_backtest_mape",
    "overview.gmv_backtest_naive_mape",
    "overview.gmv_backtest_coverage95",
}


@pytest.fixture
def recorded(monkeypatch):
    out = []
    monkeypatch.setattr(
        notebook, "_display", lambda obj, raw=False, **kw: out.append(obj[notebook.METRIC_MIME])
    )
    yield out
    i18n.set_lang("en")


def test_the_sample_report_records_the_forecast_keys(sample_shop, recorded):
    r = overview.compute_report(sample_shop, period="2026-10")
    assert r.history_check.enough
    got = overview_metrics.record_headlines(r)
    assert FORECAST_KEYS <= set(got)
    nm = r.forecast.total("month", "gmv")
    assert got["overview.gmv_forecast_next_month"] == nm["forecast"]
    assert (got["overview.gmv_forecast_next_month_low"], got["overview.gmv_forecast_next_month_high"]) == (
        nm["low95"],
        nm["high95"],
    )
    assert got["overview.gmv_backtest_mape"] == r.backtest.mape
    assert got["overview.gmv_backtest_coverage95"] == r.backtest.coverage95
    assert got["overview.warning_days"] == r.warning.flags.date.nunique()
    assert {p["key"] for p in recorded} == set(got)


def test_three_months_of_history_skip_forecast_and_backtest(tmp_path, recorded):
    shop = synthetic_shop(tmp_path / "s", start="2026-08-01", days=92)  # an import of three months
    r = overview.compute_report(shop, period="2026-10")
    assert r.forecast is None and r.backtest is None and not r.history_check.enough
    got = overview_metrics.record_headlines(r)
    assert not FORECAST_KEYS & set(got)
    note = text.forecast_skip_note(r.history_check, "en")
    assert "skipped" in note and f"{r.history_check.days} days" in note
    assert "跳过" in text.forecast_skip_note(r.history_check, "zh")
    # the early warning has two months before 2026-10 to fit on: it runs
    assert r.warning is not None


def _fake_forecast():
    totals = pd.DataFrame(
        [
            dict(horizon="month", metric="gmv", label="2026-11", start=pd.Timestamp("2026-11-01"),
                 end=pd.Timestamp("2026-11-30"), days=30, actual=0.0, forecast=1_000_000.0, low80=900_000.0,
                 high80=1_100_000.0, low95=800_000.0, high95=1_250_000.0),
            dict(horizon="full_year", metric="gmv", label="2026", start=pd.Timestamp("2026-01-01"),
                 end=pd.Timestamp("2026-12-31"), days=61, actual=9_000_000.0, forecast=11_000_000.0,
                 low80=10_500_000.0, high80=11_500_000.0, low95=10_000_000.0, high95=12_000_000.0),
        ]
    )  # fmt: skip
    return fc.ForecastResult(
        "2026-10", pd.Timestamp("2026-11-01"), pd.DataFrame(), pd.DataFrame(), totals, 0.6, (), pd.DataFrame()
    )


def _fake_backtest(mape, naive, cov):
    by = pd.DataFrame(
        [dict(origin="2026-10", days=31, mape=mape, naive_mape=naive, coverage80=0.8, coverage95=cov)]
    )
    return bt.BacktestResult("gmv", pd.DataFrame(index=range(184)), by, mape, naive, 0.8, cov)


def test_forecast_findings_by_hand_in_both_languages():
    f = text.forecast_findings(_fake_forecast(), _fake_backtest(0.12, 0.2, 0.95), lang="en")
    assert (
        f[0]
        == "Next month (2026-11): GMV is forecast at ¥1,000,000 (95% interval ¥800,000 – ¥1,250,000; 80%: ¥900,000 – ¥1,100,000)."
    )
    assert f[1].startswith(
        "The full year 2026 is projected at ¥11,000,000 (95% interval ¥10,000,000 – ¥12,000,000)"
    )
    assert "¥9,000,000 to the period's end plus 61 days" in f[1]
    assert "missed by 12.0% on average (MAPE), better than a weekly seasonal naive forecast (20.0%)" in f[2]
    assert [x.section for x in f] == ["forecast", "forecast", "backtest"]
    zh = text.forecast_findings(_fake_forecast(), _fake_backtest(0.12, 0.2, 0.95), lang="zh")
    assert zh[0].startswith("下月（2026-11）成交额预测为 ¥1,000,000")
    assert "优于按上周同日的朴素预测（20.0%）" in zh[2]


def test_the_report_says_when_the_model_does_not_beat_the_baseline():
    f = text.forecast_findings(_fake_forecast(), _fake_backtest(0.25, 0.2, 0.80), lang="en")
    assert "does not beat a weekly seasonal naive forecast" in f[2] and "MAPE 25.0% against 20.0%" in f[2]
    assert "too narrow" in f[2]
    zh = text.forecast_findings(_fake_forecast(), _fake_backtest(0.25, 0.2, 0.80), lang="zh")
    assert "没有胜过" in zh[2] and "区间偏窄" in zh[2]


def test_warning_findings_name_the_largest_miss_and_its_driver():
    daily = pd.DataFrame({"metric": ["gmv"], "flagged": [True]})
    flags = pd.DataFrame(
        dict(date=[pd.Timestamp("2026-10-12")], metric=["gmv"], actual=[30_000.0], expected=[50_000.0],
             low=[35_000.0], high=[70_000.0], deviation=[-0.4], flagged=[True], direction=["below"],
             driver=["orders"], other=["aov"], driver_deviation=[-0.35], other_deviation=[-0.08])
    )  # fmt: skip
    from shoplab.overview.warning import WarningResult

    w = WarningResult(
        "2026-10", 0.99, pd.Timestamp("2026-01-01"), pd.Timestamp("2026-10-01"), daily, flags, ("gmv",)
    )
    (en,) = text.warning_findings(w, lang="en")
    assert en == (
        "1 day of 2026-10 fell outside the 99% band; the largest miss: GMV on 2026-10-12, -40.0% against "
        "expectation, mostly Orders (-35.0%)."
    )
    (zh,) = text.warning_findings(w, lang="zh")
    assert "2026-10-12 的成交额 (GMV)，较预期 -40.0%，主要来自订单数（-35.0%）" in zh
    assert list(text.format_warning(w, "en").iloc[0])[-1] == "Orders -35.0%"
