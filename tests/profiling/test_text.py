"""The profiling report speaks English and Chinese: findings backed by the numbers of the result tables and
linked to sections of the notebook, charts with titles and axis labels in the report language, CJK glyphs."""

from __future__ import annotations

import math
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402

import shoplab  # noqa: E402
from shoplab import profiling as pf  # noqa: E402
from shoplab.notebook import Finding, fmt_value  # noqa: E402
from shoplab.profiling import report  # noqa: E402
from shoplab.profiling import text as ptext  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def results(sample_shop):
    """Every result table the report shows, from the report's own compute_report (on the small sample shop)."""
    r = pf.compute_report(sample_shop, period=PERIOD, k_min=3, k_max=5, min_support=0.02, min_lift=1.0)
    assert r.previous_period == "2026-09"
    return {
        "results": r,
        "features": r.features,
        "scores": r.scores,
        "summary": r.summary,
        "tiers": r.tiers,
        "personas": r.personas,
        "persona_table": r.persona_table,
        "persona_vs_segment": r.persona_vs_segment,
        "previous": r.previous,
        "migration": r.migration,
        "rules": r.rules,
        "preference": r.preference,
        "coverage": r.coverage,
    }


def _findings(r, lang, **kw):
    return ptext.findings(r["results"], lang=lang, **kw)


def _notebook_anchors() -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / "profiling.ipynb", as_version=4)
    return {a for c in nb.cells if c.cell_type == "markdown" for a in ANCHOR.findall(c.source)}


# -- findings ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_are_few_linked_and_in_the_report_language(results, lang):
    lines = _findings(results, lang)
    assert 3 <= len(lines) <= 6
    assert all(isinstance(x, Finding) for x in lines)
    anchors = _notebook_anchors()
    assert {x.section for x in lines} <= anchors, {x.section for x in lines} - anchors
    assert len({x.section for x in lines}) >= 3, "findings point to several sections"
    if lang == "zh":
        assert all(CJK.search(x) for x in lines)
        assert not any(re.search(r"\b(users|buyers|revenue|segment)\b", x) for x in lines), lines
    else:
        assert not any(CJK.search(x) for x in lines), lines  # no category names among the first six
    en, zh = _findings(results, "en"), _findings(results, "zh")
    assert [x.section for x in en] == [x.section for x in zh], "the same findings in both languages"


def test_findings_follow_the_report_language():
    f = pd.DataFrame({"user_id": [1, 2, 3], "frequency": [2, 1, 0], "monetary": [300.0, 100.0, 0.0]})
    seg = pd.DataFrame(
        {
            "segment": pd.Categorical(["Champions", "At Risk"], categories=pf.SEGMENTS),
            "monetary": [300.0, 100.0],
            "frequency": [2, 1],
        }
    )
    try:
        shoplab.set_lang("zh")
        lines = report.findings(f, pf.segment_summary(seg))
        assert all(CJK.search(x) for x in lines)
        assert "重要价值客户" in lines[1] and "流失风险客户" in lines[2]
        assert "样本较小" in lines[0], "a small sample is said to be small"
    finally:
        shoplab.set_lang("en")
    assert report.findings(f, pf.segment_summary(seg))[0].startswith(
        "3 users; 2 (66.7%) paid in the last year"
    )


