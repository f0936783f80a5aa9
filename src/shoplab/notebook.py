"""Helpers that report notebooks call: record headline numbers, show data quality, show notes and tables.

Headline numbers recorded with :func:`record` travel inside the executed notebook as a display output of
MIME type :data:`METRIC_MIME`; the report runner collects them into ``metrics.json`` and strips them from the
HTML.
"""

from __future__ import annotations

import html
import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd

from .currency import money_symbol
from .data import Shop
from .i18n import tr

__all__ = [
    "METRIC_MIME",
    "record",
    "data_quality",
    "note",
    "fmt_value",
    "fmt_change",
    "fmt_p",
    "format_table",
    "kpi_cards",
    "period_note",
    "bullets",
    "data_table",
    "styler",
    "csv_safe",
    "missing_tables_note",
    "missing_columns_note",
    "Finding",
    "data_dir",
    "resolve_source",
]

METRIC_MIME = "application/vnd.shoplab.metric+json"


def data_dir() -> Path | None:
    """The folder a notebook's relative ``source`` is taken in: ``$SHOPLAB_DATA_DIR``, else the ``data/`` folder
    of the repository shoplab is installed from (None for an installed package without one)."""
    env = os.environ.get("SHOPLAB_DATA_DIR")
    if env:
        return Path(env).expanduser()
    root = Path(__file__).resolve().parents[2]
    return root / "data" if (root / "pyproject.toml").exists() else None


def resolve_source(source: Any) -> Any:
    """A notebook's ``source`` as :func:`shoplab.connect` should open it, whatever the working directory.

    A relative path is taken in :func:`data_dir` (``"sample"`` is the repository's ``data/sample``), else, when
    only that exists, relative to the working directory. Absolute paths, ``${ENV}`` references, URLs,
    ``profile:NAME`` and backends are returned unchanged. The report runner passes absolute paths.
    """
    if not isinstance(source, str | os.PathLike):
        return source
    text = str(source)
    if not text or "${" in text or "://" in text or text.startswith("profile:"):
        return source
    p = Path(text).expanduser()
    if p.is_absolute():
        return text
    base = data_dir()
    if base is not None and (base / p).exists():
        return str((base / p).resolve())
    if p.exists():
        return str(p.resolve())
    return str(base / p) if base is not None else text


def _display(obj, raw=False, **kw):
    from IPython.display import display

    display(obj, raw=raw, **kw)


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def record(
    key: str,
    value: Any,
    *,
    label: str | None = None,
    unit: str | None = None,
    previous: Any = None,
    history: dict[str, Any] | None = None,
    index: bool = True,
) -> Any:
    """Record a headline number for ``metrics.json`` and the index page; returns ``value``.

    Parameters
    ----------
    key
        Flat dotted name, ``<report>.<metric>`` (e.g. ``overview.gmv``); scripts rely on these names.
    value
        A number (NaN and None are recorded as null).
    label, unit
        How the index shows it: unit is ``yuan``, ``count`` or ``rate``.
    previous
        The same number for the previous period, if known (the index shows the change).
    history
        Earlier values by period label (``{"2026-09": 1.0, ...}``), for the index page's sparkline.
    index
        Show it on the index page (default). Detail numbers (interval bounds, test statistics, long lists) go to
        metrics.json only, so that the index stays a one-page briefing.
    """
    if "." not in key:
        raise ValueError(f"metric key must look like '<report>.<metric>', got {key!r}")
    payload = {
        "key": key,
        "value": _clean(value),
        "label": label or key,
        "unit": unit,
        "previous": _clean(previous),
    }
    if not index:
        payload["index"] = False
    if history:
        payload["history"] = {str(k): _clean(v) for k, v in sorted(history.items())}
    _display({METRIC_MIME: payload}, raw=True)
    return value


