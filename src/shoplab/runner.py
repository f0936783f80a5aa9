"""The report runner: execute the report notebooks with papermill and render dated HTML reports.

``run_reports`` writes, under ``<out>/<period>/``:

* ``<name>.ipynb`` (executed) and ``<name>.html`` (code hidden, figures embedded, a table of contents) for every
  report that ran; a failed report leaves ``<name>.failed.ipynb`` for debugging and no ``<name>.html``;
* ``metrics.json``: the headline numbers the notebooks recorded, one flat JSON object;
* ``status.json`` and ``index.html``: every report's status (ok, failed, skipped), message, headline numbers.

Every file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .data import Shop, connect, expand_env, redact, write_validation_cache
from .errors import ReportError
from .htmlfonts import embed_cjk_font
from .i18n import check_lang, tr
from .notebook import METRIC_MIME, fmt_change, fmt_value
from .periods import Period, latest_complete_month

__all__ = [
    "ReportSpec",
    "ReportResult",
    "discover",
    "parse_params",
    "run_reports",
    "render_html",
    "default_notebooks_dir",
    "default_jobs",
]

ALWAYS_PASSED = ("source", "period")


def _now() -> str:
    return _dt.datetime.now().isoformat(timespec="seconds")


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


@dataclass
class ReportResult:
    name: str
    title: str
    status: str  # ok | failed | skipped | pending
    message: str = ""
    seconds: float = 0.0
    metrics: list[dict] = field(default_factory=list)
    html: str | None = None
    generated: str = field(default_factory=_now)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "seconds": round(self.seconds, 1),
            "html": self.html,
            "generated": self.generated,
            "metrics": self.metrics,
        }


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


# -- kernel ----------------------------------------------------------------------------------------
def _kernel_env() -> tuple[str, str]:
    """A kernelspec that runs this very Python, so reports use the environment shoplab is installed in."""
    root = Path(tempfile.gettempdir()) / f"shoplab-kernels-{os.getuid() if hasattr(os, 'getuid') else 'u'}"
    name = "shoplab-python"
    spec_dir = root / "kernels" / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=ERROR",
        ],
        "display_name": "shoplab (Python 3)",
        "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "PYTHONWARNINGS": "ignore"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return str(root), name


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


def render_html(nb, title: str, lang: str = "en") -> str:
    """Render an executed notebook: inputs and parameter cells hidden, metric outputs and stderr dropped.

    Markdown cells tagged ``lang-xx`` appear only in a report whose language is ``xx``.
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
    return embed_cjk_font(_add_toc(body, lang))


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


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _collect_metrics(nb) -> list[dict]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if METRIC_MIME in data:
                out.append(dict(data[METRIC_MIME]))
    return out


