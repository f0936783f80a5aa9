"""What a customer is worth and what is at risk: refunds in CLV, refunds known at the churn cutoff, the
Gamma-Gamma independence check and its frequency-group value model, and value at risk without double counting.

Oracles: hand-worked tables, numerical integration over the BG/NBD posterior, and simulations with a known
spend per purchase.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shoplab import membership as ms

TS = pd.to_datetime


# -- refunds in CLV ---------------------------------------------------------------------------------------------


def test_refunded_orders_are_not_purchases_and_partial_refunds_lower_value():
    o = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 1, 1, 2, 2, 2],
            "ts": TS(
                [
                    "2024-01-01",  # first purchase
                    "2024-01-05",  # refunded: neither a repeat nor value
                    "2024-01-08",  # paid, 20 of 60 back: worth 40
                    "2024-01-10",  # paid with all of it back: not a purchase
                    "2024-01-12",  # cancelled
                    "2024-01-02",  # user 2: first purchase refunded, so the first purchase is the 2nd order
                    "2024-01-04",
                    "2024-01-09",
                ]
            ),
            "amount": [10.0, 500.0, 60.0, 30.0, 70.0, 99.0, 15.0, 25.0],
            "status": ["paid", "refunded", "paid", "paid", "cancelled", "refunded", "paid", None],
            "refund_amount": [None, None, 20.0, 30.0, None, None, 0.0, 5.0],
        }
    )
    s = ms.clv_summary(o, calibration_end="2024-01-15", time_unit="D")
    assert s.loc[1, ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 7.0, 14.0, 40.0]
    assert s.loc[2, ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 5.0, 11.0, 20.0]
    # without refund_amount, only status counts: a paid order keeps its whole amount
    s2 = ms.clv_summary(o.drop(columns="refund_amount"), calibration_end="2024-01-15", time_unit="D")
    assert s2.loc[1, ["frequency", "monetary_value"]].tolist() == [2.0, 45.0]


# -- refunds as known at the churn cutoff -------------------------------------------------------------------------


def _churn_orders(young_status: str) -> pd.DataFrame:
    cut = pd.Timestamp("2024-06-01")
    days = [60, 10, 40, 5, 3, 100]
    return pd.DataFrame(
        {
            "order_id": range(1, 7),
            "user_id": [1, 1, 2, 2, 3, 3],
            "ts": [cut - pd.Timedelta(days=d) for d in days],
            "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            # orders 2, 4, 5 are younger than 30 days at the cutoff: their final status may come from later
            "status": ["paid", young_status, "refunded", young_status, young_status, "paid"],
            "coupon_id": ["c1", None, None, "c2", None, None],
        }
    )


def test_churn_refund_share_uses_only_settled_orders():
    f = ms.churn_features({"orders": _churn_orders("refunded")}, cutoff="2024-06-01")
    assert (
        f.loc[1, "refund_share"] == 0.0
    )  # the 60-day-old order was kept; the 10-day-old refund is not known
    assert f.loc[2, "refund_share"] == 1.0  # the 40-day-old order is settled and refunded
    assert f.loc[3, "refund_share"] == 0.0  # the 100-day-old order is settled and paid
    assert f.loc[1, "orders_lookback"] == 2 and f.loc[3, "orders_lookback"] == 2  # sold orders all count
    assert f.loc[1, "gmv_lookback"] == 30.0


def test_churn_features_do_not_depend_on_refunds_that_may_come_after_the_cutoff():
    a = ms.churn_features({"orders": _churn_orders("refunded")}, cutoff="2024-06-01")
    b = ms.churn_features({"orders": _churn_orders("paid")}, cutoff="2024-06-01")
    pd.testing.assert_frame_equal(a, b)
    # a user whose only orders are young has no settled order: unknown, not 0
    o = _churn_orders("refunded")
    f = ms.churn_features({"orders": o[o.order_id == 5]}, cutoff="2024-06-01")
    assert np.isnan(f.loc[3, "refund_share"])
    # a settling time of 0 days trusts every status (the old behaviour, for data whose status is as of then)
    g = ms.churn_features({"orders": _churn_orders("refunded")}, cutoff="2024-06-01", refund_settle_days=0)
    assert g.loc[1, "refund_share"] == 0.5 and g.loc[2, "refund_share"] == 1.0


# -- Gamma-Gamma independence and the frequency-group value model --------------------------------------------------


def _gg(p, q, v):
    m = ms.GammaGamma()
    m.params_ = {"p": p, "q": q, "v": v}
    return m


def test_value_frequency_correlation_against_numpy_and_ranks():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 12, 400).astype(float)
    m = np.where(x > 0, 50 + 4 * x + rng.normal(0, 30, 400).clip(-45, None), 0.0)
    s = pd.DataFrame({"frequency": x, "monetary_value": m})
    c = ms.value_frequency_correlation(s)
    rep = s[(s.frequency > 0) & (s.monetary_value > 0)]
    assert c.n == len(rep) < 400  # only repeat buyers of positive value
    assert c.pearson == pytest.approx(np.corrcoef(rep.frequency, rep.monetary_value)[0, 1], rel=1e-12)
    ranks = rep.rank()  # Spearman = Pearson on mid-ranks
    assert c.spearman == pytest.approx(np.corrcoef(ranks.frequency, ranks.monetary_value)[0, 1], rel=1e-12)
    assert c.pearson > 0.1 and c.dependent
    flat = s.assign(monetary_value=np.where(x > 0, rng.gamma(3, 20, 400), 0.0))
    assert not ms.value_frequency_correlation(flat).dependent  # |r| within 0.1 when spend ignores frequency


def test_value_holdout_check_hand_worked():
    # pooled model p = 2, q = 3, v = 100: E[M | x, m] = (p v + p x m) / (p x + q - 1) = (200 + 2 x m) / (2 x + 2)
    s = pd.DataFrame(
        {
            "frequency": [0.0, 0.0, 2.0, 4.0, 12.0, 1.0],
            "monetary_value": [0.0, 0.0, 50.0, 80.0, 150.0, 10.0],
            "frequency_holdout": [1.0, 0.0, 2.0, 1.0, 3.0, 1.0],
            "monetary_value_holdout": [40.0, 0.0, 60.0, 90.0, 160.0, 30.0],
        },
        index=[1, 2, 3, 4, 5, 6],
    )
    t = ms.value_holdout_check(s, _gg(2.0, 3.0, 100.0)).set_index("repeat_purchases_in_calibration")
    assert list(t.index) == ["0", "1-2", "3-5", "11+", "all"]  # empty groups are left out; user 2 did not buy
    pred = {1: 100.0, 3: (200 + 200) / 6, 4: (200 + 640) / 10, 5: (200 + 3600) / 26, 6: (200 + 20) / 4}
    assert t.loc["0", "predicted_value"] == pytest.approx(100.0) and t.loc["0", "actual_value"] == 40.0
    assert t.loc["1-2", "users"] == 2
    assert t.loc["1-2", "predicted_value"] == pytest.approx((pred[3] + pred[6]) / 2)
    assert t.loc["1-2", "actual_value"] == pytest.approx(45.0)
    assert t.loc["11+", "bias"] == pytest.approx(pred[5] / 160 - 1)
    assert t.loc["all", "users"] == 5
    assert t.loc["all", "predicted_value"] == pytest.approx(np.mean(list(pred.values())))


def test_frequency_gamma_gamma_merges_small_groups_and_recentres_buyers_without_repeats():
    rng = np.random.default_rng(5)
    x = np.r_[np.zeros(80), rng.integers(1, 3, 300), rng.integers(3, 6, 250), rng.integers(6, 40, 60)]
    mean = np.where(x == 0, 30.0, np.where(x <= 2, 40.0, 80.0))  # spend rises with frequency
    nu = rng.gamma(8.0, 1 / (8.0 / mean))  # each user's own mean spend around the group's
    m = np.array([rng.gamma(4.0, n / 4.0, int(k)).mean() if k else 0.0 for k, n in zip(x, nu, strict=True)])
    s = pd.DataFrame({"frequency": x, "monetary_value": m, "first_value": rng.gamma(4.0, nu / 4.0)})
    fg = ms.FrequencyGammaGamma(min_users=100).fit(s)
    assert fg.groups_ == {"1-2": "1-2", "3-5": "3+", "6-10": "3+", "11+": "3+"}  # 60 users are too few alone
    par = fg.params().set_index("group")
    assert list(par.index) == ["1-2", "3+"] and par.loc["3+", "repeat_buyers"] == 310
    assert par.loc["1-2", "prior_mean"] == pytest.approx(40, rel=0.15)
    assert par.loc["3+", "prior_mean"] == pytest.approx(80, rel=0.15)
    pred = fg.predict(s)
    pooled = ms.GammaGamma().fit(s).predict(s)
    for lo, hi, truth in ((0, 0, 30.0), (1, 2, 40.0), (3, 99, 80.0)):
        g = (x >= lo) & (x <= hi)
        assert abs(pred[g].mean() / truth - 1) < abs(pooled[g].mean() / truth - 1) or lo == 3
        assert pred[g].mean() == pytest.approx(truth, rel=0.15)
    # each group's model is the plain Gamma-Gamma fit on that group's repeat buyers
    one = ms.GammaGamma().fit(s[(x >= 1) & (x <= 2)])
    assert fg.models_["1-2"].params_ == pytest.approx(one.params_)


def _simulate(n=2000, beta=0.3, seed=0, weeks=78):
    """BG/NBD buyers (rate ~ Gamma(0.8, 4) per week, dropout after each repeat ~ Beta(0.8, 6)), each with a true
    mean spend M = 100 (rate / mean rate)^beta x lognormal noise; every purchase ~ Gamma(3, M / 3)."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.8, 1 / 4.0, n)
    p = rng.beta(0.8, 6.0, n)
    M = 100 * (lam / 0.2) ** beta * np.exp(0.3 * rng.standard_normal(n) - 0.045)
    start = rng.uniform(0, weeks / 2, n)
    users, ts = [], []
    for i in range(n):
        t, k = start[i], 0
        while t < weeks:
            users.append(i)
            ts.append(t)
            if k > 0 and rng.random() < p[i]:
                break
            k += 1
            t += rng.exponential(1 / lam[i])
    users = np.array(users)
    t0 = pd.Timestamp("2024-01-01")
    o = pd.DataFrame(
        {
            "user_id": users,
            "ts": t0 + pd.to_timedelta(np.array(ts) * 7, unit="D"),
            "amount": rng.gamma(3.0, M[users] / 3.0).round(2),
        }
    )
    return o, pd.Series(M), (t0 + pd.Timedelta(weeks=weeks)).strftime("%Y-%m-%d")


