"""The campaigns report in English and Chinese: findings backed by the result tables, linked to sections that
exist, honest about significance, small samples and missing control groups; charts and tables in both languages
with Chinese glyphs available."""

from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402

from shoplab import campaigns  # noqa: E402
from shoplab.campaigns import report as campaign_report  # noqa: E402
from shoplab.campaigns.evaluate import Evaluation, ci_name  # noqa: E402
from shoplab.notebook import Finding, fmt_change, fmt_value  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def results(sample_shop):
    res = campaigns.compute_report(sample_shop, period=PERIOD, uplift=False)
    return dict(
        shop=sample_shop,
        camps=res.campaigns,
        ev=res.ev,
        did=res.did,
        after=res.after,
        seg=res.seg,
        channels=res.channels,
        attribution=res.attribution,
    )


def _findings(res, lang, ev=None, **kw):
    args = {k: res[k] for k in ("did", "after", "seg", "channels", "attribution")} | kw
    return campaign_report.findings(ev if ev is not None else res["ev"], period=PERIOD, lang=lang, **args)


def _anchors() -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / "campaigns.ipynb", as_version=4)
    return {
        a
        for c in nb.cells
        if c.cell_type == "markdown"
        for a in re.findall(r'<a id="([a-z0-9-]+)"></a>', c.source)
    }


def _data_values(res) -> list[str]:
    """Names from the user's data (campaign names, channels): they stay as they are in both languages."""
    ev = res["ev"]
    vals = (
        list(ev.summary["name"])
        + list(res["attribution"].get("channel", []))
        + list(res["channels"]["channel"])
    )
    return sorted({str(v) for v in vals}, key=len, reverse=True)


def _without(text: str, values: list[str]) -> str:
    for v in values:
        text = text.replace(v, "")
    return text


def _row(res):
    s = res["ev"].summary
    return s[s["has_control"]].iloc[0]


def test_sample_month_has_a_campaign_with_a_control_group(results):
    assert results["ev"].summary["has_control"].any()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_are_3_to_6_linked_to_existing_sections(results, lang):
    fs = _findings(results, lang)
    assert 3 <= len(fs) <= 6, fs
    assert all(isinstance(f, Finding) for f in fs)
    anchors = _anchors()
    assert {f.section for f in fs} <= anchors - {"findings"}, {f.section for f in fs} - anchors
    assert set(campaign_report.SECTIONS) <= anchors
    assert all(re.search(r"\d", f) for f in fs), "every finding carries a number"
    other = _without(" ".join(fs), _data_values(results))
    if lang == "zh":
        assert all(CJK.search(f) for f in fs)
        assert not re.search(r"\b(the|and|against|control|with)\b", other), other
    else:
        assert not CJK.search(other), other


def test_findings_have_the_same_sections_in_both_languages(results):
    en, zh = _findings(results, "en"), _findings(results, "zh")
    assert [f.section for f in en] == [f.section for f in zh]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_effect_and_money_findings_match_the_summary_table(results, lang):
    """Oracle: recompute each number from ``ev.summary`` and find it, formatted, in the sentence."""
    r = _row(results)
    fs = _findings(results, lang)
    effect = next(f for f in fs if f.section == "effect")
    for k in ("lift_conversion", "lift_conversion_ci_low", "lift_conversion_ci_high"):
        assert fmt_change(r[k], "pp") in effect, (k, effect)
    for k in ("conversion_treatment", "conversion_control"):
        assert fmt_value(r[k], "rate") in effect
    for k in ("lift_revenue_per_user", "lift_revenue_per_user_ci_low", "lift_revenue_per_user_ci_high"):
        assert fmt_change(r[k], "yuan") in effect
    assert ci_name(r["lift_conversion_ci_level"]) in effect and r["lift_conversion_ci_level"] == 0.975
    assert (
        ("control" in effect and "CI" in effect)
        if lang == "en"
        else ("对照组" in effect and "置信区间" in effect)
    )
    money = next(f for f in fs if f.section == "money")
    for k in ("incremental_gmv", "incremental_gmv_ci_low", "incremental_gmv_ci_high", "cost"):
        assert fmt_value(r[k], "yuan") in money, (k, money)
    if r["roi"] == r["roi"]:
        for k in ("roi", "roi_ci_low", "roi_ci_high"):
            assert f"{r[k]:+.0%}" in money
        assert "ROI" in money


