"""The campaign report's decisions (hand-worked): interval sides, ROI outcome, small samples, lift counts, the
campaign the findings detail, decision-metric families and attribution shares."""

import math

import pandas as pd

from shoplab.campaigns.decisions import (
    LiftCount,
    attribution_shares,
    decision_metric_counts,
    detailed_campaigns,
    interval_sign,
    is_small_sample,
    lift_count,
    roi_outcome,
    smaller_group,
)


def test_interval_sign():
    assert interval_sign(0.1, 0.5) == 1
    assert interval_sign(-0.5, -0.1) == -1
    assert interval_sign(-0.1, 0.1) == 0
    assert interval_sign(0.0, 0.2) == 0  # touching zero is not above it
    assert interval_sign(math.nan, math.nan) == 0


def test_roi_outcome():
    assert roi_outcome({"roi_ci_low": 0.01, "roi_ci_high": 2.0}) == "paid off"
    assert roi_outcome({"roi_ci_low": -2.0, "roi_ci_high": -0.01}) == "did not pay off"
    assert roi_outcome({"roi_ci_low": -0.3, "roi_ci_high": 0.4}) == "uncertain"
    assert roi_outcome({"roi_ci_low": math.nan, "roi_ci_high": 0.4}) == "unknown"
    assert roi_outcome({}) == "unknown"


def test_small_sample_is_the_smaller_group_under_1000():
    assert smaller_group({"n_treatment": 5000, "n_control": 999}) == 999
    assert is_small_sample({"n_treatment": 5000, "n_control": 999})
    assert not is_small_sample({"n_treatment": 1000, "n_control": 1000})


def _summary():
    # four campaigns with a control group, one without; B and D lifted conversion significantly, C's significant
    # lift is negative, A is not significant; D has the largest incremental GMV
    return pd.DataFrame(
        {
            "campaign_id": ["A", "B", "C", "D", "E"],
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Eps"],
            "has_control": [True, True, True, True, False],
            "significant_conversion": [False, True, True, True, None],
            "lift_conversion": [0.02, 0.01, -0.03, 0.04, math.nan],
            "significant_revenue_per_user": [False, False, False, True, None],
            "lift_revenue_per_user": [1.0, 0.5, -1.0, 2.0, math.nan],
            "incremental_gmv": [100.0, 300.0, -50.0, 900.0, math.nan],
        }
    )


def test_lift_count_hand_worked():
    s = _summary()
    assert lift_count(s, "conversion") == LiftCount(4, 2, ("Beta", "Delta"), (False, True, False, True), True)
    assert lift_count(s, "revenue_per_user") == LiftCount(4, 1, ("Delta",), (False, False, False, True), True)
    two = lift_count(s.iloc[[0, 1, 4]], "conversion")
    assert (two.n_controlled, two.n_lifted, two.summarised) == (2, 1, False)
    assert lift_count(s.iloc[[4]]) == LiftCount(0, 0, (), (), False)


def test_detailed_campaigns_keeps_two_or_the_largest_gmv():
    s = _summary()
    assert list(detailed_campaigns(s)["campaign_id"]) == ["D"]
    assert list(detailed_campaigns(s.iloc[[0, 1, 4]])["campaign_id"]) == ["A", "B"]
    assert detailed_campaigns(s.iloc[[4]]).empty


def test_decision_metric_counts():
    eff = pd.DataFrame(
        {
            "campaign_id": ["A", "A", "A", "B", "B"],
            "role": ["decision", "decision", "secondary", "decision", "x"],
        }
    )
    assert decision_metric_counts(eff) == {"A": 2, "B": 1}
    assert decision_metric_counts(pd.DataFrame()) == {}


def test_attribution_shares():
    t = pd.DataFrame({"channel": ["ads", "search"], "last_touch": [30, 10], "first_touch": [5, 15]})
    got = attribution_shares(t, ["last_touch", "first_touch"])
    assert got == {"last_touch": [(30, 0.75), (10, 0.25)], "first_touch": [(5, 0.25), (15, 0.75)]}


def test_assigned_late():
    from shoplab.campaigns.decisions import assigned_late

    s = pd.DataFrame({"campaign_id": ["A", "B", "C"], "n_assigned_after_start": [0, 12, math.nan]})
    assert list(assigned_late(s)["campaign_id"]) == ["B"]
    assert assigned_late(s.drop(columns="n_assigned_after_start")).empty