def fmt_value(value: Any, unit: str | None = None, *, lang: str | None = None) -> str:
    """Format a number for a manager: thousands separators, ¥ for money, % for rates, n/a for missing.

    Units: ``yuan``, ``count``, ``rate`` (a share, shown in %), ``pp`` (a difference of two rates),
    ``p`` (a p-value), ``ratio`` (a multiple such as ROAS, ``2.35×``), ``days``, ``minutes``, ``duration`` (minutes
    in the largest fitting unit: ``45 s``, ``2.6 min``, ``3.5 h``, ``1.6 d``), ``number`` (two decimals); anything
    else is shown as it is.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "n/a"
    if unit == "yuan":  # money, in the shop's currency (shoplab.currency; ¥ by default)
        cur = money_symbol()
        if value == 0:
            return f"{cur}0"
        if value < 0:  # the sign before the currency: -¥4,442
            text = fmt_value(-value, "yuan", lang=lang)
            return text if text in (f"{cur}0", f"{cur}0.00") else "-" + text
        return f"{cur}{value:,.0f}" if abs(value) >= 100 else f"{cur}{value:,.2f}"
    if unit == "rate":
        return f"{value:.1%}"
    if unit == "pp":  # a difference of two rates, in percentage points
        return f"{value * 100:+.1f} pp"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "p":
        return "< 0.001" if value < 0.001 else f"{value:.3f}"
    if unit == "ratio":
        return f"{value:,.2f}×"
    if unit == "days":
        return tr(f"{value:,.1f} d", f"{value:,.1f} 天", lang)
    if unit == "minutes":
        return tr(f"{value:,.1f} min", f"{value:,.1f} 分钟", lang)
    if unit == "s":  # seconds (first-response times)
        return tr(f"{value:,.1f} s", f"{value:,.1f} 秒", lang)
    if unit == "duration":  # minutes, shown in the largest fitting unit: 45 s, 2.6 min, 3.5 h, 1.6 d
        if value < 1:
            return tr(f"{value * 60:,.0f} s", f"{value * 60:,.0f} 秒", lang)
        if value < 60:
            return tr(f"{value:,.1f} min", f"{value:,.1f} 分钟", lang)
        if value < 48 * 60:
            return tr(f"{value / 60:,.1f} h", f"{value / 60:,.1f} 小时", lang)
        return tr(f"{value / 1440:,.1f} d", f"{value / 1440:,.1f} 天", lang)
    if unit == "number" or isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def format_table(
    df: pd.DataFrame,
    units: dict[str, str],
    *,
    rename: dict[str, str] | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """A result table as a manager reads it: the columns named in ``units`` formatted with :func:`fmt_value`
    (``{"conversion": "rate", "gmv": "yuan"}``), other columns unchanged, then columns renamed by ``rename``
    (e.g. to the report language). The numbers stay in the data twin (:func:`data_table`) for download."""
    out = df.copy()
    for col, unit in units.items():
        if col in out.columns:
            out[col] = [fmt_value(v, unit, lang=lang) for v in out[col]]
    return out.rename(columns=rename or {})


def fmt_change(change: Any, kind: str = "relative") -> str:
    """``+4.2%`` for relative changes, ``+1.3 pp`` for rate differences, ``+¥21.01`` / ``-¥14.34`` / ``+¥12,346``
    for money differences (``yuan``: the sign before the currency; two decimals below 100, whole units from 100
    up, as :func:`fmt_value`), ``n/a`` when not comparable."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "n/a"
    if kind == "pp":
        return f"{change * 100:+.1f} pp"
    if kind == "yuan":
        v = round(float(change), 2) + 0.0  # no "-¥0.00" for a tiny negative
        if abs(v) >= 100:  # a GMV change in cents reads as false precision
            return f"{'-' if v < 0 else '+'}{money_symbol()}{abs(v):,.0f}"
        return f"{'-' if v < 0 else '+'}{money_symbol()}{abs(v):,.2f}"
    return f"{change:+.1%}"


