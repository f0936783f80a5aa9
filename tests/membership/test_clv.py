"""CLV models reproduce the published CDNOW results.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers" the easy way: an alternative to the
Pareto/NBD model. Marketing Science 24(2), 275-284 (BG/NBD: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
LL = -9582.4; expected purchases of a new customer and of the customer with x = 2, t_x = 30.43, T = 38.86).
Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value, http://www.brucehardie.com/notes/025/
(p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat customers). Values as listed in data/external/cdnow/README.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from shoplab.membership import BetaGeo, GammaGamma, clv_summary, customer_value, holdout_check

CDNOW = Path(__file__).resolve().parents[2] / "data" / "external" / "cdnow"


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    df = pd.read_csv(
        CDNOW / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "user_id", "date", "cds", "amount"],
        dtype={"date": str},
    )
    df["ts"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


@pytest.fixture(scope="module")
def summary(cdnow) -> pd.DataFrame:
    # 39-week calibration from 1997-01-01 (last day 1997-09-30), holdout to 1998-06-30
    return clv_summary(cdnow, calibration_end="1997-09-30", observation_end="1998-06-30", time_unit="W")


@pytest.fixture(scope="module")
def bg(summary) -> BetaGeo:
    return BetaGeo().fit(summary)


@pytest.fixture(scope="module")
def gg(summary) -> GammaGamma:
    return GammaGamma().fit(summary)


def test_summary_shape(summary):
    assert len(summary) == 2357
    assert (summary.frequency > 0).sum() == 946
    first = summary.loc[1]  # the paper's example customer
    assert first.frequency == 2
    assert first.recency == pytest.approx(30.43, abs=0.005)
    assert first["T"] == pytest.approx(38.86, abs=0.005)
    assert first.monetary_value == pytest.approx((29.73 + 14.96) / 2)


def test_betageo_published_parameters(bg):
    p = bg.params_
    assert p["r"] == pytest.approx(0.243, abs=0.001)
    assert p["alpha"] == pytest.approx(4.414, abs=0.005)
    assert p["a"] == pytest.approx(0.793, abs=0.001)
    assert p["b"] == pytest.approx(2.426, abs=0.005)
    assert bg.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)


def test_betageo_published_expectations(bg):
    got = bg.expected_purchases_new([0.1429, 1, 3, 31.8571, 32, 78])
    np.testing.assert_allclose(got, [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576], atol=6e-4)
    assert bg.conditional_expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.002)


def test_gammagamma_published(gg, summary):
    assert gg.n_ == 946
    assert gg.params_["p"] == pytest.approx(6.25, abs=0.01)
    assert gg.params_["q"] == pytest.approx(3.74, abs=0.01)
    assert gg.params_["v"] == pytest.approx(15.44, abs=0.01)
    got = gg.predict(summary).loc[1:10].to_numpy()
    expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    np.testing.assert_allclose(got, expected, rtol=0.005)  # two significant digits and better


def test_holdout_check_totals(bg, summary):
    h = holdout_check(bg, summary)
    total = h.set_index("repeat_purchases_in_calibration").loc["all"]
    # 39-week holdout: 1,882 actual repeat purchases; the model predicts about 1,653 (-12%). The paper's
    # Figure 1 shows the same slight under-forecast of CDNOW's cumulative repeat purchases in the holdout.
    assert total.users == 2357
    assert summary.frequency_holdout.sum() == 1882
    assert total.predicted * 2357 == pytest.approx(1653, abs=5)
    # predicted and actual both rise with calibration frequency
    groups = h.iloc[:-1]
    assert groups.actual.is_monotonic_increasing or groups.actual.diff().dropna().min() > -0.5
    assert groups.predicted.is_monotonic_increasing
    assert h.users.iloc[:-1].sum() == 2357


def test_pandas_input_equals_ibis_input(cdnow):
    import ibis

    a = clv_summary(cdnow, calibration_end="1997-09-30")
    b = clv_summary(ibis.memtable(cdnow), calibration_end="1997-09-30")
    pd.testing.assert_frame_equal(a, b)


def test_hand_worked_summary():
    o = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 1, 2, 3, 3],
            "ts": pd.to_datetime(
                [
                    "2024-01-01 09:00",
                    "2024-01-08 10:00",
                    "2024-01-08 18:00",
                    "2024-01-20 00:00",
                    "2024-01-10 00:00",
                    "2024-01-03 00:00",
                    "2024-01-17 00:00",
                ]
            ),
            "amount": [10.0, 5.0, 7.0, 100.0, 8.0, 3.0, 4.0],
            "status": ["paid", "paid", "paid", "paid", "paid", "paid", "cancelled"],
        }
    )
    s = clv_summary(o, calibration_end="2024-01-15", observation_end="2024-01-29", time_unit="D")
    assert s.loc[1, ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 7.0, 14.0, 12.0]
    assert s.loc[1, ["frequency_holdout", "monetary_value_holdout", "duration_holdout"]].tolist() == [
        1.0,
        100.0,
        14.0,
    ]
    assert s.loc[2, ["frequency", "recency", "T", "monetary_value"]].tolist() == [0.0, 0.0, 5.0, 0.0]
    assert s.loc[3, "frequency_holdout"] == 0  # the cancelled order does not count


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="amount.*columns present: user_id, ts"):
        clv_summary(
            pd.DataFrame({"user_id": [1], "ts": pd.to_datetime(["2024-01-01"])}), calibration_end="2024-02-01"
        )


def test_customer_value_discounting(bg, gg, summary):
    v0 = customer_value(bg, gg, summary, months=12, discount_rate=0.0)
    v1 = customer_value(bg, gg, summary, months=12, discount_rate=0.10)
    np.testing.assert_allclose(
        v0.clv, v0.expected_purchases * v0.expected_value, rtol=1e-9
    )  # no discount: expected purchases times value
    assert (v1.clv < v0.clv).all()
    # discounting at 10% a year costs between 0 and 10% of the undiscounted value over one year
    ratio = v1.clv.sum() / v0.clv.sum()
    assert 0.9 < ratio < 1.0
    assert v0.p_alive.between(0, 1).all()


def test_unfitted_model_raises():
    with pytest.raises(RuntimeError, match="fit"):
        BetaGeo().p_alive(1, 1, 2)


def test_summary_does_not_depend_on_the_order_of_the_rows():
    """The engine adds a group's rows in the order its threads meet them: the summary (and so every model fitted
    on it) must be the same for any order of the same orders, and its sums the exact sums of the cents."""
    rng = np.random.default_rng(3)
    n = 2000
    o = pd.DataFrame(
        {
            "user_id": rng.integers(0, 40, n),
            "ts": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 6, n), unit="D"),
            "amount": rng.integers(1, 10**7, n) / 100,  # cents up to 100,000.00
        }
    )
    base = clv_summary(o, calibration_end="2024-01-04", observation_end="2024-01-06")
    cents = o.assign(c=(o.amount * 100).round().astype("int64"), d=o.ts.dt.normalize())
    cal = cents[cents.d <= "2024-01-04"]
    exact = cal.groupby("user_id").c.sum() / 100  # integer cents: an exact sum
    first_day = cal.groupby("user_id").d.transform("min")
    first_v = cal[cal.d == first_day].groupby("user_id").c.sum() / 100
    expected = ((exact - first_v) / base.frequency).where(base.frequency > 0, 0.0)
    assert np.array_equal(base.monetary_value.to_numpy(), expected.reindex(base.index).to_numpy())
    for seed in range(5):
        shuffled = o.sample(frac=1.0, random_state=seed)
        pd.testing.assert_frame_equal(
            clv_summary(shuffled, calibration_end="2024-01-04", observation_end="2024-01-06"),
            base,
            check_exact=True,
        )
