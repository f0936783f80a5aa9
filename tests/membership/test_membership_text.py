"""The membership report speaks English and Chinese: findings backed by the result tables and linked to sections,
section sentences, readable tables, and charts whose titles, axes and legends follow the report language."""

from __future__ import annotations

import math
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402

from shoplab import membership as ms  # noqa: E402
from shoplab.membership import plots as mplots  # noqa: E402
from shoplab.notebook import Finding  # noqa: E402
from shoplab.periods import Period  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
NUM = re.compile(r"\d[\d,.]*\d|\d")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def r(sample_shop):
    """Every result the report draws, on the small sample shop (as the notebook computes them)."""
    shop = sample_shop
    p = Period.parse(PERIOD)
    res = ms.compute_report(shop, period=PERIOD, churn_repeats=1)
    out = {"months": res.months, "results": res}
    for k in (
        "tier_counts",
        "active",
        "comparison",
        "migration",
        "moves",
        "lifecycle",
        "flows",
        "clv",
        "clv_tier",
        "clv_stage",
        "clv_members",
        "churn",
        "risk_all",
        "points_month",
        "points_year",
        "retention",
        "nps_now",
        "sat_month",
        "sat_tier",
    ):
        out[k] = getattr(res, k)
    out["features"] = res.features_now
    out["gaps"] = ms.days_between_orders(shop.orders, shop.members, end=p.end)  # one row per gap, the oracle
    out["tiers"] = set(out["tier_counts"].columns)
    return out  # fmt: skip


def _findings(r, lang):
    return ms.findings(
        period=PERIOD,
        tier_counts=r["tier_counts"],
        active=r["active"],
        comparison=r["comparison"],
        lifecycle_counts=r["lifecycle"],
        churn=r["churn"],
        churn_value_at_risk=r["risk_all"].value_at_risk.sum(),
        at_risk_top=20,
        clv_mean=r["clv_members"].mean(),
        clv_members_share=r["clv_members"].sum() / r["clv"].values.clv.sum(),
        holdout=r["clv"].holdout,
        nps_now=r["nps_now"],
        sat_month=r["sat_month"],
        clv_value_model=r["clv"].value_model,
        clv_independence=r["clv"].independence,
        lang=lang,
    )


def _anchors() -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / "membership.ipynb", as_version=4)
    return {a for c in nb.cells if c.cell_type == "markdown" for a in ANCHOR.findall(c.source)}