def kpi_cards(summary: pd.DataFrame, keys: list[str] | None = None, *, lang: str | None = None, period=None):
    """HTML cards for a KPI summary table (as returned by ``overview.kpi_summary``); ``period`` (a quarter, a
    year, a range) words the comparisons, by default against the previous month and last year."""
    from IPython.display import HTML

    from .periods import Period

    p = Period.parse(period) if period is not None else None
    vs_prev = p.vs_previous(lang) if p else tr("vs previous month", "环比上月", lang)
    vs_year = tr("vs last year", "同比去年", lang) if p is None or p.is_month else p.vs_year_ago(lang)

    keys = keys or list(summary.index)
    cards = []
    for k in keys:
        r = summary.loc[k]
        ch = r["change_mom"]
        color = "#666" if pd.isna(ch) or ch == 0 else ("#1a7f37" if ch > 0 else "#cf222e")
        if k == "refund_rate" and not pd.isna(ch):
            color = "#cf222e" if ch > 0 else "#1a7f37"
        cards.append(
            '<div style="display:inline-block;min-width:150px;margin:4px;padding:8px 12px;border:1px solid #ddd;'
            'border-radius:6px;vertical-align:top">'
            f'<div style="font-size:12px;color:#555">{html.escape(str(r["label"]))}</div>'
            f'<div style="font-size:22px;font-weight:600">{fmt_value(r["value"], r["unit"])}</div>'
            f'<div style="font-size:12px;color:{color}">{fmt_change(ch, r["change_kind"])} '
            f"{vs_prev}</div>"
            f'<div style="font-size:12px;color:#666">{fmt_change(r["change_yoy"], r["change_kind"])} '
            f"{vs_year}</div>"
            "</div>"
        )
    return HTML("<div>" + "".join(cards) + "</div>")


def note(text: str, *, kind: str = "info"):
    """A visible note in the report (e.g. a section skipped because an optional table is absent)."""
    from IPython.display import HTML

    colors = {
        "info": ("#eef6ff", "#0969da"),
        "warning": ("#fff8e5", "#9a6700"),
        "error": ("#ffebe9", "#cf222e"),
    }
    bg, fg = colors.get(kind, colors["info"])
    return HTML(
        f'<div style="background:{bg};border-left:4px solid {fg};padding:8px 12px;margin:8px 0">'
        f"{html.escape(text)}</div>"
    )


def period_note(period: Any, *, compared: bool = True, lang: str | None = None):
    """For a quarter, a year or a date range: a note saying what the report covers and (``compared``) what it is
    compared with (:meth:`shoplab.periods.Period.scope_text`); None for a month, which reads as it always has."""
    from .periods import Period

    text = Period.parse(period).scope_text(lang, compared=compared)
    return note(text) if text else None


def data_quality(shop: Shop, tables: list[str] | None = None, *, lang: str | None = None):
    """The data-quality section: row counts and every validation warning (or error) for the given tables."""
    from IPython.display import HTML

    v = shop.validation if shop.validation is not None else shop.validate()
    tables = tables or shop.table_names
    rows = tr("rows", "行", lang)
    counts = tr(", ", "，", lang).join(
        f"{t}{tr(': ', '：', lang)}{v.row_counts.get(t, 0):,} {rows}" for t in tables if t in v.row_counts
    )
    issues = [i for i in v.issues if i.table in tables]
    parts = [
        f"<p>{tr('Tables read from the data source: ', '读取的数据表：', lang)}{html.escape(counts)}"
        f"{tr('.', '。', lang)}</p>"
    ]
    from .importing.summary import (
        import_summary,
    )  # a folder written by shoplab import: what came in, what not

    imported = import_summary(shop, lang=lang)
    if imported:
        parts.append(f"<p>{html.escape(imported)}</p>")
    if not issues:
        parts.append(
            "<p>"
            + tr(
                "No data-quality warnings: every table used here passes the data contract.",
                "没有数据质量警告：本报告用到的每张表都符合数据契约。",
                lang,
            )
            + "</p>"
        )
    else:
        parts.append(
            "<p>"
            + tr(
                f"{len(issues)} data-quality finding(s) for the tables used here:",
                f"本报告用到的表有 {len(issues)} 条数据质量问题：",
                lang,
            )
            + "</p><ul>"
        )
        sep = tr(": ", "：", lang)
        parts += [
            f"<li><b>{html.escape(i.level_text(lang))}</b>{sep}{html.escape(i.text(lang))}</li>"
            for i in issues
        ]
        parts.append("</ul>")
    return HTML("".join(parts))


