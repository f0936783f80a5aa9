"""Targets and attainment (shoplab.overview.targets): hand-worked attainment and year to date, the verdict rule,
and the sample shop's plan against a pandas brute force."""

from __future__ import annotations

import math

import ibis
import pandas as pd
import pytest

import shoplab
from shoplab.overview import targets as T
from shoplab.overview import text


def _shop(orders, targets=None):
    con = ibis.duckdb.connect()
    con.create_table("orders", orders)
    if targets is not None:
        con.create_table("targets", targets)
    return shoplab.connect(con, validate=False)


ORDERS = pd.DataFrame(
    {
        "order_id": [1, 2, 3, 4, 5],
        "user_id": [1, 1, 2, 3, 1],
        "ts": pd.to_datetime(["2024-01-01", "2024-02-02", "2024-02-20", "2024-03-01", "2024-02-25"]),
        "amount": [100.0, 50.0, 30.0, 70.0, 999.0],
        "status": ["paid", "paid", "paid", "paid", "cancelled"],
    }
)
TARGETS = pd.DataFrame(
    {
        "period": ["2024-01", "2024-02", "2024-02", "2024", "2024", "2024-02", "2024", "2024-02", "2024-02"],
        "metric": ["gmv", "gmv", "orders", "orders", "net_sales", "aov", "buyers", "gmv", "nope"],
        "target": [80.0, 100.0, 4.0, 10.0, 500.0, 50.0, 9.0, 60.0, 1.0],
        "channel": [None, None, None, None, None, None, None, "app", None],
    }
)


def test_hand_worked_attainment_and_year_to_date():
    shop = _shop(ORDERS, TARGETS)
    tt = T.read_targets(shop)
    assert tt.scoped == 1 and len(tt.rows) == 7  # the app-only row is set aside, the unknown metric dropped
    a = T.attainment(shop, period="2024-02")
    # February: GMV 50 + 30 = 80 (the cancelled 999 does not count), 2 orders, AOV 40
    assert a.loc["gmv", ["target", "actual", "attainment"]].tolist() == [100, 80, 0.8]
    # year to date: (100 + 80) / (80 + 100), the monthly targets of January and February
    assert a.loc["gmv", "ytd_attainment"] == pytest.approx(1.0) and a.loc["gmv", "ytd_basis"] == "monthly"
    assert a.loc["gmv", "ytd_actual"] == 180 and a.loc["gmv", "ytd_target"] == 180
    # orders: no January target, so progress toward the yearly 10: 3 / 10
    assert a.loc["orders", "attainment"] == 0.5
    assert (
        a.loc["orders", "ytd_attainment"] == pytest.approx(0.3) and a.loc["orders", "ytd_basis"] == "yearly"
    )
    # net sales: only a yearly target; no monthly attainment, YTD progress 180 / 500
    assert math.isnan(a.loc["net_sales", "attainment"]) and a.loc["net_sales", "ytd_attainment"] == 0.36
    assert a.loc["aov", "attainment"] == pytest.approx(0.8) and math.isnan(a.loc["aov", "ytd_attainment"])
    assert "buyers" not in a.index  # a yearly target of a distinct count gets no attainment
    assert set(a.status.dropna()) == {"not_judged"}
    s = text.targets_sentence(a, lang="en")
    assert s.startswith(
        "GMV reached 80.0% of the month's target (¥80.00 of ¥100); year to date 100.0% of the plan's months so far;"
    )
    assert "not judged: there is no full-year forecast with an interval of it" in s and "on track" in s
    assert "on track" not in s.replace("whether the year is on track is not judged", "")


def test_year_to_date_needs_january_covered():
    shop = _shop(ORDERS[ORDERS.ts >= "2024-02-01"], TARGETS)
    a = T.attainment(shop, period="2024-02")
    assert a.loc["gmv", "attainment"] == 0.8 and math.isnan(a.loc["gmv", "ytd_attainment"])
    assert any("1 January" in n for n in text.targets_notes(a))


def test_verdict_comes_from_the_interval_only():
    assert T.full_year_status(100, None)["status"] == "not_judged"
    assert T.full_year_status(100, T.Projection("gmv", 2024, 150, 100, 200))["status"] == "on_track"
    assert T.full_year_status(100, T.Projection("gmv", 2024, 90, 80, 99.9))["status"] == "at_risk"
    assert T.full_year_status(100, T.Projection("gmv", 2024, 120, 95, 140))["status"] == "uncertain"
    assert T.full_year_status(math.nan, T.Projection("gmv", 2024, 120, 110, 140))["status"] == "not_judged"
    # the hook: a projection passed in decides the year's row
    shop = _shop(ORDERS, TARGETS)
    monthly = pd.DataFrame(
        {"period": [f"2024-{m:02d}" for m in range(1, 13)], "metric": "gmv", "target": 10.0}
    )
    shop = _shop(ORDERS, monthly)
    a = T.attainment(shop, period="2024-02", projections={"gmv": T.Projection("gmv", 2024, 150, 121, 160)})
    assert a.loc["gmv", "year_target"] == 120 and a.loc["gmv", "status"] == "on_track"
    assert a.loc["gmv", "plan_share"] == pytest.approx(20 / 120)
    assert "the full year is on track (projected ¥121 to ¥160 against ¥120)" in text.targets_sentence(
        a, lang="en"
    )


