"""Membership tiers, tier migration, members against non-members (with the repurchase test) and points: exact
expectations on tiny hand-worked tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shoplab import membership as ms

TS = pd.to_datetime


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


def test_missing_column_named():
    with pytest.raises(ValueError, match="joined_ts.*columns present: user_id, tier"):
        ms.tier_counts(pd.DataFrame({"user_id": [1], "tier": ["a"]}), periods=["2024-01"])


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
