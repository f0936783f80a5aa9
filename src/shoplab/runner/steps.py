"""The steps of a run: every selected report in a pool of worker threads, each report's files settled in one
place, and one cleanup path whether the run completes, is interrupted or fails.

:func:`shoplab.runner.run_reports` checks what it can before any file is written and binds what it found in a
:class:`RunContext`; :func:`run` does the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data import Shop, write_validation_cache
from ..errors import RunInterrupted
from ..i18n import tr
from ..periods import Period
from .discover import ReportSpec
from .execute import (
    Signals,
    collect_metrics,
    error_message,
    execute_notebook,
    kernel_env,
    kill_kernels,
    use_kernels,
)
from .params import report_lang
from .pdf import print_pdf
from .render import MAX_HTML_MB, render_html
from .rundir import ReportResult, load_previous, merge_results, now, publish, write_atomic

__all__ = ["RunContext", "run", "default_jobs"]


@dataclass
class RunContext:
    """What a run binds once, after its checks: the data, the reports, their values, where the files go."""

    shop: Shop
    specs: list[ReportSpec]  # the reports this run does, in report order
    order: list[str]  # every report of the notebooks folder, in report order (the index lists them so)
    titles: dict[str, str]  # this run's reports, titled in the index's language
    values: dict[str, dict[str, Any]]  # the checked --param values, per report
    period: str
    notes: list[tuple[str, str]]  # (English, Chinese) sentences about the data, e.g. a partly covered month
    out_dir: Path
    nb_source: str  # the source as the notebooks get it
    source: Any  # the source as given (status.json shows it redacted)
    signals: Signals
    params: dict[str, Any] = field(default_factory=dict)
    index_lang: str = "en"
    progress: Callable[[str], Any] = print
    timeout_s: int | None = 1800
    pdf: bool = False
    jobs: int | None = None


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


# -- one report ------------------------------------------------------------------------------------
@dataclass
class _Files:
    """A report's files in the period folder: the page, the executed notebook, the failed one, the partial one."""

    html: Path
    nb: Path
    failed: Path
    partial: Path

    @classmethod
    def of(cls, out_dir: Path, name: str) -> _Files:
        return cls(
            out_dir / f"{name}.html",
            out_dir / f"{name}.ipynb",
            out_dir / f"{name}.failed.ipynb",
            out_dir / f".{name}.partial.ipynb",
        )

    def settle(self, status: str, page: str | None = None, *, ran: bool = True) -> None:
        """The one place a report's files change. ok: the page and the executed notebook (atomically);
        interrupted: the partial notebook goes, earlier files stay; failed or skipped: no page, no executed
        notebook, and a notebook that ran is kept as ``<name>.failed.ipynb`` for debugging."""
        if status == "ok":
            write_atomic(self.html, page or "")
            os.replace(self.partial, self.nb)
            self.failed.unlink(missing_ok=True)
            return
        if status == "interrupted":
            self.partial.unlink(missing_ok=True)
            return
        if ran and self.partial.exists():
            os.replace(self.partial, self.failed)
        for p in (self.html, self.nb):
            p.unlink(missing_ok=True)


def _has_any(shop, entry: str) -> bool:
    """A ``requires_any`` entry: a table, or ``table.column=value`` (the table has a row with that value)."""
    table, _, cond = entry.partition(".")
    if not shop.has(table):
        return False
    if not cond:
        return True
    col, _, value = cond.partition("=")
    t = shop[table]
    return col in t.columns and bool(t.filter(t[col] == value).limit(1).count().execute())


def _refusal(ctx: RunContext, spec: ReportSpec) -> tuple[str, str] | None:
    """Skipped (a required table absent, or none of ``requires_any``) or failed (a required table breaks the
    contract) before running."""
    missing = [t for t in spec.requires if not ctx.shop.has(t)]
    if missing:
        return "skipped", f"skipped: the data source has no {', '.join(missing)} table"
    if spec.requires_any and not any(_has_any(ctx.shop, e) for e in spec.requires_any):
        return "skipped", f"skipped: the data source has none of {', '.join(spec.requires_any)}"
    bad = [e for e in ctx.shop.validation.errors if e.table in spec.requires]
    if bad:
        return "failed", "the data breaks the contract: " + "; ".join(str(e) for e in bad)
    return None


