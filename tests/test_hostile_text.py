"""Hostile text: a shop's own strings render as text in every table, report, index page and chart, and CSV
downloads cannot run as spreadsheet formulas (issue 17)."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from test_validation import english_sentences

from shoplab import notebook as nbk
from shoplab.contract import TABLES

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = '<script>alert("x")</script>'
IMG = "<img src=x onerror=alert(1)>"

# every free-text column of the contract: text without a list of allowed values
FREE_TEXT = {
    name: [c.name for c in spec.columns if c.kind == "string" and not c.allowed]
    for name, spec in TABLES.items()
}
# the sample's values that become payloads (the same value in every table, so that joins still match); the
# events keep their funnel steps and the purchase event, so that every section has something to show
PAYLOADS = {
    "上海": SCRIPT,  # users.city
    "二线": IMG,  # users.city_tier
    "unknown": SCRIPT,  # users.gender
    "抖音直播": SCRIPT,  # users/events/orders/campaigns/marketing_spend.channel
    "小红书": IMG,
    "web": IMG,  # users/events.platform
    "category": SCRIPT,  # events.event
    "cart": IMG,
    "分类页": SCRIPT,  # events.page
    "购物车": IMG,
    "美妆": SCRIPT,  # items/order_items.category
    "食品": IMG,
    "银卡会员": SCRIPT,  # members/tier_history.tier
    "金卡会员": IMG,
    "满减": SCRIPT,  # campaigns.type
    "折扣": IMG,
    "短信": IMG,  # campaigns.channel
    "非常满意，会回购": SCRIPT,  # feedback.text
    "性价比很高，推荐": IMG,
}


def hostile_shop(src: Path, dst: Path) -> Path:
    """A copy of the sample shop ``src`` whose free-text values carry HTML/script payloads."""
    shutil.copytree(src, dst)
    for name, cols in FREE_TEXT.items():
        path = dst / f"{name}.parquet" if (dst / f"{name}.parquet").exists() else dst / name
        for f in [path] if path.is_file() else sorted(path.glob("*.parquet")):
            df = pd.read_parquet(f)
            for c in (c for c in cols if c in df.columns):
                df[c] = df[c].replace(PAYLOADS)
            if name == "campaigns":  # two campaign names, by position
                df["name"] = df["name"].astype(object)
                df.loc[df.index[:2], "name"] = [SCRIPT, IMG]
            if name == "orders":  # a few unknown statuses: a validation warning that quotes the value
                df["status"] = df["status"].astype(object)
                df.loc[df.index[:5], "status"] = SCRIPT
            f.unlink()
            df.to_parquet(f, index=False)
    return dst


class _Scripts(HTMLParser):
    """Start tags with event-handler attributes, and the text of every <script> element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.handlers += [f"<{tag} {k}=...>" for k, _ in attrs if k.startswith("on")]
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def unsafe_parts(page: str) -> list[str]:
    """What in an HTML page would run a payload: its tags with on* handlers, scripts that call alert(."""
    p = _Scripts()
    p.feed(page)
    found = p.handlers + [s[:80] for s in p.scripts if "alert(" in s]
    found += [m for m in ("<script>alert", "<img src=x") if m in page]
    return found


# -- the table helper and CSV downloads (fast) ------------------------------------------------------------


def test_styler_escapes_cells_index_and_column_headers():
    df = pd.DataFrame({SCRIPT: [SCRIPT, IMG], "n": [0.25, 1.5]}, index=[IMG, "b"])
    assert unsafe_parts(df.style.to_html())  # a plain Styler writes the text as HTML: the hole being closed
    shares = pd.DataFrame({SCRIPT: [0.25, 0.5]}, index=pd.Index([IMG, "b"], name=SCRIPT))  # a crosstab
    for page in (nbk.styler(df).to_html(), nbk.styler(shares, "{:.0%}", index=True).to_html()):
        assert not unsafe_parts(page), page
        assert "&lt;script&gt;alert(" in page and "&lt;img src=x" in page
    assert ">25%<" in nbk.styler(shares, "{:.0%}").to_html()


def test_report_tables_are_styled_through_the_escaping_helper():
    """Every Styler in the package and the notebooks comes from nbk.styler (a bare `.style` writes raw HTML)."""
    bare = re.compile(r"\.style\b(?!r)")
    hits = []
    for f in sorted((ROOT / "src" / "shoplab").rglob("*.py")):
        if f.name != "notebook.py":
            hits += [
                f"{f.relative_to(ROOT)}: {line.strip()}"
                for line in f.read_text().splitlines()
                if bare.search(line)
            ]
    for f in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(f.read_text())["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"])
                hits += [f"{f.name}: {line.strip()}" for line in src.splitlines() if bare.search(line)]
    assert not hits, hits


