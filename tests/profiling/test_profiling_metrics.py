"""The profiling report's metrics.json keys are declared once (profiling.metrics.METRICS) with the labels, units
and index flags the report records; display names come from the glossary by code."""

from __future__ import annotations

from unittest import mock

import pytest

from shoplab import labels
from shoplab import profiling as pf
from shoplab.profiling import metrics, names


@pytest.fixture(scope="module")
def results(sample_shop):
    return pf.compute_report(sample_shop, period="2026-10", k_min=3, k_max=4)


def test_record_headlines_records_every_declared_key_with_its_declaration(results):
    with mock.patch("shoplab.notebook.record", side_effect=lambda k, v, **kw: (v, kw)) as rec:
        out = metrics.record_headlines(results)
    keys = set(out)
    assert keys == {
        "profiling.users",
        "profiling.buyers",
        "profiling.top20_revenue_share",
        "profiling.n_personas",
    } | {f"profiling.segment.{s}" for s in pf.SEGMENTS}
    declared = {m.key: m for m in metrics.METRICS}
    for call in rec.call_args_list:
        key, kw = call.args[0], call.kwargs
        m = declared.get(key) or declared["profiling.segment.<segment>"]
        assert kw["unit"] == m.unit and kw["index"] == m.index, key
    labels_ = {c.args[0]: c.kwargs["label"] for c in rec.call_args_list}
    assert labels_["profiling.segment.Can't Lose Them"] == "Segment: Can't Lose Them"
    assert labels_["profiling.buyers"] == "Buyers in the last year"
    # the numbers: an oracle from the feature table and the segments
    f = results.features
    assert out["profiling.users"][0] == len(f) and out["profiling.buyers"][0] == int((f.frequency > 0).sum())
    counts = results.scores.segment.astype(str).value_counts()
    assert all(out[f"profiling.segment.{s}"][0] == counts.get(s, 0) for s in pf.SEGMENTS)
    assert out["profiling.n_personas"][0] == results.personas.k_


def test_persona_names_come_from_codes(results):
    """Each persona's name is built from its codes (the features it is high or low on), in both languages; the
    English name equals the one the model gives, and no English text is read to make the Chinese one."""
    p = results.personas
    en, zh = names.persona_labels(p, "en"), names.persona_labels(p, "zh")
    assert en == p.names_
    for k, codes in p.name_codes_.items():
        want = " · ".join(labels.name(f"persona_{'high' if hi else 'low'}.{f}", "zh") for f, hi in codes)
        assert zh[k] == want
    traits = names.persona_traits_of(p, "zh")
    assert all(t.count("个标准差") == 3 for t in traits.values())
    assert names.persona_traits_of(p, "en") == dict(
        zip(results.persona_table.persona, results.persona_table.distinguishing, strict=True)
    )


def test_every_profiling_code_has_a_glossary_name():
    for s in [*pf.SEGMENTS, "(not a buyer)"]:
        assert f"rfm_segment.{s}" in labels.entries()
    for s in pf.SEGMENTS:
        assert f"rfm_segment_action.{s}" in labels.entries()
    assert all(f"value_tier.{t}" in labels.entries() for t in pf.TIERS)
    assert all(f"tag_group.{g}" in labels.entries() for g in pf.TAG_GROUPS)
    for f in pf.PERSONA_FEATURES:
        assert all(
            f"{ns}.{f}" in labels.entries() for ns in ("persona_feature", "persona_high", "persona_low")
        )
    assert names.tier_name("new", "zh") != labels.name(
        "user_type.new", "zh"
    )  # a first-time buyer, not visitor


def test_the_text_takes_no_shop():
    """text and plots draw on results only: neither imports the engine layer."""
    import inspect

    from shoplab.profiling import plots, text

    for mod in (text, plots):
        src = inspect.getsource(mod)
        assert "import ibis" not in src and "shop." not in src and ".execute(" not in src
