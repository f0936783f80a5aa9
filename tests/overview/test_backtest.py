import numpy as np
import pandas as pd
import pytest
from forecast_helpers import synthetic_shop

from shoplab import stats
from shoplab.overview import backtest as bt


def test_seasonal_naive_repeats_the_last_week():
    h = pd.Series(np.arange(1.0, 15.0))  # 1 .. 14
    assert list(bt.seasonal_naive(h, 10)) == [8, 9, 10, 11, 12, 13, 14, 8, 9, 10]


def test_backtest_on_the_sample_covers_at_its_nominal_rate(sample_shop):
    b = bt.backtest(sample_shop, period="2026-10")
    assert list(b.by_origin.origin) == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert b.days == 184
    # the test: at least 85% of the held-out daily values inside their 95% intervals
    assert b.coverage95 >= 0.85
    assert b.coverage80 <= b.coverage95
    d = b.daily
    assert b.mape == pytest.approx(np.mean(np.abs(d.forecast - d.actual) / d.actual))
    assert b.naive_mape == pytest.approx(stats.mape(d.actual, d.naive))
    # the naive forecast of each month is the last week before it, by weekday
    o = sample_shop.orders.execute()
    o = o[(o.status != "cancelled") & (o.ts >= "2026-04-24") & (o.ts < "2026-05-01")]
    last_week = o.groupby(o.ts.dt.normalize()).amount.sum()
    may = d[d.origin == "2026-05"]
    for _, r in may.head(7).iterrows():
        assert r.naive == pytest.approx(last_week[last_week.index.day_of_week == r.date.day_of_week].item())


def test_short_history_skips(tmp_path):
    shop = synthetic_shop(tmp_path / "s", start="2026-08-01", days=92)  # three months
    check = bt.history_check(shop, period="2026-10")
    assert not check.enough and check.needed == 56
    assert bt.backtest(shop, period="2026-10") is None
