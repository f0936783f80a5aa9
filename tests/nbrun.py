"""Run a report notebook's code in this process, for the tests that render a report many times.

A papermill run starts a kernel and imports shoplab, pandas, Ibis, scikit-learn and matplotlib again each time
(3-4 s before the first cell); the optional-data matrix and the fuzz test render reports about a hundred times, so
they execute the cells here instead: the parameters cell, then the runner's parameters, then every code cell in
order in one namespace, as a kernel would. A cell's last expression is displayed like in Jupyter, ``display`` is
collected, and every figure a cell leaves open is drawn to PNG (a drawing error fails the run, as it would fail
the inline backend) and closed. The outputs come back as HTML/text fragments, one list per cell.

The runner's own path (papermill, nbconvert) stays covered by the end-to-end tests.
"""

from __future__ import annotations

import ast
import base64
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

__all__ = ["Run", "run_notebook", "variant", "table_files", "read_table", "normalised", "notes"]


@dataclass
class Run:
    """The outcome of one in-process notebook run."""

    name: str
    outputs: list[list[str]] = field(
        default_factory=list
    )  # per code cell, its displayed outputs (HTML or text)
    error: BaseException | None = None
    cell: int | None = None  # index of the code cell that raised
    figures: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def html(self) -> str:
        return "\n".join(o for cell in self.outputs for o in cell)


def _as_text(obj: Any) -> str | None:
    if obj is None:
        return None
    for attr in ("_repr_html_", "_repr_markdown_"):
        f = getattr(obj, attr, None)
        if f is not None:
            out = f()
            if out is not None:
                return out if isinstance(out, str) else str(out)
    return repr(obj)


def run_notebook(path: str | Path, parameters: dict[str, Any], *, dpi: int = 30) -> Run:
    """Execute the code cells of notebook ``path`` with ``parameters`` (they override the parameters cell).

    Exceptions are caught and returned in :attr:`Run.error` (with the code cell that raised), so that a test can
    judge them; figures are drawn at a low ``dpi`` to keep the run fast.
    """
    import IPython.display
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    run = Run(path.stem)
    current: list[str] = []

    def display(*objs, raw=False, **kw):
        for obj in objs:
            if raw:  # metric records and other raw MIME bundles
                current.append(repr(obj))
            else:
                text = _as_text(obj)
                if text is not None:
                    current.append(text)

    real_display = IPython.display.display
    IPython.display.display = display
    ns: dict[str, Any] = {"__name__": "__main__", "display": display}
    try:
        for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            current = []
            run.outputs.append(current)
            try:
                tree = ast.parse(cell.source)
                last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                exec(compile(tree, f"<{path.stem} cell {i}>", "exec"), ns)
                if "parameters" in cell.metadata.get("tags", []):
                    ns.update(parameters)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), f"<{path.stem} cell {i}>", "eval"), ns)
                    if value is not None:
                        display(value)
                for num in plt.get_fignums():
                    plt.figure(num).savefig(io.BytesIO(), format="png", dpi=dpi)
                    run.figures += 1
            except Exception as exc:  # judged by the caller
                run.error, run.cell = exc, i
                break
            finally:
                plt.close("all")
    finally:
        IPython.display.display = real_display
        # a notebook sets the report language for the process: later tests in this process start in English
        from shoplab.i18n import set_lang

        set_lang("en")
    return run


# -- sources with parts left out --------------------------------------------------------------------
def table_files(source: str | Path) -> dict[str, Path]:
    """The contract tables of a folder source: name -> file or Parquet folder."""
    from shoplab.contract import TABLES

    return {p.name.split(".")[0]: p for p in Path(source).iterdir() if p.name.split(".")[0] in TABLES}


def read_table(path: Path):
    """A contract table's file or folder of Parquet parts as one pyarrow table."""
    import pyarrow.parquet as pq

    return pq.read_table(path) if path.is_file() else pq.ParquetDataset(path).read()


def variant(
    source: str | Path,
    out: str | Path,
    *,
    drop_tables=(),
    drop_columns=(),
    replace: dict | None = None,
) -> Path:
    """A copy of folder ``source`` in ``out`` without ``drop_tables``, without ``drop_columns``
    (``"table.column"``) and with the tables in ``replace`` (name -> pyarrow table or DataFrame) written anew;
    the other tables are symlinked, not copied."""
    import shutil

    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cols: dict[str, list[str]] = {}
    for tc in drop_columns:
        t, c = tc.split(".")
        cols.setdefault(t, []).append(c)
    replace = dict(replace or {})
    for name, path in table_files(source).items():
        if name in drop_tables:
            continue
        if name in replace:
            tab = replace.pop(name)
            if isinstance(tab, pd.DataFrame):
                tab = pa.Table.from_pandas(tab, preserve_index=False)
        elif name in cols:
            tab = read_table(path)
            tab = tab.drop_columns([c for c in cols[name] if c in tab.column_names])
        else:
            (out / path.name).symlink_to(path.resolve(), target_is_directory=path.is_dir())
            continue
        pq.write_table(tab, out / f"{name}.parquet")
    return out


# -- comparing runs ---------------------------------------------------------------------------------
_STYLER_ID = re.compile(r"T_[0-9a-f]{5}")
_CSV = re.compile(r"data:text/csv;base64,([A-Za-z0-9+/=]+)")
NOTE_RE = re.compile(r'<div style="[^"]*border-left:4px solid[^"]*">(.*?)</div>', re.S)


_FLOAT = re.compile(r"-?\d+\.\d{5,}(?:e[-+]?\d+)?")  # a full-precision float, not a formatted figure


def _short_floats(text: str) -> str:
    return _FLOAT.sub(lambda f: f"{float(f.group()):.8g}", text)


def _sorted_csv(m: re.Match) -> str:
    lines = _short_floats(base64.b64decode(m.group(1)).decode("utf-8-sig")).splitlines()
    return "csv:" + "|".join(lines[:1] + sorted(lines[1:]))


def normalised(run: Run) -> list[str]:
    """Each code cell's outputs as comparable text: Styler ids blanked, CSV downloads decoded with their rows
    sorted, full-precision floats cut to 8 significant digits (rows that tie may come back from the engine in
    either order, and sums the engine runs in parallel may differ in the last bits from run to run)."""
    return [
        _short_floats(_CSV.sub(_sorted_csv, _STYLER_ID.sub("T_x", "\n".join(cell)))) for cell in run.outputs
    ]


def notes(run: Run) -> list[str]:
    """The text of every visible note (:func:`shoplab.notebook.note`) the run displayed."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in NOTE_RE.findall(run.html)]