# -- running ---------------------------------------------------------------------------------------
def _check_params(specs: list[ReportSpec], params: dict[str, Any]) -> None:
    declared = sorted({p for s in specs for p in s.parameters})
    unknown = [k for k in params if k not in declared]
    if unknown:
        raise ReportError(
            f"parameter(s) {', '.join(unknown)} are not declared by the selected report(s) "
            f"({', '.join(s.name for s in specs)}); they declare: {', '.join(declared)}"
        )


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

    With ``pdf=True`` every rendered report is also printed to ``<name>.pdf`` by headless Chromium. ``jobs``
    notebooks run at the same time (default :func:`default_jobs`); each then gets an equal share of the
    memory for its engine unless ``SHOPLAB_MEMORY_LIMIT`` says otherwise.
    """
    import nbformat
    import papermill as pm

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
    _check_params(specs, params)
    index_lang = report_lang(specs[0], params)
    titles = {sp.name: (sp.title_zh if index_lang == "zh" and sp.title_zh else sp.title) for sp in specs}

    nb_source = _source_for_notebook(source)
    shop: Shop = connect(expand_env(nb_source) if "${" in nb_source else nb_source)
    if period is None:
        period = latest_complete_month(shop.period_bounds()[1]).label
    period = Period.parse(period).label
    out_dir = Path(out).resolve() / period  # absolute: notebooks run in threads, never chdir
    out_dir.mkdir(parents=True, exist_ok=True)
    kernel_root, kernel_name = _kernel_env()
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [kernel_root] + [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )

    cache = out_dir / ".validation.json"  # the notebooks reuse this run's validation of the same files
    if write_validation_cache(cache, shop):
        os.environ["SHOPLAB_VALIDATION_CACHE"] = str(cache.resolve())
    results: list[ReportResult] = []
    previous = _load_previous(out_dir, exclude={s.name for s in specs})
    started = _now()

    def publish(final: bool) -> None:
        done = {r.name for r in results}
        pending = [
            ReportResult(s.name, titles[s.name], "pending", "not run yet")
            for s in specs
            if s.name not in done
        ]
        _publish(out_dir, period, source, previous + results + pending, started, final, index_lang)

    def run_one(i: int, spec: ReportSpec) -> ReportResult:
        tag = f"[{i}/{len(specs)}] {spec.name}"
        html_path, nb_path = out_dir / f"{spec.name}.html", out_dir / f"{spec.name}.ipynb"
        failed_path = out_dir / f"{spec.name}.failed.ipynb"
        missing = [t for t in spec.requires if not shop.has(t)]
        if missing:
            msg = f"skipped: the data source has no {', '.join(missing)} table"
            progress(f"{tag}: {msg}")
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            return ReportResult(spec.name, titles[spec.name], "skipped", msg)
        errors = [e for e in shop.validation.errors if e.table in spec.requires + spec.optional]
        bad_required = [e for e in errors if e.table in spec.requires]
        if bad_required:
            msg = "the data breaks the contract: " + "; ".join(str(e) for e in bad_required)
            progress(f"{tag}: FAILED ({msg})")
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            return ReportResult(spec.name, titles[spec.name], "failed", msg)
        progress(f"{tag}: running ...")
        nb_params = {"source": nb_source, "period": period}
        nb_params.update({k: v for k, v in params.items() if k in spec.parameters})
        nb_params = {k: v for k, v in nb_params.items() if k in spec.parameters}
        tmp_nb = out_dir / f".{spec.name}.partial.ipynb"
        t0 = time.perf_counter()
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
            )
        except Exception as exc:  # PapermillExecutionError and kernel failures
            secs = time.perf_counter() - t0
            msg = _error_message(exc)
            if tmp_nb.exists():
                os.replace(tmp_nb, failed_path)
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            progress(f"{tag}: FAILED after {secs:.1f} s: {msg}")
            return ReportResult(spec.name, titles[spec.name], "failed", msg, secs)
        nb = nbformat.read(tmp_nb, as_version=4)
        title = f"{titles[spec.name]} · {period}"
        try:
            page = render_html(nb, title, report_lang(spec, params))
        except Exception as exc:  # a rendering failure fails this report only
            msg = f"the notebook ran but could not be rendered to HTML: {_error_message(exc)}"
            os.replace(tmp_nb, failed_path)
            for p in (html_path, nb_path):
                p.unlink(missing_ok=True)
            progress(f"{tag}: FAILED: {msg}")
            return ReportResult(spec.name, titles[spec.name], "failed", msg, time.perf_counter() - t0)
        _write_atomic(html_path, page)
        os.replace(tmp_nb, nb_path)
        failed_path.unlink(missing_ok=True)
        notes = []
        if errors:
            notes.append(
                "ran without optional table(s) that break the contract: "
                + ", ".join(sorted({e.table for e in errors}))
            )
        size_mb = len(page.encode("utf-8")) / 1e6
        if size_mb > MAX_HTML_MB:
            notes.append(f"the HTML is {size_mb:.1f} MB, over the {MAX_HTML_MB} MB limit for sharing")
        if pdf:
            print_pdf(html_path, html_path.with_suffix(".pdf"))
        secs = time.perf_counter() - t0
        progress(f"{tag}: ok in {secs:.1f} s" + (f" ({'; '.join(notes)})" if notes else ""))
        note = "; ".join(notes)
        return ReportResult(
            spec.name, titles[spec.name], "ok", note, secs, _collect_metrics(nb), html_path.name
        )

    publish(False)
    t_all = time.perf_counter()
    jobs = max(1, min(jobs or default_jobs(), len(specs)))
    if jobs == 1:
        for i, spec in enumerate(specs, 1):
            results.append(run_one(i, spec))
            publish(False)
    else:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with _shared_memory_limit(jobs), ThreadPoolExecutor(jobs) as pool:
            futures = [pool.submit(run_one, i, spec) for i, spec in enumerate(specs, 1)]
            for fut in as_completed(futures):
                results.append(fut.result())
                publish(False)
        order = {sp.name: k for k, sp in enumerate(specs)}
        results.sort(key=lambda r: order[r.name])
    publish(True)
    if os.environ.get("SHOPLAB_VALIDATION_CACHE") == str(cache.resolve()):
        del os.environ["SHOPLAB_VALIDATION_CACHE"]
    cache.unlink(missing_ok=True)
    n_failed = sum(r.status == "failed" for r in results)
    progress(
        f"done in {time.perf_counter() - t_all:.1f} s: {sum(r.status == 'ok' for r in results)} ok, "
        f"{n_failed} failed, {sum(r.status == 'skipped' for r in results)} skipped -> {out_dir / 'index.html'}"
    )
    return out_dir, results


def _load_previous(out_dir: Path, exclude: set[str]) -> list[ReportResult]:
    """Reports of earlier runs for this period that this run does not redo (e.g. after --only)."""
    path = out_dir / "status.json"
    if not path.exists():
        return []
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    out = []
    for r in old.get("reports", []):
        if r.get("name") in exclude or r.get("status") not in ("ok", "failed", "skipped"):
            continue
        if r.get("html") and not (out_dir / r["html"]).exists():
            continue
        out.append(
            ReportResult(
                r["name"],
                r.get("title", r["name"]),
                r["status"],
                r.get("message", ""),
                r.get("seconds", 0.0),
                r.get("metrics", []),
                r.get("html"),
                r.get("generated", ""),
            )
        )
    return out


def _publish(
    out_dir: Path,
    period: str,
    source: Any,
    results: list[ReportResult],
    started: str,
    final: bool,
    lang: str = "en",
) -> None:
    """Write metrics.json, status.json and index.html (each atomically) for the reports known so far."""
    metrics = {m["key"]: m["value"] for r in results if r.status == "ok" for m in r.metrics}
    _write_atomic(out_dir / "metrics.json", json.dumps(metrics, indent=2, ensure_ascii=False, sort_keys=True))
    status = {
        "period": period,
        "source": redact(str(source)),
        "started": started,
        "finished": _now() if final else None,
        "reports": [r.to_dict() for r in results],
    }
    _write_atomic(out_dir / "status.json", json.dumps(status, indent=2, ensure_ascii=False))
    _write_atomic(out_dir / "index.html", embed_cjk_font(_index_html(period, results, started, final, lang)))


def _error_message(exc: Exception) -> str:
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        return f"{ename}: {redact(str(evalue))}"
    return redact(f"{type(exc).__name__}: {exc}").splitlines()[0]


_INDEX_CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;max-width:960px;padding:12px;color:#1f2328}
h1{font-size:1.5em;margin:.4em 0}.sub{color:#57606a;font-size:.9em}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;margin:10px 0}
.card h2{font-size:1.15em;margin:0 0 4px 0}.status{font-size:.8em;padding:2px 8px;border-radius:10px;margin-left:6px}
.ok{background:#dafbe1;color:#1a7f37}.failed{background:#ffebe9;color:#cf222e}.skipped{background:#eaeef2;color:#57606a}
.pending{background:#fff8c5;color:#9a6700}
.msg{color:#57606a;font-size:.9em;overflow-wrap:anywhere}.metrics{display:flex;flex-wrap:wrap;gap:8px;margin-top:6px}
.m{border:1px solid #eaeef2;border-radius:6px;padding:4px 8px;min-width:120px}.m .l{font-size:.75em;color:#57606a}
.m .v{font-size:1.1em;font-weight:600}.m .c{font-size:.75em;color:#57606a}
"""