def _by_section(lines):
    out: dict[str, list[str]] = {}
    for x in lines:
        out.setdefault(x.section, []).append(str(x))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_finding_numbers_match_the_result_tables(results, lang):
    """Oracle: recompute each number from the result tables with plain pandas and find it in the sentence."""
    f, scores = results["features"], results["scores"]
    by = _by_section(_findings(results, lang, max_findings=10))

    # users, buyers, revenue and the top-20% share
    first = by["concentration"][0]
    n, buyers = len(f), int((f.frequency > 0).sum())
    pos = np.sort(f.monetary[f.monetary > 0].to_numpy())[::-1]
    top20 = pos[: math.ceil(0.2 * len(pos))].sum() / pos.sum()
    for want in (
        fmt_value(n, "count"),
        fmt_value(buyers, "count"),
        fmt_value(buyers / n, "rate"),
        fmt_value(f.monetary.sum(), "yuan"),
        fmt_value(top20, "rate"),
    ):
        assert want in first, (want, first)

    # the segment with the largest revenue share, and the slipping valuable buyers
    seg = scores.assign(segment=scores.segment.astype(str))
    g = seg.groupby("segment").agg(
        users=("user_id", "size"), revenue=("monetary", "sum"), orders=("frequency", "sum")
    )
    top = g.revenue.idxmax()
    champ, risk = by["segments"]
    assert report.segment_name(top, lang) in champ
    for want in (
        fmt_value(int(g.loc[top, "users"]), "count"),
        fmt_value(g.loc[top, "users"] / g.users.sum(), "rate"),
        fmt_value(g.loc[top, "revenue"] / g.revenue.sum(), "rate"),
        fmt_value(g.loc[top, "revenue"] / g.loc[top, "orders"], "yuan"),
    ):
        assert want in champ, (want, champ)
    r = g.reindex(["At Risk", "Can't Lose Them"]).fillna(0)
    assert fmt_value(int(r.users.sum()), "count") in risk
    assert fmt_value(r.revenue.sum() / g.revenue.sum(), "rate") in risk

    # value tiers
    t = results["tiers"].merge(f[["user_id", "monetary"]], on="user_id")
    t["tier"] = t.tier.astype(str)
    hv = t[t.tier == "high value"]
    tiers_line = by["value-tiers"][0]
    assert fmt_value(len(hv), "count") in tiers_line
    assert fmt_value(len(hv) / len(t), "rate") in tiers_line
    assert fmt_value(hv.monetary.sum() / t.monetary.sum(), "rate") in tiers_line
    assert fmt_value(int((t.tier == "dormant").sum()), "count") in tiers_line

    # personas: the most valuable one
    p = results["persona_table"].sort_values("revenue_share", ascending=False).iloc[0]
    persona_line = by["personas"][0]
    assert report.persona_name(p["name"], lang) in persona_line
    assert fmt_value(p["revenue"] / results["persona_table"].revenue.sum(), "rate") in persona_line
    assert (
        f"{results['personas'].silhouettes_.max():.2f}" in persona_line
        or results["personas"].silhouettes_.max() >= 0.5
    )

    # movement since last month, from the two segment tables
    rank = {s: i for i, s in enumerate(pf.SEGMENTS)}
    m = scores[["user_id", "segment"]].merge(
        results["previous"][["user_id", "segment"]], on="user_id", how="left", suffixes=("", "_prev")
    )
    now = m.segment.astype(str).map(rank)
    before = m.segment_prev.astype("string").map(rank)
    moved = by["movement"][0]
    assert fmt_value(int((now < before).sum()), "count") in moved
    assert fmt_value(int((now > before).sum()), "count") in moved
    assert fmt_value(int(before.isna().sum()), "count") in moved

    # basket affinity: the strongest rule
    best = results["rules"].sort_values(["lift", "support"], ascending=False).iloc[0]
    basket = by["baskets"][0]
    assert best["antecedent"] in basket and best["consequent"] in basket
    assert f"{best['lift']:.2f}" in basket and fmt_value(best["confidence"], "rate") in basket


# -- charts ------------------------------------------------------------------------------------------
def _charts(r, lang):
    f = r["features"]
    return {
        "segments": lambda: report.plot_segments(r["summary"], period=PERIOD, lang=lang),
        "tiers": lambda: report.plot_tiers(r["tiers"], f, period=PERIOD, lang=lang),
        "pareto": lambda: report.plot_pareto(
            pf.pareto_curve(f.monetary[f.monetary > 0]), period=PERIOD, lang=lang
        ),
        "personas": lambda: report.plot_personas(r["persona_table"], period=PERIOD, lang=lang),
        "spend_by": lambda: report.plot_spend_by(
            pf.spend_by(f, "age_band"), "age_band", period=PERIOD, lang=lang
        ),
        "spend_by_city": lambda: report.plot_spend_by(pf.spend_by(f, "city_tier"), "city_tier", lang=lang),
        "categories": lambda: report.plot_category_heatmap(r["preference"], period=PERIOD, lang=lang),
        "migration": lambda: report.plot_migration(
            r["migration"], period=PERIOD, previous="2026-09", lang=lang
        ),
        "rules": lambda: report.plot_rules(r["rules"], lang=lang),
        "tags": lambda: report.plot_tag_coverage(r["coverage"], lang=lang),
    }


def _texts(ax):
    legend = ax.get_legend()
    return {
        "title": ax.get_title(loc="left") or ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
    }


def _data_values(r) -> list[str]:
    """Chinese values that come from the shop's own data (categories, city tiers, member tiers)."""
    f = r["features"]
    vals = [c[4:] for c in f.columns if c.startswith("cat_")]
    for col in ("city_tier", "member_tier"):
        vals += [str(v) for v in f[col].dropna().unique()]
    return sorted(set(vals), key=len, reverse=True)


