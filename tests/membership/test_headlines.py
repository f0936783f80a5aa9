"""The numbers the membership findings and titles state, on hand-worked tables (shoplab.membership.headlines)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from shoplab.membership import headlines as hl
from shoplab.membership import titles


def test_tier_span_and_growth():
    tc = pd.DataFrame(
        {"普通会员": [10, 12, 9], "金卡会员": [2, 3, 5]}, index=["2026-08", "2026-09", "2026-10"]
    )
    assert hl.tier_span(tc) == ("2026-08", 12, "2026-10", 14, "金卡会员", 5)
    assert (
        titles(tier_counts=tc, lang="en")["tiers"]
        == "Members grew from 12 (2026-08) to 14 (2026-10); 金卡会员 now 5"
    )
    assert [hl.growth_direction(x) for x in (0.006, -0.006, 0.005, -0.005)] == [
        "growing",
        "shrinking",
        "flat",
        "flat",
    ]


def test_verdict_thresholds():
    assert hl.significant(0.049) and not hl.significant(0.05) and not hl.significant(math.nan)
    assert hl.small(99, 500) and not hl.small(100, 100)
    assert [hl.auc_grade(a) for a in (0.8, 0.79, 0.7, 0.69)] == ["good", "fair", "fair", "weak"]


def test_means_gaps_and_errors_by_hand():
    r = pd.DataFrame({"months_since": [0, 1, 1, 2], "retention": [1.0, 0.2, 0.4, 0.1]})
    assert hl.next_month_mean(r) == pytest.approx(0.3)
    lc = pd.DataFrame({"at_risk": [5, 7], "dormant": [3, 4]}, index=["2026-09", "2026-10"])
    assert hl.slipping(lc) == (11, 3, "2026-09") and hl.slipping(lc.iloc[:1]) == (8, None, None)
    cal = pd.DataFrame({"observed_churn": [0.1, 0.5], "mean_predicted": [0.15, 0.42]})
    assert hl.calibration_gap(cal) == pytest.approx(0.08)
    h = pd.DataFrame({"group": ["members", "all"], "predicted": [1.0, 3.0], "actual": [1.0, 4.0]})
    assert hl.holdout_error(h) == (3.0, 4.0, pytest.approx(-0.25))
    assert math.isnan(hl.holdout_error(h.assign(actual=0.0))[2])
    c = pd.DataFrame({"tier": ["a", "b", "c"], "clv_mean": [100.0, 400.0, 50.0]})
    assert hl.clv_spread(c) == ("b", 400.0, "c", pytest.approx(8.0))
    assert math.isnan(hl.clv_spread(c.assign(clv_mean=[1.0, 2.0, 0.0]))[3])


def test_nps_check():
    # 60 promoters, 20 detractors of 200 answers: NPS 20; last month 25 lies inside the interval
    now = {"nps": 20.0, "nps_answers": 200, "promoters": 60, "detractors": 20}
    sat = pd.DataFrame({"period": ["2026-09", "2026-10"], "nps": [25.0, 20.0]})
    c = hl.nps_check(now, sat)
    assert c.ci_low < 20 < c.ci_high and c.previous == 25.0 and c.previous_label == "2026-09"
    assert c.within and not c.small
    far = hl.nps_check(now, sat.assign(nps=[90.0, 20.0]))
    assert far.within is False
    alone = hl.nps_check(now | {"nps_answers": 50, "promoters": 15, "detractors": 5})
    assert alone.previous is None and alone.small
