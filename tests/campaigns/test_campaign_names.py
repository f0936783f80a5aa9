"""Names of the campaign report's codes come from the glossary, by code."""

from __future__ import annotations

import pytest

from shoplab import campaigns
from shoplab.campaigns import effect
from shoplab.campaigns.text import dimension_display, model_display, segment_display
from shoplab.labels import name, names

#: the Chinese names of profiling's 11-segment RFM that the campaigns' 8-cell RFM used to share
PROFILING_RFM_ZH = {"重要价值客户", "重要保持客户", "重要发展客户", "重要挽留客户", "一般价值客户", "一般保持客户",
                    "一般发展客户", "一般挽留客户"}  # fmt: skip


def test_effect_metric_labels_are_the_glossary_names():
    for metric, (label, _unit, method) in effect.METRICS.items():
        assert name("campaign_metric." + effect.metric_code(metric, cuped=True), "en") == label
        assert name("campaign_method." + effect.method_code(metric, cuped=True), "en") == method
    assert name("campaign_metric." + effect.metric_code("revenue_per_user", cuped=False), "en") == (
        "Revenue per assigned user"
    )
    assert name("campaign_method." + effect.method_code("revenue_per_user", cuped=False), "en") == "Welch t"


def test_campaign_rfm_has_its_own_names(sample_shop):
    camps = campaigns.campaigns_in_period(sample_shop.campaigns, period="2026-10")
    ev = campaigns.evaluate_campaigns(sample_shop, camps)
    cid, out = next(iter(ev.outcomes.items()))
    start = camps.set_index("campaign_id").loc[cid, "start_ts"]
    seg = campaigns.user_segments(sample_shop, out["user_id"], start_ts=start)
    values = set(seg["rfm_segment"])
    assert values <= set(names("campaign_rfm", "en")), values
    zh = {segment_display(v, "zh") for v in values}
    assert not zh & PROFILING_RFM_ZH
    assert all(segment_display(v, "en") == name(f"campaign_rfm.{v}", "en") for v in values)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_display_names_by_code(lang):
    assert dimension_display("rfm_segment", lang) == name("campaign_dimension.rfm_segment", lang)
    assert model_display("markov", lang) == name("attribution_model.markov", lang)
    assert segment_display("a data value", lang) == "a data value"