def _with_roi(results, roi, lo, hi):
    ev = results["ev"]
    s = ev.summary.copy()
    i = s.index[s["has_control"]][0]
    s.loc[i, ["significant_conversion", "lift_conversion"]] = [True, abs(s.loc[i, "lift_conversion"])]
    s.loc[i, ["roi", "roi_ci_low", "roi_ci_high", "cost"]] = [roi, lo, hi, 1000.0]
    s.loc[i, "verdict"] = campaigns.evaluate._verdict(s.loc[i].to_dict(), 0.95)
    return Evaluation(summary=s, effects=ev.effects, confidence=ev.confidence), s.loc[i]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_money_verdict_is_decided_on_the_roi_interval(results, lang):
    """A positive ROI whose interval spans 0 is "ROI uncertain", not "paid off" (before: decided on the point)."""
    uncertain = ("ROI uncertain", "投资回报不确定")[lang == "zh"]
    ev, r = _with_roi(results, 0.5, -0.2, 1.2)
    assert r["verdict"] == "worked (ROI uncertain)"
    money = next(f for f in _findings(results, lang, ev=ev) if f.section == "money")
    assert uncertain in money and ("covered" not in money if lang == "en" else "覆盖了" not in money)
    text = " ".join(campaigns.verdicts(ev, lang=lang))
    assert uncertain in text and ("so it paid off" not in text if lang == "en" else "收回了成本" not in text)
    assert uncertain in campaigns.money_table(ev, lang=lang).iloc[0].to_string()
    ev, r = _with_roi(results, 0.5, 0.1, 0.9)
    assert r["verdict"] == "worked and paid off"
    assert uncertain not in next(f for f in _findings(results, lang, ev=ev) if f.section == "money")
    ev, r = _with_roi(results, -0.5, -0.9, -0.1)
    assert r["verdict"] == "worked but did not pay off"
    text = " ".join(campaigns.verdicts(ev, lang=lang))
    assert ("did not pay for itself" if lang == "en" else "没有收回成本") in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_effects_table_labels_adjusted_means_secondary_metrics_and_conditional_aov(results, lang):
    ev = results["ev"]
    t = campaign_report.effects_table(ev, lang=lang).reset_index()
    metric, role = t.columns[1], t.columns[2]
    rows = dict(zip(ev.effects["metric"], t.to_dict("records"), strict=True))
    assert ("CUPED-adjusted means" if lang == "en" else "CUPED 调整后均值") in rows["revenue_per_user"][
        metric
    ]
    assert ("conditional on ordering" if lang == "en" else "以下单为条件") in rows["aov"][metric]
    secondary = ("secondary", "次要指标")[lang == "zh"]
    assert secondary in rows["aov"][role] and secondary in rows["orders_per_user"][role]
    assert secondary not in rows["conversion"][role] and "97.5%" in rows["conversion"][t.columns[5]]
    e = ev.effects.set_index("metric")
    assert fmt_value(e.loc["revenue_per_user", "treatment"], "yuan") == rows["revenue_per_user"][t.columns[3]]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_status_note_when_users_were_assigned_after_the_start(results, lang):
    ev = results["ev"]
    s = ev.summary.copy()
    s.loc[s.index[s["has_control"]][0], "n_assigned_after_start"] = 12
    notes = campaigns.status_notes(Evaluation(summary=s, effects=ev.effects), results["camps"], period=PERIOD,
                                   has_assignments=True, lang=lang)  # fmt: skip
    note = next(n for n in notes if "12" in n)
    assert ("assigned after the campaign started" if lang == "en" else "活动开始后才分组") in note
    assert not any("12" in n for n in campaigns.status_notes(ev, results["camps"], period=PERIOD,
                                                             has_assignments=True, lang=lang))  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_other_findings_match_their_tables(results, lang):
    fs = {f.section: f for f in reversed(_findings(results, lang, max_findings=10))}
    a = results["after"].iloc[0]
    for k in ("post_lift_revenue_per_user", "post_ci_low", "post_ci_high"):
        assert fmt_change(a[k], "yuan") in fs["after-campaign"]
    seg = results["seg"]
    seg = seg[seg["campaign_id"] == seg["campaign_id"].iloc[-1]]
    top = seg.loc[seg["lift_conversion"].idxmax()]
    assert f"{top['lift_conversion'] * 100:+.1f} pp" in fs["who-responded"]
    assert f"{int(top['n_treatment'] + top['n_control']):,}" in fs["who-responded"]
    ch = results["channels"]
    best = ch.loc[ch["roas"].idxmax()]
    channel_text = " ".join(f for f in _findings(results, lang, max_findings=10) if f.section == "channels")
    assert best["channel"] in channel_text and fmt_value(best["roas"], "ratio") in channel_text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_say_when_not_significant_and_sample_small(results, lang):
    ev = results["ev"]
    s = ev.summary.copy()
    s["significant_conversion"] = False
    s["significant_revenue_per_user"] = False
    s["verdict"] = "no detectable effect"
    s["n_treatment"], s["n_control"] = 5000, 400
    fs = _findings(results, lang, ev=Evaluation(summary=s, effects=ev.effects, confidence=ev.confidence))
    effect = next(f for f in fs if f.section == "effect")
    if lang == "en":
        assert "no detectable effect" in effect and "not significant" not in effect
        assert "neither is significant" in effect and "Small sample" in effect and "400" in effect
    else:
        assert "未见显著效果" in effect and "均不显著" in effect and "样本量小" in effect and "400" in effect


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_say_when_a_control_group_is_missing(results, lang):
    ev = results["ev"]
    s = ev.summary.copy()
    s["has_control"] = False
    fs = _findings(
        results, lang, ev=Evaluation(summary=s, effects=ev.effects.iloc[0:0], confidence=0.95), did=None
    )
    assert len(fs) >= 3
    first = fs[0]
    assert first.section == "without-control"
    assert ("no randomised control group" in first) if lang == "en" else ("没有随机对照组" in first)
    assert not any(f.section in ("effect", "money") for f in fs)


