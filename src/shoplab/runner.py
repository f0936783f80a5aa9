"""The report runner: execute the report notebooks with papermill and render dated HTML reports.

``run_reports`` writes, under ``<out>/<period>/``:

* ``<name>.ipynb`` (executed) and ``<name>.html`` (code hidden, figures embedded, a table of contents) for every
  report that ran; a failed report leaves ``<name>.failed.ipynb`` for debugging and no ``<name>.html``;
* ``metrics.json``: the headline numbers the notebooks recorded, one flat JSON object;
* ``status.json`` and ``index.html``: the run's state (running, complete, interrupted) and every report's status
  (ok, failed, skipped, pending, interrupted), message and headline numbers.

Every file is written under a temporary name and renamed when complete. Before any notebook starts the run
refuses what it cannot answer (a malformed period or one outside the data, a parameter value a notebook does
not allow, a source without contract tables); SIGINT and SIGTERM stop it within seconds (see
:func:`run_reports`). docs/adr/0002-report-runner.md records the decisions.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import html
import json
import logging
import os
import queue
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import Shop, connect, expand_env, redact, require_any_table, write_validation_cache
from .errors import MissingTableError, PeriodError, ReportError, RunInterrupted
from .htmlfonts import embed_cjk_font
from .i18n import check_lang, tr
from .kernels import Signals, kernel_env, kill_kernels, tracked_kernel_manager
from .notebook import METRIC_MIME
from .params import ParamSpec, check_params, help_params, param_specs
from .periods import Period, covered_days, latest_complete_month
from .rundir import ReportResult, RunLock, load_previous, merge_results, publish, write_atomic
from .rundir import now as _now

__all__ = [
    "ReportSpec",
    "ReportResult",
    "discover",
    "parse_params",
    "run_reports",
    "render_html",
    "default_notebooks_dir",
    "default_jobs",
    "report_params",
    "help_params_text",
]

ALWAYS_PASSED = ("source", "period")


@dataclass
class ReportSpec:
    name: str
    path: Path
    title: str
    requires: list[str]
    optional: list[str]
    parameters: dict[str, dict]
    order: int = 100
    title_zh: str | None = None
    # optional columns the report reads, by table (metadata "optional_columns"); absent ones get a visible note
    optional_columns: dict[str, list[str]] = field(default_factory=dict)


def default_notebooks_dir() -> Path:
    """``./notebooks`` when run from a checkout, else the notebooks beside the installed (editable) package."""
    here = Path.cwd() / "notebooks"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "notebooks"


def discover(notebooks_dir: Path | str | None = None) -> dict[str, ReportSpec]:
    """Report notebooks are the ``*.ipynb`` files whose metadata has a ``shoplab`` entry."""
    import nbformat
    import papermill

    d = (Path(notebooks_dir) if notebooks_dir else default_notebooks_dir()).resolve()
    specs = []
    for path in sorted(d.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        meta = nb.metadata.get("shoplab")
        if meta is None:
            continue
        params = papermill.inspect_notebook(str(path))
        specs.append(
            ReportSpec(
                name=path.stem,
                path=path,
                title=meta.get("title", path.stem),
                title_zh=meta.get("title_zh"),
                requires=list(meta.get("requires", [])),
                optional=list(meta.get("optional", [])),
                parameters=dict(params),
                order=int(meta.get("order", 100)),
                optional_columns={t: list(c) for t, c in meta.get("optional_columns", {}).items()},
            )
        )
    specs.sort(key=lambda s: (s.order, s.name))
    return {s.name: s for s in specs}


def requirements_markdown(notebooks_dir: Path | str | None = None) -> str:
    """Which report needs which tables, as the Markdown table in docs/data-contract.md (a test keeps it in sync)."""
    lines = ["| report | requires | optional | optional columns read |", "|---|---|---|---|"]
    for s in discover(notebooks_dir).values():
        cols = ", ".join(f"{t}.{c}" for t, cs in s.optional_columns.items() for c in cs) or "-"
        lines.append(
            f"| {s.name} | {', '.join(s.requires) or '-'} | {', '.join(s.optional) or '-'} | {cols} |"
        )
    return "\n".join(lines)


def parse_params(items: list[str] | None) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a value is parsed as JSON when it parses, else taken as a string."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            raise ReportError(f"--param expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        key = key.strip()
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


# -- browser -----------------------------------------------------------------------------------------
MAX_HTML_MB = 10
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium(*, required: bool = False) -> str | None:
    """Path of a Chromium/Chrome binary ($SHOPLAB_CHROMIUM, then chromium, chromium-browser, google-chrome)."""
    import shutil

    for cand in (os.environ.get("SHOPLAB_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if cand and (found := shutil.which(cand)):
            return found
    if required:
        raise ReportError(
            "printing to PDF needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) "
            "or set SHOPLAB_CHROMIUM to a Chrome/Chromium binary"
        )
    return None


def print_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print a rendered report to PDF with headless Chromium (written under a temporary name, then renamed)."""
    import subprocess

    exe = find_chromium(required=True)
    tmp = pdf_path.with_name(f".{pdf_path.name}.partial")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            html_path.resolve().as_uri(),
        ]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if p.returncode or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"Chromium could not print {html_path.name} to PDF: {p.stderr.strip()[-500:]}")
    os.replace(tmp, pdf_path)


