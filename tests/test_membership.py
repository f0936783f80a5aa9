"""Membership health: tiers, points, activity, cohorts, lifecycle, churn and satisfaction.

Exact expectations on tiny hand-worked tables, pandas oracles on a generated shop, and the churn model against
the churn drivers that the sample generator plants (``_truth.json`` ``churn_drivers``, ``_truth_users.parquet``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from shoplab import membership as ms
from shoplab.periods import Period

TS = pd.to_datetime


@pytest.fixture
def tiny():
    members = pd.DataFrame(
        {
            "user_id": [1, 2, 3],
            "tier": ["银卡会员", "普通会员", "金卡会员"],
            "joined_ts": TS(["2024-01-05", "2024-02-10", "2024-03-20"]),
        }
    )
    tier_history = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 1, 3, 3],
            "ts": TS(["2024-01-05", "2024-02-10", "2024-03-20", "2024-02-15", "2024-03-25", "2024-04-02"]),
            "tier": ["普通会员", "普通会员", "普通会员", "银卡会员", "钻石会员", "金卡会员"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": range(1, 9),
            "user_id": [1, 1, 1, 2, 4, 4, 5, 3],
            "ts": TS(
                [
                    "2024-03-02",
                    "2024-03-10",
                    "2024-03-11",
                    "2024-03-05",
                    "2024-03-01",
                    "2024-03-30",
                    "2024-03-15",
                    "2024-03-21",
                ]
            ),
            "amount": [100.0, 50.0, 30.0, 20.0, 10.0, 40.0, 60.0, 90.0],
            "status": ["paid", "paid", "cancelled", "refunded", "paid", "paid", "paid", "paid"],
        }
    )
    points = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2, 2, 3],
            "ts": TS(["2024-02-01", "2024-03-02", "2024-03-20", "2024-02-11", "2024-03-31", "2024-03-21"]),
            "points": [100, 150, -200, 20, -20, 90],
            "kind": ["earn", "earn", "redeem", "earn", "expire", "earn"],
        }
    )
    return members, tier_history, orders, points


def test_tier_counts_and_migration(tiny):
    members, th, _, _ = tiny
    c = ms.tier_counts(members, th, periods=["2024-01", "2024-02", "2024-03", "2024-04"])
    assert c.loc["2024-01"].to_dict() == {"普通会员": 1, "银卡会员": 0, "金卡会员": 0, "钻石会员": 0}
    assert c.loc["2024-02"].to_dict() == {"普通会员": 1, "银卡会员": 1, "金卡会员": 0, "钻石会员": 0}
    assert c.loc["2024-03"].to_dict() == {"普通会员": 1, "银卡会员": 1, "金卡会员": 0, "钻石会员": 1}
    assert c.loc["2024-04"].to_dict() == {"普通会员": 1, "银卡会员": 1, "金卡会员": 1, "钻石会员": 0}
    m = ms.tier_migration(members, th, start="2024-02-01", end="2024-05-01")
    assert m.loc["普通会员", "银卡会员"] == 1  # user 1 upgraded
    assert m.loc["not a member", "普通会员"] == 1  # user 2 joined
    assert m.loc["not a member", "金卡会员"] == 1  # user 3 joined, passed through 钻石 and fell back
    s = ms.migration_summary(m).set_index("movement").members
    assert s.to_dict() == {"upgraded": 1, "stayed": 0, "downgraded": 0, "left": 0, "joined": 2}
    assert ms.tiers_at(members, th, at="2024-03-31").to_dict() == {
        1: "银卡会员",
        2: "普通会员",
        3: "钻石会员",
    }


def test_member_comparison(tiny):
    members, _, orders, _ = tiny
    c = ms.member_comparison(orders, members, start="2024-03-01", end="2024-04-01").set_index("group")
    # members before March: users 1 (2 sold orders, 150) and 2 (1 refunded order still sold, 20)
    assert c.loc["member", "buyers"] == 2 and c.loc["member", "repeat_buyers"] == 1
    assert c.loc["member", "repurchase_rate"] == 0.5
    assert c.loc["member", "aov"] == pytest.approx(170 / 3)
    # user 3 joined on 03-20: its own group; users 4 and 5 are non-members
    assert c.loc["joined in window", "buyers"] == 1
    assert c.loc["non-member", "buyers"] == 2 and c.loc["non-member", "repurchase_rate"] == 0.5
    assert c.gmv_share.sum() == pytest.approx(1.0)
    assert c.loc["non-member", "gmv_share"] == pytest.approx(110 / 370)


def test_points(tiny):
    members, th, _, points = tiny
    pm = ms.points_monthly(points, periods=["2024-03"]).iloc[0]
    assert (pm.issued, pm.redeemed, pm.expired, pm.outstanding) == (240, 200, 20, 140)
    assert pm.redemption_rate == pytest.approx(200 / 240)
    s = ms.points_summary(points, members, start="2024-02-01", end="2024-04-01")
    assert s["issued"] == 360 and s["outstanding"] == 140 and s["redeemers"] == 1
    assert s["breakage"] == pytest.approx(20 / 220)
    assert s["share_redeemed"] == pytest.approx(1 / 3)
    b = ms.points_balances(points, members, th, at="2024-04-01").set_index("user_id")
    assert b.balance.to_dict() == {1: 50, 2: 0, 3: 90}


def test_active_rate_and_gaps(tiny):
    members, _, orders, _ = tiny
    a = ms.active_rate(members, orders, start="2024-03-01", end="2024-04-01")
    assert a == {"members": 3, "active": 3, "active_rate": 1.0}
    a = ms.active_rate(members, orders, start="2024-03-12", end="2024-04-01")
    assert a["active"] == 1  # only user 3; user 1's 03-11 order was cancelled
    g = ms.days_between_orders(orders, members, end="2024-04-01").sort_values(["user_id", "gap_days"])
    assert g[g.user_id == 1].gap_days.tolist() == [8.0]
    assert g[g.user_id == 4].gap_days.tolist() == [29.0] and not g[g.user_id == 4].member.any()


def test_satisfaction_hand_worked():
    f = pd.DataFrame(
        {
            "user_id": [1, 2, 3, 4, 5, 1, 2],
            "ts": TS(["2024-03-01"] * 5 + ["2024-03-02", "2024-04-01"]),
            "kind": ["nps", "nps", "nps", "nps", "csat", "csat", "nps"],
            "score": [10, 9, 7, 3, 5, 2, 0],
        }
    )
    r = ms.nps(f, start="2024-03-01", end="2024-04-01")
    assert r["nps"] == pytest.approx((2 - 1) / 4 * 100)
    assert r["csat"] == 0.5 and r["nps_answers"] == 4
    m = ms.satisfaction_monthly(f, periods=["2024-03", "2024-04"]).set_index("period")
    assert m.loc["2024-04", "nps"] == -100
    members = pd.DataFrame({"user_id": [1], "tier": ["金卡会员"], "joined_ts": TS(["2024-01-01"])})
    t = ms.satisfaction_by_tier(f, members, start="2024-03-01", end="2024-05-01").set_index("tier")
    assert t.loc["金卡会员", "nps"] == 100 and t.loc["non-member", "nps_answers"] == 4


def test_missing_column_named():
    with pytest.raises(ValueError, match="joined_ts.*columns present: user_id, tier"):
        ms.tier_counts(pd.DataFrame({"user_id": [1], "tier": ["a"]}), periods=["2024-01"])


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


# -- churn against the planted drivers ------------------------------------------------------------------------


@pytest.mark.slow
def test_churn_model_clears_the_floor_set_by_planted_drivers(sample_shop, sample_dir):
    """The generator plants churn as an exponential hazard (baseline x archetype x exp(-0.5 satisfaction) x
    not-member x web): a user stops visiting at churn_ts. On the test cutoff:

    * the planted hazard alone ranks churners with AUC ``auc_hazard`` (what static drivers can achieve);
    * an oracle that also knows who already stopped before the cutoff reaches ``auc_oracle``.

    The model sees only behaviour, tiers, points and surveys; it must beat the planted hazard's ranking by a
    clear margin (it can see who stopped coming) and come within 0.08 of the oracle.
    """
    r = ms.churn_model(sample_shop, as_of="2026-11-01", horizon_days=90, lookback_days=180)
    truth = json.loads((sample_dir / "_truth.json").read_text())["churn_drivers"]
    tu = pd.read_parquet(sample_dir / "_truth_users.parquet").set_index("user_id")
    users = sample_shop.users.execute().set_index("user_id")
    d = r.test.join(tu).join(users[["platform"]])
    drv = truth["drivers"]
    hazard = (
        truth["baseline_monthly_hazard"]
        * d.archetype.map(drv["archetype"])
        * np.exp(-0.5 * d.satisfaction)
        * np.where(d.member, 1.0, drv["not_member"]["hazard_ratio"])
        * np.where(d.platform == "web", drv["platform_web"]["hazard_ratio"], 1.0)
    )
    from sklearn.metrics import roc_auc_score

    p_static = 1 - np.exp(-hazard * 90 / 30.4375)
    auc_hazard = roc_auc_score(d.churned, p_static)
    auc_oracle = roc_auc_score(d.churned, np.where(d.churn_ts < r.test_cutoff, 1.0, p_static))
    assert 0.6 < auc_hazard < auc_oracle
    assert r.auc > auc_hazard + 0.05, (r.auc, auc_hazard)
    assert r.auc > auc_oracle - 0.08, (r.auc, auc_oracle)
    # honest split: training labels end where test features begin
    assert r.train_cutoff + pd.Timedelta(days=90) == r.test_cutoff
    assert 0 <= r.precision <= 1 and 0 <= r.recall <= 1
    assert r.importance.auc_drop.iloc[0] > 0.02
    assert (r.calibration.observed_churn.diff().dropna() > -0.15).all()  # roughly increasing


@pytest.mark.slow
def test_at_risk_list(sample_shop):
    r = ms.churn_model(sample_shop, as_of="2026-11-01", n_repeats=1)
    f = ms.churn_features(sample_shop, cutoff="2026-11-01")
    lst = ms.at_risk_members(r, f, top=5)
    assert len(lst) <= 5
    assert (lst.churn_probability >= r.threshold).all()
    assert lst.value_at_risk.is_monotonic_decreasing
    assert set(lst.user_id) <= set(f[f.is_member == 1].index)
    assert lst.reasons.str.len().gt(0).all()


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


def test_repurchase_test_is_the_unpooled_two_proportion_test_with_its_interval():
    # oracle: the unpooled z statistic and Wald interval worked out with scipy's normal distribution
    from scipy import stats as sps

    comp = pd.DataFrame(
        {
            "group": ["member", "joined in window", "non-member"],
            "buyers": [200, 50, 300],
            "repeat_buyers": [90, 20, 105],
        }
    )
    r = ms.repurchase_test(comp)
    p1, p2 = 90 / 200, 105 / 300
    se = (p1 * (1 - p1) / 200 + p2 * (1 - p2) / 300) ** 0.5
    z = sps.norm.ppf(0.975)
    assert r["n_a"] == 200 and r["n_b"] == 300
    assert r["rate_a"] == pytest.approx(p1) and r["rate_b"] == pytest.approx(p2)
    assert r["diff"] == pytest.approx(p1 - p2)
    assert r["ci_low"] == pytest.approx(p1 - p2 - z * se) and r["ci_high"] == pytest.approx(p1 - p2 + z * se)
    assert r["p"] == pytest.approx(2 * sps.norm.sf((p1 - p2) / se))
    # the interval is shown beside the p-value in both languages
    assert "95% interval +1.2 to +18.8 pp" in ms.titles(comparison=comp, lang="en")["comparison"]
    assert "95% 区间 +1.2 至 +18.8 pp" in ms.titles(comparison=comp, lang="zh")["comparison"]
    empty = ms.repurchase_test(comp.assign(buyers=[0, 50, 300]))
    assert np.isnan(empty["diff"]) and np.isnan(empty["ci_low"])


def test_nps_interval_is_the_stats_one():
    from shoplab import stats

    assert ms.nps_interval(50, 20, 100) == pytest.approx(tuple(stats.nps_interval(50, 20, 100)))
    lo, hi = ms.nps_interval(50, 20, 100)
    assert lo < 30 < hi