def test_duplicate_targets_are_refused():
    dup = pd.DataFrame({"period": ["2024-02", "2024-02"], "metric": ["gmv", "gmv"], "target": [1.0, 2.0]})
    with pytest.raises(ValueError, match="targets: 2 rows give the same period, metric"):
        T.read_targets(_shop(ORDERS, dup))


def test_without_targets_nothing_is_claimed():
    shop = _shop(ORDERS)
    assert T.read_targets(shop) is None and T.attainment(shop, period="2024-02").empty


def test_sample_plan_against_pandas(sample_dir):
    shop = shoplab.connect(sample_dir)
    a = T.attainment(shop, period="2026-10")
    plan = pd.read_parquet(sample_dir / "targets.parquet")
    plan = plan[plan.channel.isna() & plan.category.isna()]  # the shop-wide plan (scoped rows: below)
    orders = pd.read_parquet(sample_dir / "orders")
    sold = orders[orders.status != "cancelled"]
    assert set(a.index) == set(shoplab.contract.TARGET_METRICS)
    target = plan.set_index(["period", "metric"]).target
    oct_gmv = sold[(sold.ts >= "2026-10-01") & (sold.ts < "2026-11-01")].amount.sum()
    assert a.loc["gmv", "attainment"] == pytest.approx(oct_gmv / target[("2026-10", "gmv")])
    ytd = sold[(sold.ts >= "2026-01-01") & (sold.ts < "2026-11-01")]
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    want = ytd.amount.sum() / sum(target[(m, "gmv")] for m in months)
    assert a.loc["gmv", "ytd_attainment"] == pytest.approx(want)
    assert a.loc["orders", "ytd_attainment"] == pytest.approx(
        len(ytd) / sum(target[(m, "orders")] for m in months)
    )
    assert a.loc["gmv", "year_target"] == pytest.approx(
        sum(target[(f"2026-{m:02d}", "gmv")] for m in range(1, 13))
    )
    # the yearly GMV target is the months' sum x 1.03, rounded to 1000 (the planted stretch)
    assert target[("2026", "gmv")] == pytest.approx(round(a.loc["gmv", "year_target"] * 1.03, -3))
    assert (plan.target > 0).all() and plan.period.str.fullmatch(r"\d{4}(-\d{2})?").all()


def test_sample_scoped_plan_is_recovered(sample_dir):
    """The sample plans the GMV of its two largest channels and categories as the month's value times a recorded
    stretch: the report's attainment of such a target is 1 / stretch (to the rounding of the target)."""
    import json

    from shoplab.overview.targets_scoped import scoped_attainment

    shop = shoplab.connect(sample_dir)
    truth = json.loads((sample_dir / "_truth.json").read_text(encoding="utf-8"))["targets"]["scoped_stretch"]
    a = scoped_attainment(shop, period="2026-10")
    assert len(a) == 4 and a.compared.all() and set(a.scope) == {"channel", "category"}
    orders = pd.read_parquet(sample_dir / "orders")
    sold = orders[(orders.status != "cancelled") & (orders.ts >= "2026-10-01") & (orders.ts < "2026-11-01")]
    for r in a.itertuples():
        k = truth[f"{r.scope}:{r.scope_value}"]["2026-10"]
        if r.scope == "channel":  # the channel's GMV is exactly what the plan was drawn from
            assert r.actual == pytest.approx(sold[sold.channel == r.scope_value].amount.sum())
            assert r.attainment == pytest.approx(1 / k, rel=0.01)
        else:  # planned on line value; the report shares out order amounts (discounts differ): near, not equal
            assert r.attainment == pytest.approx(1 / k, rel=0.25)
        assert r.ytd_basis == "monthly" and r.ytd_attainment > 0


def test_contradictory_targets_skip_the_section_not_the_report():
    from shoplab.overview.report import compute_report

    dup = pd.DataFrame({"period": ["2024-02", "2024-02"], "metric": ["gmv", "gmv"], "target": [1.0, 2.0]})
    r = compute_report(_shop(ORDERS, dup), period="2024-02", forecasts=False)
    assert r.targets.empty and r.scoped.empty and r.has_targets
    assert r.targets_error.startswith("targets: 2 rows give the same period, metric")
    assert compute_report(_shop(ORDERS, TARGETS), period="2024-02", forecasts=False).targets_error is None