@pytest.mark.parametrize("name", list(_charts({"features": None}, "en")))
def test_chart_text_follows_the_language(results, name):
    zh = _charts(results, "zh")[name]()
    t = _texts(zh)
    plt.close(zh.figure)
    for k in ("title", "xlabel", "ylabel"):
        assert CJK.search(t[k]), (name, k, t[k])
    assert all(CJK.search(x) for x in t["legend"]), t["legend"]

    en = _charts(results, "en")[name]()
    t = _texts(en)
    ticks = [x.get_text() for x in en.get_yticklabels() + en.get_xticklabels()]
    plt.close(en.figure)
    data = _data_values(results)
    for text in [t["title"], t["xlabel"], t["ylabel"], *t["legend"]]:
        for v in data:
            text = text.replace(v, "")
        assert text and not CJK.search(text), (name, text)
    if name in ("segments", "migration"):
        assert "Champions" in ticks


def test_chinese_charts_have_every_glyph(results):
    plots_drawn = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for make in _charts(results, "zh").values():
            ax = make()
            ax.figure.canvas.draw()
            plots_drawn.append(ax)
            plt.close(ax.figure)
    missing = [
        str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert not missing, missing
    assert len(plots_drawn) == 10


# -- display names and tables ------------------------------------------------------------------------
def test_every_code_has_a_chinese_name():
    assert all(CJK.search(report.segment_name(s, "zh")) for s in [*pf.SEGMENTS, "(not a buyer)"])
    assert len({report.segment_name(s, "zh") for s in pf.SEGMENTS}) == len(pf.SEGMENTS)
    assert all(CJK.search(report.segment_action(s, "zh")) for s in pf.SEGMENTS)
    assert all(CJK.search(report.tier_name(t, "zh")) for t in pf.TIERS)
    assert all(CJK.search(report.tag_group_name(g, "zh")) for g in pf.TAG_GROUPS)
    assert (
        report.segment_name("Champions", "zh") == "重要价值客户"
        and report.segment_name("Champions", "en") == "Champions"
    )
    for tag, want in {
        "active": "活跃",
        "gender F": "性别 F",
        "likes 美妆": "偏好美妆",
        "app first": "App 为主",
        "mini_program first": "小程序为主",
        "price sensitive": "价格敏感",
        "high value": "高价值用户",
        "Can't Lose Them": "重要挽留客户",
        "金卡会员": "金卡会员",  # a data value stays as it is
    }.items():
        assert report.tag_name(tag, "zh") == want
    name = " · ".join([pf.PERSONA_FEATURES["app_share"][0], pf.PERSONA_FEATURES["conversion"][1]])
    assert report.persona_name(name, "zh") == "App 为主 · 只逛不买"
    assert report.persona_name("2: " + name, "zh") == "2: App 为主 · 只逛不买"
    assert report.persona_traits("refund rate +1.0 sd; share of events in the app -0.5 sd", "zh") == (
        "退款率 +1.0 个标准差；App 内行为占比 -0.5 个标准差"
    )


def test_tables_are_formatted_for_managers(results):
    seg = report.format_segments(results["summary"], lang="zh")
    assert list(seg.columns)[:3] == ["分层", "人数", "人数占比"]
    row = seg.iloc[0]
    s0 = results["summary"].iloc[0]
    assert row["分层"] == "重要价值客户" and row["人数占比"] == fmt_value(s0.user_share, "rate")
    assert row["成交额"] == fmt_value(s0.revenue, "yuan") and CJK.search(row["运营建议"])
    tiers = report.format_tiers(pf.tier_summary(results["tiers"], results["features"]), lang="en")
    assert tiers.columns[0] == "Value tier" and tiers.iloc[-1]["Revenue"] == "¥0"  # prospects never paid
    assert all(isinstance(v, str) for v in tiers.to_numpy().ravel())
    kn = report.key_numbers(results["features"], period=PERIOD, lang="zh")
    assert kn.iloc[0, 1] == fmt_value(len(results["features"]), "count") and CJK.search(kn.iloc[3, 0])
    per = report.format_personas(results["persona_table"], lang="zh")
    assert all(CJK.search(x) for x in per["与平均用户相比的突出特征"])
    html = report.format_persona_segments(results["persona_vs_segment"], lang="zh").to_html()
    assert "重要价值客户" in html and "Champions" not in html
    note = report.persona_fit_note(results["personas"].silhouettes_, lang="zh")
    assert f"{results['personas'].silhouettes_.max():.2f}" in note and CJK.search(note)


def test_styled_tables_align_text_left_and_hide_the_index(results):
    html = report.styled(report.format_segments(results["summary"], lang="en")).to_html()
    assert "text-align: left" in html and "Champions" in html
    assert all(report.styled(report.key_numbers(results["features"], lang="en")).hide_index_)
