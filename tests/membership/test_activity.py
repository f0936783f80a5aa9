"""Activity, cohorts and lifecycle: tiny hand-worked tables and pandas oracles on a generated shop."""

from __future__ import annotations

import pandas as pd
import pytest

from shoplab import membership as ms
from shoplab.periods import Period

TS = pd.to_datetime


def test_active_rate_and_gaps(tiny):
    members, _, orders, _ = tiny
    a = ms.active_rate(members, orders, start="2024-03-01", end="2024-04-01")
    assert a == {"members": 3, "active": 3, "active_rate": 1.0}
    a = ms.active_rate(members, orders, start="2024-03-12", end="2024-04-01")
    assert a["active"] == 1  # only user 3; user 1's 03-11 order was cancelled
    g = ms.days_between_orders(orders, members, end="2024-04-01").sort_values(["user_id", "gap_days"])
    assert g[g.user_id == 1].gap_days.tolist() == [8.0]
    assert g[g.user_id == 4].gap_days.tolist() == [29.0] and not g[g.user_id == 4].member.any()


# -- pandas oracles on a generated shop ---------------------------------------------------------------------


def _sold(shop):
    o = shop.orders.execute()
    return o[o.status.isin(["paid", "refunded"])]


def test_cohort_retention_matches_pandas(sample_shop):
    got = ms.cohort_retention(sample_shop.orders, basis="first_order", start="2025-09-01", end="2026-11-01")
    o = _sold(sample_shop)
    o = o[o.ts < "2026-11-01"]
    first = o.groupby("user_id").ts.min().dt.to_period("M").rename("cohort")
    o = o.join(first, on="user_id")
    o["k"] = (o.ts.dt.to_period("M") - o.cohort).apply(lambda d: d.n)
    users = o.groupby(["cohort", "k"]).user_id.nunique()
    # revenue is net money: paid orders less partial refunds, refunded orders 0
    o["net"] = (o.amount - o.refund_amount.fillna(0).clip(upper=o.amount)).where(o.status == "paid", 0.0)
    rev = o.groupby(["cohort", "k"]).net.sum()
    size = first.value_counts()
    assert len(got) == sum(min(13, 14 - i) for i in range(14))  # fully observed cells only
    for r in got.itertuples():
        key = (pd.Period(r.cohort, "M"), r.months_since)
        assert r.cohort_size == size[key[0]]
        assert r.users == users.get(key, 0)
        assert r.revenue == pytest.approx(rev.get(key, 0.0))
        assert r.revenue_retention == pytest.approx(rev.get(key, 0.0) / rev[(key[0], 0)])
    assert (got[got.months_since == 0].retention == 1).all()


def _lifecycle_oracle(o: pd.DataFrame, months: list[Period], a: int, d: int, c: int) -> dict:
    out = {}
    for uid, g in o.groupby("user_id"):
        ts = sorted(g.ts)
        first_m = Period(ts[0].year, ts[0].month)
        prev_base = None
        for p in months:
            if p < first_m:
                continue
            end = pd.Timestamp(p.end)
            before = [t for t in ts if t < end]
            rec = (end - before[-1]).total_seconds() / 86400
            base = "active" if rec <= a else "at_risk" if rec <= d else "dormant" if rec <= c else "churned"
            ordered = any(pd.Timestamp(p.start) <= t < end for t in ts)
            if p == first_m:
                stage = "new"
            elif ordered and prev_base in ("dormant", "churned"):
                stage = "reactivated"
            elif ordered:
                stage = "active"
            else:
                stage = base
            out[(p.label, uid)] = stage
            prev_base = base
    return out


def test_lifecycle_matches_pandas(sample_shop):
    o = _sold(sample_shop)
    o = o[o.ts < "2026-11-01"]
    months = [Period(2025, 9).shift(k) for k in range(14)]
    got = ms.lifecycle_stages(
        sample_shop.orders, periods=months, at_risk_days=30, dormant_days=90, churned_days=150
    )
    want = _lifecycle_oracle(o, months, 30, 90, 150)
    assert dict(zip(zip(got.period, got.user_id, strict=True), got.stage, strict=True)) == want
    counts = ms.lifecycle_counts(got)
    assert counts.loc["2026-10"].sum() == o.user_id.nunique()
    assert counts.loc["2025-09", "new"] == counts.loc["2025-09"].sum()
    flows = ms.lifecycle_flows(got, period="2026-10")
    assert flows.to_numpy().sum() == counts.loc["2026-10"].sum()
    assert flows.loc["none"].sum() == counts.loc["2026-10", "new"]
    assert flows.loc["active", "reactivated"] == 0  # reactivation only from dormant or churned


def test_lifecycle_restricted_to_members(sample_shop):
    st = ms.lifecycle_stages(sample_shop.orders, periods=["2026-10"], users=sample_shop.members)
    assert set(st.user_id) <= set(sample_shop.members.execute().user_id)


# -- the shared per-user-day activity table -------------------------------------------------------------------


