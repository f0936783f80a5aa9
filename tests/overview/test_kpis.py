"""Overview KPIs (shoplab.overview.kpis): a hand-worked example, and the engine against a straightforward pandas
version on the sample."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import write_tables

import shoplab
from shoplab import overview


def test_hand_worked_month(tiny):
    k = overview.month_kpis(tiny, ["2024-10"]).loc["2024-10"]
    assert k.gmv == 200 and k.net_sales == 170 and k.orders == 4 and k.buyers == 2
    assert k.aov == 50 and k.repurchase_rate == 1.0 and k.refund_rate == 0.25 and k.new_users == 2
    assert k.active_users == 4 and k.conversion == 0.5
    assert k.dau == pytest.approx(5 / 31) and k.stickiness == pytest.approx(5 / 31 / 4)


def test_summary_compares_only_covered_months(tiny):
    s = overview.kpi_summary(tiny, "2024-10")
    assert s.loc["gmv", "previous"] == 40 and s.loc["gmv", "change_mom"] == pytest.approx(4.0)
    assert math.isnan(s.loc["gmv", "last_year"]) and math.isnan(s.loc["gmv", "change_yoy"])
    assert s.loc["repurchase_rate", "change_kind"] == "pp"
    assert s.loc["repurchase_rate", "change_mom"] == pytest.approx(1.0 - 0.0)
    text = " ".join(overview.findings(s, overview.daily_trend(tiny, "2024-10"), period="2024-10"))
    assert "GMV was ¥200 in 2024-10, +400.0% on the previous month." in text
    assert "last year" not in text  # not covered, so not claimed


def test_daily_trend_fills_empty_days(tiny):
    t = overview.daily_trend(tiny, "2024-10")
    assert len(t) == 30 + 31 and t.gmv.sum() == 240
    oct31 = t[(t.period == "2024-10") & (t.day == 31)].iloc[0]
    assert oct31.gmv == 20 and oct31.orders == 1


def test_without_events_activity_is_nan_and_new_users_are_first_buyers(tmp_path, tiny):
    o = tiny.orders.to_pandas()
    shop = shoplab.connect(write_tables(tmp_path / "o", "parquet", orders=o))
    k = overview.month_kpis(shop, ["2024-10"]).loc["2024-10"]
    assert math.isnan(k.conversion) and math.isnan(k.dau) and k.active_users == k.buyers == 2
    assert (
        k.new_users == 1
    )  # user 1's first order is in October; user 2 bought in September; user 3 cancelled


def pandas_kpis(folder, period: str) -> dict:
    """Straightforward pandas oracle for one month's KPIs (independent of the engine code)."""
    orders = pd.read_parquet(folder / "orders")
    users = (
        pd.read_parquet(folder / "users.parquet")
        if (folder / "users.parquet").exists()
        else pd.read_parquet(folder / "users")
    )
    events = pd.read_parquet(folder / "events", columns=["user_id", "ts"])
    start = pd.Timestamp(period + "-01")
    end = start + pd.offsets.MonthBegin(1)
    o = orders[(orders.ts >= start) & (orders.ts < end) & orders.status.isin(["paid", "refunded"])]
    per_user = o.groupby("user_id").size()
    e = events[(events.ts >= start) & (events.ts < end)]
    visitors = set(e.user_id)
    buyers = set(o.user_id)
    days = (end - start).days
    dau = e.assign(d=e.ts.dt.date).groupby("d").user_id.nunique().sum() / days
    return {
        "gmv": o.amount.sum(),
        "net_sales": (o.amount - o.refund_amount.fillna(0)).where(o.status == "paid", 0.0).sum(),
        "orders": len(o),
        "buyers": o.user_id.nunique(),
        "aov": o.amount.sum() / len(o),
        "new_users": int(((users.signup_ts >= start) & (users.signup_ts < end)).sum()),
        "active_users": len(visitors),
        "dau": dau,
        "stickiness": dau / len(visitors),
        "conversion": len(visitors & buyers) / len(visitors),
        "repurchase_rate": (per_user >= 2).mean(),
        "refund_rate": (o.status == "refunded").mean(),
    }


@pytest.mark.parametrize("period", ["2026-10", "2026-06", "2025-11"])
def test_engine_matches_pandas_on_the_sample(sample_dir, sample_shop, period):
    got = overview.month_kpis(sample_shop, [period]).loc[period]
    want = pandas_kpis(sample_dir, period)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9), key
    assert want["orders"] > 50  # the sample has real activity in the month


def test_history_covers_only_full_months(tiny):
    h = overview.kpi_history(tiny, "2024-10", months=12)
    assert list(h.index) == ["2024-09", "2024-10"]
    assert h.loc["2024-09", "gmv"] == 40 and h.loc["2024-10", "gmv"] == 200


def test_partial_refunds_lower_net_sales_but_not_gmv(tmp_path, tiny):
    # order 1 (paid, 100) got 30 back, order 5 (paid, 20) a refund above its amount (counts as 20);
    # the refunded order 3 and the cancelled order 4 carry a refund_amount that changes nothing
    o = tiny.orders.to_pandas()
    o["refund_amount"] = [30.0, None, 5.0, 70.0, 25.0, None]
    shop = shoplab.connect(write_tables(tmp_path / "r", "parquet", orders=o))
    k = overview.month_kpis(shop, ["2024-10"]).loc["2024-10"]
    assert k.gmv == 200 and k.orders == 4 and k.aov == 50  # gross: paid and refunded at their amount
    assert k.net_sales == (100 - 30) + 50 + 0 + (20 - 20)  # net money: paid less refunds, refunded 0
    assert k.refund_rate == 0.25  # refund rate counts refunded orders only