def _sparkline(history: dict | None, width: int = 110, height: int = 26) -> str:
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


_STATUS_ZH = {"ok": "完成", "failed": "失败", "skipped": "跳过", "pending": "未运行"}


def _index_html(period: str, results: list[ReportResult], started: str, final: bool, lang: str = "en") -> str:
    banner = ""
    if not final:
        banner = (
            '<div class="card failed">'
            + tr(
                "<b>This run has not finished</b> (still running, or interrupted): "
                "reports marked pending were not produced by it.",
                "<b>本次运行尚未完成</b>（仍在运行或已中断）：标为未运行的报告不是本次生成的。",
                lang,
            )
            + "</div>"
        )
    cards = []
    for r in results:
        title = html.escape(r.title)
        link = f'<a href="{html.escape(r.html)}">{title}</a>' if r.html else title
        metrics = []
        for m in r.metrics:
            if m.get("index") is False:
                continue
            unit = m.get("unit")
            change = ""
            prev = m.get("previous")
            if prev not in (None, 0) and m.get("value") is not None:
                kind = "pp" if unit in ("rate", "pp") else "relative"
                ch = m["value"] - prev if kind == "pp" else m["value"] / prev - 1
                change = (
                    f'<div class="c">{fmt_change(ch, kind)} {tr("vs previous month", "环比上月", lang)}</div>'
                )
            metrics.append(
                f'<div class="m"><div class="l">{html.escape(str(m.get("label")))}</div>'
                f'<div class="v">{fmt_value(m.get("value"), unit)}</div>{change}{_sparkline(m.get("history"))}</div>'
            )
        msg = f'<div class="msg">{html.escape(r.message)}</div>' if r.message else ""
        if r.generated and r.generated < started:
            msg += (
                f'<div class="msg">{tr("from an earlier run", "来自更早的一次运行", lang)} '
                f"({html.escape(r.generated)})</div>"
            )
        status_text = _STATUS_ZH.get(r.status, r.status) if lang == "zh" else r.status
        cards.append(
            f'<div class="card"><h2>{link}<span class="status {r.status}">{status_text}</span></h2>{msg}'
            f'<div class="metrics">{"".join(metrics)}</div></div>'
        )
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{tr('shoplab reports', 'shoplab 月度报告', lang)} · {html.escape(period)}</title><style>{_INDEX_CSS}</style></head><body>"
        f"<h1>{tr('shoplab monthly reports', 'shoplab 月度报告', lang)} · {html.escape(period)}</h1>"
        f'<div class="sub">{tr("run started", "运行开始于", lang)} {html.escape(started)}</div>'
        f"{banner}{''.join(cards)}</body></html>"
    )