def test_findings_without_campaigns_say_so(results):
    ev = results["ev"]
    empty = Evaluation(summary=ev.summary.iloc[0:0], effects=ev.effects.iloc[0:0], confidence=0.95)
    fs = _findings(results, "zh", ev=empty, after=None, seg=None)
    assert fs[0].section == "verdict" and "没有进行中的活动" in fs[0]
    assert len(fs) >= 3


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_verdicts_follow_the_language_and_the_numbers(results, lang):
    r = _row(results)
    vs = campaigns.verdicts(results["ev"], did=results["did"], lang=lang)
    text = " ".join(vs)
    assert fmt_change(r["lift_conversion"], "pp") in text
    assert fmt_value(r["incremental_gmv"], "yuan") in text
    other = _without(text, _data_values(results))
    assert bool(CJK.search(other)) == (lang == "zh")


def _charts(res, lang):
    ev, seg, att = res["ev"], res["seg"], res["attribution"]
    curve = pd.DataFrame({"n": range(5), "fraction": [0, 0.25, 0.5, 0.75, 1.0], "qini": [0, 5, 8, 9, 10.0],
                          "random": [0, 2.5, 5, 7.5, 10.0]})  # fmt: skip
    return {
        "lifts_conversion": campaigns.plot_lifts(
            ev.summary,
            metric="conversion",
            title=campaigns.lift_title(ev.summary, "conversion", lang=lang),
            lang=lang,
        ),
        "lifts_revenue": campaigns.plot_lifts(
            ev.summary,
            metric="revenue_per_user",
            title=campaigns.lift_title(ev.summary, "revenue_per_user", lang=lang),
            lang=lang,
        ),
        "segments": campaigns.plot_segment_lifts(
            seg,
            dimension="rfm_segment",
            title=campaigns.segment_title(seg, "rfm_segment", lang=lang),
            lang=lang,
        ),
        "qini": campaigns.plot_qini(curve, title=campaigns.qini_title(0.0123, lang=lang), lang=lang),
        "attribution": campaigns.plot_attribution(
            att, title=campaigns.attribution_title(att, lang=lang), period=PERIOD, lang=lang
        ),
    }


