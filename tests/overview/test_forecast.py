import numpy as np
import pandas as pd
import pytest
from forecast_helpers import synthetic_shop

from shoplab import stats
from shoplab.overview import calendar
from shoplab.overview import forecast as fc


def test_mape_and_coverage_by_hand():
    # |110-100|/100 = 0.10, |150-200|/200 = 0.25; the zero actual is left out
    assert stats.mape([100, 200, 0], [110, 150, 5]) == pytest.approx(0.175)
    assert np.isnan(stats.mape([0, 0], [1, 2]))
    # 1 in [0, 2], 5 not in [0, 4], 3 on the bound of [3, 3]
    assert stats.interval_coverage([1, 5, 3], [0, 0, 3], [2, 4, 3]) == pytest.approx(2 / 3)


def test_daily_series_against_pandas(sample_shop):
    s = fc.daily_series(sample_shop, start="2026-06-01", end="2026-07-01")
    o = sample_shop.orders.execute()
    o = o[(o.status != "cancelled") & (o.ts >= "2026-06-01") & (o.ts < "2026-07-01")]
    g = o.groupby(o.ts.dt.normalize()).agg(gmv=("amount", "sum"), orders=("order_id", "size"))
    assert len(s) == 30
    np.testing.assert_allclose(s.gmv.to_numpy(), g.gmv.reindex(s.index, fill_value=0).to_numpy())
    np.testing.assert_allclose(s.orders.to_numpy(), g.orders.reindex(s.index, fill_value=0).to_numpy())
    b = o.groupby(o.ts.dt.normalize()).user_id.nunique()
    np.testing.assert_allclose(s.buyers.to_numpy(), b.reindex(s.index, fill_value=0).to_numpy())


def test_model_recovers_a_planted_festival_effect_and_its_intervals_cover():
    rng = np.random.default_rng(3)
    days = pd.date_range("2025-01-01", periods=500, freq="D")
    x = calendar.regressors(days)
    level = np.cumsum(rng.normal(0, 0.01, len(days)))
    z = np.log(1000) + level + np.log(1.0 + 1.0 * x.festival_peak) + rng.normal(0, 0.1, len(days))
    y = pd.Series(np.expm1(z), index=days)
    fit = fc.fit_model(y.iloc[:400], x, metric="gmv")
    assert "festival_peak" in fit.columns
    assert fit.result.params.iloc[list(fit.columns).index("festival_peak")] == pytest.approx(
        np.log(2), abs=0.15
    )
    f = fc.predict(fit, x.iloc[400:430])
    inside = stats.interval_coverage(y.iloc[400:430], f.low95, f.high95)
    assert inside >= 0.85
    paths = fc.simulate(fit, x.iloc[400:430], n=2000)
    # each day's simulated spread agrees with the model's daily 95% interval
    share = ((paths >= f.low95.to_numpy()[:, None]) & (paths <= f.high95.to_numpy()[:, None])).mean()
    assert share == pytest.approx(0.95, abs=0.02)


def test_forecast_totals_and_year_projection(sample_shop):
    r = fc.forecast(sample_shop, period="2026-10")
    assert r.origin == pd.Timestamp("2026-11-01")
    nm = r.total("month", "gmv")
    assert nm["label"] == "2026-11" and nm["days"] == 30
    assert nm["low95"] < nm["low80"] < nm["forecast"] < nm["high80"] < nm["high95"]
    # the daily forecasts of the month add up to close to the total's median
    daily = r.daily[(r.daily.metric == "gmv") & (r.daily.date.dt.month == 11)]
    assert daily.forecast.sum() == pytest.approx(nm["forecast"], rel=0.1)
    fy = r.total("full_year", "gmv")
    hist = r.history.loc["2026-01-01":"2026-10-31", "gmv"].sum()
    assert fy["actual"] == pytest.approx(hist)
    year = r.total("year", "gmv")
    assert fy["forecast"] == pytest.approx(hist + year["forecast"])
    assert r.total("quarter", "buyers") is None  # distinct buyers do not add up over a quarter
    p = fc.projection(r, "gmv")
    assert p.low95 <= p.low80 <= p.point <= p.high80 <= p.high95
    assert fc.year_projection(sample_shop, period="2026-10", metric="gmv") == pytest.approx(p, rel=1e-9)
    with pytest.raises(ValueError, match="buyers"):
        fc.year_projection(sample_shop, period="2026-10", metric="buyers")
    # monthly buyers: distinct, fewer than the sum of daily buyers; the ratio of the last three full months
    o = sample_shop.orders.execute()
    o = o[(o.status != "cancelled") & (o.ts >= "2026-08-01") & (o.ts < "2026-11-01")]
    by_month = o.groupby(o.ts.dt.to_period("M"))
    daily = o.groupby([o.ts.dt.to_period("M"), o.ts.dt.normalize()]).user_id.nunique().groupby(level=0).sum()
    assert r.buyer_ratio == pytest.approx((by_month.user_id.nunique() / daily).mean())
    assert 0 < r.buyer_ratio < 1
    assert r.total("month", "buyers")["forecast"] < r.daily[r.daily.metric == "buyers"].forecast[:30].sum()


def test_forecast_needs_some_history(tmp_path):
    shop = synthetic_shop(tmp_path / "s", start="2026-08-01", days=40)
    assert fc.forecast(shop, period="2026-08") is None
