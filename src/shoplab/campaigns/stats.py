"""Statistics for randomised campaign tests: intervals for lifts, Holm correction, SRM check, CUPED.

Every function works on plain numbers or NumPy arrays (per-user outcomes that the engine returned) and
returns a small dictionary of floats, so the report can state each number together with what it was compared
with. Intervals are two-sided at ``confidence``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = [
    "two_proportion",
    "welch",
    "ratio_of_sums",
    "holm",
    "srm_test",
    "cuped_adjust",
]


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _lift(treatment, control, diff, se, p, var_t, var_c, z) -> dict:
    """The result row shared by the lift tests: absolute lift with its interval, relative lift, p-value."""
    rel, rlo, rhi = _relative(diff, treatment, control, var_t, var_c, z)
    return dict(
        treatment=treatment,
        control=control,
        abs_lift=diff,
        ci_low=diff - z * se,
        ci_high=diff + z * se,
        rel_lift=rel,
        rel_ci_low=rlo,
        rel_ci_high=rhi,
        p_value=p,
        se=se,
    )


def _relative(diff: float, mean_t: float, mean_c: float, var_t: float, var_c: float, z: float):
    """Relative lift ``mean_t / mean_c - 1`` and its delta-method interval (independent groups)."""
    if mean_c == 0 or not np.isfinite(mean_c):
        return math.nan, math.nan, math.nan
    rel = mean_t / mean_c - 1
    se = math.sqrt(var_t / mean_c**2 + mean_t**2 * var_c / mean_c**4)
    return rel, rel - z * se, rel + z * se


def two_proportion(x_t: int, n_t: int, x_c: int, n_c: int, *, confidence: float = 0.95) -> dict:
    """Difference of two proportions (treatment minus control).

    The interval is the unpooled Wald interval; the p-value is the pooled two-proportion z-test (identical to
    the Pearson chi-square test of the 2x2 table without continuity correction).

    Returns
    -------
    dict
        ``treatment``, ``control`` (the two rates), ``abs_lift``, ``ci_low``, ``ci_high``, ``rel_lift``,
        ``rel_ci_low``, ``rel_ci_high``, ``p_value``, ``se``.
    """
    if min(n_t, n_c) <= 0:
        raise ValueError("both groups need at least one user")
    z = _z(confidence)
    p_t, p_c = x_t / n_t, x_c / n_c
    var_t, var_c = p_t * (1 - p_t) / n_t, p_c * (1 - p_c) / n_c
    se = math.sqrt(var_t + var_c)
    diff = p_t - p_c
    pooled = (x_t + x_c) / (n_t + n_c)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_t + 1 / n_c))
    p = float(2 * stats.norm.sf(abs(diff) / se0)) if se0 > 0 else 1.0
    return _lift(p_t, p_c, diff, se, p, var_t, var_c, z)


def welch(y_t, y_c, *, confidence: float = 0.95) -> dict:
    """Difference of means (treatment minus control) with Welch's t interval and test.

    Matches ``scipy.stats.ttest_ind(y_t, y_c, equal_var=False)`` and its ``confidence_interval``.
    """
    y_t, y_c = np.asarray(y_t, dtype=float), np.asarray(y_c, dtype=float)
    n_t, n_c = len(y_t), len(y_c)
    if min(n_t, n_c) < 2:
        raise ValueError("Welch's test needs at least two users per group")
    m_t, m_c = float(y_t.mean()), float(y_c.mean())
    var_t, var_c = float(y_t.var(ddof=1)) / n_t, float(y_c.var(ddof=1)) / n_c
    se = math.sqrt(var_t + var_c)
    diff = m_t - m_c
    if se == 0:
        return dict(
            treatment=m_t, control=m_c, abs_lift=diff, ci_low=diff, ci_high=diff, rel_lift=math.nan,
            rel_ci_low=math.nan, rel_ci_high=math.nan, p_value=1.0 if diff == 0 else 0.0, se=0.0, df=math.nan,
        )  # fmt: skip
    df = (var_t + var_c) ** 2 / (var_t**2 / (n_t - 1) + var_c**2 / (n_c - 1))
    tq = float(stats.t.ppf(0.5 + confidence / 2, df))
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    rel, rlo, rhi = _relative(diff, m_t, m_c, var_t, var_c, _z(confidence))
    return dict(
        treatment=m_t,
        control=m_c,
        abs_lift=diff,
        ci_low=diff - tq * se,
        ci_high=diff + tq * se,
        rel_lift=rel,
        rel_ci_low=rlo,
        rel_ci_high=rhi,
        p_value=p,
        se=se,
        df=df,
    )


def _ratio_var(num, den) -> tuple[float, float]:
    num, den = np.asarray(num, float), np.asarray(den, float)
    n = len(num)
    mn, md = num.mean(), den.mean()
    if md == 0:
        return math.nan, math.nan
    r = mn / md
    cov = np.cov(num, den, ddof=1)
    var = (cov[0, 0] - 2 * r * cov[0, 1] + r**2 * cov[1, 1]) / (n * md**2)
    # every user at the same ratio: zero in exact arithmetic, a tiny negative number after cancellation
    return float(r), max(float(var), 0.0)


def ratio_of_sums(num_t, den_t, num_c, den_c, *, confidence: float = 0.95) -> dict:
    """Difference of two ratio metrics ``sum(num) / sum(den)`` per group (e.g. AOV = GMV / orders).

    Users are the randomisation unit, so the variance of each ratio comes from the delta method over users
    (a plain t-test over orders would understate it).
    """
    z = _z(confidence)
    r_t, v_t = _ratio_var(num_t, den_t)
    r_c, v_c = _ratio_var(num_c, den_c)
    diff = r_t - r_c
    se = math.sqrt(v_t + v_c) if np.isfinite(v_t + v_c) else math.nan
    p = float(2 * stats.norm.sf(abs(diff) / se)) if se and np.isfinite(se) else math.nan
    return _lift(r_t, r_c, diff, se, p, v_t, v_c, z)


def holm(p_values) -> np.ndarray:
    """Holm–Bonferroni adjusted p-values (same order as given; NaN stays NaN and is not counted)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out[order] = adj
    return out


