"""Pages: an executed notebook rendered to HTML (nbconvert), and the index page of a run (a Jinja template).

Both templates live in ``shoplab/templates/``: ``shoplab/`` is the nbconvert template of a report (JupyterLab's
without the scripts it loads from CDNs), ``runner/index.html.j2`` the index page of a period folder.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PeriodError
from ..htmlfonts import embed_cjk_font
from ..i18n import tr
from ..notebook import METRIC_MIME, fmt_change, fmt_value
from ..periods import Period

if TYPE_CHECKING:
    from .rundir import ReportResult

__all__ = ["MAX_HTML_MB", "TEMPLATES", "render_html", "index_html", "sparkline"]

MAX_HTML_MB = 10  # a larger report gets a note: over the limit for sharing
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


# -- a report --------------------------------------------------------------------------------------
_H_RE = re.compile(r'<h([23]) id="([^"]+)">(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h\1>', re.S)


def _strip_tags(s: str) -> str:
    return re.sub(r"<[^>]+>", "", s)


def _add_toc(body: str, lang: str = "en") -> str:
    heads = _H_RE.findall(body)
    if len(heads) < 2:
        return body
    items = []
    for level, anchor, text in heads:
        pad = "0" if level == "2" else "1.2em"
        items.append(f'<li style="margin-left:{pad}"><a href="#{anchor}">{_strip_tags(text)}</a></li>')
    toc = (
        '<nav class="shoplab-toc" style="border:1px solid #ddd;border-radius:6px;padding:6px 14px;margin:10px 0;'
        'max-width:900px"><b>'
        + tr("Contents", "目录", lang)
        + '</b><ul style="list-style:none;padding-left:0;margin:4px 0">'
        + "".join(items)
        + "</ul></nav>"
    )
    return _after_title(body, toc)


def _add_notes(body: str, notes: list[str]) -> str:
    if not notes:
        return body
    box = "".join(
        '<div class="shoplab-run-note" style="background:#fff8e5;border-left:4px solid #9a6700;'
        f'padding:8px 12px;margin:8px 0;max-width:900px">{html.escape(n)}</div>'
        for n in notes
    )
    return _after_title(body, box)


def _after_title(body: str, insert: str) -> str:
    """``insert`` right after the report's title (the first ``</h1>``), else at the top."""
    m = re.search(r"</h1>", body)
    return body[: m.end()] + insert + body[m.end() :] if m else insert + body


def _lang_tag(cell) -> str | None:
    for t in cell.get("metadata", {}).get("tags", []):
        if t.startswith("lang-"):
            return t[5:]
    return None


def render_html(nb, title: str, lang: str = "en", notes: list[str] | None = None) -> str:
    """Render an executed notebook: inputs and parameter cells hidden, metric outputs and stderr dropped.

    A Markdown cell is written in English with its Chinese text in ``metadata.shoplab.zh`` (so an analyst in
    JupyterLab reads the prose once); a Chinese report shows that text instead. Cells tagged ``lang-xx`` (the
    older form of a notebook's own prose) appear only in a report whose language is ``xx``. ``notes`` (text in the
    report's language) are shown as a warning box under the title, e.g. that the data covers part of the month.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # a copy
    keep = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & {"parameters", "injected-parameters"}:
            continue
        if _lang_tag(cell) not in (None, lang):
            continue
        zh = cell.get("metadata", {}).get("shoplab", {}).get("zh")
        if cell.cell_type == "markdown" and lang == "zh" and zh:
            cell.source = zh
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                and METRIC_MIME not in o.get("data", {})
            ]
        keep.append(cell)
    nb.cells = keep
    nb.metadata["title"] = title
    c = Config()
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
    exporter = HTMLExporter(config=c, template_name="shoplab")
    exporter.language_code = "zh-CN" if lang == "zh" else "en"  # set after: the config validator drops zh-CN
    body, _ = exporter.from_notebook_node(nb)
    return embed_cjk_font(_add_notes(_add_toc(body, lang), notes or []))


# -- the index page --------------------------------------------------------------------------------
def sparkline(history: dict | None, width: int = 110, height: int = 26) -> str:
    """A tiny inline SVG line of a metric's monthly history (nothing for fewer than 3 points)."""
    if not history:
        return ""
    items = [(k, v) for k, v in sorted(history.items()) if v is not None]
    if len(items) < 3:
        return ""
    vals = [float(v) for _, v in items]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(vals) - 1)
    pts = " ".join(
        f"{2 + i * step:.1f},{height - 3 - (v - lo) / span * (height - 6):.1f}" for i, v in enumerate(vals)
    )
    last = pts.split(" ")[-1].split(",")
    title = html.escape(f"{items[0][0]} .. {items[-1][0]}")
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
        f"<title>{title}</title>"
        f'<polyline fill="none" stroke="#1f5fa8" stroke-width="1.5" points="{pts}"/>'
        f'<circle cx="{last[0]}" cy="{last[1]}" r="2.2" fill="#1f5fa8"/></svg>'
    )