class Finding(str):
    """A finding sentence that knows which report section backs it (``section`` is the heading's anchor id).

    It is a ``str``, so code that treats findings as text keeps working; :func:`bullets` links it to its section.
    """

    section: str | None

    def __new__(cls, text: str, section: str | None = None):
        obj = super().__new__(cls, text)
        obj.section = section
        return obj


def bullets(lines: list[str], *, lang: str | None = None):
    """Findings as HTML bullets; a :class:`Finding` with a section links to it ("details" / "详情")."""
    from IPython.display import HTML

    items = []
    for x in lines:
        section = getattr(x, "section", None)
        link = (
            f' <a class="shoplab-more" href="#{html.escape(section)}">{tr("details", "详情", lang)} ↓</a>'
            if section
            else ""
        )
        items.append(f"<li>{html.escape(str(x))}{link}</li>")
    return HTML("<ul>" + "".join(items) + "</ul>")


def styler(df: pd.DataFrame, formatter: Any = None, *, index: bool = False):
    """A table for display as a pandas ``Styler`` whose cells, index labels and column headers are HTML-escaped.

    A ``Styler`` writes cell text into the page as raw HTML, so a shop's data (a channel named
    ``<script>...</script>``) would run as script. Every report table styled in shoplab goes through here;
    chain styling on the result (``.set_properties``, ``.background_gradient``). ``formatter`` is passed to
    :meth:`Styler.format` (e.g. ``"{:.0%}"``); the index is hidden unless ``index=True``.
    """
    names = {  # the Styler writes index and column names as they are
        axis: [html.escape(n) if isinstance(n, str) else n for n in getattr(df, axis).names]
        for axis in ("index", "columns")
    }
    df = df.rename_axis(index=names["index"], columns=names["columns"])
    st = df.style.format(formatter, escape="html")
    st = st.format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    return st if index else st.hide(axis="index")