def run_one(ctx: RunContext, i: int, spec: ReportSpec, kernel_name: str) -> ReportResult:
    """Run, render (and print) one report; its result says ok, failed, skipped or interrupted."""
    import nbformat

    tag = f"[{i}/{len(ctx.specs)}] {spec.name}"
    title = ctx.titles[spec.name]
    files = _Files.of(ctx.out_dir, spec.name)
    refused = _refusal(ctx, spec)
    if refused:
        status, msg = refused
        files.settle(status, ran=False)
        ctx.progress(f"{tag}: {msg}" if status == "skipped" else f"{tag}: FAILED ({msg})")
        return ReportResult(spec.name, title, status, msg)
    ctx.progress(f"{tag}: running ...")
    nb_params = {"source": ctx.nb_source, "period": ctx.period, **ctx.values.get(spec.name, {})}
    nb_params = {k: v for k, v in nb_params.items() if k in spec.parameters}
    lang = report_lang(spec, ctx.params)
    stop = ctx.signals.stop
    t0 = time.perf_counter()

    def failed(msg: str, *, timed: bool) -> ReportResult:
        secs = time.perf_counter() - t0
        files.settle("failed")
        ctx.progress(f"{tag}: FAILED after {secs:.1f} s: {msg}" if timed else f"{tag}: FAILED: {msg}")
        return ReportResult(spec.name, title, "failed", msg, secs)

    def interrupted() -> ReportResult:
        files.settle("interrupted")
        ctx.progress(f"{tag}: interrupted after {time.perf_counter() - t0:.1f} s")
        return ReportResult(spec.name, title, "interrupted", "stopped while running: the run was interrupted")

    try:
        execute_notebook(
            spec.path, files.partial, nb_params, kernel_name=kernel_name, timeout_s=ctx.timeout_s
        )
    except Exception as exc:  # PapermillExecutionError and kernel failures
        if stop.is_set():
            return interrupted()
        msg = error_message(exc)
        return failed(msg, timed=True)
    if stop.is_set():
        return interrupted()
    nb = nbformat.read(files.partial, as_version=4)
    try:
        note_text = [tr(en, zh, lang) for en, zh in ctx.notes]
        page = render_html(nb, f"{title} · {Period.parse(ctx.period).title(lang)}", lang, note_text)
    except Exception as exc:  # a rendering failure fails this report only
        msg = f"the notebook ran but could not be rendered to HTML: {error_message(exc)}"
        return failed(msg, timed=False)
    if stop.is_set():
        return interrupted()
    files.settle("ok", page)
    run_notes = []
    errors = {e.table for e in ctx.shop.validation.errors if e.table in spec.optional}
    if errors:
        run_notes.append(
            "ran without optional table(s) that break the contract: " + ", ".join(sorted(errors))
        )
    size_mb = len(page.encode("utf-8")) / 1e6
    if size_mb > MAX_HTML_MB:
        run_notes.append(f"the HTML is {size_mb:.1f} MB, over the {MAX_HTML_MB} MB limit for sharing")
    if ctx.pdf:
        print_pdf(files.html, files.html.with_suffix(".pdf"))
    secs = time.perf_counter() - t0
    ctx.progress(f"{tag}: ok in {secs:.1f} s" + (f" ({'; '.join(run_notes)})" if run_notes else ""))
    return ReportResult(
        spec.name, title, "ok", "; ".join(run_notes), secs, collect_metrics(nb), files.html.name
    )


# -- the run ---------------------------------------------------------------------------------------
class _Status:
    """The reports finished so far, and the period folder's status files written from them."""

    def __init__(self, ctx: RunContext):
        self.ctx = ctx
        self.previous = load_previous(ctx.out_dir)
        self.started = now()
        self.done: dict[str, ReportResult] = {}
        self.running: set[str] = set()

    def finished_names(self) -> list[str]:
        return [s.name for s in self.ctx.specs if s.name in self.done]

    def add(self, res: ReportResult) -> None:
        if res.status != "interrupted":
            self.done[res.name] = res

    def write(self, state: str) -> list[ReportResult]:
        ctx = self.ctx
        results = merge_results(ctx.order, ctx.titles, self.done, self.previous, state, self.running)
        publish(
            ctx.out_dir,
            ctx.period,
            ctx.source,
            results,
            self.started,
            state,
            ctx.index_lang,
            finished_names=self.finished_names(),
            notes=ctx.notes,
        )
        return results


