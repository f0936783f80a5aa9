"""Step changes the paths report names (weekly trend title, month-over-month findings) allow for the number of
steps they were picked from: Bonferroni-adjusted two-proportion tests, checked by hand, against scipy, and by
simulating funnels with no true change (and with a planted one)."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, norm

from shoplab import paths
from shoplab.paths import findings, tables, text

STEPS = ("home", "product_view", "add_to_cart", "checkout", "pay")
SUMMARY = pd.DataFrame([{"sessions": 1000, "users": 400, "events_per_session": 5.0, "bounce_rate": 0.1}])


def funnel_table(users, steps=STEPS):
    df = pd.DataFrame(
        {"step_number": range(1, len(users) + 1), "step": list(steps)[: len(users)], "users": users}
    )
    df["conversion_from_start"] = df.users / df.users.iloc[0]
    df["conversion_from_previous"] = df.users / df.users.shift(1).fillna(df.users.iloc[0])
    df["dropoff"] = (df.users.shift(1).fillna(df.users.iloc[0]) - df.users).astype("int64")
    return df


def weekly_table(weeks_users):
    """A ``funnel(by="week")`` table from one list of step counts per week (weeks from Monday 2026-09-28)."""
    weeks = pd.date_range("2026-09-28", periods=len(weeks_users), freq="7D")
    return pd.concat(
        [funnel_table(u).assign(week=w) for u, w in zip(weeks_users, weeks, strict=True)], ignore_index=True
    )


def unpooled_p(x_a, n_a, x_b, n_b):
    """The unpooled two-proportion z-test's p-value (the test that matches the Wald interval), by hand."""
    pa, pb = x_a / n_a, x_b / n_b
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    return 2 * norm.sf(abs(pb - pa) / se)


def pooled_p(x_a, n_a, x_b, n_b):
    """The pooled two-proportion z-test's p-value, independently: the 2x2 chi-square without correction."""
    return chi2_contingency([[x_a, n_a - x_a], [x_b, n_b - x_b]], correction=False)[1]


def wald(x_a, n_a, x_b, n_b, confidence):
    pa, pb = x_a / n_a, x_b / n_b
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    z = norm.ppf(1 - (1 - confidence) / 2)
    return pb - pa - z * se, pb - pa + z * se


def names_a_step(text: str) -> bool:
    """Whether a title names a step (display names ``a → b``)."""
    return "→" in text


def names_a_change(findings) -> bool:
    """Whether the month-over-month findings name a step as changed (got worse or improved)."""
    text = " ".join(str(f) for f in findings if f.section == "funnel-change")
    return "got worse is" in text or "improved to" in text


# ------------------------------------------------------------------------------------------------ the numbers


def test_compare_funnels_adjusts_for_the_steps_compared_by_hand():
    a, b = funnel_table([1000, 800, 400, 300]), funnel_table([1000, 760, 350, 270])
    c = paths.compare_funnels(a, b).set_index("step")
    # three steps compared: step k out of step k-1 in each funnel
    for step, (xa, na, xb, nb) in {
        "product_view": (800, 1000, 760, 1000),
        "add_to_cart": (400, 800, 350, 760),
        "checkout": (300, 400, 270, 350),
    }.items():
        r = c.loc[step]
        p = unpooled_p(xa, na, xb, nb)
        assert r.tests == 3 and r.p_value == pytest.approx(p, rel=1e-9)
        assert r.p_adjusted == pytest.approx(min(1.0, 3 * p), rel=1e-9)
        assert (r.ci_low, r.ci_high) == pytest.approx(wald(xa, na, xb, nb, 0.95))
        assert (r.ci_low_adjusted, r.ci_high_adjusted) == pytest.approx(wald(xa, na, xb, nb, 1 - 0.05 / 3))
        assert r.significant == (3 * p < 0.05)
    assert list(c.from_step) == ["home", "product_view", "add_to_cart"]
    # product_view 80% -> 76% of 1000: p = 0.028 alone, 0.084 after allowing for the three steps
    assert 0.02 < c.loc["product_view", "p_value"] < 0.05 and not c.loc["product_view", "significant"]
    assert c.loc["product_view", "ci_high"] < 0 < c.loc["product_view", "ci_high_adjusted"]
    # with groups the family is the steps of each group
    g = paths.compare_funnels(
        pd.concat([a.assign(g="x"), funnel_table([50, 20]).assign(g="y")]),
        pd.concat([b.assign(g="x"), funnel_table([60, 30]).assign(g="y")]),
        by="g",
    )
    assert dict(zip(g.g, g.tests, strict=True)) == {"x": 3, "y": 1}
    y = g[g.g == "y"].iloc[0]
    assert y.p_adjusted == pytest.approx(unpooled_p(20, 50, 30, 60)) and y.ci_low_adjusted == pytest.approx(
        y.ci_low
    )