def srm_test(n_treatment: int, n_control: int, *, treatment_share: float = 0.5) -> dict:
    """Sample-ratio-mismatch check: chi-square goodness of fit of the group sizes against the planned split.

    A small p-value (below 0.001 by convention) means the assignment or the logging is broken and the effect
    estimates cannot be trusted.
    """
    if not 0 < treatment_share < 1:
        raise ValueError(f"treatment_share must be between 0 and 1, got {treatment_share}")
    n = n_treatment + n_control
    if n == 0:
        return dict(
            n=0, expected_treatment=math.nan, observed_share=math.nan, chi2=math.nan, p_value=math.nan
        )
    exp_t, exp_c = n * treatment_share, n * (1 - treatment_share)
    chi2 = (n_treatment - exp_t) ** 2 / exp_t + (n_control - exp_c) ** 2 / exp_c
    return dict(
        n=n,
        expected_treatment=exp_t,
        observed_share=n_treatment / n,
        chi2=float(chi2),
        p_value=float(stats.chi2.sf(chi2, 1)),
    )


def cuped_adjust(y, x) -> tuple[np.ndarray, float, float]:
    """CUPED: ``y - theta * (x - mean(x))`` with ``theta = cov(x, y) / var(x)`` over all users of both groups.

    ``x`` must be measured before the campaign (e.g. pre-period spend), so it is independent of assignment
    and the adjusted difference of means stays unbiased.

    Returns
    -------
    (adjusted, theta, variance_reduction)
        ``variance_reduction = 1 - var(adjusted) / var(y)`` (the share of variance removed).
    """
    y, x = np.asarray(y, float), np.asarray(x, float)
    vx = x.var(ddof=1) if len(x) > 1 else 0.0
    if not vx > 0:
        return y.copy(), 0.0, 0.0
    theta = float(np.cov(x, y, ddof=1)[0, 1] / vx)
    adj = y - theta * (x - x.mean())
    vy = y.var(ddof=1)
    red = float(1 - adj.var(ddof=1) / vy) if vy > 0 else 0.0
    return adj, theta, red