_STATUS_ZH = {"ok": "完成", "failed": "失败", "skipped": "跳过", "pending": "未运行", "interrupted": "已中断"}


@functools.cache
def _index_template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES / "runner")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("index.html.j2")


def _metric_card(m: dict, lang: str) -> dict:
    """What the index shows of one recorded metric: label, value, change on the previous (comparable) period, sparkline."""
    from markupsafe import Markup

    unit = m.get("unit")
    change = None
    prev = m.get("previous")
    if prev not in (None, 0) and m.get("value") is not None:
        kind = "pp" if unit in ("rate", "pp") else "relative"
        ch = m["value"] - prev if kind == "pp" else m["value"] / prev - 1
        change = fmt_change(ch, kind)
    return {
        "label": str(m.get("label")),
        "value": fmt_value(m.get("value"), unit),
        "change": change,
        "spark": Markup(sparkline(m.get("history"))),  # noqa: S704 - built here, its one text escaped
    }


def index_html(
    period: str,
    results: list[ReportResult],
    started: str,
    state: str,
    lang: str = "en",
    *,
    finished_names: list[str] | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> str:
    """The index page: the run's state (running, interrupted), ``notes`` (English, Chinese) and one card per
    report (``templates/runner/index.html.j2``)."""
    titles = {r.name: r.title for r in results}
    try:
        p = Period.parse(period)
    except PeriodError:  # an odd folder name: shown as it is
        p = None
    heading = {"month": ("monthly", "月度"), "quarter": ("quarterly", "季度"), "year": ("annual", "年度")}
    h_en, h_zh = heading.get(p.kind if p else "", ("", "时段"))
    cards = [
        {
            "title": r.title,
            "href": r.html,
            "status": r.status,
            "status_text": _STATUS_ZH.get(r.status, r.status) if lang == "zh" else r.status,
            "message": r.message,
            "earlier": r.generated if r.generated and r.generated < started else None,
            "metrics": [_metric_card(m, lang) for m in r.metrics if m.get("index") is not False],
        }
        for r in results
    ]
    return _index_template().render(
        lang=lang,
        html_lang="zh-CN" if lang == "zh" else "en",
        t=lambda en, zh: tr(en, zh, lang),
        period=period,
        period_title=p.title(lang) if p else period,
        heading_en=f"shoplab {h_en} reports".replace("  ", " "),
        heading_zh=f"shoplab {h_zh}报告",
        vs_previous=p.vs_previous(lang) if p else tr("vs the previous period", "比上期", lang),
        started=started,
        state=state,
        done=[titles.get(n, n) for n in finished_names or []],
        not_done=[r.title for r in results if r.status == "interrupted"],
        notes=[tr(en, zh, lang) for en, zh in notes or []],
        cards=cards,
    )
