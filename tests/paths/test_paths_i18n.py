"""The path report in both languages: findings backed by the result tables and linked to sections of the notebook,
charts titled and labelled in the report language with every glyph available, display tables formatted."""

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

import shoplab  # noqa: E402
from shoplab import paths  # noqa: E402
from shoplab.notebook import Finding  # noqa: E402
from shoplab.paths import findings, plots  # noqa: E402
from shoplab.paths import metrics as paths_metrics  # noqa: E402
from shoplab.paths import tables as paths_tables  # noqa: E402
from shoplab.paths import text as paths_text  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
ANCHOR = re.compile(r'<a id="([a-z0-9-]+)"></a>')
STEPS = ["home", "product_view", "add_to_cart", "checkout", "pay"]
PERIOD = "2026-10"


@pytest.fixture(scope="module")
def res(sample_shop):
    """The path report's result tables on the small sample shop, computed once, as the notebook does."""
    r = paths.compute_report(sample_shop, period=PERIOD)
    return {
        "summary": r.summary,
        "current": r.current,
        "times": r.times,
        "previous": r.previous,
        "channels": r.channels,
        "by_platform": r.by_group["platform"],
        "weekly": r.weekly,
        "drops": r.drops,
        "trans": r.trans,
        "trans_prev": r.trans_prev,
        "links": r.links,
        "loops": r.loops,
        "nodes": r.nodes,
        "search": r.searched,
        "top": r.top,
        "pages": r.pages,
        "event_names": set(sample_shop.events.event.to_pandas()),
        "results": r,
    }


def notebook_anchors() -> set[str]:
    nb = nbformat.read(ROOT / "notebooks" / "paths.ipynb", as_version=4)
    return {a for c in nb.cells if c.cell_type == "markdown" for a in ANCHOR.findall(c.source)}


