"""Every report's compute_report for a quarter, a year and a 618 window on the small sample shop: the period's
bounds, its comparison period and a number per report against a pandas oracle (the renders: test_e2e)."""

from __future__ import annotations

import pandas as pd
import pytest

from shoplab import campaigns, membership, overview, paths, profiling
from shoplab.paths import findings as path_findings
from shoplab.periods import Period

PERIODS = ["2026-Q2", "2026", "2026-06-01..2026-06-20"]


def _table(folder, name, **kw) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    return pd.read_parquet(path if path.exists() else folder / name, **kw)


def _in(df, col, p: Period) -> pd.Series:
    return (df[col] >= pd.Timestamp(p.start)) & (df[col] < pd.Timestamp(p.end))


@pytest.mark.parametrize("period", PERIODS)
def test_overview_for_any_period(sample_dir, sample_shop, period):
    p = Period.parse(period)
    r = overview.compute_report(sample_shop, period=period)
    o = _table(sample_dir, "orders")
    sold = o[o.status.isin(["paid", "refunded"])]
    assert r.period == p.label and r.summary.loc["orders", "value"] == _in(sold, "ts", p).sum() > 0
    prev = sold[_in(sold, "ts", p.previous())]
    if r.summary.loc["gmv", "previous"] == r.summary.loc["gmv", "previous"]:  # covered in full
        assert r.summary.loc["gmv", "previous"] == pytest.approx(prev.amount.sum())
    assert list(dict.fromkeys(r.trend.period)) == [p.previous().label, p.label]
    cur = r.trend[r.trend.period == p.label]
    assert len(cur) == (len(p.months) if p.monthly else p.days)
    assert cur.gmv.sum() == pytest.approx(sold[_in(sold, "ts", p)].amount.sum())


@pytest.mark.parametrize("period", PERIODS)
def test_profiling_for_any_period(sample_dir, sample_shop, period):
    p = Period.parse(period)
    r = profiling.compute_report(sample_shop, period=period, k_min=3, k_max=4)
    assert r.period == p.label and r.previous_period == p.previous().label
    assert (r.features.recency_days.dropna() >= 0).all()  # as of the end of the period, nothing after it
    o = _table(sample_dir, "orders")
    paid = o[(o.status == "paid") & _in(o, "ts", p) & o.user_id.isin(r.features.user_id)]
    assert r.features.orders_period.sum() == len(paid) > 0
    assert r.migration.to_numpy().sum() > 0
    last = pd.Timestamp(sample_shop.period_bounds("orders")[1]).normalize() + pd.Timedelta(days=1)
    as_of = min(pd.Timestamp(p.end), last)  # as of the period's end, or the data's when it ends first (2026)
    before = o[(o.status == "paid") & (o.ts < as_of) & o.user_id.isin(r.features.user_id)]
    want = (as_of - before.ts.max()) / pd.Timedelta(days=1)  # the most recent buyer's recency, in days
    assert abs(r.features.recency_days.min() - want) <= 1, (r.features.recency_days.min(), want)


@pytest.mark.parametrize("period", PERIODS)
def test_paths_for_any_period(sample_dir, sample_shop, period):
    p = Period.parse(period)
    r = paths.compute_report(sample_shop, period=period)
    assert r.period == p and r.previous_period == p.previous()
    e = _table(sample_dir, "events", columns=["user_id", "ts"])
    assert r.summary.users.iloc[0] == e[_in(e, "ts", p)].user_id.nunique() > 0
    assert r.summary_prev.users.iloc[0] == e[_in(e, "ts", p.previous())].user_id.nunique()
    text = " ".join(path_findings.findings(r))
    assert "the month before" not in text and "previous month" not in text