class _Pool:
    """``jobs`` daemon worker threads taking reports from a queue; the main thread collects their results."""

    def __init__(self, ctx: RunContext, status: _Status):
        self.ctx, self.status = ctx, status
        self.todo: queue.Queue = queue.Queue()
        self.finished: queue.Queue = queue.Queue()
        self.workers: list[threading.Thread] = []
        self.kernel_name = ""

    def _work(self) -> None:
        ctx = self.ctx
        while not ctx.signals.stop.is_set():
            try:
                i, spec = self.todo.get_nowait()
            except queue.Empty:
                return
            self.status.running.add(spec.name)
            try:
                res = run_one(ctx, i, spec, self.kernel_name)
            except BaseException as exc:  # never let a worker die silently
                res = ReportResult(spec.name, ctx.titles[spec.name], "failed", error_message(exc))
            self.finished.put(res)

    def run(self) -> None:
        """Run every report; a signal (or a report interrupted) raises KeyboardInterrupt."""
        ctx, signals = self.ctx, self.ctx.signals
        for item in enumerate(ctx.specs, 1):
            self.todo.put(item)
        jobs = max(1, min(ctx.jobs or default_jobs(), len(ctx.specs)))
        with _shared_memory_limit(jobs) if jobs > 1 else contextlib.nullcontext():
            self.workers = [
                threading.Thread(target=self._work, daemon=True, name=f"shoplab-report-{k}")
                for k in range(jobs)
            ]
            signals.quiet()  # from here the main thread only waits: a signal sets stop, checked below
            for w in self.workers:
                w.start()
            while len(self.status.done) < len(ctx.specs):
                if signals.stop.is_set():
                    raise KeyboardInterrupt(signals.name)
                try:
                    res = self.finished.get(timeout=0.1)
                except queue.Empty:
                    if not any(w.is_alive() for w in self.workers) and self.finished.empty():
                        break
                    continue
                if res.status == "interrupted":
                    raise KeyboardInterrupt(signals.name)
                self.status.add(res)
                self.status.write("running")

    def stop(self) -> None:
        """Stop the kernels, give the workers a moment to notice, keep what finished meanwhile."""
        self.ctx.signals.quiet()
        self.ctx.signals.stop.set()
        logging.getLogger("papermill").setLevel(logging.CRITICAL)  # no "kernel died" for kernels we stop
        kill_kernels()
        deadline = time.monotonic() + 2.0  # workers notice a dead kernel within about a second
        for w in self.workers:
            w.join(max(0.0, deadline - time.monotonic()))
        while True:  # reports that finished while the run stopped still count
            try:
                self.status.add(self.finished.get_nowait())
            except queue.Empty:
                break


def run(ctx: RunContext) -> tuple[Path, list[ReportResult]]:
    """Validate the source, run the reports, write the folder's final state; see :func:`run_reports`."""
    status = _Status(ctx)
    pool = _Pool(ctx, status)
    cache = ctx.out_dir / ".validation.json"  # the notebooks reuse this run's validation of the same files
    cache_env = str(cache.resolve())
    t_all = time.perf_counter()
    kernel_root, pool.kernel_name = kernel_env()
    outcome, interrupted_by, cache_set = "failed", "", False
    try:
        status.write("running")  # the folder says "running" from here on, before validation
        if ctx.notes:
            ctx.progress(f"note: {ctx.notes[0][0]}")
        ctx.shop.validate()
        use_kernels(kernel_root)
        if write_validation_cache(cache, ctx.shop):
            os.environ["SHOPLAB_VALIDATION_CACHE"] = cache_env
            cache_set = True
        pool.run()
        outcome = "complete"
    except KeyboardInterrupt as exc:
        outcome, interrupted_by = "interrupted", ctx.signals.name or str(exc) or "SIGINT"
    finally:  # the one cleanup: whatever still runs is stopped, the validation cache goes
        if outcome != "complete":
            pool.stop()
        if cache_set and os.environ.get("SHOPLAB_VALIDATION_CACHE") == cache_env:
            del os.environ["SHOPLAB_VALIDATION_CACHE"]
        cache.unlink(missing_ok=True)
    # here the run completed or was interrupted (any other error went up from the cleanup above)
    results = status.write(outcome)
    mine = [r for r in results if r.name in ctx.titles]
    where = ctx.out_dir / "index.html"
    secs = time.perf_counter() - t_all
    if outcome == "interrupted":
        names = ", ".join(status.finished_names()) or "no report"
        ctx.progress(f"interrupted ({interrupted_by}) after {secs:.1f} s: finished {names} -> {where}")
        raise RunInterrupted(
            f"interrupted by {interrupted_by}: finished {names}; see {where}", ctx.out_dir, mine
        )
    count = {s: sum(r.status == s for r in mine) for s in ("ok", "failed", "skipped")}
    ctx.progress(
        f"done in {secs:.1f} s: {count['ok']} ok, {count['failed']} failed, {count['skipped']} skipped -> {where}"
    )
    return ctx.out_dir, mine