def test_verdict_and_adjusted_interval_never_disagree():
    """Significant (adjusted p below 5%) exactly when the adjusted interval excludes 0, for any counts; the
    old pooled test beside the Wald interval disagreed near the boundary (about 1.5% of random comparisons)."""
    rng = np.random.default_rng(11)
    n_a, n_b = rng.integers(20, 2000, 4000), rng.integers(20, 2000, 4000)
    p = rng.uniform(0.02, 0.98, 4000)
    x_a = rng.binomial(n_a, p)
    x_b = rng.binomial(n_b, np.clip(p + rng.normal(0, 0.04, 4000), 0.01, 0.99))
    tests = rng.integers(1, 6, 4000)
    for xa, na, xb, nb, k in zip(x_a, n_a, x_b, n_b, tests, strict=True):
        r = paths.two_proportion_test(xa, na, xb, nb, tests=int(k))
        excludes = r["ci_low"] > 0 or r["ci_high"] < 0
        assert (r["p_adjusted"] < 0.05) == excludes, (xa, na, xb, nb, k, r)


def test_named_change_picks_the_largest_move_beyond_noise():
    c = pd.DataFrame(
        {
            "step_number": [2, 3, 4],
            "step": ["b", "c", "d"],
            "from_step": ["a", "b", "c"],
            "difference": [-0.20, -0.05, 0.03],
            "significant": [False, True, True],
        }
    )
    assert paths.named_change(c).step == "c"  # the biggest move (b) is not beyond noise: never named
    assert paths.named_change(c, direction="up").step == "d"
    assert paths.named_change(c.assign(significant=False)) is None
    with pytest.raises(ValueError, match="direction"):
        paths.named_change(c, direction="worse")


# ------------------------------------------------------------------------------------- hand-worked examples


def test_weekly_title_does_not_name_a_move_that_may_be_noise():
    # the first and last week are left out (partial); 10-05 against 10-19: add_to_cart out of product_view
    # goes 68% -> 63% (204/300 -> 189/300), the biggest move, p = 0.19 alone; the other moves are smaller
    weeks = [[500, 300, 200, 150, 120], [500, 300, 204, 150, 120], [500, 300, 195, 150, 120],
             [500, 300, 189, 140, 112], [500, 300, 190, 150, 120]]  # fmt: skip
    table = weekly_table(weeks)
    p = unpooled_p(204, 300, 189, 300)
    assert 0.18 < p < 0.21 and 0.18 < pooled_p(204, 300, 189, 300) < 0.21
    change = paths.weekly_change(table)
    assert list(change.week_a.dt.strftime("%m-%d").unique()) == ["10-05"]
    assert list(change.week_b.dt.strftime("%m-%d").unique()) == ["10-19"]
    moved = change.loc[change.difference.abs().idxmax()]
    assert moved.step == "add_to_cart" and moved.p_value == pytest.approx(p)
    assert moved.p_adjusted == pytest.approx(min(1, 4 * p)) and not change.significant.any()
    en, zh = text.weekly_title(change, lang="en"), text.weekly_title(change, lang="zh")
    assert en == (
        "No step changed beyond noise from the week of 10-05 to the week of 10-19 "
        "(4 steps tested, Bonferroni-adjusted)"
    )
    assert (
        zh
        == "从 10-05 当周到 10-19 当周，没有哪一步的变化超出随机波动（检验了 4 个步骤，已做 Bonferroni 校正）"
    )
    assert not names_a_step(en) and not names_a_step(zh) and "moved" not in en
    # fewer than four weeks: no two full weeks to compare
    short = paths.weekly_change(weekly_table(weeks[:3]))
    assert short.empty and text.weekly_title(short) == "Weekly conversion of each step"
    assert not paths.weekly_change(weekly_table(weeks[:4])).empty


