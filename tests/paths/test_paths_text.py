"""The path report's wording and charts: sentences follow the numbers, charts return Axes, metric keys are exact."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from shoplab import paths
from shoplab.paths import findings, plots, steptimes, tables
from shoplab.paths import metrics as paths_metrics
from shoplab.paths import text as paths_text


def funnel_table(users, steps=("home", "product_view", "add_to_cart", "pay")):
    df = pd.DataFrame(
        {"step_number": range(1, len(users) + 1), "step": list(steps)[: len(users)], "users": users}
    )
    df["conversion_from_start"] = df.users / df.users.iloc[0]
    df["conversion_from_previous"] = df.users / df.users.shift(1).fillna(df.users.iloc[0])
    df["dropoff"] = (df.users.shift(1).fillna(df.users.iloc[0]) - df.users).astype("int64")
    return df


def test_findings_name_the_biggest_dropoff_and_the_step_that_got_worse():
    summary = pd.DataFrame([{"sessions": 1000, "users": 400, "events_per_session": 5.0, "bounce_rate": 0.1}])
    prev = funnel_table([1000, 800, 400, 300])
    cur = funnel_table([1000, 800, 300, 225])  # add_to_cart falls from 50% to 37.5% of product_view
    channels = pd.DataFrame(
        {
            "channel": ["A", "B"],
            "sessions": [500, 500],
            "conversion": [0.2, 0.1],
            "ci_low": [0.17, 0.08],
            "ci_high": [0.24, 0.13],
        }
    )
    text = " ".join(findings.findings(summary, cur, prev, channels, period="2026-10"))
    assert "1,000 sessions from 400 users in 2026-10" in text and "10.0% bounced" in text
    assert "The biggest drop-off is product_view → add_to_cart: 500 users (62.5%)" in text
    assert "The step that got worse is product_view → add_to_cart: 37.5% against 50.0%" in text
    assert "The channel that converts best is A: 20.0%" in text
    same = " ".join(findings.findings(summary, cur, cur))
    assert "No step changed beyond noise against the month before" in same
    better = " ".join(
        findings.findings(summary, prev, cur, lang="zh")
    )  # the other way round: a step improved
    assert "商品详情 → 加购 的转化率从 37.5% 提升到 50.0%" in better
    close = funnel_table([1000, 800, 396, 297])  # a change far from significant: named as the largest one
    assert "the largest change is product_view → add_to_cart, -0.5 pp" in " ".join(
        findings.findings(summary, close, prev)
    )


def test_compare_funnels_uses_the_previous_step_as_base():
    c = paths.compare_funnels(funnel_table([1000, 800, 400]), funnel_table([1000, 800, 300]))
    row = c[c.step == "add_to_cart"].iloc[0]
    assert row.conversion_a == pytest.approx(0.5) and row.conversion_b == pytest.approx(0.375)
    r = paths.two_proportion_test(400, 800, 300, 800)
    assert row.p_value == pytest.approx(r["p_value"]) and row.ci_low < row.difference < row.ci_high < 0


def test_record_headlines_keys(monkeypatch):
    seen = {}
    monkeypatch.setattr("shoplab.notebook.record", lambda key, value, **kw: seen.setdefault(key, value))
    summary = pd.DataFrame([{"sessions": 10, "users": 4, "events_per_session": 3.0, "bounce_rate": 0.2}])
    out = paths_metrics.record_headlines(summary, funnel_table([10, 5, 2, 1]))
    keys = ["paths.sessions", "paths.bounce_rate"] + [
        f"paths.funnel.{s}" for s in ("home", "product_view", "add_to_cart", "pay")
    ]
    assert list(out) == [*keys, "paths.conversion"] and out["paths.conversion"] == pytest.approx(0.1)


def test_charts_return_axes_and_titles_state_the_finding():
    cur = funnel_table([1000, 800, 300, 225])
    ax = plots.plot_funnel(cur)
    assert "22.5% go from home to pay" in ax.get_title(
        "left"
    ) and "product_view → add_to_cart" in ax.get_title("left")
    links = pd.DataFrame(
        {
            "layer": [0, 0, 1],
            "source": ["home", "home", "pv"],
            "target": ["pv", "[exit]", "pay"],
            "sessions": [6, 4, 3],
        }
    )
    assert plots.plot_sankey(links, title=paths_text.sankey_title(links, "home")).get_title("left") == (
        "From home, 60% of sessions go next to pv"
    )
    by = pd.concat(
        [funnel_table([100, 50]).assign(platform="app"), funnel_table([100, 20]).assign(platform="web")]
    )
    assert (
        plots.plot_funnel_breakdown(by, "platform")
        .get_title("left")
        .startswith("By platform: app converts best (50.0%")
    )
    drops = pd.DataFrame(
        {"step": ["home", "home"], "next_event": ["[exit]", "search"], "units": [3, 1], "share": [0.75, 0.25]}
    )
    assert plots.plot_dropoffs(drops).get_title("left") == "Most who stop at home leave the session (75%)"


def slow_log():
    """a -> b -> c with known gaps (minutes): b after 0.5, 2, 10 and 200; c after 3000 (over a day), 1 and 0.5."""
    t0 = pd.Timestamp("2026-10-05")
    rows = []
    for user, gaps in {1: [0.5, 3000], 2: [2, 1], 3: [10, 0.5], 4: [200], 5: []}.items():
        t = t0
        rows.append((user, t, "a"))
        for gap, ev in zip(gaps, ["b", "c"], strict=False):
            t = t + pd.Timedelta(minutes=gap)
            rows.append((user, t, ev))
    return pd.DataFrame(rows, columns=["user_id", "ts", "event"])


def test_step_times_name_the_slowest_step_in_titles_tables_and_findings():
    ev = slow_log()
    dist = paths.step_time_distribution(ev, ["a", "b", "c"], window="7D")
    cur = paths.funnel(ev, ["a", "b", "c"], window="7D")
    b = dist[dist.step == "b"].set_index("bucket").units.tolist()
    assert b == [1, 1, 1, 0, 1, 0, 0]  # 0.5 | 2 | 10 | - | 200 | - | -
    assert dist[dist.step == "c"].units.tolist() == [2, 0, 0, 0, 0, 1, 0]  # 1 (edge) and 0.5 | 3000
    slow = steptimes.slowest_step(dist)
    assert (slow["from_step"], slow["step"], slow["edge"], slow["units"]) == ("b", "c", 1440.0, 3)
    assert slow["share"] == pytest.approx(1 / 3)
    assert (
        paths_text.step_times_title(dist, lang="en") == "The slowest step is b → c: 33% take more than a day"
    )
    assert paths_text.step_times_title(dist, lang="zh") == "最慢的一步是 b → c：33% 的用户隔了 1 天以上才完成"
    summary = pd.DataFrame([{"sessions": 10, "users": 5, "events_per_session": 2.0, "bounce_rate": 0.1}])
    text = " ".join(findings.findings(summary, cur, times=dist, lang="en"))
    assert (
        "The slowest step is b → c: half of the users who make it do so within 1.0 min, but 33.3% (1) take more "
        "than a day." in text
    )
    zh = " ".join(findings.findings(summary, cur, times=dist, lang="zh"))
    assert (
        "最慢的一步是 b → c：完成这一步的用户一半在 1.0 分钟 内完成，但 33.3%（1 位用户）隔了 1 天以上。"
        in zh
    )
    assert "slowest" not in " ".join(findings.findings(summary, cur, times=dist, slow_share=0.5, lang="en"))
    table = tables.format_step_times(dist, cur, lang="en")
    assert table.columns.tolist() == [
        "Step", "Users reaching it", "25% within", "Median", "75% within",
        "≤ 1 min", "1–5 min", "5–30 min", "30 min–2 h", "2 h–1 d", "1–3 d", "3–7 d",
    ]  # fmt: skip
    row = table.set_index("Step").loc["b → c"]
    assert (row["Users reaching it"], row["Median"], row["≤ 1 min"], row["1–3 d"]) == (
        "3",
        "1.0 min",
        "66.7%",
        "33.3%",
    )
    assert table.set_index("Step").loc["a → b", "Median"] == "6.0 min"  # (2 + 10) / 2
    ax = plots.plot_step_times(dist, lang="zh")
    assert ax.get_title("left") == paths_text.step_times_title(dist, lang="zh")
    ticks = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks(), strict=True)}
    assert ticks["a → b"] > ticks["b → c"]  # the funnel's order, top down


def test_bucket_labels_and_durations_read_like_a_manager_speaks():
    from shoplab.notebook import fmt_value

    cases = [(0, 1), (1, 5), (30, 120), (120, 1440), (4320, 10080), (0, 0.5), (5, 90)]
    assert [paths_text.bucket_label(a, b, lang="en") for a, b in cases] == [
        "≤ 1 min", "1–5 min", "30 min–2 h", "2 h–1 d", "3–7 d", "≤ 0.5 min", "5–90 min",
    ]  # fmt: skip
    assert (
        paths_text.bucket_label(0, 1, lang="zh") == "1 分钟内"
        and paths_text.bucket_label(1, 5, lang="zh") == "1–5 分钟"
    )
    assert [fmt_value(m, "duration", lang="en") for m in (0.75, 2.6, 95, 2262, 9000)] == [
        "45 s", "2.6 min", "1.6 h", "37.7 h", "6.2 d",
    ]  # fmt: skip
    assert (
        fmt_value(2262, "duration", lang="zh") == "37.7 小时" and fmt_value(float("nan"), "duration") == "n/a"
    )


def test_wilson_interval_matches_scipy_and_funnel_intervals_use_the_right_bases():
    from scipy.stats import binomtest

    from shoplab.paths._common import wilson_interval

    for k, n in [(0, 5), (3, 10), (30, 100), (99, 100), (7, 7), (412, 1500)]:
        ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
        lo, hi = wilson_interval(k, n)
        assert (float(lo), float(hi)) == pytest.approx((ci.low, ci.high), abs=1e-12)
    lo, hi = wilson_interval([1, 0], [0, 0])
    assert pd.isna(lo).all() and pd.isna(hi).all()
    t = pd.concat([funnel_table([200, 100, 40]).assign(g="a"), funnel_table([20, 5, 5]).assign(g="b")])
    ci = paths.funnel_intervals(t.reset_index(drop=True), by="g").set_index(["g", "step_number"])
    # from the previous step: 40 of 100 (a), 5 of 5 (b); from the start: 40 of 200, 5 of 20
    for key, (k, n, m) in {("a", 3): (40, 100, 200), ("b", 3): (5, 5, 20), ("b", 2): (5, 20, 20)}.items():
        prev = binomtest(k, n).proportion_ci(0.95, method="wilson")
        start = binomtest(k, m).proportion_ci(0.95, method="wilson")
        assert ci.loc[key, "ci_low_from_previous"] == pytest.approx(prev.low)
        assert ci.loc[key, "ci_high_from_previous"] == pytest.approx(prev.high)
        assert ci.loc[key, "ci_low_from_start"] == pytest.approx(start.low)
    assert pd.isna(ci.loc[("a", 1), "ci_low_from_previous"])


def test_breakdown_title_tests_the_gap_and_ignores_tiny_groups():
    def by_group(rows):
        return pd.concat([funnel_table(u).assign(platform=g) for g, u in rows.items()]).reset_index(drop=True)

    # web converts 10% and app 52%: a real gap; tiny has 2 of 3 (67%) but too few users to be named best
    t = by_group({"app": [1000, 800, 520], "web": [500, 300, 50], "tiny": [3, 3, 2]})
    title = paths_text.breakdown_title(t, "platform", lang="en")
    assert title.startswith(
        "By platform: app converts best (52.0% reach add_to_cart), web worst (10.0%); gap +42.0 pp"
    )
    assert "adjusted for 1 pairs" not in title and "(95% CI +" in title
    r = paths.two_proportion_test(50, 500, 520, 1000)
    assert f"{r['ci_low'] * 100:+.1f} to {r['ci_high'] * 100:+.1f} pp" in title  # one pair: no adjustment
    # three groups close together: the best-worst gap is chance once the 3 pairs are allowed for
    close = by_group({"a": [400, 300, 127], "b": [400, 300, 110], "c": [400, 300, 100]})
    p = paths.two_proportion_test(100, 400, 127, 400)["p_value"]
    assert 0.05 / 3 < p < 0.05  # significant alone, not after the adjustment
    title = paths_text.breakdown_title(close, "platform", lang="zh")
    assert title.endswith(f"差距可能只是随机波动（p = {min(1, 3 * p):.3f}，已按 3 对两两比较校正）"), title
    assert (
        paths_text.breakdown_title(by_group({"x": [10, 5, 2], "y": [12, 6, 1]}), "platform")
        == "Funnel by platform"
    )
