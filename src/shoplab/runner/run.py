"""Running the reports of one period: the checks made before any file is written, then the run's steps.

:func:`run_reports` refuses what it cannot answer (an unknown report, a parameter value a notebook does not
allow, a malformed period or one outside the data, a source without contract tables, a folder another run is
writing), takes the period folder's lock and hands a :class:`~shoplab.runner.steps.RunContext` to
:func:`shoplab.runner.steps.run`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data import Shop, connect, expand_env, redact, require_any_table
from ..errors import MissingTableError, PeriodError, ReportError
from ..periods import Period, covered_days, latest_complete_month
from .discover import default_notebooks_dir, discover
from .execute import Signals
from .params import check_report_params, report_lang, select
from .pdf import find_chromium
from .rundir import ReportResult, RunLock
from .steps import RunContext, run

__all__ = ["run_reports"]


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


def _default_period(bounds) -> str:
    """The latest complete month of the data; without one (half a month exported), the data's last month."""
    if bounds is None:
        raise MissingTableError(
            "no orders or events with timestamps to take the period from; pass --period YYYY-MM"
        )
    period = latest_complete_month(bounds[1]).label
    if covered_days(period, bounds[0], bounds[1]) is None:
        period = Period.parse(str(bounds[1])[:7]).label
    return period


def _coverage_notes(period: str, bounds) -> list[tuple[str, str]]:
    """Refuse a period the data does not touch; a note (English, Chinese) when it covers only part of it."""
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
    if days == (p.first, p.last):
        return []
    zh_tables = "和".join(what_zh[t] for t in tables)
    if p.is_month:
        return [
            (
                f"The data covers only {days[0]} to {days[1]} of {period} ({what_en} run from {str(lo)[:10]} to "
                f"{str(hi)[:10]}): this month's numbers are for that part of it and not comparable with a whole "
                "month.",
                f"数据只覆盖 {period} 中的 {days[0]} 至 {days[1]}（{zh_tables}的时间范围为 {str(lo)[:10]} 至 "
                f"{str(hi)[:10]}）：本月数字只反映这段时间，不能与完整月份直接比较。",
            )
        ]
    return [
        (
            f"The data covers only {days[0]} to {days[1]} of {p.title('en')} ({what_en} run from {str(lo)[:10]} "
            f"to {str(hi)[:10]}): this {p.noun('en')}'s numbers are for that part of it and not comparable with "
            f"a whole {p.noun('en')}.",
            f"数据只覆盖 {p.title('zh')} 中的 {days[0]} 至 {days[1]}（{zh_tables}的时间范围为 {str(lo)[:10]} 至 "
            f"{str(hi)[:10]}）：{p.this_name('zh')}数字只反映这段时间，不能与完整的{p.noun('zh')}直接比较。",
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
    parameter value outside what a notebook declares (:mod:`shoplab.runner.params`), a malformed period or one
    outside the data, a source without contract tables, a folder another run is writing (its lock). A month
    the data covers only in part runs, with a note in every report and on the index.

    SIGINT (Ctrl-C) and SIGTERM stop the run: kernels are shut down, ``status.json`` and the index say
    "interrupted" and which reports finished, and :class:`~shoplab.errors.RunInterrupted` is raised.

    With ``pdf=True`` every rendered report is also printed to ``<name>.pdf`` by headless Chromium. ``jobs``
    notebooks run at the same time (default :func:`~shoplab.runner.default_jobs`); each then gets an equal
    share of the memory for its engine unless ``SHOPLAB_MEMORY_LIMIT`` says otherwise.
    """
    if pdf:
        find_chromium(required=True)

    params = dict(params or {})
    specs_all = discover(notebooks_dir)
    if not specs_all:
        raise ReportError(f"no report notebooks found in {notebooks_dir or default_notebooks_dir()}")
    specs = select(specs_all, only)
    values = check_report_params(specs, params)
    if period is not None:
        period = Period.parse(period).label
    index_lang = report_lang(specs[0], params)
    titles = {sp.name: (sp.title_zh if index_lang == "zh" and sp.title_zh else sp.title) for sp in specs}

    nb_source = _source_for_notebook(source)
    shop: Shop = connect(expand_env(nb_source) if "${" in nb_source else nb_source, validate=False)
    require_any_table(shop)
    bounds = _data_bounds(shop)
    if period is None:
        period = _default_period(bounds)
    notes = _coverage_notes(period, bounds)

    out_dir = Path(out).resolve() / period  # absolute: notebooks run in threads, never chdir
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = RunLock(out_dir).acquire(progress)
    try:
        with Signals() as signals:
            ctx = RunContext(
                shop=shop,
                specs=specs,
                order=list(specs_all),
                titles=titles,
                values=values,
                period=period,
                notes=notes,
                out_dir=out_dir,
                nb_source=nb_source,
                source=source,
                signals=signals,
                params=params,
                index_lang=index_lang,
                progress=progress,
                timeout_s=timeout_s,
                pdf=pdf,
                jobs=jobs,
            )
            return run(ctx)
    finally:
        lock.release()