def test_weekly_title_names_a_planted_drop_with_its_adjusted_interval():
    weeks = [[1000, 800, 540, 400, 300], [1000, 800, 544, 400, 300], [1000, 800, 500, 380, 290],
             [1000, 800, 400, 300, 230], [1000, 800, 420, 310, 240]]  # fmt: skip
    change = paths.weekly_change(weekly_table(weeks))  # add_to_cart: 544/800 (68%) -> 400/800 (50%)
    lo, hi = wald(544, 800, 400, 800, 1 - 0.05 / 4)
    ci = f"{lo * 100:+.1f} to {hi * 100:+.1f} pp"
    assert text.weekly_title(change) == (
        "product_view → add_to_cart fell from 68.0% in the week of 10-05 to 50.0% in the week of 10-19 "
        f"(-18.0 pp, 95% CI {ci}, adjusted for 4 steps)"
    )
    assert text.weekly_title(change, lang="zh") == (
        "商品详情 → 加购 从 10-05 当周的 68.0% 降到 10-19 当周的 50.0%"
        f"（-18.0 pp，95% 置信区间 {lo * 100:+.1f} 至 {hi * 100:+.1f} pp，已按 4 个步骤校正）"
    )
    # two changes beyond noise: the larger is named, and the title says there are two
    weeks[3] = [1000, 900, 450, 337, 259]  # product_view 80% -> 90% too (+10 pp), add_to_cart 68% -> 50%
    title = text.weekly_title(paths.weekly_change(weekly_table(weeks)))
    assert title.startswith("product_view → add_to_cart fell from 68.0%") and title.endswith(
        "; 2 steps changed beyond noise"
    )
    rose = [[1000, 800, 400, 300, 240], [1000, 800, 400, 300, 240], [1000, 800, 400, 300, 240],
            [1000, 800, 520, 390, 312], [1000, 800, 400, 300, 240]]  # fmt: skip
    assert text.weekly_title(paths.weekly_change(weekly_table(rose))).startswith(
        "product_view → add_to_cart rose from 50.0% in the week of 10-05 to 65.0% in the week of 10-19"
    )


def test_month_over_month_does_not_name_a_step_that_passes_only_without_adjustment():
    prev = funnel_table([1000, 800, 400, 300, 240])
    cur = funnel_table(
        [1000, 760, 380, 285, 228]
    )  # product_view 80% -> 76%: p = 0.028 alone, 0.11 for 4 steps
    p = pooled_p(800, 1000, 760, 1000)
    assert 0.02 < p < 0.05 < 4 * p
    en = [str(f) for f in findings.findings(SUMMARY, cur, prev) if f.section == "funnel-change"]
    assert en == [
        "No step changed beyond noise against the month before (two-proportion tests at the 5% level, "
        "Bonferroni-adjusted for 4 steps); the largest change is home → product_view, -4.0 pp "
        f"(p = {4 * p:.3f} after adjustment)."
    ]
    zh = [str(f) for f in findings.findings(SUMMARY, cur, prev, lang="zh") if f.section == "funnel-change"]
    assert zh == [
        "与上月相比，没有哪一步的变化超出随机波动（双比例检验，5% 显著性水平，已按 4 个步骤做 Bonferroni 校正）；"
        f"变化最大的是 首页 → 商品详情，-4.0 pp（校正后 p = {4 * p:.3f}）。"
    ]
    # the comparison can be handed in (the notebook computes it once for the findings and the table)
    change = paths.compare_funnels(prev, cur)
    assert [
        str(f) for f in findings.findings(SUMMARY, cur, change=change) if f.section == "funnel-change"
    ] == en
    shown = tables.format_funnel_change(change).to_string()
    assert "adjusted for 4 steps" in shown and f"{4 * p:.3f}" in shown and " yes" not in shown


