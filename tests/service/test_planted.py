"""The sample shop's planted service effects, recovered within their intervals."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from shoplab.service import delivery, sessions, worth
from shoplab.service._common import promotion_days


@pytest.fixture(scope="module")
def truth(sample_dir):
    return json.loads((sample_dir / "_truth.json").read_text(encoding="utf-8"))["service"]


def test_delivery_delay_and_first_response_coefficients_on_review_score(sample_shop, truth):
    w = worth.service_worth(sample_shop, period="2026-10", months=12)
    d, f = w.review["delivery_days"], w.review["first_response_min"]
    assert d.ci_low <= truth["dsr_mean_delivery_days_coefficient"] <= d.ci_high, d
    assert f.ci_low <= truth["dsr_mean_first_response_minute_coefficient"] <= f.ci_high, f
    assert d.ci_high < 0 and f.ci_high < 0
    # repurchase does not depend on service in the sample: the interval holds zero
    r = w.repurchase["delivery_days"]
    assert r.ci_low <= 0 <= r.ci_high, r


def test_slow_promotion_days(sample_shop, truth):
    """Agent first response is planted 1.8x slower on days a campaign runs; pooled over several months."""
    ratios = [sessions.promotion_effect(sample_shop, period=p) for p in ("2026-06", "2026-10", "2025-11")]
    for r in ratios:
        assert r["ci_low"] <= truth["promotion_response_factor"] <= r["ci_high"] or r["n_promo"] < 30, r
        assert r["ci_low"] > 1 or r["n_promo"] < 30, r


def test_slow_agents(sample_shop, truth, sample_dir):
    """Each agent's geometric mean / its planted median is the same factor for all agents (promotion days and
    nights affect them alike): every agent's interval, so scaled, holds the pooled factor."""
    a = sessions.agents(sample_shop, period="2026-10", pseudonymous=False)
    med = pd.Series(truth["agents_first_response_median_s"])
    scaled_lo = a.set_index("agent").geo_ci_low / med
    scaled_hi = a.set_index("agent").geo_ci_high / med
    s = sample_shop.service_sessions.execute()
    s = s[
        (s.start_ts >= "2026-10-01") & (s.start_ts < "2026-11-01") & ~s.is_bot & s.first_response_ts.notna()
    ]
    promo = s.start_ts.dt.date.isin(promotion_days(sample_shop)).mean()
    night = (s.start_ts.dt.hour < 8).mean()
    factor = np.exp(
        promo * np.log(truth["promotion_response_factor"]) + night * np.log(truth["night_response_factor"])
    )
    assert ((scaled_lo <= factor) & (factor <= scaled_hi)).mean() >= 0.75, (scaled_lo, scaled_hi, factor)
    assert a.agent.iloc[0] == "kf08"  # the slowest planted agent is listed first


def test_carriers_and_provinces(sample_shop, truth):
    c = delivery.delivery_by(sample_shop, period="2026-10", by="carrier")
    planted = pd.Series(truth["carrier_mean_delivery_days"])
    # mean days = carrier mean + the shipment mix's province extra (the same for every carrier)
    prov = delivery.delivery_by(sample_shop, period="2026-10", by="province")
    extra = pd.Series(truth["province_extra_delivery_days"])
    mix = float((prov.delivered * extra.reindex(prov.index)).sum() / prov.delivered.sum())
    se = c.days_mean / np.sqrt(6) / np.sqrt(c.delivered)  # gamma shape 6: sd = mean / sqrt(6)
    assert (np.abs(c.days_mean - (planted.reindex(c.index) + mix)) < 4 * se * 1.5).all(), (c.days_mean, mix)
    assert list(c.index[:1]) == ["韵达"] and c.index[-1] == "顺丰"
    assert set(prov.index[:2]) == {"西藏", "新疆"}  # the two remotest provinces are slowest
