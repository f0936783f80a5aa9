"""End to end: the sample shop through `shoplab report`, as a user runs it."""

from __future__ import annotations

import json
import re

import pytest
from overview.test_kpis import pandas_kpis

from shoplab.runner import MAX_HTML_MB, discover

pytestmark = pytest.mark.slow

REPORTS = list(discover())


def test_every_report_renders_on_the_sample_shop(rendered):
    period_dir, p = rendered
    assert p.returncode == 0, p.stdout + p.stderr
    assert (
        "done in" in p.stdout and (period_dir / "index.html").exists()
    )  # 2026-10: the sample's last full month
    status = json.loads((period_dir / "status.json").read_text())
    assert {r["name"]: r["status"] for r in status["reports"]} == {name: "ok" for name in REPORTS}
    index = (period_dir / "index.html").read_text(encoding="utf-8")
    for name in REPORTS:
        assert f'href="{name}.html"' in index


def test_overview_numbers_match_pandas(rendered, sample_dir):
    period_dir, _ = rendered
    metrics = json.loads((period_dir / "metrics.json").read_text())
    want = pandas_kpis(sample_dir, "2026-10")
    for key in ("gmv", "orders", "buyers", "aov", "new_users", "repurchase_rate"):
        assert metrics[f"overview.{key}"] == pytest.approx(want[key], rel=1e-9), key


@pytest.mark.parametrize("name", REPORTS)
def test_html_is_clean_self_contained_and_small(rendered, name):
    period_dir, _ = rendered
    html = (period_dir / f"{name}.html").read_text(encoding="utf-8")
    assert "data:image/png;base64" in html  # figures embedded
    assert 'class="shoplab-toc"' in html  # table of contents
    for bad in (
        "Traceback",
        'data-mime-type="application/vnd.jupyter.stderr"',
        "<bound method",
        "object at 0x",
        "shoplab.connect(",
        "import shoplab",
        "injected-parameters",
    ):
        assert bad not in html, bad
    assert not re.search(r"""<(img|script|link)[^>]+(src|href)=["']https?://""", html), "must open offline"
    assert len(html.encode()) / 1e6 < MAX_HTML_MB


CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", REPORTS)
def test_findings_come_first_and_link_to_their_sections(request, lang, name):
    period_dir, p = request.getfixturevalue("rendered" if lang == "en" else "rendered_zh")
    assert p.returncode == 0, p.stdout + p.stderr
    html = (period_dir / f"{name}.html").read_text(encoding="utf-8")
    body = html[html.index("</nav>") :]  # after the table of contents
    links = re.findall(r'class="shoplab-more" href="#([a-z0-9-]+)"', body)
    assert len(links) >= 3, f"{name} ({lang}): findings linked to sections: {links}"
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert set(links) <= ids, f"{name} ({lang}): links to missing sections {set(links) - ids}"
    first_h2 = re.search(r"<h2[^>]*>(.*?)</h2>", body, re.S).group(1)
    assert re.search(r"Findings|主要发现", first_h2), first_h2
    heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", body, re.S)]
    if lang == "zh":
        assert 'lang="zh-CN"' in html[:300]
        english = [h for h in heads if not CJK.search(h)]
        assert not english, f"{name}: headings left in English: {english}"
        summaries = re.findall(r"<summary>(.*?)</summary>", body, re.S)
        assert all(s.startswith("数据") for s in summaries), [
            s[:40] for s in summaries if not s.startswith("数据")
        ]
    else:
        summaries = re.findall(r"<summary>(.*?)</summary>", body, re.S)
        assert all(s.startswith("Data") for s in summaries), [
            s[:40] for s in summaries if not s.startswith("Data")
        ]