def test_month_over_month_names_a_planted_drop_with_its_adjusted_interval():
    prev = funnel_table([1000, 800, 400, 300, 240])
    cur = funnel_table([1000, 800, 300, 225, 180])  # add_to_cart 50% -> 37.5% of 800
    p = pooled_p(400, 800, 300, 800)
    lo, hi = wald(400, 800, 300, 800, 1 - 0.05 / 4)
    text = [str(f) for f in findings.findings(SUMMARY, cur, prev) if f.section == "funnel-change"]
    assert text == [
        "The step that got worse is product_view → add_to_cart: 37.5% against 50.0% the month before "
        f"(-12.5 pp, 95% CI {lo * 100:+.1f} to {hi * 100:+.1f} pp, p < 0.001; adjusted for 4 steps)."
    ]
    assert 4 * p < 0.001
    better = [
        str(f) for f in findings.findings(SUMMARY, prev, cur, lang="zh") if f.section == "funnel-change"
    ]
    assert (
        better[0]
        == "与上月相比，没有哪一步的转化率下降超出随机波动（双比例检验，5% 显著性水平，已按 4 个步骤做 Bonferroni 校正）。"
    )
    assert better[1].startswith("商品详情 → 加购 的转化率从 37.5% 提升到 50.0%（+12.5 pp，95% 置信区间 ")


# ------------------------------------------------------------------------------------------------- simulation

CONVERSION = (0.82, 0.52, 0.68, 0.80)  # true conversion of each step from the previous one
WEEKS = pd.date_range("2026-09-28", periods=5, freq="7D")


def draw_funnel(rng, n, conversion=CONVERSION):
    users = [n]
    for c in conversion:
        users.append(int(rng.binomial(users[-1], c)))
    return funnel_table(users)


def planted(step: int, drop: float):
    conv = list(CONVERSION)
    conv[step] -= drop
    return tuple(conv)


def false_alarms(draws: int, seed: int, *, weekly: bool, conversion_b=CONVERSION, which: bool = False):
    """Share of draws in which the report names a changed step (and, with ``which``, the steps named).

    Weekly: five weeks of sessions, the second and the fourth compared (the fourth drawn from ``conversion_b``);
    monthly: two months of users (the second from ``conversion_b``), through the findings as the report calls
    them."""
    rng = np.random.default_rng(seed)
    named, steps = 0, []
    for _ in range(draws):
        if weekly:
            weeks = [draw_funnel(rng, 1000) for _ in range(3)] + [draw_funnel(rng, 1000, conversion_b)]
            weeks.append(draw_funnel(rng, 1000))
            table = pd.concat(
                [w.assign(week=d) for w, d in zip(weeks, WEEKS, strict=True)], ignore_index=True
            )
            change = paths.weekly_change(table)
            hit = names_a_step(text.weekly_title(change))
        else:
            prev, cur = draw_funnel(rng, 3000), draw_funnel(rng, 3000, conversion_b)
            hit = names_a_change(findings.findings(SUMMARY, cur, prev))
            change = paths.compare_funnels(prev, cur) if hit and which else None
        named += hit
        if hit and which:
            steps.append(paths.named_change(change).step)
    return named / draws, steps


