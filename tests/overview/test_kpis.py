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
    """Straightforward pandas oracle for one period's KPIs (independent of the engine code): a month, a quarter, a
    year or a date range, from its first day to the day after its last."""
    orders = pd.read_parquet(folder / "orders")
    users = (
        pd.read_parquet(folder / "users.parquet")
        if (folder / "users.parquet").exists()
        else pd.read_parquet(folder / "users")
    )
    events = pd.read_parquet(folder / "events", columns=["user_id", "ts"])
    first, _, last = period.partition("..")
    if last:  # both days included
        start, end = pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1)
    elif "Q" in period:
        start = pd.Timestamp(f"{period[:4]}-{3 * int(period[-1]) - 2:02d}-01")
        end = start + pd.offsets.MonthBegin(3)
    elif len(period) == 4:
        start, end = pd.Timestamp(f"{period}-01-01"), pd.Timestamp(f"{int(period) + 1}-01-01")
    else:
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


@pytest.mark.parametrize(
    "period",
    ["2026-10", "2026-06", "2025-11", "2026-Q2", "2026", "2026-06-01..2026-06-20", "2025-12-25..2026-01-03"],
)
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


# -- quarters, years and date ranges ---------------------------------------------------------------------
def test_a_range_of_a_whole_month_has_the_months_kpis_and_a_quarter_adds_its_months(sample_shop):
    """Two code paths (months bucketed together; any other period on its own) agree where they must."""
    m = overview.month_kpis(sample_shop, ["2026-06"]).loc["2026-06"]
    r = overview.month_kpis(sample_shop, ["2026-06-01..2026-06-30"]).loc["2026-06-01..2026-06-30"]
    for key in overview.KPI_UNITS:
        assert r[key] == pytest.approx(m[key], rel=1e-9, nan_ok=True), key
    months = overview.month_kpis(sample_shop, ["2026-04", "2026-05", "2026-06"])
    q = overview.month_kpis(sample_shop, ["2026-Q2"]).loc["2026-Q2"]
    for key in ("gmv", "net_sales", "orders", "new_users"):
        assert q[key] == pytest.approx(months[key].sum(), rel=1e-9), key
    assert months.buyers.max() <= q.buyers < months.buyers.sum()  # distinct over the quarter


def test_a_quarter_is_compared_with_the_previous_quarter_and_the_same_quarter_last_year(tiny):
    s = overview.kpi_summary(tiny, "2024-Q4")
    # the data starts on 1 September: Q3 is not covered in full, so it is not compared (never a partial base)
    assert s.loc["gmv", "value"] == 200 and math.isnan(s.loc["gmv", "previous"])
    assert math.isnan(s.loc["gmv", "last_year"])
    text = " ".join(overview.findings(s, overview.daily_trend(tiny, "2024-Q4"), period="2024-Q4"))
    assert "GMV was ¥200 in 2024 Q4." in text
    assert "of the quarter's 4 active users bought (n/a vs previous quarter)" in text and "month" not in text
    zh = " ".join(overview.findings(s, period="2024-Q4", lang="zh"))
    assert "2024年第四季度 成交额 ¥200。" in zh and "本季度 4 位活跃用户" in zh
    s = overview.kpi_summary(tiny, "2025-Q1")  # Q4 2024 is covered: compared
    assert s.loc["gmv", "value"] == 0 and s.loc["gmv", "previous"] == 200 and s.loc["gmv", "change_mom"] == -1
    text = " ".join(overview.findings(s, period="2025-Q1"))
    assert "GMV was ¥0 in 2025 Q1, -100.0% on the previous quarter." in text


def test_a_range_trend_runs_over_its_days_against_the_same_length_before(tiny):
    t = overview.daily_trend(tiny, "2024-10-01..2024-10-10")
    assert list(dict.fromkeys(t.period)) == ["2024-09-21..2024-09-30", "2024-10-01..2024-10-10"]
    assert (t.groupby("period").day.max() == 10).all() and len(t) == 20
    cur = t[t.period == "2024-10-01..2024-10-10"]
    assert cur.gmv.sum() == 100 + 50 + 30 and cur.date.iloc[-1] == pd.Timestamp("2024-10-10")
    title = overview.text.trend_title(t, "gmv")
    assert title.startswith("GMV per day, 2024-10-01 to 2024-10-10: peak ¥100 on 10-03"), title
    s = overview.kpi_summary(tiny, "2024-10-01..2024-10-10")
    text = " ".join(overview.findings(s, t, period="2024-10-01..2024-10-10"))
    assert "on the previous 10 days" in text and "of the period" in text


def test_a_year_trend_is_monthly(tiny):
    t = overview.daily_trend(tiny, "2024")
    assert list(dict.fromkeys(t.period)) == ["2023", "2024"] and len(t) == 24
    cur = t[t.period == "2024"].set_index("day")
    assert cur.loc[10, "gmv"] == 200 and cur.loc[9, "gmv"] == 40 and cur.gmv.sum() == 240
    assert cur.loc[10, "buyers"] == 2 and cur.loc[10, "date"] == pd.Timestamp("2024-10-01")
    # months wholly outside the data (it runs from 2024-09-01 to 2024-10-31) are unknown, not zero sales
    assert t[t.period == "2023"].gmv.isna().all() and cur.loc[[1, 8, 11, 12], "gmv"].isna().all()
    title = overview.text.trend_title(t, "gmv", lang="en")
    assert title == "GMV per month, 2024: peak ¥200 in 2024-10", title  # 2023: no data, no comparison
    assert overview.text.trend_title(t, "gmv", lang="zh").startswith("2024年 每月成交额：2024-10 达到峰值")
    s = overview.kpi_summary(tiny, "2024")
    assert s.loc["gmv", "value"] == 240
    text = " ".join(overview.findings(s, t, period="2024"))
    assert "The best month was 2024-10 with ¥200 GMV (83% of 2024)." in text


def test_a_month_reads_as_it_always_has(tiny):
    s = overview.kpi_summary(tiny, "2024-10")
    assert (
        list(overview.text.format_summary(s, period="2024-10").columns)
        == list(overview.text.format_summary(s).columns)
        == ["This month", "Previous month", "Change", "Same month last year", "Change vs last year"]
    )
    q = overview.text.format_summary(overview.kpi_summary(tiny, "2024-Q4"), period="2024-Q4", lang="zh")
    assert list(q.columns)[:2] == ["2024年第四季度", "2024年第三季度（上季度）"]
