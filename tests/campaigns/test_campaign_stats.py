"""Campaign statistics against scipy on fixed data, brute-force test inversion, hand-worked Holm and Bonferroni,
and coverage over simulated campaigns with a known truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from shoplab.campaigns import (
    bonferroni,
    cuped_adjust,
    cuped_welch,
    effect_table,
    fieller,
    holm,
    ratio_of_sums,
    srm_test,
    two_proportion,
    welch,
)


def test_two_proportion_unpooled_interval_and_test_are_one_statistic():
    r = two_proportion(130, 2000, 90, 2100, confidence=0.95)
    pt, pc = 130 / 2000, 90 / 2100
    se = math.sqrt(pt * (1 - pt) / 2000 + pc * (1 - pc) / 2100)
    assert r["abs_lift"] == pytest.approx(pt - pc)
    assert r["ci_low"] == pytest.approx(pt - pc - 1.959963984540054 * se)
    assert r["ci_high"] == pytest.approx(pt - pc + 1.959963984540054 * se)
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf((pt - pc) / se), rel=1e-10)
    assert r["rel_lift"] == pytest.approx(pt / pc - 1)
    r90 = two_proportion(130, 2000, 90, 2100, confidence=0.90)
    assert r90["ci_high"] - r90["ci_low"] < r["ci_high"] - r["ci_low"]
    # duality: at confidence 1 - p the interval ends exactly at 0 (before: pooled test, unpooled interval)
    for counts in ((130, 2000, 90, 2100), (37, 436, 22, 443), (20, 300, 10, 310), (9, 120, 6, 130)):
        p = two_proportion(*counts)["p_value"]
        edge = two_proportion(*counts, confidence=1 - p)
        assert edge["ci_low"] == pytest.approx(0, abs=1e-12)
        assert edge["rel_ci_low"] == pytest.approx(0, abs=1e-9)


def _fieller_by_grid(num, den, var_num, var_den, cov, q, lo=-5.0, hi=15.0, n=400_001):
    """Every ratio r the z test of num - r * den = 0 does not reject, on a fine grid."""
    r = np.linspace(lo, hi, n)
    ok = (num - r * den) ** 2 <= q**2 * (var_num - 2 * r * cov + r**2 * var_den)
    return r[ok].min(), r[ok].max(), ok[0] or ok[-1]


def test_relative_conversion_small_counts_agrees_with_absolute():
    """Issue 16's example: 37/436 vs 22/443. The absolute interval excludes 0; the old symmetric delta interval
    for the relative lift was [-16%, +158%]; Fieller's (by brute-force inversion) excludes 0 as the log risk
    ratio (Katz, scipy) does."""
    r = two_proportion(37, 436, 22, 443)
    assert r["ci_low"] > 0 and r["rel_ci_low"] > 0
    pt, pc = 37 / 436, 22 / 443
    vt, vc = pt * (1 - pt) / 436, pc * (1 - pc) / 443
    lo, hi, open_ = _fieller_by_grid(pt - pc, pc, vt + vc, vc, -vc, stats.norm.ppf(0.975))
    assert not open_
    assert r["rel_ci_low"] == pytest.approx(lo, abs=1e-4) and r["rel_ci_high"] == pytest.approx(hi, abs=1e-4)
    katz = stats.contingency.relative_risk(37, 436, 22, 443).confidence_interval(0.95)
    assert katz.low - 1 > 0 and r["rel_ci_low"] < r["rel_lift"] < r["rel_ci_high"]
    assert (
        r["rel_ci_high"] - r["rel_lift"] > r["rel_lift"] - r["rel_ci_low"]
    )  # skewed up, like the log interval
    assert r["rel_ci_low"] == pytest.approx(katz.low - 1, abs=0.02)


def test_fieller_is_the_inverted_test():
    rng = np.random.default_rng(8)
    for _ in range(20):
        den = rng.uniform(0.5, 2)
        num = rng.normal(0, 1)
        var_num, var_den = rng.uniform(0.01, 0.2), rng.uniform(0.001, 0.05)
        cov = rng.uniform(-0.8, 0.8) * math.sqrt(var_num * var_den)
        r = fieller(num, den, var_num=var_num, var_den=var_den, cov=cov, confidence=0.95)
        lo, hi, open_ = _fieller_by_grid(
            num, den, var_num, var_den, cov, stats.norm.ppf(0.975), lo=-20, hi=20
        )
        assert not open_
        assert r["ratio"] == pytest.approx(num / den)
        assert r["ci_low"] == pytest.approx(lo, abs=2e-4) and r["ci_high"] == pytest.approx(hi, abs=2e-4)
        grad = np.array([1 / den, -num / den**2])  # the delta method's standard error, for reference
        sig = np.array([[var_num, cov], [cov, var_den]])
        assert r["se"] == pytest.approx(math.sqrt(grad @ sig @ grad))
    # a control mean not distinguishable from 0: the set is unbounded, and says so
    wide = fieller(1.0, 0.1, var_num=0.1, var_den=0.01, confidence=0.95)
    assert wide["ci_low"] == -math.inf and wide["ci_high"] == math.inf


def test_relative_intervals_never_contradict_the_absolute_ones():
    """Random small and large groups: a relative interval excludes 0 exactly when the absolute one does (unless
    the control mean is so noisy that the relative set is unbounded, which the report shows as such)."""
    rng = np.random.default_rng(21)
    checked = 0
    for _ in range(300):
        n_t, n_c = rng.integers(30, 800, 2)
        p_c = rng.uniform(0.02, 0.3)
        p_t = min(0.95, p_c * rng.uniform(0.6, 2.2))
        res = [two_proportion(int(rng.binomial(n_t, p_t)), n_t, int(rng.binomial(n_c, p_c)), n_c)]
        pre_t, pre_c = rng.gamma(0.5, 40, n_t), rng.gamma(0.5, 40, n_c)
        y_t = np.where(rng.random(n_t) < p_t, rng.gamma(2, 50, n_t), 0.0) + 0.3 * pre_t
        y_c = np.where(rng.random(n_c) < p_c, rng.gamma(2, 50, n_c), 0.0) + 0.3 * pre_c
        res += [welch(y_t, y_c), cuped_welch(y_t, pre_t, y_c, pre_c)]
        o_t, o_c = rng.poisson(p_t, n_t).astype(float), rng.poisson(p_c, n_c).astype(float)
        if o_t.sum() > 1 and o_c.sum() > 1:
            res.append(ratio_of_sums(o_t * rng.gamma(2, 60, n_t), o_t, o_c * rng.gamma(2, 50, n_c), o_c))
        for r in res:
            if not (math.isfinite(r["rel_ci_low"]) and math.isfinite(r["rel_ci_high"])):
                unbounded = (r["rel_ci_low"], r["rel_ci_high"]) == (-math.inf, math.inf)
                assert unbounded or r["rel_lift"] != r["rel_lift"]
                continue
            assert (r["ci_low"] > 0) == (r["rel_ci_low"] > 0), r
            assert (r["ci_high"] < 0) == (r["rel_ci_high"] < 0), r
            checked += 1
    assert checked > 1000


def test_cuped_welch_is_welch_on_adjusted_values_with_the_four_mean_delta_method():
    rng = np.random.default_rng(13)
    n_t, n_c = 700, 650
    x_t, x_c = rng.gamma(0.7, 60, n_t), rng.gamma(0.7, 60, n_c)
    y_t = 0.5 * x_t + np.where(rng.random(n_t) < 0.2, rng.gamma(2, 60, n_t), 0.0)
    y_c = 0.5 * x_c + np.where(rng.random(n_c) < 0.15, rng.gamma(2, 60, n_c), 0.0)
    r = cuped_welch(y_t, x_t, y_c, x_c, confidence=0.9)
    adj, theta, red = cuped_adjust(np.r_[y_t, y_c], np.r_[x_t, x_c])
    ref = stats.ttest_ind(adj[:n_t], adj[n_t:], equal_var=False)
    ci = ref.confidence_interval(confidence_level=0.9)
    assert r["p_value"] == pytest.approx(ref.pvalue) and r["theta"] == pytest.approx(theta)
    assert r["ci_low"] == pytest.approx(ci.low) and r["ci_high"] == pytest.approx(ci.high)
    assert r["treatment"] == pytest.approx(adj[:n_t].mean()) and r["control"] == pytest.approx(
        adj[n_t:].mean()
    )
    assert r["treatment_raw"] == pytest.approx(y_t.mean()) and r["variance_reduction"] == pytest.approx(red)
    assert r["rel_lift"] == pytest.approx(r["treatment"] / r["control"] - 1)

    # oracle: delta method with a numerical gradient of A_t / A_c - 1 over the four means and their covariance
    def rel(m):
        xbar = (n_t * m[1] + n_c * m[3]) / (n_t + n_c)
        return (m[0] - theta * (m[1] - xbar)) / (m[2] - theta * (m[3] - xbar)) - 1

    means = np.array([y_t.mean(), x_t.mean(), y_c.mean(), x_c.mean()])
    h = 1e-6 * np.abs(means)
    grad = np.array([(rel(means + np.eye(4)[i] * h[i]) - rel(means - np.eye(4)[i] * h[i])) / (2 * h[i])
                     for i in range(4)])  # fmt: skip
    sig = np.zeros((4, 4))
    sig[:2, :2], sig[2:, 2:] = np.cov(y_t, x_t) / n_t, np.cov(y_c, x_c) / n_c
    assert r["rel_se"] == pytest.approx(math.sqrt(grad @ sig @ grad), rel=1e-5)
    # treating the control mean as known (the old interval) understates the uncertainty
    naive = r["se"] / r["control"]
    assert r["rel_se"] > naive


def test_bonferroni_hand_worked():
    assert bonferroni([0.01, 0.02]) == pytest.approx([0.02, 0.04])
    assert bonferroni([0.3, 0.6, np.nan]) == pytest.approx([0.6, 1.0, np.nan], nan_ok=True)


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


def _outcomes(rng, n, lift):
    """A simulated campaign: activity drives both pre-period spend and buying; the campaign multiplies the
    chance to buy by ``lift``. True relative lift of revenue per user: ``lift - 1``; absolute: 7.2 (lift - 1)."""
    treated = np.r_[np.ones(n, bool), np.zeros(n, bool)]
    act = rng.uniform(0, 2, 2 * n)
    pre = np.where(rng.random(2 * n) < 0.15 * act, rng.gamma(2, 60, 2 * n), 0.0)
    buy = rng.random(2 * n) < 0.06 * act * np.where(treated, lift, 1.0)
    rev = np.where(buy, rng.gamma(2, 60, 2 * n), 0.0)
    return pd.DataFrame(dict(group=np.where(treated, "treatment", "control"), converted=buy.astype(int),
                             orders=buy.astype(int), revenue=rev, pre_revenue=pre))  # fmt: skip


def _rel_misses_revenue(seed, n, lift, sims, *, table=True):
    rng = np.random.default_rng(seed)
    low = high = 0
    for _ in range(sims):
        out = _outcomes(rng, n, lift)
        if table:  # the report's path: the revenue row of the effect table, as the only decision metric (95%)
            r = effect_table(out, metrics=["revenue_per_user"]).set_index("metric").loc["revenue_per_user"]
            lo, hi = r.rel_ci_low, r.rel_ci_high
        else:
            t, c = out[out.group == "treatment"], out[out.group == "control"]
            r = cuped_welch(t.revenue, t.pre_revenue, c.revenue, c.pre_revenue)
            lo, hi = r["rel_ci_low"], r["rel_ci_high"]
        low += lift - 1 < lo
        high += lift - 1 > hi
    return low / sims, high / sims


def _rel_misses_conversion(seed, p_c, rr, n, sims):
    rng = np.random.default_rng(seed)
    low = high = 0
    for _ in range(sims):
        r = two_proportion(int(rng.binomial(n, p_c * rr)), n, int(rng.binomial(n, p_c)), n)
        low += rr - 1 < r["rel_ci_low"]
        high += rr - 1 > r["rel_ci_high"]
    return low / sims, high / sims


def test_relative_interval_coverage_short():
    """A few hundred simulated campaigns: the 95% relative intervals cover the truth and miss on both sides.
    Before: the CUPED interval (absolute / raw control mean) covered 84% here, and the symmetric conversion
    interval missed only above (never below). The long version is test_relative_interval_coverage."""
    low, high = _rel_misses_revenue(5, 800, 2.0, 300)
    assert 0.915 <= 1 - low - high <= 0.98 and 0.005 <= low <= 0.05 and 0.005 <= high <= 0.05, (low, high)
    low, high = _rel_misses_conversion(5, 0.05, 1.7, 440, 500)
    assert 0.925 <= 1 - low - high <= 0.975 and 0.005 <= low <= 0.045 and 0.005 <= high <= 0.045, (low, high)


@pytest.mark.simulation
@pytest.mark.parametrize(
    "kind, args",
    [("revenue", (440, 1.0)), ("revenue", (440, 1.6)), ("revenue", (800, 2.0)), ("revenue", (2000, 1.3)),
     ("conversion", (0.05, 1.0, 440)), ("conversion", (0.05, 1.7, 440)), ("conversion", (0.10, 1.3, 1000)),
     ("conversion", (0.05, 1.5, 2000))],
)  # fmt: skip
def test_relative_interval_coverage(kind, args):
    """4,000 simulated campaigns per case: coverage 93.5-96.5%, each side missed 1-4% of the time (nominal 2.5%)."""
    if kind == "revenue":
        low, high = _rel_misses_revenue(2026, *args, 4000, table=False)
    else:
        low, high = _rel_misses_conversion(2026, *args, 4000)
    assert 0.935 <= 1 - low - high <= 0.965, (low, high)
    assert 0.01 <= low <= 0.04 and 0.01 <= high <= 0.04, (low, high)


def test_verdict_and_shown_interval_never_disagree_on_random_tables():
    """Random campaigns with effects near the edge of significance: in every row of the effect table the
    verdict ("significant") is exactly "the interval shown excludes 0", for the absolute and the relative lift
    (before: Holm over four metrics beside unadjusted 95% intervals)."""
    rng = np.random.default_rng(44)
    rows = disagree = 0
    for _ in range(120):
        n = int(rng.integers(150, 1500))
        out = _outcomes(rng, n, float(rng.uniform(1.0, 1.8)))
        out["orders"] = out["orders"] * rng.integers(1, 3, len(out))
        e = effect_table(out)
        excl = (e.ci_low > 0) | (e.ci_high < 0)
        rel = (e.rel_ci_low > 0) | (e.rel_ci_high < 0)
        ok = np.isfinite(e.rel_ci_low) & np.isfinite(e.rel_ci_high)
        disagree += int((excl != e.significant).sum()) + int((rel[ok] != e.significant[ok]).sum())
        rows += len(e)
    assert rows == 480 and disagree == 0


def test_decision_family_controls_false_alarms():
    """No effect at all: the decision family (conversion, revenue per user) is called significant in at most 5%
    of campaigns (plus noise), with the adjusted intervals covering 0 for both at once."""
    rng = np.random.default_rng(9)
    alarms = 0
    for _ in range(300):
        e = effect_table(_outcomes(rng, 600, 1.0))
        alarms += bool(e.loc[e.role == "decision", "significant"].any())
    assert alarms / 300 <= 0.065


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