def make_findings(res, lang):
    return findings.findings(
        res["summary"],
        res["current"],
        res["previous"],
        res["channels"],
        period=PERIOD,
        nodes=res["nodes"],
        target="pay",
        times=res["times"],
        slow_share=0.0,  # always say it here, whatever the share, to check its numbers
        lang=lang,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_are_3_to_6_and_link_to_sections_of_the_notebook(res, lang):
    found = make_findings(res, lang)
    assert 3 <= len(found) <= 6, found
    assert all(isinstance(f, Finding) and f.section for f in found)
    assert {f.section for f in found} <= notebook_anchors()
    channel_names = list(res["channels"].channel)  # data values: may be Chinese in English text
    for f in found:
        text = str(f)
        for c in channel_names:
            text = text.replace(c, "")
        if lang == "zh":
            assert CJK.search(f), f
        else:
            assert not CJK.search(text), f


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_findings_numbers_match_the_result_tables(res, lang):
    """Oracle: each headline number recomputed from its result table appears, formatted, in its finding and in
    the display table of the section it links to."""
    found = {f.section: [] for f in make_findings(res, lang)}
    for f in make_findings(res, lang):
        found[f.section].append(str(f))
    text = {k: " ".join(v) for k, v in found.items()}

    s = res["summary"].iloc[0]
    sessions, bounce = f"{int(s.sessions):,}", f"{s.bounce_rate:.1%}"
    assert (
        sessions in text["sessions"]
        and bounce in text["sessions"]
        and f"{int(s.users):,}" in text["sessions"]
    )
    shown = paths_tables.format_session_summary(res["summary"], lang=lang).to_string()
    assert sessions in shown and bounce in shown and f"{s.events_per_session:.1f}" in shown

    cur = res["current"]
    steps = cur[cur.step_number > 1]
    worst = steps.loc[steps.conversion_from_previous.idxmin()]
    conv = f"{cur.conversion_from_start.iloc[-1]:.1%}"
    lost, drop = f"{int(worst.dropoff):,}", f"{1 - worst.conversion_from_previous:.1%}"
    assert conv in text["funnel"] and lost in text["funnel"] and drop in text["funnel"]
    assert paths_text.event_label(worst.step, lang) in text["funnel"]
    table = paths_tables.format_funnel(cur, lang=lang).to_string()
    assert conv in table and lost in table and drop in table

    cmp = paths.compare_funnels(res["previous"], cur)
    worse = cmp[(cmp.difference < 0) & cmp.significant]  # beyond noise after the adjustment for the steps
    row = worse.loc[worse.difference.idxmin()] if len(worse) else cmp.loc[cmp.difference.abs().idxmax()]
    pp = f"{row.difference * 100:+.1f} pp"
    assert pp in text["funnel-change"] and paths_text.event_label(row.step, lang) in text["funnel-change"]
    assert pp in paths_tables.format_funnel_change(cmp, lang=lang).to_string()
    if not len(worse):
        assert ("beyond noise" if lang == "en" else "随机波动") in text["funnel-change"]

    ch = res["channels"][res["channels"].sessions >= 200]
    best = ch.loc[ch.conversion.idxmax()]
    rate = f"{best.conversion:.1%}"
    assert best.channel in text["channels"] and rate in text["channels"]
    assert rate in paths_tables.format_channels(res["channels"], lang=lang).to_string()

    nodes = res["nodes"][(res["nodes"].node != "pay") & (res["nodes"].visits >= 200)]
    top = nodes.loc[nodes.exit_rate.idxmax()]
    exit_rate = f"{top.exit_rate:.1%}"
    assert exit_rate in text["key-nodes"] and paths_text.event_label(top.node, lang) in text["key-nodes"]
    assert f"{int(top.visits):,}" in text["key-nodes"]

    # the slowest step: the share over a day recomputed from the per-bucket counts, the median from the funnel
    d = res["times"]
    over = (
        d[d.lower_minutes >= 1440].groupby("step_number").units.sum() / d.groupby("step_number").units.sum()
    )
    k = over.idxmax()
    row = d[d.step_number == k].iloc[0]
    assert f"{over[k]:.1%}" in text["step-times"]
    assert (
        f"{paths_text.event_label(row.from_step, lang)} → {paths_text.event_label(row.step, lang)}"
        in text["step-times"]
    )
    med = cur.loc[cur.step_number == k, "median_minutes_from_previous"].iloc[0]
    shown = shoplab.notebook.fmt_value(med, "duration", lang=lang)
    assert shown in text["step-times"]
    table = paths_tables.format_step_times(d, cur, lang=lang).to_string()
    assert (
        shown in table and f"{d[(d.step_number == k) & (d.lower_minutes == 1440)].share.iloc[0]:.1%}" in table
    )
    assert exit_rate in paths_tables.format_key_nodes(res["nodes"], lang=lang).to_string()


def test_findings_say_when_channels_are_too_small_to_compare():
    summary = pd.DataFrame([{"sessions": 100, "users": 40, "events_per_session": 3.0, "bounce_rate": 0.1}])
    cur = pd.DataFrame(
        {
            "step_number": [1, 2],
            "step": ["home", "pay"],
            "users": [40, 10],
            "conversion_from_start": [1.0, 0.25],
            "conversion_from_previous": [1.0, 0.25],
            "dropoff": [0, 30],
        }
    )
    ch = pd.DataFrame(
        {
            "channel": ["a", "b"],
            "sessions": [60, 40],
            "conversion": [0.2, 0.1],
            "ci_low": [0.1, 0.0],
            "ci_high": [0.3, 0.2],
        }
    )
    for lang, words in (("en", "Too few sessions"), ("zh", "会话太少")):
        found = findings.findings(summary, cur, None, ch, lang=lang)
        assert words in found[-1] and found[-1].section == "channels"
    zh = findings.findings(summary, cur, lang="zh")
    assert "首页" in zh[1] and "支付" in zh[1] and "30 位用户（75.0%）" in zh[1]


def test_every_event_of_the_sample_has_a_chinese_name(res):
    assert res["event_names"] <= set(paths_text.EVENT_NAMES_ZH)
    assert (
        paths_text.event_label("add_to_cart", "zh") == "加购"
        and paths_text.event_label("add_to_cart", "en") == "add_to_cart"
    )
    assert paths_text.path_label("home → pay", "zh") == "首页 → 支付"
    assert paths_text.event_label("my_custom_event", "zh") == "my_custom_event"


def charts(res, lang):
    """Every chart of the report, drawn in ``lang`` (name, Axes)."""
    yield "funnel", plots.plot_funnel(res["current"], period=PERIOD, lang=lang)
    yield "breakdown", plots.plot_funnel_breakdown(res["by_platform"], "platform", period=PERIOD, lang=lang)
    yield (
        "weekly",
        plots.plot_weekly_conversion(
            res["weekly"],
            title=paths_text.weekly_title(paths.weekly_change(res["weekly"]), lang=lang),
            lang=lang,
        ),
    )
    yield (
        "heatmap",
        plots.plot_transition_heatmap(
            paths.transition_matrix(res["trans"]),
            title=paths_text.transitions_title(res["trans"], lang=lang),
            lang=lang,
        ),
    )
    yield "graph", plots.plot_transition_graph(res["trans"], lang=lang)
    yield (
        "sankey",
        plots.plot_sankey(
            res["links"],
            title=paths_text.sankey_title(res["links"], "home", lang=lang),
            period=PERIOD,
            lang=lang,
        ),
    )
    yield "dropoffs", plots.plot_dropoffs(res["drops"], lang=lang)
    yield "step_times", plots.plot_step_times(res["times"], period=PERIOD, lang=lang)


def texts(ax):
    title = ax.get_title("left") or ax.get_title()
    labels = [t for t in (ax.get_xlabel(), ax.get_ylabel()) if t]
    legend = ax.get_legend()
    leg = [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()] if legend else []
    return title, labels, [t for t in leg if t]


def test_charts_speak_chinese_in_zh_with_every_glyph(res):
    for name, ax in charts(res, "zh"):
        title, labels, legend = texts(ax)
        assert title and CJK.search(title), (name, title)
        if name != "graph":  # the graph has no axes; its title explains arrows and labels
            assert labels, name
        assert all(CJK.search(t) for t in labels), (name, labels)
        if name in ("funnel", "dropoffs", "heatmap", "step_times"):
            ticks = [t.get_text() for t in ax.get_yticklabels()]
            assert all(CJK.search(t) for t in ticks), (name, ticks)
        if name in ("weekly", "dropoffs", "step_times"):
            assert legend and all(CJK.search(t) for t in legend), (name, legend)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ax.figure.canvas.draw()
        missing = [
            str(w.message)
            for w in caught
            if "missing from font" in str(w.message) or "Glyph" in str(w.message)
        ]
        assert not missing, (name, missing)
        plt.close(ax.figure)


def test_charts_speak_english_in_en(res):
    for name, ax in charts(res, "en"):
        title, labels, legend = texts(ax)
        assert title and not CJK.search(title), (name, title)
        assert not any(CJK.search(t) for t in [*labels, *legend]), (name, labels, legend)
        if name != "graph":
            assert labels, name
        plt.close(ax.figure)


def test_titles_state_the_finding_in_both_languages(res):
    cur = res["current"]
    conv = f"{cur.conversion_from_start.iloc[-1]:.1%}"
    assert conv in paths_text.funnel_title(cur, lang="en") and conv in paths_text.funnel_title(cur, lang="zh")
    assert "首页" in paths_text.funnel_title(cur, lang="zh") and "支付" in paths_text.funnel_title(
        cur, lang="zh"
    )
    first = res["links"][res["links"].layer == 0]
    share = f"{first.sessions.max() / first.sessions.sum():.0%}"
    assert share in paths_text.sankey_title(res["links"], "home", lang="zh")
    assert paths_text.sankey_title(res["links"], "home", lang="zh").startswith("从首页出发")
    t = res["trans"]
    t = t[(t.from_event != t.to_event) & (t.to_event != "[exit]")]
    busiest = f"{t['count'].max():,}"
    assert busiest in paths_text.transitions_title(res["trans"], lang="en")
    assert busiest in paths_text.transitions_title(res["trans"], lang="zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_display_tables_are_formatted_and_named_in_the_report_language(res, lang):
    tables = [
        paths_tables.format_session_summary(res["summary"], lang=lang),
        paths_tables.format_entry_exit(res["pages"], lang=lang),
        paths_tables.format_funnel(res["current"], lang=lang),
        paths_tables.format_step_times(res["times"], res["current"], lang=lang),
        paths_tables.format_funnel_change(paths.compare_funnels(res["previous"], res["current"]), lang=lang),
        paths_tables.format_transition_changes(
            paths.compare_transitions(res["trans_prev"], res["trans"]), lang=lang
        ),
        paths_tables.format_loops(res["loops"], lang=lang),
        paths_tables.format_key_nodes(res["nodes"], lang=lang),
        paths_tables.format_channels(res["channels"], lang=lang),
        paths_tables.format_event_conversion(res["search"], "search", lang=lang),
    ]
    for t in tables:
        cols = [str(c) for c in t.columns]
        assert all(bool(CJK.search(c)) == (lang == "zh") for c in cols), cols
        for c in t.columns:  # no raw floats such as 0.3412 left
            assert not any(isinstance(v, float) for v in t[c]), (cols, c)
        assert not any(re.fullmatch(r"-?\d+\.\d{4,}", str(v)) for v in t.to_numpy().ravel()), cols
    html = paths_tables.paths_table(res["top"], lang=lang).data
    assert ("购买" in html and "首页" in html) if lang == "zh" else ("purchase" in html and "home" in html)


def test_record_headline_labels_follow_the_language(monkeypatch, res):
    seen = {}
    monkeypatch.setattr("shoplab.notebook.record", lambda key, value, **kw: seen.setdefault(key, kw["label"]))
    paths_metrics.record_headlines(res["summary"], res["current"], lang="zh")
    assert seen["paths.sessions"] == "会话数" and seen["paths.funnel.add_to_cart"] == "漏斗：加购"
    assert list(seen)[-1] == "paths.conversion" and CJK.search(seen["paths.conversion"])


def test_the_results_object_gives_the_notebooks_findings_and_headlines(res, monkeypatch):
    """compute_report's one results object is what the notebook words and records: the same findings and the
    same metrics as the tables handed in one by one."""
    r = res["results"]
    one_by_one = findings.findings(
        r.summary, r.current, r.previous, r.channels, period=PERIOD, unit="users", nodes=r.nodes, target="pay",
        times=r.times, change=r.change,
    )  # fmt: skip
    assert [str(f) for f in findings.findings(r)] == [str(f) for f in one_by_one]
    seen = []
    monkeypatch.setattr("shoplab.notebook.record", lambda key, value, **kw: seen.append((key, value, kw)))
    paths_metrics.record_headlines(r)
    whole, seen[:] = list(seen), []
    paths_metrics.record_headlines(r.summary, r.current, r.summary_prev, r.previous)
    assert whole == seen and len(whole) == 2 + len(STEPS) + 1
    assert r.by_group.keys() == {"platform", "channel", "user_type"} and r.missing == []
