"""shoplab.stats: the one implementation of the reports' tests and intervals, against independent oracles."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from shoplab import stats


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(1, 400), st.data())
def test_two_proportions_matches_the_textbook_unpooled_test(n1, n2, data):
    x1, x2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    r = stats.two_proportions(x1, n1, x2, n2)
    p1, p2 = x1 / n1, x2 / n2
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    assert float(r["difference"]) == pytest.approx(p1 - p2)
    if se > 0:
        p = 2 * sps.norm.sf(abs(p1 - p2) / se)
        assert float(r["p_value"]) == pytest.approx(p, rel=1e-9, abs=1e-300)
        assert float(r["ci_low"]) == pytest.approx(p1 - p2 - 1.959963984540054 * se)
        # the interval excludes 0 exactly when the test rejects at 5%
        assert (float(r["ci_low"]) > 0 or float(r["ci_high"]) < 0) == (float(r["p_value"]) < 0.05)


def test_bonferroni_interval_is_the_plain_one_at_the_adjusted_level():
    adj = stats.two_proportions(30, 100, 45, 110, tests=4)
    plain = stats.two_proportions(30, 100, 45, 110, confidence=1 - 0.05 / 4)
    assert float(adj["ci_low"]) == pytest.approx(float(plain["ci_low"]))
    assert float(adj["p_adjusted"]) == pytest.approx(min(1.0, 4 * float(plain["p_value"])))


def test_scalar_two_proportion_is_treatment_minus_control_with_a_typed_result():
    r = stats.two_proportion(45, 110, 30, 100)
    assert r.estimate == pytest.approx(45 / 110 - 30 / 100) == pytest.approx(r["abs_lift"])
    assert r.method == "unpooled two-proportion z test"
    v = stats.two_proportions(45, 110, 30, 100)
    assert (r.ci_low, r.ci_high, r.p_value) == pytest.approx(
        (float(v["ci_low"]), float(v["ci_high"]), float(v["p_value"]))
    )
    # relative lift contains 0 exactly when the absolute interval does
    assert (r["rel_ci_low"] > 0) == (r.ci_low > 0)


def test_empty_groups_give_nan_in_arrays():
    r = stats.two_proportions(np.array([1, 0]), np.array([10, 0]), np.array([2, 1]), np.array([10, 5]))
    assert not np.isnan(r["p_value"][0]) and np.isnan(r["p_value"][1])


@pytest.mark.parametrize("k,n", [(0, 10), (3, 10), (10, 10), (1, 1), (57, 400)])
def test_wilson_matches_scipy(k, n):
    lo, hi = stats.wilson(k, n)
    ci = sps.binomtest(k, n).proportion_ci(method="wilson")
    assert (float(lo), float(hi)) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_nps_interval_hand_worked():
    # 50 promoters, 20 detractors, 100 answers: NPS 30. Adjusted: 50.75 and 20.75 of 103 answers, centre
    # 30/103 = 0.29126; var = (71.5/103 - 0.29126^2) / 103
    r = stats.nps_interval(50, 20, 100)
    d = 30 / 103
    se = math.sqrt((71.5 / 103 - d**2) / 103) * 100
    assert r.estimate == pytest.approx(30.0)
    assert (r.ci_low, r.ci_high) == pytest.approx((100 * d - 1.96 * se, 100 * d + 1.96 * se))
    assert r["se"] == pytest.approx(se)
    lo, hi = r  # unpacks as the (low, high) pair it used to be
    assert (lo, hi) == (r.ci_low, r.ci_high)
    assert math.isnan(stats.nps_interval(0, 0, 0).estimate)


def _nps_coverage(n: int, p_pro: float, p_det: float) -> float:
    """Exact coverage of nps_interval at n answers: the sum over every trinomial outcome."""
    from scipy.stats import multinomial

    truth = 100 * (p_pro - p_det)
    total = 0.0
    for a in range(n + 1):
        for b in range(n + 1 - a):
            lo, hi = stats.nps_interval(a, b, n)
            if lo <= truth <= hi:
                total += multinomial.pmf([a, b, n - a - b], n, [p_pro, p_det, 1 - p_pro - p_det])
    return total


@pytest.mark.parametrize("n", [10, 20, 50])
@pytest.mark.parametrize("p_pro,p_det", [(0.6, 0.1), (0.8, 0.05), (0.3, 0.3), (0.9, 0.02)])
def test_nps_interval_keeps_its_level_on_small_samples(n, p_pro, p_det):
    """Exact coverage (no simulation): the plain Wald interval fell to 65% at 10 answers with 90% promoters."""
    assert 0.92 <= _nps_coverage(n, p_pro, p_det) <= 0.975


def test_nps_interval_stays_in_the_possible_range_and_is_never_a_point():
    for n in (1, 3, 10, 40):
        for a in range(n + 1):
            for b in range(n + 1 - a):
                r = stats.nps_interval(a, b, n)
                assert -100 <= r.ci_low < r.ci_high <= 100, (a, b, n, r)
                assert r.ci_low <= r.estimate <= r.ci_high, (a, b, n, r)
    assert stats.nps_interval(10, 0, 10).ci_high == 100.0  # all promoters: up to the maximum, not beyond


def test_welch_matches_scipy_and_names_its_method():
    rng = np.random.default_rng(3)
    a, b = rng.normal(1, 2, 40), rng.normal(0.5, 1, 55)
    r = stats.welch(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert r.p_value == pytest.approx(ref.pvalue)
    assert (r.ci_low, r.ci_high) == pytest.approx((ci.low, ci.high))
    assert r.method == "Welch t test"


def test_wilson_bounds_are_exact_at_zero_and_all_successes():
    # no success: the lower bound is 0, not 2.8e-17; all successes: the upper bound is 1 (a hypothesis example
    # of the merchandise hit-rate test found 0 < 2.8e-17)
    for n in range(1, 60):
        lo, hi = stats.wilson(0, n)
        assert lo == 0.0 and 0 < hi < 1
        lo, hi = stats.wilson(n, n)
        assert hi == 1.0 and 0 < lo < 1
    lo, hi = stats.wilson(np.array([0, 3, 6]), np.array([6, 6, 6]))
    assert lo[0] == 0.0 and hi[2] == 1.0 and 0 < lo[1] < 0.5 < hi[1] < 1
    assert all(math.isnan(v) for v in stats.wilson(0, 0))


def test_paired_proportions_hand_worked_and_mcnemar():
    # 100 buyers: 12 hit by A alone, 4 by B alone: difference 0.08; Agresti-Min: 12.5 and 4.5 of 102
    r = stats.paired_proportions(12, 4, 100)
    assert r.estimate == pytest.approx(0.08)
    d, se = 8 / 102, math.sqrt(17 - 64 / 102) / 102
    assert (r.ci_low, r.ci_high) == pytest.approx((d - 1.959964 * se, d + 1.959964 * se), rel=1e-5)
    from statsmodels.stats.contingency_tables import mcnemar

    for a, b in ((12, 4), (0, 5), (7, 7), (30, 11)):
        want = mcnemar(np.array([[20, a], [b, 40]]), exact=True).pvalue
        assert stats.paired_proportions(a, b, 60 + a + b).p_value == pytest.approx(want)
    assert stats.paired_proportions(0, 0, 10).p_value == 1.0 and stats.paired_proportions(0, 0, 10).ci_low < 0
    assert math.isnan(stats.paired_proportions(0, 0, 0).estimate)


@pytest.mark.parametrize("n", [15, 30])
@pytest.mark.parametrize(
    "p", [(0.1, 0.05, 0.02, 0.83), (0.3, 0.1, 0.1, 0.5), (0.05, 0.2, 0.01, 0.74), (0.2, 0.02, 0.02, 0.76)]
)
def test_paired_proportions_keeps_its_level(n, p):
    """Exact coverage over every outcome of the four cells (both, A alone, B alone, neither)."""
    from scipy.stats import multinomial

    truth, total = p[1] - p[2], 0.0
    for n11 in range(n + 1):
        for n12 in range(n + 1 - n11):
            for n21 in range(n + 1 - n11 - n12):
                r = stats.paired_proportions(n12, n21, n)
                if r.ci_low <= truth <= r.ci_high:
                    total += multinomial.pmf([n11, n12, n21, n - n11 - n12 - n21], n, p)
    assert total >= 0.93


def test_wilson_expr_is_wilson_in_the_engine():
    import ibis

    k = np.array([0, 1, 5, 20, 20, 3])
    n = np.array([10, 1, 40, 20, 100, 7])
    t = ibis.memtable(pd.DataFrame({"k": k, "n": n}))
    lo, hi = stats.wilson_expr(t.k, t.n)
    got = t.select(lo=lo, hi=hi).to_pandas()
    want_lo, want_hi = stats.wilson(k, n)
    np.testing.assert_allclose(got.lo, want_lo, rtol=1e-12, atol=0)
    np.testing.assert_allclose(got.hi, want_hi, rtol=1e-12, atol=0)
    assert got.lo[0] == 0.0 and got.hi[1] == 1.0 and got.hi[3] == 1.0  # exact at the ends
