"""The churn model against the churn drivers that the sample generator plants (``_truth.json``
``churn_drivers``, ``_truth_users.parquet``), and the at-risk list."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from shoplab import membership as ms

TS = pd.to_datetime


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