# a cell starting with one of these is read as a formula by spreadsheets (OWASP, CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(v: Any) -> Any:
    return "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` for CSV download, with text that a spreadsheet would run as a formula neutralised.

    Text cells and column names starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
    leading single quote, as OWASP advises against CSV injection; numbers (and every other type) stay as they are.
    """
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)):
            out[c] = s.astype(object).map(_csv_cell)
    if any(isinstance(c, str) for c in out.columns):
        out.columns = [_csv_cell(c) for c in out.columns]
    return out


#: most rows a page embeds in a CSV download (a shop's full pair or user lists would make a page of 100 MB)
MAX_CSV_ROWS = 20_000


def data_table(
    df: pd.DataFrame,
    title: str,
    *,
    filename: str | None = None,
    max_rows: int = 500,
    max_csv_rows: int = MAX_CSV_ROWS,
    lang: str | None = None,
):
    """A chart's data twin: a collapsed table with a CSV download link, embedded in the page.

    The page shows the first ``max_rows`` rows and its CSV holds the first ``max_csv_rows`` (the tables come
    ranked, so these are the ones that matter); the caption says when either is not all of them."""
    import base64

    from IPython.display import HTML

    if df.empty:
        return HTML(
            f"<details><summary>{tr('Data', '数据', lang)}: {html.escape(title)} "
            f"({tr('no rows', '无数据行', lang)})</summary></details>"
        )
    filename = filename or re.sub(r"[^A-Za-z0-9_.-]+", "_", title.lower()).strip("_") + ".csv"
    csv = csv_safe(df.head(max_csv_rows)).to_csv(index=False).encode("utf-8-sig")
    href = "data:text/csv;base64," + base64.b64encode(csv).decode()
    shown = df.head(max_rows).to_html(index=False, border=0, float_format=lambda x: f"{x:,.2f}")
    if len(df) > max_csv_rows:
        more_en = f"first {max_rows:,} of {len(df):,} rows shown; the CSV holds the first {max_csv_rows:,}"
        more_zh = f"显示前 {max_rows:,} 行（共 {len(df):,} 行）；CSV 包含前 {max_csv_rows:,} 行"
    else:
        more_en = f"first {max_rows:,} of {len(df):,} rows shown; the CSV has all"
        more_zh = f"显示前 {max_rows:,} 行（共 {len(df):,} 行）；CSV 包含全部"
    more = "<p>" + tr(more_en, more_zh, lang) + "</p>" if len(df) > max_rows else ""
    return HTML(
        f"<details><summary>{tr('Data', '数据', lang)}: {html.escape(title)} "
        f"({len(df):,} {tr('rows', '行', lang)}) · "
        f'<a download="{html.escape(filename)}" href="{href}">{tr("download CSV", "下载 CSV", lang)}</a>'
        f"</summary>{more}{shown}</details>"
    )


def missing_tables_note(shop: Shop, tables: list[str], what: str | None = None, *, lang: str | None = None):
    """A visible note naming optional tables that the source lacks (nothing when all are present)."""
    from IPython.display import HTML

    aside = set(getattr(shop, "set_aside", []))  # tables that break the contract, left out
    missing = [t for t in tables if not shop.has(t) and t not in aside]
    broken = [t for t in tables if t in aside]
    if not missing and not broken:
        return HTML("")
    what = what or tr("sections that need them are skipped", "依赖这些表的章节已跳过", lang)
    en = [f"The data source has no {', '.join(missing)} table"] if missing else []
    zh = [f"数据源中没有 {'、'.join(missing)} 表"] if missing else []
    if broken:
        en.append(
            f"{', '.join(broken)} {'breaks' if len(broken) == 1 else 'break'} the data contract and "
            f"{'is' if len(broken) == 1 else 'are'} left out (see the data-quality section)"
        )
        zh.append(f"{'、'.join(broken)} 表不符合数据契约，未被使用（见数据质量部分）")
    return note(tr("; ".join(en) + f": {what}.", "；".join(zh) + f"：{what}。", lang), kind="warning")


def missing_columns_note(
    shop: Shop, columns: dict[str, list[str]], what: str | None = None, *, lang: str | None = None
):
    """A visible note naming optional columns (``{"orders": ["channel"], ...}``) that the source's tables lack
    (nothing when all are present; a table the source lacks is :func:`missing_tables_note`'s to name).

    A column counts as absent when the source does not hold it, even where loading fills in the contract's
    default (``orders.status``: paid; ``campaigns.treatment_share``: 0.5)."""
    from IPython.display import HTML

    raw = getattr(shop, "_raw", {})
    missing = [
        f"{t}.{c}"
        for t, cols in columns.items()
        if shop.has(t) and t in raw
        for c in cols
        if c not in raw[t].columns
    ]
    if not missing:
        return HTML("")
    what = what or tr("the sections that need them are skipped", "依赖这些列的章节已跳过", lang)
    return note(
        tr(
            f"The data source has no column {', '.join(missing)}: {what}.",
            f"数据源中没有 {'、'.join(missing)} 列：{what}。",
            lang,
        ),
        kind="warning",
    )


def fmt_p(p: float) -> str:
    """A p-value inside a sentence: ``p < 0.001`` or ``p = 0.042``."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