def _clv_bias_by_group(res, M):
    """Per repeat-count group: CLV / CLV with the true mean spend - 1, for the report's CLV and the pooled one
    (both with the same BG/NBD purchase forecast, so only the spend model differs)."""
    v = res.values
    pooled = ms.customer_value(res.bg, res.gg, res.summary)
    truth = v.clv / v.expected_value * M.reindex(v.index)
    df = pd.DataFrame({"report": v.clv, "pooled": pooled.clv, "truth": truth})
    groups = pd.cut(
        res.summary.frequency, [-1, 0, 2, 5, 10, np.inf], labels=["0", "1-2", "3-5", "6-10", "11+"]
    )
    t = df.groupby(groups.astype(str)).sum()
    return (t.report / t.truth - 1), (t.pooled / t.truth - 1)


def _check_dependent(seed):
    o, M, end = _simulate(seed=seed)
    res = ms.clv_analysis(o, end=end)
    report, pooled = _clv_bias_by_group(res, M)
    assert pooled["0"] > 0.5 and pooled["1-2"] > 0.2  # the pooled model overstates infrequent buyers
    for g in pooled.index:
        assert abs(report[g]) < 0.25, (g, report[g])  # frequent buyers: both within a few percent
        if abs(pooled[g]) > 0.1:  # where the pooled model is off, the report's CLV is closer ...
            assert abs(report[g]) < abs(pooled[g]), (g, report[g], pooled[g])
    for g in ("0", "1-2"):  # ... and for the infrequent buyers by more than half
        assert abs(report[g]) < 0.5 * pooled[g], (g, report[g], pooled[g])
    assert res.independence.dependent and res.value_model == "by_frequency"
    return report, pooled


