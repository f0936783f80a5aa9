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

The modules, in the order a run uses them:

* :mod:`~shoplab.runner.discover`: the report notebooks and what their metadata declares;
* :mod:`~shoplab.runner.params`: parameter declarations, ``--param`` values and their check, ``--help-params``;
* :mod:`~shoplab.runner.run`: the checks made before any file is written (:func:`run_reports`);
* :mod:`~shoplab.runner.steps`: the worker pool, one report's steps and the run's one cleanup path;
* :mod:`~shoplab.runner.execute`: papermill in a kernelspec of this Python, kernels stopped on a signal;
* :mod:`~shoplab.runner.render`: a notebook to HTML, and the index page (``templates/runner/index.html.j2``);
* :mod:`~shoplab.runner.pdf`: headless Chromium;
* :mod:`~shoplab.runner.rundir`: the period folder's lock, status files and atomic writes.
"""

from __future__ import annotations

from .discover import ReportSpec, default_notebooks_dir, discover, requirements_markdown
from .execute import Signals, kernel_env, kill_kernels, tracked_kernel_manager
from .params import (
    ALWAYS_PASSED,
    ParamSpec,
    check_params,
    help_params,
    help_params_text,
    param_specs,
    parse_params,
    parse_rule,
    report_lang,
    report_params,
)
from .pdf import CHROMIUM_FLAGS, find_chromium, print_pdf
from .render import MAX_HTML_MB, index_html, render_html, sparkline
from .run import run_reports
from .rundir import ReportResult, RunLock, load_previous, merge_results, publish, write_atomic
from .steps import RunContext, default_jobs

__all__ = [
    # running
    "run_reports",
    "RunContext",
    "default_jobs",
    "ReportResult",
    # the report notebooks and their parameters
    "ReportSpec",
    "discover",
    "default_notebooks_dir",
    "requirements_markdown",
    "ALWAYS_PASSED",
    "ParamSpec",
    "parse_params",
    "parse_rule",
    "param_specs",
    "check_params",
    "report_params",
    "report_lang",
    "help_params",
    "help_params_text",
    # pages, PDF, kernels, the period folder
    "render_html",
    "index_html",
    "sparkline",
    "MAX_HTML_MB",
    "CHROMIUM_FLAGS",
    "find_chromium",
    "print_pdf",
    "Signals",
    "kernel_env",
    "kill_kernels",
    "tracked_kernel_manager",
    "RunLock",
    "load_previous",
    "merge_results",
    "publish",
    "write_atomic",
]
