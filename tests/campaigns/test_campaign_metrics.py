"""The campaigns report's metrics.json keys: declared once (shoplab.campaigns.metrics), written only when they exist."""

from __future__ import annotations

import pandas as pd
import pytest

from shoplab import campaigns
from shoplab.campaigns import metrics as campaign_metrics
from shoplab.metrics import lookup


@pytest.fixture(scope="module")
def ev(sample_shop):
    camps = campaigns.campaigns_in_period(sample_shop.campaigns, period="2026-10")
    return campaigns.evaluate_campaigns(sample_shop, camps)


def _calls(monkeypatch):
    calls = []
    monkeypatch.setattr(
        "shoplab.notebook.record", lambda key, value, **kw: calls.append((key, value, kw)) or value
    )
    return calls


def test_no_key_without_a_value_for_a_campaign_without_control(ev, monkeypatch):
    """A campaign with no control group has no lift, GMV or ROI: it gets no (null) keys."""
    s = ev.summary[ev.summary["has_control"]].head(1)
    blank = pd.DataFrame([{"campaign_id": "C-none", "name": "no control", "has_control": False}])
    blank = blank.reindex(columns=s.columns)
    both = campaigns.Evaluation(pd.concat([s, blank], ignore_index=True), ev.effects)
    calls = _calls(monkeypatch)
    got = campaign_metrics.record_report_headlines(both)
    assert not [k for k in got if k.startswith("campaigns.C-none.")]
    assert all(v is not None and v == v for _, v, _ in calls)
    assert len(got) == len(campaigns.HEADLINE_KEYS)


def test_every_recorded_key_is_declared_with_its_unit_and_index_flag(ev, monkeypatch):
    calls = _calls(monkeypatch)
    campaign_metrics.record_report_headlines(ev, lang="en")
    assert calls
    for key, _, kw in calls:
        m = lookup(key)
        assert (kw["unit"], kw["index"]) == (m.unit, m.index)
        assert kw["label"].endswith(": " + m.en)


def test_registry_keys_are_the_headline_keys_and_did_keys():
    keys = {m.key.rsplit(".", 1)[1] for m in campaign_metrics.METRICS}
    did = {
        "did_evaluable",
        "did_revenue_per_user",
        "did_revenue_per_user_ci_low",
        "did_revenue_per_user_ci_high",
    }
    assert keys == set(campaigns.HEADLINE_KEYS) | did
