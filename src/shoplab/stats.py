"""Statistics, once: intervals for lifts and proportions, multiplicity, SRM, CUPED, NPS.

Every report's tests and intervals come from here (campaign lifts, funnel step changes, member against
non-member repurchase, NPS); analysis packages call these and never re-derive them. Functions work on plain
numbers or NumPy arrays (per-user outcomes or counts the engine returned). A scalar test returns a
:class:`Result`: a dictionary (so it can become a table row) whose common fields are also attributes,
``estimate``, ``ci_low``, ``ci_high``, ``p_value`` and ``method``. Intervals are two-sided at ``confidence``.

Each lift comes with one test and one interval built from the same statistic, so an interval excludes zero
exactly when the test rejects at ``1 - confidence`` (two proportions: unpooled z test and Wald interval; means:
Welch t; ratio metrics: delta-method z). Relative lifts (``treatment / control - 1``) get Fieller's interval
for the ratio of the lift to the control mean, with the same variance and the same critical value: it is
asymmetric where the control mean is noisy, and it contains 0 exactly when the absolute interval does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "Result",
    "two_proportion",
    "two_proportions",
    "wilson",
    "wilson_expr",
    "percentile_rank",
    "nps_interval",
    "paired_proportions",
    "welch",
    "cuped_welch",
    "ratio_of_sums",
    "fieller",
    "holm",
    "bonferroni",
    "srm_test",
    "cuped_adjust",
    "ols_robust",
    "mape",
    "interval_coverage",
]


class Result(dict):
    """One test's result: a ``dict`` (its keys depend on the test) with the common fields as attributes.

    ``estimate`` is the difference (or value) estimated, ``ci_low``/``ci_high`` its interval, ``p_value`` the
    two-sided p-value (NaN when the test has none) and ``method`` names the test in words a reader can look up.
    """

    __slots__ = ()

    @property
    def estimate(self) -> float:
        return self["estimate"]

    @property
    def ci_low(self) -> float:
        return self["ci_low"]

    @property
    def ci_high(self) -> float:
        return self["ci_high"]

    @property
    def p_value(self) -> float:
        return self.get("p_value", math.nan)

    @property
    def method(self) -> str:
        return self["method"]


def _result(method: str, d: dict, estimate_key: str = "abs_lift") -> Result:
    return Result(d | dict(estimate=d[estimate_key], method=method))


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def _lift(treatment, control, diff, se, p, var_t, var_c, q) -> dict:
    """The result row shared by the lift tests of independent groups: absolute lift with its interval
    (``diff ± q * se``), relative lift with Fieller's interval at the same critical value ``q``, p-value."""
    rel = fieller(diff, control, var_num=var_t + var_c, var_den=var_c, cov=-var_c, q=q)
    return dict(
        treatment=treatment,
        control=control,
        abs_lift=diff,
        ci_low=diff - q * se,
        ci_high=diff + q * se,
        rel_lift=rel["ratio"],
        rel_ci_low=rel["ci_low"],
        rel_ci_high=rel["ci_high"],
        p_value=p,
        se=se,
    )