@pytest.mark.parametrize("weekly", [False, True], ids=["month-over-month", "weekly"])
def test_no_true_change_names_a_step_in_at_most_about_5_percent_of_draws(weekly):
    # unadjusted, a step "changes" in about 19% of months (10% get worse); the old weekly title always named one
    rate, _ = false_alarms(200, seed=11 if weekly else 12, weekly=weekly)
    assert rate <= 0.09, rate  # 5% with 200 draws: 0.09 is 2.6 standard errors above


@pytest.mark.parametrize("weekly", [False, True], ids=["month-over-month", "weekly"])
def test_a_planted_drop_is_named(weekly):
    # add_to_cart out of product_view falls 10 pp: it is the step named (power about 94% weekly, 100% monthly)
    draws = 40
    _, steps = false_alarms(
        draws, seed=13 if weekly else 14, weekly=weekly, conversion_b=planted(1, 0.10), which=True
    )
    assert steps.count("add_to_cart") >= 0.8 * draws, steps


@pytest.mark.simulation
@pytest.mark.parametrize("weekly", [False, True], ids=["month-over-month", "weekly"])
def test_no_true_change_false_alarm_rate_long(weekly):
    rate, _ = false_alarms(4000, seed=21 if weekly else 22, weekly=weekly)
    assert rate <= 0.058, rate  # 5% with 4000 draws: 0.058 is 2.3 standard errors above
    _, steps = false_alarms(1000, seed=23, weekly=weekly, conversion_b=planted(1, 0.10), which=True)
    assert steps.count("add_to_cart") >= 900, steps.count("add_to_cart")


def test_the_picks_the_chart_titles_name():
    from shoplab.paths.changes import busiest_transition, top_exit_step, top_first_move

    drops = pd.DataFrame(
        {
            "step": ["cart", "checkout", "cart"],
            "next_event": ["(exit)", "(exit)", "home"],
            "share": [0.3, 0.6, 0.7],
        }
    )
    from shoplab.paths._common import EXIT

    drops["next_event"] = drops.next_event.replace("(exit)", EXIT)
    assert top_exit_step(drops).step == "checkout"  # the largest exit share, not the largest share
    assert top_exit_step(drops[drops.next_event != EXIT]) is None
    trans = pd.DataFrame(
        {
            "from_event": ["a", "a", "b", "b"],
            "to_event": ["a", "b", EXIT, "c"],
            "count": [50, 20, 90, 30],
        }
    )
    assert tuple(busiest_transition(trans)[["from_event", "to_event"]]) == ("b", "c")  # no self-loop, no exit
    assert busiest_transition(trans.iloc[[0, 2]]) is None
    links = pd.DataFrame({"layer": [0, 0, 1], "target": ["x", "y", "z"], "sessions": [30, 10, 99]})
    top, share = top_first_move(links)
    assert top.target == "x" and share == pytest.approx(0.75)
    assert top_first_move(links[links.layer == 1]) is None


def test_is_most_and_changed_steps_hand_worked():
    """The title's "most" is a share of at least one half; the count is the steps significant after adjustment."""
    from shoplab.paths.changes import MOST_SHARE, changed_steps, is_most

    assert MOST_SHARE == 0.5
    assert is_most(0.5) and is_most(0.93)
    assert not is_most(0.4999) and not is_most(float("nan"))
    change = pd.DataFrame({"step": ["a", "b", "c", "d"], "significant": [True, False, True, False]})
    assert changed_steps(change) == 2
    assert changed_steps(change.iloc[[1, 3]]) == 0


def test_largest_change_hand_worked():
    """The step mentioned when none changed beyond noise: the largest absolute difference, NaN skipped."""
    from shoplab.paths.changes import largest_change

    change = pd.DataFrame({"step": ["a", "b", "c", "d"], "difference": [0.01, -0.03, np.nan, 0.02]})
    assert largest_change(change).step == "b"
    assert largest_change(change.iloc[[0, 3]]).step == "d"
    assert largest_change(change.iloc[[2]]) is None