def test_clv_does_not_overstate_infrequent_buyers_when_spend_depends_on_frequency():
    _check_dependent(seed=0)


def test_clv_keeps_the_pooled_model_when_spend_is_independent_of_frequency():
    o, M, end = _simulate(beta=0.0, seed=1)
    res = ms.clv_analysis(o, end=end)
    assert not res.independence.dependent and res.value_model == "pooled"
    report, pooled = _clv_bias_by_group(res, M)
    assert (report == pooled).all() and (report.abs() < 0.1).all()


@pytest.mark.simulation
def test_clv_by_frequency_over_many_simulated_shops():
    worst = []
    for seed in range(1, 13):
        report, pooled = _check_dependent(seed)
        worst.append(report.abs().max())
    assert np.mean(worst) < 0.2


# -- value at risk without counting churn twice -------------------------------------------------------------------


def _bg(r=0.8, alpha=4.0, a=0.8, b=6.0):
    m = ms.BetaGeo()
    m.params_ = {"r": r, "alpha": alpha, "a": a, "b": b}
    return m


def _alive_purchases_oracle(t, x, tx, T, r=0.8, alpha=4.0, a=0.8, b=6.0):
    """E[purchases in (T, T + t] | alive at T] by integration over the BG/NBD posterior of an alive customer:
    rate ~ Gamma(r + x, alpha + T), dropout ~ Beta(a, b + x), and for given rate l and dropout p the expected
    number of purchases (each followed by dropout with probability p) is (1 - exp(-l p t)) / p."""
    from scipy import integrate, stats

    laplace = lambda s: ((alpha + T) / (alpha + T + s)) ** (r + x)  # noqa: E731  E[exp(-l s)] over the rate
    f = lambda p: (1 - laplace(p * t)) / p * stats.beta.pdf(p, a, b + x)  # noqa: E731
    return integrate.quad(f, 0, 1, limit=200)[0]