def fieller(
    num: float,
    den: float,
    *,
    var_num: float,
    var_den: float,
    cov: float = 0.0,
    confidence: float | None = None,
    q: float | None = None,
) -> dict:
    """Fieller's interval for the ratio ``num / den`` of two (asymptotically normal) estimates.

    The interval is every ratio ``r`` that the test of ``num - r * den = 0`` does not reject:
    ``(num - r den)^2 <= q^2 (var_num - 2 r cov + r^2 var_den)``. It uses the same variances as the delta
    method but does not linearise, so it is asymmetric when ``den`` is noisy, and it contains 0 exactly when
    ``|num| / sqrt(var_num) <= q`` (the test of the numerator alone). For a relative lift pass the absolute lift
    as ``num`` and the control mean as ``den``.

    Parameters
    ----------
    num, den
        The two estimates.
    var_num, var_den, cov
        Their variances and covariance.
    confidence, q
        The level of the interval, or directly the critical value (e.g. a Welch t quantile); one of the two.

    Returns
    -------
    dict
        ``ratio``, ``ci_low``, ``ci_high`` (``-inf``/``inf`` when ``den`` is not distinguishable from 0 at this
        level, so the set is unbounded), ``se`` (the delta-method standard error, for reference).
    """
    if q is None:
        q = _z(0.95 if confidence is None else confidence)
    if den == 0 or not np.isfinite(den) or not np.isfinite(num):
        return dict(ratio=math.nan, ci_low=math.nan, ci_high=math.nan, se=math.nan)
    r = num / den
    v = var_num - 2 * r * cov + r**2 * var_den
    se = math.sqrt(max(v, 0.0)) / abs(den)
    a = den**2 - q**2 * var_den
    if not a > 0:
        return dict(ratio=r, ci_low=-math.inf, ci_high=math.inf, se=se)
    b = num * den - q**2 * cov
    c = num**2 - q**2 * var_num
    root = math.sqrt(max(b * b - a * c, 0.0))  # >= 0 when a > 0: the quadratic is <= 0 at r
    return dict(ratio=r, ci_low=(b - root) / a, ci_high=(b + root) / a, se=se)