@pytest.mark.parametrize("period", PERIODS)
def test_campaigns_for_any_period(sample_dir, sample_shop, period):
    p = Period.parse(period)
    r = campaigns.compute_report(sample_shop, period=period, max_train_users=500, top_n=20)
    c = _table(sample_dir, "campaigns")
    active = c[(c.start_ts < pd.Timestamp(p.end)) & (c.end_ts >= pd.Timestamp(p.start))]
    assert sorted(r.campaigns.campaign_id) == sorted(active.campaign_id) and len(active)


@pytest.mark.parametrize("period", PERIODS)
def test_membership_for_any_period(sample_shop, period):
    p = Period.parse(period)
    r = membership.compute_report(sample_shop, period=period, churn_repeats=1)
    last_ts = pd.Timestamp(sample_shop.period_bounds("orders")[1])
    sm = min(p.last_full_month, Period(last_ts.year, last_ts.month))  # never past the data (2026: October)
    assert r.period == p and r.months[-1] == sm and len(r.months) == 12
    assert sm.end <= p.end and (sm == p.last_month or p.kind != "quarter")
    assert r.lifecycle.index[-1] == sm.label
    assert r.flows.to_numpy().sum() == len(r.stage_now) > 0  # every buyer staged at sm flows from somewhere
    assert r.flow_start < sm
    # the period's NPS is compared with the previous comparable period's, not with a month's
    assert r.nps_compare.period.tolist() == [p.previous().label, p.label]
    assert r.nps_basis is r.nps_compare and r.nps_compare.nps.iloc[-1] == r.nps_now["nps"]


def test_the_618_window_stops_monthly_views_at_may_and_flows_from_april():
    from shoplab.membership.results import flow_start

    p = Period.parse("2026-06-01..2026-06-20")
    assert p.last_full_month == Period(2026, 5) and flow_start(p) == Period(2026, 4)
    assert flow_start("2026-Q2") == Period(2026, 3) and flow_start("2026") == Period(2025, 12)
    assert flow_start("2026-10") == Period(2026, 9)


# -- the renders: every report for a quarter, a year and the 618 window ----------------------------------
# make test renders every report for the 618 window (the period kind with the most edge cases: a range that
# ends inside a month); the quarter and the year render with the long simulations (make test-simulations), so
# make test stays well under its time budget
@pytest.mark.slow
@pytest.mark.parametrize(
    "period",
    [
        pytest.param("2026-Q2", marks=pytest.mark.simulation),
        pytest.param("2026", marks=pytest.mark.simulation),
        "2026-06-01..2026-06-20",
    ],
)
def test_every_report_renders_for_a_quarter_a_year_and_a_618_window(sample_dir, tmp_path, period):
    import json

    from shoplab.runner import discover, run_reports

    p = Period.parse(period)
    out, results = run_reports(sample_dir, period=period, out=tmp_path, progress=lambda m: None)
    assert (
        out == tmp_path.resolve() / period
    )  # reports/2026-Q2/, reports/2026/, reports/2026-06-01..2026-06-20/
    assert {r.name: r.status for r in results} == dict.fromkeys(discover(), "ok"), [
        (r.name, r.message) for r in results
    ]
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert status["period"] == p.label and status["period_kind"] == p.kind
    assert (status["period_first_day"], status["period_last_day"]) == (str(p.first), str(p.last))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert p.title("en") in index and "vs previous month" not in index
    for r in results:
        html = (out / f"{r.name}.html").read_text(encoding="utf-8")
        assert f"This report covers {p.title('en')}" in html, r.name
    ov = (out / "overview.html").read_text(encoding="utf-8")
    assert "on the previous month" not in ov and "vs previous month" not in ov
    assert f"on {p.previous_name('en')}" in ov
    if p.monthly:
        assert "Monthly sales" in ov and "The best month was" in ov  # the chart's title is in its image
    assert json.loads((out / "metrics.json").read_text())["overview.gmv"] > 0


def test_a_month_report_has_no_period_note(rendered):
    out, proc = rendered
    assert proc.returncode == 0, proc.stderr
    for page in out.glob("*.html"):
        assert "This report covers" not in page.read_text(encoding="utf-8"), page.name