# -- HTML ------------------------------------------------------------------------------------------
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
    m = re.search(r"</h1>", body)
    if m:
        # after the title's cell (the first paragraph block that follows it)
        return body[: m.end()] + toc + body[m.end() :]
    return toc + body


def _lang_tag(cell) -> str | None:
    for t in cell.get("metadata", {}).get("tags", []):
        if t.startswith("lang-"):
            return t[5:]
    return None


def report_lang(spec: ReportSpec, params: dict[str, Any]) -> str:
    """The language a report is written in: the ``lang`` parameter passed, else the notebook's default."""
    import ast

    if "lang" in params:
        return check_lang(params["lang"])
    default = spec.parameters.get("lang", {}).get("default")
    try:
        return check_lang(ast.literal_eval(default)) if default else "en"
    except (ValueError, SyntaxError):
        return "en"


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
    c.HTMLExporter.extra_template_basedirs = [str(Path(__file__).parent / "templates")]
    exporter = HTMLExporter(config=c, template_name="shoplab")
    exporter.language_code = "zh-CN" if lang == "zh" else "en"  # set after: the config validator drops zh-CN
    body, _ = exporter.from_notebook_node(nb)
    return embed_cjk_font(_add_notes(_add_toc(body, lang), notes or []))


def _add_notes(body: str, notes: list[str]) -> str:
    if not notes:
        return body
    box = "".join(
        '<div class="shoplab-run-note" style="background:#fff8e5;border-left:4px solid #9a6700;'
        f'padding:8px 12px;margin:8px 0;max-width:900px">{html.escape(n)}</div>'
        for n in notes
    )
    m = re.search(r"</h1>", body)
    return body[: m.end()] + box + body[m.end() :] if m else box + body


def default_jobs() -> int:
    """Notebooks run at once: ``SHOPLAB_JOBS``, else 2 on a machine with at least 2 cores (much of a report's
    time is its kernel starting, Python work and chart rendering, which a second notebook overlaps)."""
    env = os.environ.get("SHOPLAB_JOBS")
    if env:
        return max(1, int(env))
    return 2 if (os.cpu_count() or 1) >= 2 else 1


