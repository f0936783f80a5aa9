import numpy as np
import pandas as pd
import pytest
from forecast_helpers import synthetic_shop

from shoplab.overview import warning


def test_drivers_by_hand():
    # GMV 20% low: orders 5% low, AOV about 16% low -> AOV; then orders 30% high, AOV 1% low -> orders
    which, da, db = warning.drivers([95, 130], [100, 100], [84.2, 99], [100, 100])
    assert list(which) == [1, 0]
    assert da == pytest.approx([-0.05, 0.30]) and db == pytest.approx([-0.158, -0.01])


def test_a_planted_step_change_is_flagged_with_its_driver(tmp_path):
    # orders (and so GMV and conversion) fall by 40% from 2026-03-11; visitors and AOV stay
    shop = synthetic_shop(
        tmp_path / "s", start="2025-06-01", days=304, step_day="2026-03-11", step=0.6, seed=1
    )
    r = warning.early_warning(shop, period="2026-03")
    assert r.origin == pd.Timestamp("2026-03-01") and r.metrics == ("gmv", "orders", "conversion")
    d = r.daily
    after = d[d.date >= "2026-03-11"]
    for m in ("gmv", "orders"):
        assert after[after.metric == m].flagged.mean() >= 0.8, m
    # conversion's model has 91 days of events behind it (EVENT_TRAIN_DAYS): a wider band
    assert after[after.metric == "conversion"].flagged.mean() >= 0.5
    before = d[d.date < "2026-03-11"]
    assert before.flagged.mean() <= 0.1
    f = r.flags[(r.flags.date >= "2026-03-11")]
    assert (f.direction == "below").all()
    assert (f[f.metric == "gmv"].driver == "orders").mean() >= 0.8
    assert (f[f.metric == "conversion"].driver == "visiting_buyers").mean() >= 0.8
    assert f[f.metric == "orders"].deviation.median() == pytest.approx(-0.4, abs=0.1)


def test_placebo_an_unchanged_series_flags_about_one_percent(tmp_path):
    shop = synthetic_shop(tmp_path / "s", start="2025-01-01", days=500, seed=2)
    rates = []
    for period in ("2026-02", "2026-03", "2026-04"):
        r = warning.early_warning(shop, period=period)
        rates.append(r.daily.flagged.to_numpy())
    rate = np.concatenate(rates).mean()  # 3 months x 3 metrics: about 270 day-metric pairs
    assert rate <= 0.03


def test_too_little_history(tmp_path):
    shop = synthetic_shop(tmp_path / "s", start="2026-02-01", days=40)
    assert warning.early_warning(shop, period="2026-03") is None


def test_the_largest_miss_skips_deviations_against_an_expectation_of_zero():
    import numpy as np
    import pandas as pd

    from shoplab.overview.warning import largest_miss

    class W:  # the two fields largest_miss reads
        flags = pd.DataFrame(
            {
                "date": pd.to_datetime(["2024-10-01", "2024-10-02", "2024-10-03"]),
                "metric": ["gmv", "orders", "gmv"],
                "deviation": [np.inf, -0.4, 0.25],
            }
        )

    assert largest_miss(W)["date"] == pd.Timestamp("2024-10-02")
    W.flags = W.flags.assign(deviation=[np.nan, np.inf, -np.inf])
    assert largest_miss(W)["date"] == pd.Timestamp("2024-10-01")  # none finite: the first flagged day
    W.flags = W.flags.iloc[0:0]
    assert largest_miss(W) is None