def two_proportions(x1, n1, x2, n2, *, confidence: float = 0.95, tests: Any = 1) -> dict[str, np.ndarray]:
    """Unpooled two-proportion z test and Wald interval of ``x1 / n1 - x2 / n2`` on arrays (one comparison
    per element; NaN where a group is empty).

    Interval and test share the unpooled standard error ``sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2)``, so the
    interval excludes 0 exactly when ``p_value < 1 - confidence`` (a pooled test beside a Wald interval
    disagrees near the boundary). ``tests`` (one number or one per comparison) is the number of comparisons each
    was picked from: ``p_adjusted`` is Bonferroni's ``min(1, tests * p_value)`` and ``ci_low``/``ci_high`` are at
    ``1 - (1 - confidence) / tests`` (simultaneous over the tests); with ``tests=1`` both are the plain ones.

    Returns
    -------
    dict of arrays
        ``p1``, ``p2``, ``difference`` (p1 - p2), ``se``, ``ci_low``, ``ci_high``, ``z``, ``p_value``,
        ``p_adjusted``.
    """
    tests = np.asarray(tests, dtype="float64")
    if np.any(tests < 1):
        raise ValueError(f"tests must be at least 1, got {tests!r}")
    _z(confidence)
    x1, n1, x2, n2 = (np.asarray(v, dtype="float64") for v in (x1, n1, x2, n2))
    ok = (n1 > 0) & (n2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = np.where(ok, x1 / n1, np.nan), np.where(ok, x2 / n2, np.nan)
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        d = p1 - p2
        z = np.where(se > 0, d / se, np.where(d == 0, 0.0, np.copysign(np.inf, d)))
    # both rates 0 or 1: no variation to test against (p = 1 when equal, 0 when not)
    p = np.where(se > 0, 2 * stats.norm.sf(np.abs(z)), np.where(d == 0, 1.0, 0.0))
    z, p = np.where(ok, z, np.nan), np.where(ok, p, np.nan)
    zq = stats.norm.ppf(1 - (1 - confidence) / tests / 2)
    return dict(
        p1=p1, p2=p2, difference=d, se=se, ci_low=d - zq * se, ci_high=d + zq * se, z=z, p_value=p,
        p_adjusted=np.minimum(1.0, p * tests),
    )  # fmt: skip


def two_proportion(
    x_t: int, n_t: int, x_c: int, n_c: int, *, confidence: float = 0.95, tests: int = 1
) -> Result:
    """Difference of two proportions (treatment minus control): :func:`two_proportions` for one comparison.

    The relative lift ``p_t / p_c - 1`` has Fieller's interval from the same variances (it never disagrees
    with the absolute interval about zero, and it is wide on the high side when the control count is small, as
    a log risk ratio would be). ``tests`` widens both intervals to ``1 - (1 - confidence) / tests`` and adds
    ``p_adjusted`` (Bonferroni), for a comparison picked from several.

    Returns
    -------
    Result
        ``treatment``, ``control`` (the two rates), ``abs_lift`` (= ``estimate``), ``ci_low``, ``ci_high``,
        ``rel_lift``, ``rel_ci_low``, ``rel_ci_high``, ``p_value``, ``p_adjusted``, ``se``, ``method``.
    """
    if min(n_t, n_c) <= 0:
        raise ValueError("both groups need at least one user")
    r = {
        k: float(v)
        for k, v in two_proportions(x_t, n_t, x_c, n_c, confidence=confidence, tests=tests).items()
    }
    p_t, p_c = r["p1"], r["p2"]
    var_t, var_c = p_t * (1 - p_t) / n_t, p_c * (1 - p_c) / n_c
    q = float(stats.norm.ppf(1 - (1 - confidence) / tests / 2))
    out = _lift(p_t, p_c, r["difference"], r["se"], r["p_value"], var_t, var_c, q)
    return _result("unpooled two-proportion z test", out | dict(p_adjusted=r["p_adjusted"]))


def wilson(successes: Any, n: Any, *, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of a proportion ``successes / n`` (scalars or arrays; NaN where ``n`` is 0).

    Unlike the plain normal interval it stays inside [0, 1] and keeps a sensible width for small groups and
    for rates near 0 or 1, which is where a breakdown's small segments live."""
    z = stats.norm.ppf(0.5 + confidence / 2)
    k, m = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(m > 0, k / m, np.nan)
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
    # exactly 0 below no success and 1 above all successes (the subtraction leaves ~1e-17 there)
    lo = np.where(k <= 0, np.where(m > 0, 0.0, np.nan), centre - half)
    hi = np.where((k >= m) & (m > 0), 1.0, centre + half)
    return lo[()], hi[()]


def percentile_rank(x: float, others) -> float:
    """Share of ``others`` below ``x``, ties counting half (the mid-rank percentile; NaN for a NaN ``x`` or no
    others; NaN among ``others`` is left out)."""
    o = np.asarray(others, dtype=float)
    o = o[~np.isnan(o)]
    if x is None or x != x or not len(o):
        return float("nan")
    return float(((o < x).sum() + 0.5 * (o == x).sum()) / len(o))


def wilson_expr(successes, n, *, confidence: float = 0.95):
    """:func:`wilson` as engine expressions: ``(low, high)`` of Ibis numeric columns ``successes`` and ``n``
    (``n`` > 0), so that a table of many proportions is bounded, ranked and cut in the engine. The same
    formula and the same exact 0 and 1 at the ends."""
    import ibis

    z = float(stats.norm.ppf(0.5 + confidence / 2))
    k, m = successes.cast("float64"), n.cast("float64")
    p = k / m
    denom = 1 + z * z / m
    centre = (p + z * z / (2 * m)) / denom
    half = z * (p * (1 - p) / m + z * z / (4 * m * m)).sqrt() / denom
    return ibis.ifelse(k <= 0, 0.0, centre - half), ibis.ifelse(k >= m, 1.0, centre + half)


def nps_interval(promoters: float, detractors: float, answers: float, *, confidence: float = 0.95) -> Result:
    """NPS in points (``100 * (promoters - detractors) / answers``) with its adjusted-Wald interval.

    The adjusted Wald interval of Rocks (2016, *The American Statistician* 70(4)), the best of the six methods
    he compared: add 3/4 to the promoters, 3/4 to the detractors and 3 to the answers, then take the normal
    interval of the difference of two shares of one multinomial sample, whose variance is
    ``(p_pro + p_det - (p_pro - p_det)^2) / n``, cut to the possible range [-100, 100] (and reaching the observed
    NPS, which the shrunken centre can leave out at one or two answers). Unlike the plain Wald
    interval it has no zero width when every answer is a promoter and keeps close to its level on small samples
    (exact coverage at 10 answers 93-97% where the plain one gave 65-91%). ``estimate`` stays the observed NPS.
    NaN without answers. The result unpacks as ``(ci_low, ci_high)`` too: ``lo, hi = nps_interval(...)``.
    """
    n = float(answers or 0)
    method = "adjusted Wald (Rocks 2016)"
    if n <= 0:
        return _NpsResult(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, se=math.nan, method=method)
    v = (promoters - detractors) / n * 100
    na = n + 3.0
    pp, pd_ = (promoters + 0.75) / na, (detractors + 0.75) / na
    se = math.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / na) * 100
    centre = (pp - pd_) * 100
    q = 1.96 if confidence == 0.95 else _z(confidence)  # 1.96: the figure shops quote, kept for equal numbers
    # cut to the possible range, and widened to the observed NPS where the shrunken centre left it out (1-2 answers)
    lo, hi = min(max(centre - q * se, -100.0), v), max(min(centre + q * se, 100.0), v)
    return _NpsResult(estimate=v, ci_low=lo, ci_high=hi, se=se, method=method)


class _NpsResult(Result):
    """An NPS :class:`Result` that also unpacks as ``(ci_low, ci_high)`` (the shape it had before)."""

    __slots__ = ()

    def __iter__(self):
        return iter((self["ci_low"], self["ci_high"]))

    def __len__(self) -> int:
        return 2


def paired_proportions(only_a: float, only_b: float, n: float, *, confidence: float = 0.95) -> Result:
    """Difference of two proportions measured on the same ``n`` units (``p_a - p_b``, e.g. two recommenders'
    hit rates on the same buyers), from the discordant counts: ``only_a`` units with a success under A alone,
    ``only_b`` under B alone (the concordant units cancel).

    The interval is Agresti and Min's (2005, *Biometrics* 61) adjusted Wald interval: half a unit added to each
    of the four cells (``n + 2`` units), which keeps close to its level on small samples where the plain Wald
    interval of the paired difference does not; cut to [-1, 1]. The p-value is McNemar's exact test (a binomial
    test of ``only_a`` out of ``only_a + only_b`` at one half; 1 without discordant units).
    """
    from scipy.stats import binomtest

    n = float(n)
    method = "paired difference: Agresti-Min interval, exact McNemar test"
    if n <= 0:
        return Result(estimate=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan, method=method)
    a, b = float(only_a), float(only_b)
    est = (a - b) / n
    a2, b2, n2 = a + 0.5, b + 0.5, n + 2.0
    d = (a2 - b2) / n2
    se = math.sqrt(max((a2 + b2) - (a2 - b2) ** 2 / n2, 0.0)) / n2
    q = _z(confidence)
    discordant = int(round(a + b))
    p = binomtest(int(round(a)), discordant, 0.5).pvalue if discordant else 1.0
    return Result(
        estimate=est,
        ci_low=max(d - q * se, -1.0),
        ci_high=min(d + q * se, 1.0),
        p_value=float(p),
        se=se,
        method=method,
    )


def welch(y_t, y_c, *, confidence: float = 0.95) -> dict:
    """Difference of means (treatment minus control) with Welch's t interval and test.

    Matches ``scipy.stats.ttest_ind(y_t, y_c, equal_var=False)`` and its ``confidence_interval``. The relative
    lift has Fieller's interval at the same t quantile.
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
        return _result("Welch t test", dict(
            treatment=m_t, control=m_c, abs_lift=diff, ci_low=diff, ci_high=diff, rel_lift=math.nan,
            rel_ci_low=math.nan, rel_ci_high=math.nan, p_value=1.0 if diff == 0 else 0.0, se=0.0, df=math.nan,
        ))  # fmt: skip
    df = (var_t + var_c) ** 2 / (var_t**2 / (n_t - 1) + var_c**2 / (n_c - 1))
    tq = float(stats.t.ppf(0.5 + confidence / 2, df))
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    return _result("Welch t test", _lift(m_t, m_c, diff, se, p, var_t, var_c, tq) | dict(df=df))


def cuped_welch(y_t, x_t, y_c, x_c, *, confidence: float = 0.95, theta: float | None = None) -> dict:
    """CUPED lift of a mean: Welch's t on ``y - theta * (x - mean(x))``, with the relative lift of the adjusted
    means and its interval from the covariance of all four means (post and pre, both groups).

    ``x`` is each user's pre-period value (measured before the campaign could act on it); ``theta`` defaults to
    :func:`cuped_adjust`'s ``cov(x, y) / var(x)`` over both groups. The absolute lift, its interval and the
    p-value are exactly :func:`welch` on the adjusted values. The adjusted group means
    ``A = mean(y) - theta * (mean(x_group) - mean(x))`` are what the lift compares, so ``treatment`` and
    ``control`` are those (``treatment_raw``, ``control_raw`` keep the plain means). The relative lift is
    ``A_t / A_c - 1``: its variance is the delta method over ``(mean y_t, mean x_t, mean y_c, mean x_c)``,
    whose covariance holds each group's var(y), var(x) and cov(x, y) (the control mean is estimated, not known),
    and the interval is Fieller's with the Welch quantile, so it contains 0 exactly when the absolute one does.
    GrowthBook's gbstats uses the same four-mean delta method (relative to the unadjusted control mean).

    Returns
    -------
    dict
        The keys of :func:`welch` plus ``treatment_raw``, ``control_raw``, ``theta``, ``variance_reduction``
        (share of the variance of ``y`` removed) and ``rel_se`` (delta-method standard error of the relative
        lift).
    """
    y_t, x_t = np.asarray(y_t, float), np.asarray(x_t, float)
    y_c, x_c = np.asarray(y_c, float), np.asarray(x_c, float)
    n_t, n_c = len(y_t), len(y_c)
    if min(n_t, n_c) < 2:
        raise ValueError("Welch's test needs at least two users per group")
    y, x = np.concatenate([y_t, y_c]), np.concatenate([x_t, x_c])
    adj, th, red = cuped_adjust(y, x)
    if theta is not None:
        th = float(theta)
        adj = y - th * (x - x.mean())
        red = float(1 - adj.var(ddof=1) / y.var(ddof=1)) if y.var(ddof=1) > 0 else 0.0
    res = dict(welch(adj[:n_t], adj[n_t:], confidence=confidence))
    res |= dict(
        treatment_raw=float(y_t.mean()), control_raw=float(y_c.mean()), theta=th, variance_reduction=red
    )
    w_t = n_t / (n_t + n_c)
    # gradients over (mean y_t, mean x_t, mean y_c, mean x_c) of the lift N = A_t - A_c and of D = A_c
    g_n = np.array([1.0, -th, -1.0, th])
    g_d = np.array([0.0, th * w_t, 1.0, -th * w_t])
    sig = np.zeros((4, 4))
    sig[:2, :2] = np.cov(y_t, x_t, ddof=1) / n_t
    sig[2:, 2:] = np.cov(y_c, x_c, ddof=1) / n_c
    var_n, var_d, cov_nd = float(g_n @ sig @ g_n), float(g_d @ sig @ g_d), float(g_n @ sig @ g_d)
    if res["se"] > 0:
        q = float(stats.t.ppf(0.5 + confidence / 2, res["df"]))
        rel = fieller(res["abs_lift"], res["control"], var_num=var_n, var_den=var_d, cov=cov_nd, q=q)
        res |= dict(
            rel_lift=rel["ratio"], rel_ci_low=rel["ci_low"], rel_ci_high=rel["ci_high"], rel_se=rel["se"]
        )
    else:
        res["rel_se"] = math.nan
    return _result("Welch t test on CUPED-adjusted values", res)


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
    (a plain t-test over orders would understate it). Interval and p-value use the same normal quantile.
    """
    z = _z(confidence)
    r_t, v_t = _ratio_var(num_t, den_t)
    r_c, v_c = _ratio_var(num_c, den_c)
    diff = r_t - r_c
    se = math.sqrt(v_t + v_c) if np.isfinite(v_t + v_c) else math.nan
    p = float(2 * stats.norm.sf(abs(diff) / se)) if se and np.isfinite(se) else math.nan
    return _result("delta-method z test of a ratio of sums", _lift(r_t, r_c, diff, se, p, v_t, v_c, z))


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


def bonferroni(p_values) -> np.ndarray:
    """Bonferroni adjusted p-values ``min(1, m * p)`` over the ``m`` non-NaN p-values (NaN stays NaN).

    An adjusted p below ``alpha`` is exactly a ``1 - alpha / m`` interval that excludes 0, so verdicts taken on
    these p-values agree with intervals shown at that level. (Holm's step-down rejects at least as much, but no
    simple interval matches its later steps.)
    """
    p = np.asarray(p_values, dtype=float)
    m = int((~np.isnan(p)).sum())
    return np.minimum(1.0, p * m)


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


def ols_robust(y, x, names, *, confidence: float = 0.95) -> dict[str, Result]:
    """Ordinary least squares of ``y`` on the columns of ``x`` (add an intercept column yourself) with
    heteroskedasticity-robust (HC1, White with n/(n-k)) standard errors; t intervals and tests on n - k degrees
    of freedom, as ``statsmodels`` ``OLS(y, x).fit(cov_type="HC1", use_t=True)``.

    Returns one :class:`Result` per coefficient name (``estimate``, ``se``, ``ci_low``, ``ci_high``,
    ``p_value``, ``n``). An association in the data, not an effect: the method says so in its name.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    n, k = x.shape
    if len(names) != k:
        raise ValueError("one name per column of x")
    if n <= k:
        raise ValueError(f"OLS needs more rows ({n}) than coefficients ({k})")
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    e = y - x @ beta
    meat = (x * e[:, None] ** 2).T @ x
    cov = xtx_inv @ meat @ xtx_inv * n / (n - k)
    se = np.sqrt(np.maximum(np.diag(cov), 0))
    tq = float(stats.t.ppf(0.5 + confidence / 2, n - k))
    out = {}
    for i, name in enumerate(names):
        t = beta[i] / se[i] if se[i] > 0 else math.nan
        p = float(2 * stats.t.sf(abs(t), n - k)) if se[i] > 0 else math.nan
        out[name] = Result(
            estimate=float(beta[i]), se=float(se[i]), ci_low=float(beta[i] - tq * se[i]),
            ci_high=float(beta[i] + tq * se[i]), p_value=p, n=n,
            method="OLS with HC1 robust standard errors (association, not cause)",
        )  # fmt: skip
    return out


def mape(actual, forecast) -> float:
    """Mean absolute percentage error, ``mean(|forecast - actual| / |actual|)`` over the values whose actual is
    not zero (a percentage of zero is undefined); NaN when there is none. A share (0.12 is 12%)."""
    a, f = np.asarray(actual, float), np.asarray(forecast, float)
    ok = (a != 0) & np.isfinite(a) & np.isfinite(f)
    return float(np.mean(np.abs(f[ok] - a[ok]) / np.abs(a[ok]))) if ok.any() else math.nan


def interval_coverage(actual, low, high) -> float:
    """Share of ``actual`` values inside their interval ``[low, high]`` (bounds included); NaN when empty."""
    a, lo, hi = (np.asarray(v, float) for v in (actual, low, high))
    return float(np.mean((a >= lo) & (a <= hi))) if len(a) else math.nan