class _shared_memory_limit:
    """While notebooks run side by side, cap each one's engine at an equal share of 75% of the memory."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.set = False

    def __enter__(self):
        if "SHOPLAB_MEMORY_LIMIT" not in os.environ:
            total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            os.environ["SHOPLAB_MEMORY_LIMIT"] = f"{max(1, int(total * 0.75 / self.jobs / 2**30))}GB"
            self.set = True
        return self

    def __exit__(self, *exc):
        if self.set:
            del os.environ["SHOPLAB_MEMORY_LIMIT"]
        return False


def _collect_metrics(nb) -> list[dict]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if METRIC_MIME in data:
                out.append(dict(data[METRIC_MIME]))
    return out


# -- parameters --------------------------------------------------------------------------------------
def report_params(spec: ReportSpec) -> dict[str, ParamSpec]:
    """The parameters a report notebook declares, with their types and allowed values (:mod:`shoplab.params`)."""
    return param_specs(spec.name, spec.parameters)


def help_params_text(names: list[str] | None = None, notebooks_dir: str | Path | None = None) -> str:
    """What ``shoplab report --help-params [NAME]`` prints: every parameter of the named (or all) reports."""
    specs = discover(notebooks_dir)
    unknown = [n for n in names or [] if n not in specs]
    if unknown:
        raise ReportError(f"unknown report(s) {', '.join(unknown)}; available: {', '.join(specs)}")
    chosen = [specs[n] for n in specs if not names or n in names]
    return help_params({s.name: report_params(s) for s in chosen}, {s.name: s.title for s in chosen})


def _check_params(specs: list[ReportSpec], params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return check_params({s.name: report_params(s) for s in specs}, params, runner_owned=ALWAYS_PASSED)


def _source_for_notebook(source: Any) -> str:
    text = str(source)
    if redact(text) != text:
        raise ReportError(
            "the source contains a password; put the connection string in an environment variable and pass "
            "--source '${NAME}' so that it never appears in a report"
        )
    if "${" in text or "://" in text:
        return text
    p = Path(text).expanduser()
    return str(p.resolve()) if p.exists() else text


# -- the period against the data -------------------------------------------------------------------
def _data_bounds(shop: Shop) -> tuple[Any, Any, list[str]] | None:
    """First and last timestamp of orders and events (and which of them are present); None when unknown."""
    tables = [t for t in ("orders", "events") if shop.has(t)]
    try:
        lo, hi = shop.period_bounds(*tables) if tables else shop.period_bounds()
    except (MissingTableError, KeyError):
        return None
    except Exception:  # unreadable timestamps: validation names them, the reports fail with its message
        return None
    return lo, hi, tables


def _coverage_notes(period: str, bounds) -> list[tuple[str, str]]:
    """Refuse a month the data does not touch; a note (English, Chinese) when it covers only part of it."""
    if bounds is None:
        return []
    lo, hi, tables = bounds
    what_en = " and ".join(tables) or "the data"
    what_zh = {"orders": "订单", "events": "行为数据"}
    days = covered_days(period, lo, hi)
    first, last = Period.parse(str(lo)[:7]), Period.parse(str(hi)[:7])
    if days is None:
        raise PeriodError(
            f"period {period} is outside the data: its {what_en} run from {first} to {last} "
            f"({str(lo)[:10]} to {str(hi)[:10]}); pass --period from {first} to {last}, or leave it out for the "
            "latest complete month"
        )
    p = Period.parse(period)
    if days == (p.start.date(), (p.end - _dt.timedelta(days=1)).date()):
        return []
    zh_tables = "和".join(what_zh[t] for t in tables)
    return [
        (
            f"The data covers only {days[0]} to {days[1]} of {period} ({what_en} run from {str(lo)[:10]} to "
            f"{str(hi)[:10]}): this month's numbers are for that part of it and not comparable with a whole "
            "month.",
            f"数据只覆盖 {period} 中的 {days[0]} 至 {days[1]}（{zh_tables}的时间范围为 {str(lo)[:10]} 至 "
            f"{str(hi)[:10]}）：本月数字只反映这段时间，不能与完整月份直接比较。",
        )
    ]


# -- running ---------------------------------------------------------------------------------------
def run_reports(
    source: Any,
    *,
    period: str | None = None,
    only: list[str] | None = None,
    params: dict[str, Any] | None = None,
    out: str | Path = "reports",
    notebooks_dir: str | Path | None = None,
    progress=print,
    timeout_s: int | None = 1800,
    pdf: bool = False,
    jobs: int | None = None,
) -> tuple[Path, list[ReportResult]]:
    """Run the selected report notebooks for one period. Returns the output folder and per-report results.

    Refused with a :class:`~shoplab.errors.ShoplabError` before any file is written: an unknown report, a
    parameter value outside what a notebook declares (:mod:`shoplab.params`), a malformed period or one
    outside the data, a source without contract tables, a folder another run is writing (its lock). A month
    the data covers only in part runs, with a note in every report and on the index.

    SIGINT (Ctrl-C) and SIGTERM stop the run: kernels are shut down, ``status.json`` and the index say
    "interrupted" and which reports finished, and :class:`~shoplab.errors.RunInterrupted` is raised.

    With ``pdf=True`` every rendered report is also printed to ``<name>.pdf`` by headless Chromium. ``jobs``
    notebooks run at the same time (default :func:`default_jobs`); each then gets an equal share of the
    memory for its engine unless ``SHOPLAB_MEMORY_LIMIT`` says otherwise.
    """
    if pdf:
        find_chromium(required=True)

    params = dict(params or {})
    specs_all = discover(notebooks_dir)
    if not specs_all:
        raise ReportError(f"no report notebooks found in {notebooks_dir or default_notebooks_dir()}")
    if only:
        unknown = [n for n in only if n not in specs_all]
        if unknown:
            raise ReportError(f"unknown report(s) {', '.join(unknown)}; available: {', '.join(specs_all)}")
        specs = [specs_all[n] for n in specs_all if n in only]
    else:
        specs = list(specs_all.values())
    values = _check_params(specs, params)
    if period is not None:
        period = Period.parse(period).label
    index_lang = report_lang(specs[0], params)
    titles = {sp.name: (sp.title_zh if index_lang == "zh" and sp.title_zh else sp.title) for sp in specs}

    nb_source = _source_for_notebook(source)
    shop: Shop = connect(expand_env(nb_source) if "${" in nb_source else nb_source, validate=False)
    require_any_table(shop)
    bounds = _data_bounds(shop)
    if period is None:
        if bounds is None:
            raise MissingTableError(
                "no orders or events with timestamps to take the period from; pass --period YYYY-MM"
            )
        period = latest_complete_month(bounds[1]).label
        # no complete month (half a month exported): the data's last month, with the partial-month note
        if covered_days(period, bounds[0], bounds[1]) is None:
            period = Period.parse(str(bounds[1])[:7]).label
    notes = _coverage_notes(period, bounds)

    out_dir = Path(out).resolve() / period  # absolute: notebooks run in threads, never chdir
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = RunLock(out_dir).acquire(progress)
    try:
        with Signals() as signals:
            return _run(
                shop,
                specs,
                specs_all,
                titles,
                values,
                period,
                notes,
                out_dir,
                nb_source,
                source,
                signals,
                index_lang=index_lang,
                params=params,
                progress=progress,
                timeout_s=timeout_s,
                pdf=pdf,
                jobs=jobs,
            )
    finally:
        lock.release()


def _run(
    shop,
    specs,
    specs_all,
    titles,
    values,
    period,
    notes,
    out_dir,
    nb_source,
    source,
    signals,
    *,
    index_lang,
    params,
    progress,
    timeout_s,
    pdf,
    jobs,
) -> tuple[Path, list[ReportResult]]:
    import nbformat
    import papermill as pm

    previous = load_previous(out_dir)
    started = _now()
    done: dict[str, ReportResult] = {}
    running: set[str] = set()
    order = list(specs_all)
    cache = out_dir / ".validation.json"  # the notebooks reuse this run's validation of the same files
    note_text = {lang: [tr(en, zh, lang) for en, zh in notes] for lang in ("en", "zh")}

    def entries(state: str) -> list[ReportResult]:
        return merge_results(order, titles, done, previous, state, running)

    def finished_names() -> list[str]:
        return [s.name for s in specs if s.name in done]

    def write(state: str) -> list[ReportResult]:
        results = entries(state)
        publish(
            out_dir,
            period,
            source,
            results,
            started,
            state,
            index_lang,
            finished_names=finished_names(),
            notes=notes,
        )
        return results

    def run_one(i: int, spec: ReportSpec) -> ReportResult:
        tag = f"[{i}/{len(specs)}] {spec.name}"
        html_path, nb_path = out_dir / f"{spec.name}.html", out_dir / f"{spec.name}.ipynb"
        failed_path = out_dir / f"{spec.name}.failed.ipynb"
        title = titles[spec.name]
        missing = [t for t in spec.requires if not shop.has(t)]
        if missing:
            msg = f"skipped: the data source has no {', '.join(missing)} table"
            progress(f"{tag}: {msg}")
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            return ReportResult(spec.name, title, "skipped", msg)
        errors = [e for e in shop.validation.errors if e.table in spec.requires + spec.optional]
        bad_required = [e for e in errors if e.table in spec.requires]
        if bad_required:
            msg = "the data breaks the contract: " + "; ".join(str(e) for e in bad_required)
            progress(f"{tag}: FAILED ({msg})")
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            return ReportResult(spec.name, title, "failed", msg)
        progress(f"{tag}: running ...")
        nb_params = {"source": nb_source, "period": period, **values.get(spec.name, {})}
        nb_params = {k: v for k, v in nb_params.items() if k in spec.parameters}
        tmp_nb = out_dir / f".{spec.name}.partial.ipynb"
        lang = report_lang(spec, params)
        t0 = time.perf_counter()

        def interrupted() -> ReportResult:
            tmp_nb.unlink(missing_ok=True)
            progress(f"{tag}: interrupted after {time.perf_counter() - t0:.1f} s")
            return ReportResult(
                spec.name, title, "interrupted", "stopped while running: the run was interrupted"
            )

        try:
            pm.execute_notebook(
                str(spec.path),
                str(tmp_nb.resolve()),
                parameters=nb_params,
                kernel_name=kernel_name,
                progress_bar=False,
                # the kernel starts in the notebook's folder; papermill's own cwd= would chdir this whole
                # process, which two notebooks running side by side must not do
                resources={"metadata": {"path": str(spec.path.parent)}},
                execution_timeout=timeout_s,
                kernel_manager_class=tracked_kernel_manager(),
            )
        except Exception as exc:  # PapermillExecutionError and kernel failures
            if signals.stop.is_set():
                return interrupted()
            secs = time.perf_counter() - t0
            msg = _error_message(exc)
            if tmp_nb.exists():
                os.replace(tmp_nb, failed_path)
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            progress(f"{tag}: FAILED after {secs:.1f} s: {msg}")
            return ReportResult(spec.name, title, "failed", msg, secs)
        if signals.stop.is_set():
            return interrupted()
        nb = nbformat.read(tmp_nb, as_version=4)
        try:
            page = render_html(nb, f"{title} · {period}", lang, note_text[lang])
        except Exception as exc:  # a rendering failure fails this report only
            msg = f"the notebook ran but could not be rendered to HTML: {_error_message(exc)}"
            os.replace(tmp_nb, failed_path)
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            progress(f"{tag}: FAILED: {msg}")
            return ReportResult(spec.name, title, "failed", msg, time.perf_counter() - t0)
        if signals.stop.is_set():
            return interrupted()
        write_atomic(html_path, page)
        os.replace(tmp_nb, nb_path)
        failed_path.unlink(missing_ok=True)
        run_notes = []
        if errors:
            run_notes.append(
                "ran without optional table(s) that break the contract: "
                + ", ".join(sorted({e.table for e in errors}))
            )
        size_mb = len(page.encode("utf-8")) / 1e6
        if size_mb > MAX_HTML_MB:
            run_notes.append(f"the HTML is {size_mb:.1f} MB, over the {MAX_HTML_MB} MB limit for sharing")
        if pdf:
            print_pdf(html_path, html_path.with_suffix(".pdf"))
        secs = time.perf_counter() - t0
        progress(f"{tag}: ok in {secs:.1f} s" + (f" ({'; '.join(run_notes)})" if run_notes else ""))
        return ReportResult(
            spec.name, title, "ok", "; ".join(run_notes), secs, _collect_metrics(nb), html_path.name
        )

    t_all = time.perf_counter()
    cache_set = False
    kernel_root, kernel_name = kernel_env()
    workers: list[threading.Thread] = []
    todo: queue.Queue = queue.Queue()
    finished: queue.Queue = queue.Queue()
    try:
        write("running")  # the folder says "running" from here on, before validation
        if notes:
            progress(f"note: {notes[0][0]}")
        shop.validate()
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [kernel_root] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
        )
        if write_validation_cache(cache, shop):
            os.environ["SHOPLAB_VALIDATION_CACHE"] = str(cache.resolve())
            cache_set = True

        for item in enumerate(specs, 1):
            todo.put(item)

        def worker() -> None:
            while not signals.stop.is_set():
                try:
                    i, spec = todo.get_nowait()
                except queue.Empty:
                    return
                running.add(spec.name)
                try:
                    res = run_one(i, spec)
                except BaseException as exc:  # never let a worker die silently
                    res = ReportResult(spec.name, titles[spec.name], "failed", _error_message(exc))
                finished.put(res)

        jobs = max(1, min(jobs or default_jobs(), len(specs)))
        with _shared_memory_limit(jobs) if jobs > 1 else contextlib.nullcontext():
            workers = [
                threading.Thread(target=worker, daemon=True, name=f"shoplab-report-{k}") for k in range(jobs)
            ]
            signals.quiet()  # from here the main thread only waits: a signal sets stop, checked below
            for w in workers:
                w.start()
            while len(done) < len(specs):
                if signals.stop.is_set():
                    raise KeyboardInterrupt(signals.name)
                try:
                    res = finished.get(timeout=0.1)
                except queue.Empty:
                    if not any(w.is_alive() for w in workers) and finished.empty():
                        break
                    continue
                if res.status != "interrupted":
                    done[res.name] = res
                    write("running")
                else:
                    raise KeyboardInterrupt(signals.name)
    except KeyboardInterrupt as exc:
        signals.quiet()
        signals.stop.set()
        logging.getLogger("papermill").setLevel(logging.CRITICAL)  # no "kernel died" for kernels we stop
        kill_kernels()
        deadline = time.monotonic() + 2.0  # workers notice a dead kernel within about a second
        for w in workers:
            w.join(max(0.0, deadline - time.monotonic()))
        while True:  # reports that finished while the run stopped still count
            try:
                res = finished.get_nowait()
            except queue.Empty:
                break
            if res.status != "interrupted":
                done[res.name] = res
        results = write("interrupted")
        name = signals.name or str(exc) or "SIGINT"
        progress(
            f"interrupted ({name}) after {time.perf_counter() - t_all:.1f} s: finished "
            f"{', '.join(finished_names()) or 'no report'} -> {out_dir / 'index.html'}"
        )
        raise RunInterrupted(
            f"interrupted by {name}: finished {', '.join(finished_names()) or 'no report'}; see "
            f"{out_dir / 'index.html'}",
            out_dir,
            [r for r in results if r.name in titles],
        ) from None
    finally:
        if cache_set and os.environ.get("SHOPLAB_VALIDATION_CACHE") == str(cache.resolve()):
            del os.environ["SHOPLAB_VALIDATION_CACHE"]
        cache.unlink(missing_ok=True)
    results = write("complete")
    mine = [r for r in results if r.name in titles]
    n_failed = sum(r.status == "failed" for r in mine)
    progress(
        f"done in {time.perf_counter() - t_all:.1f} s: {sum(r.status == 'ok' for r in mine)} ok, "
        f"{n_failed} failed, {sum(r.status == 'skipped' for r in mine)} skipped -> {out_dir / 'index.html'}"
    )
    return out_dir, mine


def _error_message(exc: BaseException) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {redact(str(evalue))}"
    return (redact(f"{type(exc).__name__}: {exc}").splitlines() or [type(exc).__name__])[0]
