"""Satisfaction: NPS and CSAT on a hand-worked table, and the NPS interval from shoplab.stats."""

from __future__ import annotations

import pandas as pd
import pytest

from shoplab import membership as ms

TS = pd.to_datetime


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


def test_nps_interval_is_the_stats_one():
    from shoplab import stats

    assert ms.nps_interval(50, 20, 100) == pytest.approx(tuple(stats.nps_interval(50, 20, 100)))
    lo, hi = ms.nps_interval(50, 20, 100)
    assert lo < 30 < hi