def _no_cjk_but_data(text: str, r) -> bool:
    for t in r["tiers"]:
        text = text.replace(t, "")
    return not CJK.search(text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_are_linked_to_sections_of_the_notebook(r, lang):
    f = _findings(r, lang)
    assert 3 <= len(f) <= 6
    assert all(isinstance(x, Finding) for x in f)
    anchors = _anchors()
    assert {x.section for x in f} <= anchors, {x.section for x in f} - anchors
    assert set(ms.SECTIONS) <= anchors
    for x in f:
        assert bool(CJK.search(x)) == (lang == "zh"), x


def test_findings_carry_the_same_numbers_in_both_languages(r):
    for en, zh in zip(_findings(r, "en"), _findings(r, "zh"), strict=True):
        assert en.section == zh.section
        assert set(NUM.findall(en)) == set(NUM.findall(zh)), (en, zh)


def test_findings_numbers_match_the_result_tables(r):
    """Oracle: each number recomputed from its result table appears, formatted, in its finding."""
    f = {x.section: x for x in _findings(r, "en")}
    tc = r["tier_counts"].sum(axis=1)
    a = r["active"]
    growth = tc.iloc[-1] / tc.iloc[-4] - 1
    for s in (f"{tc.iloc[-1]:,}", f"{tc.iloc[-4]:,}", f"{growth:+.1%}", f"{a['active'] / a['members']:.1%}"):
        assert s in f["activity"], (s, f["activity"])
    c = r["comparison"].set_index("group")
    rm = c.loc["member", "repeat_buyers"] / c.loc["member", "buyers"]
    rn = c.loc["non-member", "repeat_buyers"] / c.loc["non-member", "buyers"]
    from scipy.stats import chi2_contingency

    table = [
        [c.loc[g, "repeat_buyers"], c.loc[g, "buyers"] - c.loc[g, "repeat_buyers"]]
        for g in ("member", "non-member")
    ]
    pval = chi2_contingency(table, correction=False)[1]
    for s in (
        f"{rm:.1%}",
        f"{rn:.1%}",
        f"{(rm - rn) * 100:+.1f} pp",
        "p < 0.001" if pval < 0.001 else f"p = {pval:.3f}",
        f"¥{c.loc['member', 'gmv'] / c.loc['member', 'orders']:,.0f}",
        f"{c.loc['member', 'gmv'] / c.gmv.sum():.1%}",
    ):
        assert s in f["members-vs-non-members"], (s, f["members-vs-non-members"])
    lc = r["lifecycle"]
    slip = lc.iloc[-1][["at_risk", "dormant"]].sum()
    for s in (
        f"{slip:,}",
        f"{slip - lc.iloc[-2][['at_risk', 'dormant']].sum():+,}",
        f"{lc.iloc[-1]['churned']:,}",
    ):
        assert s in f["lifecycle"], (s, f["lifecycle"])
    assert f"¥{r['risk_all'].value_at_risk.sum():,.0f}" in f["churn-risk"]
    assert f"{r['churn'].auc:.2f}" in f["churn-risk"]
    assert f"¥{r['clv_members'].mean():,.0f}" in f["clv"]
    n = r["nps_now"]
    promoters, detractors, answers = n["promoters"], n["detractors"], n["nps_answers"]
    v = (promoters - detractors) / answers * 100
    # adjusted Wald (Rocks 2016): 3/4 more promoters and detractors, 3 more answers
    pa, da, na = promoters + 0.75, detractors + 0.75, answers + 3
    c = (pa - da) / na
    se = math.sqrt((pa / na + da / na - c**2) / na)
    lo, hi = max(100 * (c - 1.96 * se), -100), min(100 * (c + 1.96 * se), 100)
    for s in (f"{v:+.0f}", f"{int(answers):,} answers", f"{lo:+.0f} to {hi:+.0f}"):
        assert s in f["satisfaction"], (s, f["satisfaction"])


def test_findings_say_when_a_difference_is_not_significant_and_samples_are_small():
    comparison = pd.DataFrame(
        {
            "group": ["member", "joined in window", "non-member"],
            "buyers": [40, 5, 50],
            "repeat_buyers": [20, 2, 24],
            "orders": [90, 8, 100],
            "gmv": [9000.0, 800.0, 9500.0],
            "repurchase_rate": [0.5, 0.4, 0.48],
            "aov": [100.0, 100.0, 95.0],
            "gmv_share": [0.47, 0.04, 0.49],
        }
    )
    tc = pd.DataFrame({"A": [10, 11, 12, 12]}, index=["2026-07", "2026-08", "2026-09", "2026-10"])
    nps_now = {"nps_answers": 30, "promoters": 10, "detractors": 8, "nps": 6.67}
    kw = dict(
        period=PERIOD,
        tier_counts=tc,
        active={"members": 12, "active": 6, "active_rate": 0.5},
        comparison=comparison,
        nps_now=nps_now,
    )
    en = ms.findings(**kw, lang="en")
    zh = ms.findings(**kw, lang="zh")
    assert 3 <= len(en) <= 6
    assert "not significant" in en[1] and "small groups" in en[1]
    assert "不显著" in zh[1] and "样本较小" in zh[1]
    assert "read with care" in en[-1] and "谨慎解读" in zh[-1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_section_sentences_follow_the_language_and_the_numbers(r, lang):
    py = r["points_year"]
    lines = {
        "activity": ms.activity_lines(
            period=PERIOD, tier_counts=r["tier_counts"], active=r["active"], gaps=r["gaps"], lang=lang
        ),
        "points": ms.points_lines(py, lang=lang),
        "churn": ms.churn_lines(r["churn"], value_at_risk=1234.0, scored=10, lang=lang),
        "clv": ms.clv_lines(clv_mean=2000.0, clv_members_share=0.5, members=100, lang=lang),
        "value": ms.value_model_lines(
            r["clv"].independence, r["clv"].value_holdout, r["clv"].value_model, lang=lang
        ),
        "satisfaction": ms.satisfaction_lines(r["nps_now"], r["sat_month"], r["sat_tier"], lang=lang),
    }
    for key, ls in lines.items():
        assert ls, key
        for s in ls:
            if lang == "zh":
                assert CJK.search(s), (key, s)
            else:
                assert _no_cjk_but_data(s, r), (key, s)
    assert f"{py['redeemed'] / py['issued']:.1%}" in lines["points"][0]
    assert f"{py['outstanding']:,}" in lines["points"][1]
    assert "¥1,234" in lines["churn"][-1] and "¥2,000" in lines["clv"][0]
    med = r["gaps"].groupby("member").gap_days.median()
    assert f"{med[True]:,.1f}" in lines["activity"][-1]


def test_display_tables_are_formatted_and_named_in_the_language(r):
    zh = ms.display_table(r["comparison"], lang="zh")
    assert list(zh["人群"]) == ["会员", "窗口期内入会", "非会员"]
    assert zh["复购率"].str.endswith("%").all() and zh["客单价"].str.startswith("¥").all()
    en = ms.display_table(r["clv_stage"], lang="en")
    assert "at risk" in set(en["lifecycle stage"]) and en["mean CLV (12 months)"].str.startswith("¥").all()
    assert "沉睡" in set(ms.display_table(r["clv_stage"], lang="zh")["生命周期阶段"])
    html = ms.styled_table(r["comparison"], lang="zh").to_html()
    assert "复购率" in html
    assert ms.cohort_label("first_order", "zh") == "同期群（首次下单月份）"
    assert ms.cohort_label("join", "en") == "cohort (month of joining)"


def test_churn_texts_follow_the_language(r):
    churn = r["churn"]
    assert all(CJK.search(m) for m in churn.metrics("zh").measure)
    assert not any(CJK.search(m) for m in churn.metrics("en").measure)
    zh = ms.at_risk_members(churn, r["features"], top=3, lang="zh")
    en = ms.at_risk_members(churn, r["features"], top=3, lang="en")
    assert zh.reasons.map(lambda s: bool(CJK.search(s))).all()
    assert en.reasons.map(lambda s: _no_cjk_but_data(s.replace("普通会员", ""), r)).all()
    assert list(zh.churn_probability) == list(en.churn_probability)


def _charts(r, lang):
    """Every chart of the report, as the notebook draws it: (name, Axes)."""
    t = ms.titles(
        lang=lang,
        migration=r["moves"],
        retention=r["retention"],
        flows=r["flows"],
        start="2025-11",
        end=PERIOD,
    )
    return [
        ("tiers", mplots.plot_tier_counts(r["tier_counts"], lang=lang)),
        ("migration", mplots.plot_heatmap(r["migration"], title=t["migration"], lang=lang)),
        ("comparison", mplots.plot_member_comparison(r["comparison"], lang=lang)),
        ("points", mplots.plot_points(r["points_month"], summary=r["points_year"], lang=lang)),
        (
            "retention",
            mplots.plot_heatmap(
                ms.retention_matrix(r["retention"]), percent=True, title=t["retention"], lang=lang
            ),
        ),
        ("revenue", mplots.plot_retention_curves(r["retention"], value="revenue_retention", lang=lang)),
        ("lifecycle", mplots.plot_lifecycle(r["lifecycle"], lang=lang)),
        ("flows", mplots.plot_heatmap(r["flows"], title=t["flows"], lang=lang)),
        ("calibration", mplots.plot_calibration(r["churn"].calibration, lang=lang)),
        ("importance", mplots.plot_importance(r["churn"].importance, lang=lang)),
        ("holdout", mplots.plot_holdout(r["clv"].holdout, lang=lang)),
        ("value_holdout", mplots.plot_value_holdout(r["clv"].value_holdout, lang=lang)),
        ("clv", mplots.plot_clv_by_group(r["clv_tier"], lang=lang)),
        ("satisfaction", mplots.plot_satisfaction(r["sat_month"], lang=lang)),
    ]


def _texts(ax):
    """Title, axis labels and legend texts of a chart (all its axes; a figure title counts as the title)."""
    axes = list(ax) if isinstance(ax, list | tuple) or hasattr(ax, "shape") else [ax]
    fig = axes[0].figure
    title = fig.get_suptitle() or "".join(axes[0].get_title(loc=loc) for loc in ("left", "center", "right"))
    xlabels = [a.get_xlabel() for a in fig.axes if a.get_xlabel()]
    ylabels = [a.get_ylabel() for a in fig.axes if a.get_ylabel()]
    legends = [t.get_text() for a in fig.axes if a.get_legend() for t in a.get_legend().get_texts()]
    return fig, title, xlabels, ylabels, legends


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_speaks_the_report_language(r, lang):
    for name, ax in _charts(r, lang):
        fig, title, xlabels, ylabels, legends = _texts(ax)
        assert title and xlabels and ylabels, name
        for text in [title, *xlabels, *ylabels, *legends]:
            if lang == "zh":
                assert CJK.search(text) or text in r["tiers"] or text in ("NPS",), (name, text)
            else:
                assert _no_cjk_but_data(text, r), (name, text)
        plt.close(fig)


def test_chinese_charts_have_every_glyph(r):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = _charts(r, "zh")
        for _, ax in charts:
            fig = (ax[0] if hasattr(ax, "shape") else ax).figure
            fig.canvas.draw()
    missing = [
        str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert not missing, missing
    for _, ax in charts:
        plt.close((ax[0] if hasattr(ax, "shape") else ax).figure)


def test_spend_model_texts_follow_the_language_and_the_numbers(r):
    """The Gamma-Gamma independence warning and the value-by-frequency sentences, in both languages, carry the
    correlation and the holdout biases of the result they describe."""
    from shoplab.membership.clv_value import ValueFrequencyCheck

    clv = r["clv"]
    vh = clv.value_holdout
    dep = ValueFrequencyCheck(n=1234, pearson=0.29, spearman=0.4)
    flat = ValueFrequencyCheck(n=1234, pearson=0.03, spearman=0.12)
    assert ms.independence_note(flat) is None
    for lang in ("en", "zh"):
        note = ms.independence_note(dep, lang=lang)
        assert "0.29" in note and "0.40" in note and "1,234" in note and "±0.10" in note
        assert bool(CJK.search(note)) == (lang == "zh")
        for model, indep in (("by_frequency", dep), ("pooled", flat), ("pooled", dep)):
            lines = ms.value_model_lines(indep, vh, model, lang=lang)
            text = " ".join(lines)
            assert bool(CJK.search(text)) == (lang == "zh"), text
            assert "0.29" in text or "0.03" in text
            for b in vh[vh.iloc[:, 0] != "all"].bias:
                assert f"{b:+.1%}" in text
        assert len(ms.value_model_lines(dep, None, "pooled", lang=lang)) == 2  # no holdout table: says so
    en = " ".join(ms.value_model_lines(dep, vh, "by_frequency", lang="en"))
    assert "rises with how often" in en and "fitted within each repeat-count group" in en
    assert "assumption holds" in " ".join(ms.value_model_lines(flat, vh, "pooled", lang="en"))
    assert "does not predict the holdout" in " ".join(ms.value_model_lines(dep, vh, "pooled", lang="en"))


def test_every_code_in_a_display_table_has_its_name(r):
    """The clv-by-stage table's outsiders (non-member) are named too, not only its stages."""
    zh = ms.display_table(r["clv_stage"], lang="zh")["生命周期阶段"]
    assert all(CJK.search(v) for v in zh), list(zh)
    assert ms.display_name("non-member", "zh") == "非会员" and ms.display_name("new", "zh") == "当月首购"
