"""Optional means optional: every report renders without any one of its optional tables or optional columns.

The matrix is generated from the data contract (``shoplab.contract.TABLES``: which columns are optional) and
the notebooks' metadata (``shoplab.requires`` / ``optional``: the tables a report needs and uses when present;
``shoplab.optional_columns``: the optional columns it reads). For each report it drops each optional table and
each optional column it reads, one at a time, from one small generated shop, renders the report in this process
(tests/nbrun.py) and checks that it ran and that a visible note names what is absent. Two more runs per report
keep the declaration honest: every undeclared optional column dropped at once must leave every output unchanged
(so the report really does not read them), and everything optional dropped at once must still render, with the
notes in Chinese (``lang="zh"``).

The default run renders the whole matrix (``MATRIX_SIZE`` runs; the test prints its timing).
"""

from __future__ import annotations

import difflib
import re
import time
import traceback

import pytest
from conftest import ROOT
from nbrun import normalised, notes, run_notebook, variant

from shoplab.contract import TABLES
from shoplab.runner import discover

SPECS = discover(ROOT / "notebooks")
PERIOD = "2026-10"
CJK = re.compile(r"[\u4e00-\u9fff]")


def optional_parts(spec) -> list[str]:
    """What a report may run without: its optional tables, then its optional columns as ``table.column``."""
    return list(spec.optional) + [f"{t}.{c}" for t, cols in spec.optional_columns.items() for c in cols]


def undeclared_columns(spec) -> list[str]:
    """Optional columns of the report's tables that its metadata does not list as read."""
    return [
        f"{t}.{c}"
        for t in spec.requires + spec.optional
        for c in TABLES[t].optional
        if c not in spec.optional_columns.get(t, [])
    ]


CASES = [(name, part) for name, spec in SPECS.items() for part in optional_parts(spec)]
MATRIX_SIZE = len(CASES) + 3 * len(SPECS)  # + baseline, undeclared-at-once and all-absent runs per report


def _drop(part: str) -> dict:
    return {"drop_columns": [part]} if "." in part else {"drop_tables": [part]}


_TIMES: list[tuple[float, float]] = []  # (wall, CPU) seconds of each render


def _run(name: str, source, lang: str = "en"):
    t0, c0 = time.perf_counter(), time.process_time()
    run = run_notebook(SPECS[name].path, {"source": str(source), "period": PERIOD, "lang": lang})
    _TIMES.append((time.perf_counter() - t0, time.process_time() - c0))
    return run


@pytest.fixture(scope="module", autouse=True)
def _timing(request):
    yield
    if _TIMES:
        wall, cpu = (sum(t[i] for t in _TIMES) for i in (0, 1))
        plugins = request.config.pluginmanager
        with plugins.getplugin("capturemanager").global_and_fixture_disabled():
            plugins.getplugin("terminalreporter").write_line(
                f"\noptional-data matrix: {len(_TIMES)} renders of {len(SPECS)} reports "
                f"({len(CASES)} single drops generated), {wall:.0f} s wall, {cpu:.0f} s CPU"
            )


def _explain(run) -> str:
    tb = "".join(traceback.format_exception(run.error)) if run.error else ""
    return f"{run.name}: code cell {run.cell} raised\n{tb}"


def _named(part: str, text: str) -> bool:
    """Whether a note names a table (``events``) or a column (``orders.channel``: both words appear)."""
    return all(re.search(rf"\b{re.escape(w)}\b", text) for w in part.split("."))


_BASELINES: dict = {}


@pytest.fixture
def baseline(small_shop_dir):
    def get(name):
        if name not in _BASELINES:
            run = _run(name, small_shop_dir)
            assert run.ok, _explain(run)
            _BASELINES[name] = run
        return _BASELINES[name]

    return get


def test_declarations_follow_the_contract():
    for name, spec in SPECS.items():
        assert set(spec.optional_columns) <= set(spec.requires + spec.optional), name
        for t, cols in spec.optional_columns.items():
            assert cols and set(cols) <= set(TABLES[t].optional), f"{name}: {t} {cols}"
    assert len(CASES) >= 40  # the matrix is generated, not empty


@pytest.mark.parametrize("name,part", CASES, ids=[f"{n}-without-{p}" for n, p in CASES])
def test_report_renders_without(name, part, small_shop_dir, tmp_path):
    src = variant(small_shop_dir, tmp_path / "src", **_drop(part))
    run = _run(name, src)
    assert run.ok, f"without {part}: " + _explain(run)
    shown = notes(run)
    assert any(_named(part, n) for n in shown), f"{name} without {part}: no note names it; notes: {shown}"


@pytest.mark.parametrize("name", list(SPECS))
def test_undeclared_columns_are_not_read(name, small_shop_dir, tmp_path, baseline):
    """Dropping every optional column the metadata does not list changes nothing the report shows."""
    spec = SPECS[name]
    base = baseline(name)
    src = variant(small_shop_dir, tmp_path / "src", drop_columns=undeclared_columns(spec))
    run = _run(name, src)
    assert run.ok, _explain(run)
    before, after = normalised(base), normalised(run)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    diff = (
        "\n".join(
            list(difflib.unified_diff(before[changed[0]].splitlines(), after[changed[0]].splitlines(), n=0))[
                :12
            ]
        )
        if changed
        else ""
    )
    assert not changed, (
        f"{name}: dropping the undeclared optional columns {undeclared_columns(spec)} changed code cells "
        f"{changed}: add the columns it reads to the notebook's metadata 'optional_columns'\n{diff[:3000]}"
    )


@pytest.mark.parametrize("name", list(SPECS))
def test_report_renders_with_every_optional_part_absent_in_chinese(name, small_shop_dir, tmp_path):
    spec = SPECS[name]
    parts = optional_parts(spec)
    tables = [p for p in parts if "." not in p]
    columns = [p for p in parts if "." in p and p.split(".")[0] not in tables]
    src = variant(small_shop_dir, tmp_path / "src", drop_tables=tables, drop_columns=columns)
    run = _run(name, src, lang="zh")
    assert run.ok, _explain(run)
    shown = [n for n in notes(run) if CJK.search(n)]
    unnamed = [p for p in tables + columns if not any(_named(p, n) for n in shown)]
    assert not unnamed, f"{name} (zh): no Chinese note names {unnamed}; notes: {shown}"