def test_csv_downloads_neutralise_spreadsheet_formulas():
    df = pd.DataFrame(
        {
            "text": ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tq", "\rq", "ok", None],
            "mixed": ["=HYPERLINK(1)", 3, -4.5, "a=b", "", "-", None, 7],
            "=header": [1, -2, 3, -4, 5, -6, 7, -8],
            "amount": [-1.5, 2.0, -3.0, 4.0, -5.0, 6.0, 7.0, None],
        }
    )
    safe = nbk.csv_safe(df)
    assert safe["text"][:7].tolist() == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tq", "'\rq", "ok"]
    assert safe["mixed"].tolist() == ["'=HYPERLINK(1)", 3, -4.5, "a=b", "", "'-", None, 7]
    assert safe["text"].isna().tolist() == [False] * 7 + [True]
    assert list(safe.columns) == ["text", "mixed", "'=header", "amount"]
    # numbers stay numbers, and the input is not changed
    pd.testing.assert_series_equal(safe["amount"], df["amount"])
    assert safe["'=header"].tolist() == df["=header"].tolist()
    assert df["text"][0] == "=1+1" and list(df.columns)[2] == "=header"


def test_data_table_download_is_neutralised():
    df = pd.DataFrame({"channel": ["=cmd|' /C calc'!A0", "直播"], "gmv": [-10.0, 5.0]})
    page = nbk.data_table(df, "channels").data
    href = re.search(r'href="data:text/csv;base64,([^"]+)"', page).group(1)
    csv = base64.b64decode(href).decode("utf-8-sig")
    assert csv.splitlines() == ["channel,gmv", "'=cmd|' /C calc'!A0,-10.0", "直播,5.0"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_page_shows_a_shops_text_as_text(lang):
    """The index quotes failure messages (which quote the data) and metric labels: as text."""
    from shoplab.runner import ReportResult, index_html

    metric = {"key": "x.y", "value": 1.0, "label": f"GMV {IMG}", "unit": "yuan", "history": {SCRIPT: 1.0}}
    results = [
        ReportResult("overview", f"Overview {SCRIPT}", "failed", f"orders.status: '{SCRIPT}' (5)"),
        ReportResult("paths", "Paths", "ok", IMG, metrics=[metric], html="paths.html"),
    ]
    page = index_html("2026-10", results, "2026-11-01 00:00", "complete", lang)
    assert not unsafe_parts(page), unsafe_parts(page)
    assert page.count("&lt;script&gt;alert(") >= 2 and page.count("&lt;img src=x") >= 2


# -- end to end: one render of every report on a hostile shop -----------------------------------------------


@pytest.mark.slow
def test_hostile_text_renders_as_text_in_every_report_and_the_index(sample_dir, tmp_path):
    src = hostile_shop(sample_dir, tmp_path / "shop")
    out = tmp_path / "reports"
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "report", "--source", str(src), "--out", str(out), "--lang", "zh"],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    period_dir = out / "2026-10"
    status = json.loads((period_dir / "status.json").read_text())
    assert {r["name"]: r["status"] for r in status["reports"]} == {
        r["name"]: "ok" for r in status["reports"]
    }, p.stdout + p.stderr
    pages = sorted(period_dir.glob("*.html"))
    assert len(pages) == len(status["reports"]) + 1  # every report and the index
    escaped = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not unsafe_parts(text), (page.name, unsafe_parts(text))
        escaped[page.stem] = text.count("&lt;script&gt;alert(") + text.count(
            "&lt;img src=x onerror=alert(1)&gt;"
        )
    # the payloads did reach the pages, as text: every report quotes some (the orders.status warning at least)
    assert all(escaped[r["name"]] for r in status["reports"]), escaped
    # the data-quality section of every zh report that reads orders words the validation warning in Chinese
    for name in (r["name"] for r in status["reports"] if r["name"] != "paths"):
        text = (period_dir / f"{name}.html").read_text(encoding="utf-8")
        start = text.index("读取的数据表")
        section = text[start : text.index("</ul>", start)]
        assert "<b>警告</b>：orders.status：" in section and "未知取值" in section, (name, section[:300])
        assert not english_sentences(section), (name, english_sentences(section))