def test_user_days_matches_pandas(sample_shop):
    from shoplab.membership._common import user_days

    ev = sample_shop.events.select("user_id", "ts").execute()
    ev = ev[ev.ts.notna()]
    want = (
        ev.assign(d=ev.ts.dt.normalize())
        .groupby(["user_id", "d"])
        .agg(n=("ts", "size"), last=("ts", "max"))
        .reset_index()
        .sort_values(["user_id", "d"], ignore_index=True)
    )
    ud = user_days(sample_shop.events)
    assert user_days(sample_shop.events) is ud  # built once per events table, then reused
    got = ud.execute().sort_values(["user_id", "d"], ignore_index=True)
    assert list(got.columns) == ["user_id", "d", "n", "last"]
    assert len(got) == len(want)
    assert got.user_id.tolist() == want.user_id.tolist()
    assert (pd.to_datetime(got.d) == want.d).all()
    assert got.n.tolist() == want.n.tolist()
    assert (pd.to_datetime(got["last"]) == want["last"]).all()


def test_event_activity_from_user_days_matches_raw_events(sample_shop):
    """Active members, churn labels and DAU/MAU read the per-user-day table when their bounds are midnights and
    raw events otherwise; both must agree with pandas on the events."""
    ev = sample_shop.events.select("user_id", "ts").execute()
    o = _sold(sample_shop)
    members = sample_shop.members.execute()

    def active_users(lo, hi):
        lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
        return set(ev[(ev.ts >= lo) & (ev.ts < hi)].user_id) | set(o[(o.ts >= lo) & (o.ts < hi)].user_id)

    for lo, hi in [("2026-10-01", "2026-11-01"), ("2026-10-03 06:00", "2026-10-20 18:30")]:
        got = ms.active_rate(sample_shop.members, sample_shop.orders, sample_shop.events, start=lo, end=hi)
        mm = members[members.joined_ts < pd.Timestamp(hi)]
        assert got["members"] == len(mm)
        assert got["active"] == int(mm.user_id.isin(active_users(lo, hi)).sum())
    users = pd.Index(sorted(set(ev.user_id) | set(o.user_id)), name="user_id")
    for cut in ["2026-08-01", "2026-08-01 12:00"]:
        lab = ms.churn_labels(sample_shop, users, cutoff=cut, horizon_days=30)
        act = active_users(cut, pd.Timestamp(cut) + pd.Timedelta(days=30))
        assert lab.to_dict() == {u: int(u not in act) for u in users}
    # DAU/MAU: per day, members with an event at or after joining (their latest event that day)
    got = ms.member_dau_mau(sample_shop.members, sample_shop.events, periods=["2026-09", "2026-10"])
    e = ev[(ev.ts >= "2026-09-01") & (ev.ts < "2026-11-01")]
    last = e.assign(d=e.ts.dt.normalize()).groupby(["user_id", "d"]).ts.max().reset_index()
    last = last.merge(members[["user_id", "joined_ts"]], on="user_id")
    last = last[last.ts >= last.joined_ts]
    last["m"] = last.d.dt.strftime("%Y-%m")
    mau = last.groupby("m").user_id.nunique()
    dau = last.groupby("m").size() / pd.Series({"2026-09": 30, "2026-10": 31})
    g = got.set_index("period")
    assert g.mau.tolist() == mau.tolist()
    assert g.dau.tolist() == pytest.approx(dau.tolist())


def test_lifecycle_counted_in_the_engine_equals_the_pandas_path(sample_shop):
    from shoplab import membership as ms

    periods = ["2026-08", "2026-09", "2026-10"]
    lazy = ms.lifecycle_table(sample_shop.orders, periods=periods)
    eager = ms.lifecycle_stages(sample_shop.orders, periods=periods)
    pd.testing.assert_frame_equal(ms.lifecycle_counts(lazy), ms.lifecycle_counts(eager))
    pd.testing.assert_frame_equal(
        ms.lifecycle_counts(lazy, periods=periods[1:]), ms.lifecycle_counts(eager, periods=periods[1:])
    )
    pd.testing.assert_frame_equal(
        ms.lifecycle_flows(lazy, period="2026-10"), ms.lifecycle_flows(eager, period="2026-10")
    )
    a, b = ms.stage_at(lazy, "2026-10").sort_index(), ms.stage_at(eager, "2026-10").sort_index()
    pd.testing.assert_series_equal(a, b)


def test_order_gap_summary_equals_the_per_gap_table(sample_shop):
    from shoplab import membership as ms

    per_gap = ms.days_between_orders(sample_shop.orders, sample_shop.members, end="2026-11-01")
    summary = ms.order_gap_summary(sample_shop.orders, sample_shop.members, end="2026-11-01").set_index(
        "member"
    )
    for flag, g in per_gap.groupby("member"):
        row = summary.loc[flag]
        assert row.gaps == len(g)
        assert row.median_days == pytest.approx(g.gap_days.median(), rel=1e-9)
        assert row.mean_days == pytest.approx(g.gap_days.mean(), rel=1e-9)
