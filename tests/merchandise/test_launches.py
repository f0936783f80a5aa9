"""New launches against earlier ones: a hand-worked shop and a pandas brute force on small random shops."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shoplab.merchandise import launches, text

from .conftest import PERIOD, random_shop, shop_of

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
D = pd.Timedelta(days=1)


def _hand_shop(*, with_launch: bool = True):
    """Earlier launches 1-5 (2026-02-01): item i sells 10*i on day 5, 100 on day 45, 1000 on day 80.
    New 10 (2026-10-05): 30 on day 3 (ties item 3), 200 on day 50; the data ends before its day 90.
    New 11 (2026-08-15, inside the 90 days before October's end): 5 on day 10, 2000 on day 85.
    12 launched before the data starts, 13 after the period: neither counts. Item 11 sells 7 before its launch
    and item 2 sells 500 in a cancelled order: neither counts."""
    launch = {i: pd.Timestamp("2026-02-01") for i in range(1, 6)}
    launch |= {10: pd.Timestamp("2026-10-05"), 11: pd.Timestamp("2026-08-15")}
    launch |= {12: pd.Timestamp("2025-06-01"), 13: pd.Timestamp("2026-11-02")}
    sales = []  # (item, ts, gmv, status)
    for i in range(1, 6):
        for day, g in ((5, 10 * i), (45, 100), (80, 1000)):
            sales.append((i, launch[i] + day * D, g, "paid"))
    sales += [(11, pd.Timestamp("2026-08-10"), 7, "paid"), (2, launch[2] + 2 * D, 500, "cancelled")]
    sales += [(10, launch[10] + 3 * D, 30, "paid"), (10, launch[10] + 50 * D, 200, "refunded")]
    sales += [(11, launch[11] + 10 * D, 5, "paid"), (11, launch[11] + 85 * D, 2000, "paid")]
    sales += [(12, pd.Timestamp("2026-03-01"), 40, "paid"), (13, pd.Timestamp("2026-11-05"), 40, "paid")]
    sales += [(99, pd.Timestamp("2026-01-10"), 1, "paid"), (99, pd.Timestamp("2026-12-31"), 1, "paid")]
    n = len(sales)
    orders = pd.DataFrame(
        {
            "order_id": np.arange(1, n + 1),
            "user_id": 1,
            "ts": [s[1] for s in sales],
            "amount": 1.0,
            "status": [s[3] for s in sales],
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": np.arange(1, n + 1),
            "item_id": [s[0] for s in sales],
            "quantity": 1,
            "price": [float(s[2]) for s in sales],
        }
    )
    items = pd.DataFrame({"item_id": sorted(launch), "name": [f"item{i}" for i in sorted(launch)]})
    if with_launch:
        items["launch_ts"] = [launch[i] for i in items.item_id]
        items.loc[items.item_id == 99, "launch_ts"] = pd.NaT
    return shop_of(orders=orders, order_items=lines, items=items)


def test_launch_comparison_by_hand():
    r = launches.launch_comparison(_hand_shop(), period=PERIOD)
    assert r.start == pd.Timestamp("2026-08-03") and r.end == pd.Timestamp("2026-11-01")
    b = r.benchmark.set_index("days")
    assert b["n_earlier"].tolist() == [5, 5, 5] and b["has_benchmark"].all()
    assert b.loc[30, ["q1", "median", "q3"]].tolist() == [20, 30, 40]
    assert b.loc[60, ["q1", "median", "q3"]].tolist() == [120, 130, 140]
    assert b.loc[90, ["q1", "median", "q3"]].tolist() == [1120, 1130, 1140]
    t = r.items.set_index("item_id")
    assert t.index.tolist() == [11, 10]  # by launch time
    assert t.loc[10, ["gmv_30d", "gmv_60d"]].tolist() == [30, 230]
    assert np.isnan(t.loc[10, "gmv_90d"]) and np.isnan(t.loc[10, "pct_90d"])
    assert t.loc[10, ["pct_30d", "pct_60d"]].tolist() == [0.5, 1.0]  # 2 below + the tie half, of 5
    assert t.loc[11, ["gmv_30d", "gmv_60d", "gmv_90d"]].tolist() == [5, 5, 2005]
    assert t.loc[11, ["pct_30d", "pct_60d", "pct_90d"]].tolist() == [0.0, 0.0, 1.0]
    assert t.loc[11, ["median_30d", "median_60d", "median_90d"]].tolist() == [30, 130, 1130]
    # to date: the data ends 2026-12-31, 87 days after item 10's launch and 138 after item 11's
    assert t["age_days"].tolist() == [138, 87] and t["n_earlier_to_date"].tolist() == [5, 5]
    assert t["gmv_to_date"].tolist() == [2005, 230]  # item 11's sale before its launch does not count
    assert t["median_to_date"].tolist() == [1130, 1130] and t["pct_to_date"].tolist() == [1.0, 0.0]


def test_launch_comparison_none_without_launches_or_too_few_earlier():
    assert launches.launch_comparison(_hand_shop(with_launch=False), period=PERIOD) is None
    assert launches.launch_comparison(_hand_shop(), period=PERIOD, min_earlier=6) is None
    # new launches only: no earlier one at all
    assert launches.launch_comparison(_hand_shop(), period="2026-03") is None


def test_launch_table_shows_names_and_benchmarks():
    r = launches.launch_comparison(_hand_shop(), period=PERIOD)
    names = {i: f"item{i}" for i in (10, 11)}
    for lang in ("en", "zh"):
        t = text.launch_table(r, names=names, lang=lang)
        assert t.iloc[:, 0].tolist() == ["item11 (11)", "item10 (10)"]
        assert "n/a" in t.iloc[1].tolist()  # item 10's 90 days are not in the data
        assert text.launch_note(r, lang=lang) is None
        assert text.launch_note(None, lang=lang) != text.launch_note(None, has_launch_ts=False, lang=lang)
    assert "50.0%" in text.launch_table(r, lang="en").iloc[1].tolist()


def test_launch_finding_names_the_best_start():
    r = launches.launch_comparison(_hand_shop(), period=PERIOD)
    (f,) = text._launch_finding(r, {10: "item10"}, lambda en, zh, sec: (en, zh, sec))
    assert f[0] == (
        "2 items launched since 2026-08-03; the best start, item10 (10), made ¥30.00 in its first 30 days, ahead of "
        "50.0% of the 5 earlier launches at the same age (their median ¥30.00)."
    )
    assert "item10 (10)" in f[1] and "50.0%" in f[1] and f[2] == "launches"
    # no new launch has a 30/60/90-day figure: at their age; none has sold: said so
    late = r.items.assign(
        **{c: np.nan for c in r.items.columns if c.startswith("pct_") and c != "pct_to_date"}
    )
    (f,) = text._launch_finding(replace(r, items=late), {}, lambda en, zh, sec: en)
    assert "made ¥2,005 in its first 138 days, ahead of 100.0%" in f
    zero = late.assign(gmv_to_date=0.0)
    (f,) = text._launch_finding(replace(r, items=zero), {}, lambda en, zh, sec: en)
    assert f.startswith("None of the 2 items launched since 2026-08-03 has sold yet") and "¥1,130" in f


def brute_force(t: dict, period_end, days, min_earlier):
    o = t["orders"]
    o = o[o.status.isna() | o.status.isin(["paid", "refunded"])]
    j = t["order_items"].merge(o[["order_id", "ts"]], on="order_id")
    first, last = j.ts.min(), j.ts.max()
    start = period_end - pd.Timedelta(days=max(days))  # a month: the 90 days before its end
    it = t["items"].dropna(subset=["launch_ts"])
    it = it[it.launch_ts >= first]
    gmv = {}
    for i, lt in zip(it.item_id, it.launch_ts, strict=True):
        mine = j[j.item_id == i]
        for d in days:
            inside = mine[(mine.ts >= lt) & (mine.ts < lt + pd.Timedelta(days=d))]
            gmv[i, d] = (
                np.nan if lt + pd.Timedelta(days=d) > last else float((inside.quantity * inside.price).sum())
            )
    new = it[(it.launch_ts >= start) & (it.launch_ts < period_end)]
    old = it[it.launch_ts < start]
    rows = {}

    def first(i, lt, d):
        mine = j[(j.item_id == i) & (j.ts >= lt) & (j.ts < lt + pd.Timedelta(days=d))]
        return float((mine.quantity * mine.price).sum())

    for i, lt in zip(new.item_id, new.launch_ts, strict=True):
        a = int((last - lt) / pd.Timedelta(days=1))
        e = [
            first(o, lo, a)
            for o, lo in zip(old.item_id, old.launch_ts, strict=True)
            if lo + pd.Timedelta(days=a) <= last
        ]
        x = first(i, lt, a) if a >= 1 else np.nan
        ok = a >= 1 and len(e) >= min_earlier
        rows[i] = {
            "age_days": a,
            "gmv_to_date": x,
            "n_earlier_to_date": len(e) if a >= 1 else 0,
            "median_to_date": float(np.median(e)) if ok else np.nan,
            "pct_to_date": sum(1.0 if v < x else 0.5 if v == x else 0.0 for v in e) / len(e)
            if ok
            else np.nan,
        }
    for d in days:
        e = [gmv[i, d] for i in old.item_id if not np.isnan(gmv[i, d])]
        for i in new.item_id:
            x = gmv[i, d]
            if len(e) < min_earlier or np.isnan(x):
                pct = np.nan
            else:
                pct = sum(1.0 if v < x else 0.5 if v == x else 0.0 for v in e) / len(e)
            rows[i][f"gmv_{d}d"] = x
            rows[i][f"pct_{d}d"] = pct
            rows[i][f"median_{d}d"] = float(np.median(e)) if len(e) >= min_earlier else np.nan
    return rows, {d: len([i for i in old.item_id if not np.isnan(gmv[i, d])]) for d in days}


@SETTINGS
@given(st.integers(0, 10_000), st.sampled_from([1, 2, 3]))
def test_launch_comparison_matches_pandas(seed, min_earlier):
    t = random_shop(seed, n_items=30, n_orders=200, inventory=False, events=False)
    days = (30, 60, 90)
    want, n_earlier = brute_force(t, pd.Timestamp("2026-11-01"), days, min_earlier)
    got = launches.launch_comparison(shop_of(**t), period=PERIOD, days=days, min_earlier=min_earlier)
    if max(n_earlier.values()) < min_earlier:
        assert got is None
        return
    assert got.benchmark["n_earlier"].tolist() == [n_earlier[d] for d in days]
    g = got.items.set_index("item_id")
    assert sorted(g.index.tolist()) == sorted(want)
    for i, row in want.items():
        for k, v in row.items():
            np.testing.assert_allclose(g.loc[i, k], v, err_msg=f"{i} {k}")


def test_percentile_rank_ties_half():
    assert launches.percentile_rank(2, [1, 2, 2, 3]) == pytest.approx(0.5)
    assert launches.percentile_rank(5, [1, 2]) == 1.0
    assert np.isnan(launches.percentile_rank(np.nan, [1]))
