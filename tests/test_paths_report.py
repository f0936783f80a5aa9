"""The path report's wording and charts: sentences follow the numbers, charts return Axes, metric keys are exact."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from shoplab import paths
from shoplab.paths import report


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
    text = " ".join(report.findings(summary, cur, prev, channels, period="2026-10"))
    assert "1,000 sessions from 400 users in 2026-10" in text and "10.0% bounced" in text
    assert "The biggest drop-off is product_view → add_to_cart: 500 users (62.5%)" in text
    assert "The step that got worse is product_view → add_to_cart: 37.5% against 50.0%" in text
    assert "The channel that converts best is A: 20.0%" in text
    same = " ".join(report.findings(summary, cur, cur))
    assert "No step converted significantly worse" in same
    better = " ".join(report.findings(summary, prev, cur, lang="zh"))  # the other way round: a step improved
    assert "商品详情 → 加购 的转化率从 37.5% 提升到 50.0%" in better
    close = funnel_table([1000, 800, 396, 297])  # a change far from significant: named as the largest one
    assert "the largest change is product_view → add_to_cart, -0.5 pp" in " ".join(
        report.findings(summary, close, prev)
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
    out = report.record_headlines(summary, funnel_table([10, 5, 2, 1]))
    keys = ["paths.sessions", "paths.bounce_rate"] + [
        f"paths.funnel.{s}" for s in ("home", "product_view", "add_to_cart", "pay")
    ]
    assert list(out) == [*keys, "paths.conversion"] and out["paths.conversion"] == pytest.approx(0.1)


def test_charts_return_axes_and_titles_state_the_finding():
    cur = funnel_table([1000, 800, 300, 225])
    ax = report.plot_funnel(cur)
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
    assert report.plot_sankey(links, title=report.sankey_title(links, "home")).get_title("left") == (
        "From home, 60% of sessions go next to pv"
    )
    by = pd.concat(
        [funnel_table([100, 50]).assign(platform="app"), funnel_table([100, 20]).assign(platform="web")]
    )
    assert (
        report.plot_funnel_breakdown(by, "platform")
        .get_title("left")
        .startswith("By platform: app converts best (50.0%")
    )
    drops = pd.DataFrame(
        {"step": ["home", "home"], "next_event": ["[exit]", "search"], "units": [3, 1], "share": [0.75, 0.25]}
    )
    assert report.plot_dropoffs(drops).get_title("left") == "Most who stop at home leave the session (75%)"


def test_weekly_title_names_the_move_whose_conversion_moved_most():
    weeks = pd.date_range("2026-09-28", periods=5, freq="7D")
    rows = []
    for i, w in enumerate(weeks):
        t = funnel_table(
            [100, 80, 40 - 4 * i, 30 - 3 * i]
        )  # add_to_cart from product_view slides week by week
        rows.append(t.assign(week=w))
    table = pd.concat(rows, ignore_index=True)
    assert report.weekly_title(table).startswith("product_view → add_to_cart moved most: 45% in the week of")
    assert report.weekly_title(table, lang="zh").startswith("商品详情 → 加购 变化最大：")
