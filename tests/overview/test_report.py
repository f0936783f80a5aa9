"""compute_report (shoplab.overview.report) returns what the separate calls return, and record_headlines
(shoplab.overview.metrics) records every declared key with the label the KPI table shows, in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

import shoplab
from shoplab import i18n, metrics, notebook, overview
from shoplab.overview import metrics as overview_metrics


def test_compute_report_is_the_separate_calls(tiny):
    r = overview.compute_report(tiny, period="2024-10")
    assert r.period == "2024-10"
    pd.testing.assert_frame_equal(r.summary, overview.kpi_summary(tiny, "2024-10"))
    pd.testing.assert_frame_equal(r.trend, overview.daily_trend(tiny, "2024-10"))
    pd.testing.assert_frame_equal(r.history, overview.kpi_history(tiny, "2024-10"))
    assert r.refund_window == overview.refund_window(tiny, "2024-10") and r.refunds_incomplete
    short = overview.compute_report(
        tiny, period="2024-10", history_months=1, compare_previous=False, settle_days=0
    )
    assert list(short.history.index) == ["2024-10"] and set(short.trend.period) == {"2024-10"}
    assert short.refund_window.settle_days == 0


@pytest.fixture
def recorded(monkeypatch):
    out = []
    monkeypatch.setattr(
        notebook, "_display", lambda obj, raw=False, **kw: out.append(obj[notebook.METRIC_MIME])
    )
    yield out
    i18n.set_lang("en")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_record_headlines_records_the_declared_keys_with_the_tables_labels(tiny, recorded, lang):
    shoplab.set_lang(lang)
    r = overview.compute_report(tiny, period="2024-10")
    got = overview_metrics.record_headlines(r)
    keys = [f"overview.{k}" for k in overview.HEADLINES]
    assert list(got) == [p["key"] for p in recorded] and list(got)[: len(keys)] == keys
    assert set(keys) <= {m.key for m in overview_metrics.METRICS}
    # the rest: the driver split, detail keys whose effects sum to the change within each split
    details, recorded[:] = recorded[len(keys) :], recorded[: len(keys)]
    assert details and all(p["index"] is False for p in details)
    mom = {p["key"]: p["value"] for p in details if "_mom" in p["key"]}
    change = mom.pop("overview.gmv_change_mom")
    assert change == pytest.approx(r.summary.loc["gmv", "value"] - r.summary.loc["gmv", "previous"])
    # September has orders but no events: buyers / visitors is undefined, so the three-factor chain
    factors = ("buyers", "orders_per_buyer", "aov")
    for split in (factors, ("new", "returning")):
        assert sum(mom[f"overview.gmv_driver_mom.{d}"] for d in split) == pytest.approx(change)
    assert not any("channel" in k or "category" in k for k in mom)  # no orders.channel, no order_items
    assert r.forecast is None and r.backtest is None  # two months of data: too little history
    for p in recorded:
        row = r.summary.loc[p["key"].split(".", 1)[1]]
        # what the one-module overview recorded: the KPI table's label and unit, the previous month, the history
        assert (p["label"], p["unit"], p["previous"]) == (row["label"], row["unit"], row["previous"])
        assert p["value"] == row["value"] and "index" not in p  # a headline: on the index page
        assert p["history"] == {k: v for k, v in r.history[p["key"].split(".", 1)[1]].items()}
        assert metrics.lookup(p["key"]).label(lang) == row["label"]
    # the old call shape (summary, history) records the same
    first = list(recorded)
    recorded.clear()
    overview.record_headlines(r.summary, r.history)
    assert recorded == first
    recorded.clear()
    overview.record_headlines(r.summary)
    assert [p.get("history") for p in recorded] == [None] * len(keys)


def test_headlines_on_the_sample_match_the_pandas_oracle(sample_dir, sample_shop, recorded):
    from overview.test_kpis import pandas_kpis

    want = pandas_kpis(sample_dir, "2026-10")
    got = overview_metrics.record_headlines(overview.compute_report(sample_shop, period="2026-10"))
    for key in overview.HEADLINES:
        assert got[f"overview.{key}"] == pytest.approx(want[key], rel=1e-9), key