def _title(ax) -> str:
    """The chart title (the house style puts it on the left)."""
    return ax.get_title() or ax.get_title(loc="left")


def _texts(ax) -> list[str]:
    legend = ax.get_legend()
    return [_title(ax), ax.get_xlabel(), ax.get_ylabel()] + (
        [t.get_text() for t in legend.get_texts()] if legend else []
    )


def test_charts_speak_chinese_with_glyphs(results):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        axes = _charts(results, "zh")
        for ax in axes.values():
            ax.figure.canvas.draw()
    missing = [
        str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert not missing, missing
    for name, ax in axes.items():
        assert _title(ax) and ax.get_xlabel() and ax.get_ylabel(), name
        for t in _texts(ax):
            assert CJK.search(t), (name, t)
    plt.close("all")


def test_charts_speak_english(results):
    values = _data_values(results)
    for name, ax in _charts(results, "en").items():
        assert _title(ax) and ax.get_xlabel() and ax.get_ylabel(), name
        for t in _texts(ax):
            assert not CJK.search(_without(t, values)), (name, t)
    plt.close("all")


def test_attribution_chart_labels_the_period_and_keeps_the_legend_off_the_bars(results):
    ax = campaigns.plot_attribution(results["attribution"], period=PERIOD, lang="en")
    assert PERIOD in ax.get_ylabel()
    ax.figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.y1 <= ax.get_window_extent().y0, "legend sits below the plot area"
    plt.close("all")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_tables_follow_the_language(results, lang):
    ev, shop = results["ev"], results["shop"]
    tables = {
        "srm": campaigns.srm_table(ev, lang=lang),
        "money": campaigns.money_table(ev, lang=lang),
        "effects": campaign_report.effects_table(ev, lang=lang),
        "kpis": campaigns.format_kpis(campaigns.kpi_report(shop, results["camps"]), lang=lang),
        "segments": campaigns.format_segments(results["seg"], lang=lang),
        "channels": campaigns.format_channels(results["channels"], lang=lang),
        "attribution": campaign_report.format_attribution(results["attribution"], lang=lang),
    }
    for name, t in tables.items():
        assert len(t), name
        heads = [str(c) for c in t.columns] + [str(t.index.name)]
        cjk = [h for h in heads if CJK.search(h)]
        assert (len(cjk) > 0) == (lang == "zh"), (name, heads)
        assert not any(re.fullmatch(r"-?\d+\.\d{4,}", str(v)) for v in t.to_numpy().ravel()), (
            f"raw floats in {name}"
        )
    r = _row(results)
    assert fmt_value(r["incremental_gmv"], "yuan") in tables["money"].iloc[0, 1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sentences_and_notes_follow_the_language(results, lang):
    ev, did, after = results["ev"], results["did"], results["after"]
    notes = campaigns.status_notes(
        ev, results["camps"].iloc[0:0], period=PERIOD, has_assignments=False, lang=lang
    )
    sentences = campaigns.after_campaign_sentences(after, lang=lang) + campaigns.did_sentences(
        did, ev, lang=lang
    )
    values = _data_values(results)
    for s in notes + sentences:
        assert bool(CJK.search(_without(s, values))) == (lang == "zh"), s
    a = after.iloc[0]
    assert fmt_change(a["post_lift_revenue_per_user"], "yuan") in " ".join(sentences)


def test_localised_headlines_record_the_same_keys_values_and_units(results, monkeypatch):
    import shoplab.notebook as nbk

    calls = []
    monkeypatch.setattr(nbk, "record", lambda key, value, **kw: calls.append((key, value, kw)) or value)
    campaigns.record_headlines(results["ev"])
    plain = list(calls)
    calls.clear()
    campaign_report.record_report_headlines(results["ev"], lang="zh")
    assert [(k, kw["unit"], kw["index"]) for k, _, kw in calls] == [
        (k, kw["unit"], kw["index"]) for k, _, kw in plain
    ]
    assert [v for _, v, _ in calls] == pytest.approx([v for _, v, _ in plain], nan_ok=True)
    assert all(CJK.search(_without(kw["label"], _data_values(results))) for _, _, kw in calls)