def test_value_if_retained_is_clv_of_a_customer_who_has_not_left():
    s = pd.DataFrame(
        {
            "frequency": [0.0, 2.0, 6.0],
            "recency": [0.0, 10.0, 12.0],
            "T": [20.0, 30.0, 40.0],
            "monetary_value": [0.0, 50.0, 80.0],
        },
        index=[1, 2, 3],
    )
    bg, gg = _bg(), _gg(2.0, 3.0, 100.0)
    v = ms.customer_value(bg, gg, s, months=12, discount_rate=0.0, time_unit="W")
    t = 12 * 365.25 / 12 / 7  # twelve average months, in weeks
    value = np.array([100.0, (200 + 200) / 6, (200 + 960) / 14])  # Gamma-Gamma by hand
    alive = [_alive_purchases_oracle(t, x, tx, T) for x, tx, T in s[["frequency", "recency", "T"]].to_numpy()]
    np.testing.assert_allclose(v.value_if_retained, value * np.array(alive), rtol=1e-6)
    np.testing.assert_allclose(v.clv, v.p_alive * v.value_if_retained, rtol=1e-12)
    assert v.p_alive.iloc[0] == 1.0 and (v.p_alive.iloc[1:] < 1).all()  # a buyer without repeats is alive
    # with discounting, too: CLV = P(alive) x value if retained, month by month
    d = ms.customer_value(bg, gg, s, months=12, discount_rate=0.10)
    np.testing.assert_allclose(d.clv, d.p_alive * d.value_if_retained, rtol=1e-12)


def test_value_at_risk_is_churn_probability_times_value_if_retained():
    from types import SimpleNamespace

    class Fixed:  # a churn model that returns given probabilities
        def predict_proba(self, x):
            p = np.array([0.2, 0.5, 0.9])[: len(x)]
            return np.c_[1 - p, p]

    feats = pd.DataFrame({"is_member": [1.0, 1.0, 1.0], "gmv_lookback": [1.0, 1.0, 1.0]}, index=[1, 2, 3])
    result = SimpleNamespace(features=["is_member", "gmv_lookback"], model=Fixed(), threshold=0.5)
    values = pd.DataFrame(
        {"p_alive": [0.9, 0.5, 0.1], "value_if_retained": [1000.0, 400.0, 100.0]}, index=[1, 2, 3]
    )
    values["clv"] = values.p_alive * values.value_if_retained  # 900, 200, 10
    got = ms.at_risk_members(
        result, feats, value=values.value_if_retained, top=None, min_probability=0.0, n_reasons=0
    ).set_index("user_id")
    # by hand: 0.2 x 1000, 0.5 x 400, 0.9 x 100 = 200 + 200 + 90 = 490 (churn x CLV would give 180 + 100 + 9 = 289)
    assert got.loc[[1, 2, 3], "value_at_risk"].tolist() == pytest.approx([200.0, 200.0, 90.0])
    assert got.value_at_risk.sum() == pytest.approx(490.0)


def test_the_report_values_members_at_risk_at_their_value_if_retained():
    import inspect

    from shoplab.membership import results

    code = inspect.getsource(results.compute_report)  # the notebook's numbers come from compute_report
    assert code.count("value=clv.values.value_if_retained") == 2  # the win-back list and the sum at risk
    assert "value=clv.values.clv" not in code
