"""Campaign statistics against scipy on fixed data, hand-worked Holm, and coverage over simulated campaigns."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from shoplab.campaigns import cuped_adjust, holm, ratio_of_sums, srm_test, two_proportion, welch


def test_two_proportion_matches_scipy_and_formula():
    r = two_proportion(130, 2000, 90, 2100, confidence=0.95)
    table = np.array([[130, 2000 - 130], [90, 2100 - 90]])
    chi2, p, _, _ = stats.chi2_contingency(table, correction=False)
    assert r["p_value"] == pytest.approx(p, rel=1e-10)
    pt, pc = 130 / 2000, 90 / 2100
    se = math.sqrt(pt * (1 - pt) / 2000 + pc * (1 - pc) / 2100)
    assert r["abs_lift"] == pytest.approx(pt - pc)
    assert r["ci_low"] == pytest.approx(pt - pc - 1.959963984540054 * se)
    assert r["ci_high"] == pytest.approx(pt - pc + 1.959963984540054 * se)
    assert r["rel_lift"] == pytest.approx(pt / pc - 1)
    r90 = two_proportion(130, 2000, 90, 2100, confidence=0.90)
    assert r90["ci_high"] - r90["ci_low"] < r["ci_high"] - r["ci_low"]


def test_welch_matches_scipy():
    rng = np.random.default_rng(3)
    a = np.where(rng.random(300) < 0.2, rng.lognormal(4, 1, 300), 0.0)
    b = np.where(rng.random(250) < 0.15, rng.lognormal(4, 1, 250), 0.0)
    r = welch(a, b, confidence=0.9)
    ref = stats.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(confidence_level=0.9)
    assert r["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert r["ci_low"] == pytest.approx(ci.low, rel=1e-9)
    assert r["ci_high"] == pytest.approx(ci.high, rel=1e-9)
    assert r["abs_lift"] == pytest.approx(a.mean() - b.mean())


def test_welch_rejects_tiny_groups():
    with pytest.raises(ValueError, match="two users"):
        welch([1.0], [1.0, 2.0])


def test_ratio_of_sums_is_linearised_variance():
    rng = np.random.default_rng(5)
    den_t, den_c = rng.poisson(0.3, 500).astype(float), rng.poisson(0.25, 400).astype(float)
    num_t, num_c = den_t * rng.gamma(2, 100, 500), den_c * rng.gamma(2, 90, 400)
    r = ratio_of_sums(num_t, den_t, num_c, den_c)

    def var(num, den):  # variance of the mean of the linearised residual, over den's mean squared
        rr = num.sum() / den.sum()
        resid = num - rr * den
        return resid.var(ddof=1) / len(num) / den.mean() ** 2

    se = math.sqrt(var(num_t, den_t) + var(num_c, den_c))
    assert r["abs_lift"] == pytest.approx(num_t.sum() / den_t.sum() - num_c.sum() / den_c.sum())
    assert r["ci_high"] - r["abs_lift"] == pytest.approx(1.959963984540054 * se)


def test_holm_hand_worked():
    # sorted p: 0.01 (x4 = 0.04), 0.02 (x3 = 0.06), 0.03 (x2 = 0.06), 0.5 (x1 = 0.5); back in input order
    got = holm([0.03, 0.01, 0.5, 0.02])
    assert got == pytest.approx([0.06, 0.04, 0.5, 0.06])
    # monotone: a later raw product smaller than an earlier one is raised to it
    assert holm([0.001, 0.04, 0.04]) == pytest.approx([0.003, 0.08, 0.08])
    out = holm([np.nan, 0.2])
    assert np.isnan(out[0]) and out[1] == pytest.approx(0.2)
    assert holm([0.9, 0.8]) == pytest.approx([1.0, 1.0])


def test_srm_matches_scipy_chisquare():
    r = srm_test(2740, 712, treatment_share=0.8)
    ref = stats.chisquare([2740, 712], f_exp=[3452 * 0.8, 3452 * 0.2])
    assert r["p_value"] == pytest.approx(ref.pvalue)
    assert r["chi2"] == pytest.approx(ref.statistic)
    assert srm_test(2740, 712)["p_value"] < 1e-100  # against 50/50 it is a glaring mismatch
    with pytest.raises(ValueError):
        srm_test(10, 10, treatment_share=1.0)


def test_cuped_theta_is_ols_slope_and_reduction_is_r_squared():
    rng = np.random.default_rng(11)
    x = rng.gamma(1.0, 50, 1000)
    y = 0.6 * x + rng.normal(0, 30, 1000)
    adj, theta, red = cuped_adjust(y, x)
    slope = np.polyfit(x, y, 1)[0]
    assert theta == pytest.approx(slope)
    assert red == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2)
    assert adj.mean() == pytest.approx(y.mean())
    same, theta0, red0 = cuped_adjust(y, np.zeros_like(y))
    assert theta0 == 0 and red0 == 0 and np.array_equal(same, y)


def _simulate(rng, n, p_c, lift, spend_lift):
    t = rng.random(n) < 0.5
    pre = rng.gamma(0.5, 40, n)
    conv = rng.random(n) < (p_c + lift * t)
    spend = np.where(conv, rng.gamma(2, 50, n) + spend_lift * t / (p_c + lift), 0.0) + 0.3 * pre
    return t, conv, spend, pre


@pytest.mark.slow
@pytest.mark.parametrize("lift", [0.0, 0.02])
def test_interval_coverage_over_simulated_campaigns(lift):
    """Over 1,000 simulated campaigns with a known effect, the 95% intervals cover the truth 93-97% of the time."""
    rng = np.random.default_rng(2026)
    n_sim, n = 1000, 3000
    cover_c = cover_r = false_pos = 0
    for _ in range(n_sim):
        t, conv, spend, pre = _simulate(rng, n, 0.05, lift, 20 * lift)
        c = two_proportion(int(conv[t].sum()), int(t.sum()), int(conv[~t].sum()), int((~t).sum()))
        cover_c += c["ci_low"] <= lift <= c["ci_high"]
        adj, _, _ = cuped_adjust(spend, pre)
        r = welch(adj[t], adj[~t])
        true_rev = lift * 100 + 20 * lift  # E[spend | t] - E[spend | c]: extra buyers at ¥100, plus the lift
        cover_r += r["ci_low"] <= true_rev <= r["ci_high"]
        p = holm([c["p_value"], r["p_value"]])
        false_pos += bool((p < 0.05).any())
    assert 0.93 <= cover_c / n_sim <= 0.97
    assert 0.93 <= cover_r / n_sim <= 0.97
    if lift == 0:  # zero effect: a "worked" verdict no more often than the stated 5% (plus noise)
        assert false_pos / n_sim <= 0.065
