"""The report runner: failures, skips, parameters, atomic output, secrets."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, write_tables

from shoplab.errors import ReportError
from shoplab.runner import discover, parse_params, run_reports


def _notebook(path, code: str, *, requires=("orders",), extra_params: str = "", order=50):
    nb = nbformat.v4.new_notebook()
    params = 'source: str = "x"  # data source\nperiod: str = "2024-10"  # month\n' + extra_params
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {path.stem}"),
        nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code),
    ]
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["shoplab"] = {"title": path.stem.title(), "requires": list(requires), "order": order}
    nbformat.write(nb, path)


def _orders(n=60, seed=0):
    rng = np.random.default_rng(seed)
    ts = pd.Timestamp("2024-08-01") + pd.to_timedelta(rng.integers(0, 92 * 86400, n), unit="s")
    return pd.DataFrame(
        {
            "order_id": np.arange(n),
            "user_id": rng.integers(0, 20, n),
            "ts": ts,
            "amount": rng.uniform(10, 200, n).round(2),
        }
    )


@pytest.fixture
def nbdir(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    shutil.copy(ROOT / "notebooks" / "overview.ipynb", d / "overview.ipynb")
    _notebook(
        d / "broken.ipynb",
        'import shoplab\nshoplab.record("broken.x", 1)\nraise ValueError("boom in the notebook")',
    )
    _notebook(d / "needs_events.ipynb", "print('never runs')", requires=("events",))
    _notebook(
        d / "fine.ipynb",
        'import shoplab\nshoplab.record("fine.answer", 42, label="Answer", unit="count")\n'
        'shoplab.record("fine.detail", 7, label="Detail only", index=False)\nprint(source)',
        extra_params="top_n: int = 5  # rows\n",
    )
    return d


@pytest.mark.parametrize("jobs", [1, 2])
def test_failing_notebook_does_not_stop_the_others(tmp_path, nbdir, jobs, monkeypatch):
    """One notebook after the other, or two at a time: the same results, in report order (a relative output
    folder, as `make report` passes, and the working directory left as it was)."""
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    monkeypatch.chdir(tmp_path)
    out_dir, results = run_reports(
        src, out="reports", notebooks_dir=nbdir, progress=lambda *_: None, jobs=jobs
    )
    assert os.getcwd() == str(tmp_path) and out_dir == tmp_path / "reports" / "2024-10"
    status = {r.name: r.status for r in results}
    assert status == {"overview": "ok", "broken": "failed", "fine": "ok", "needs_events": "skipped"}
    assert out_dir.name == "2024-10"  # latest complete month: data ends in late October
    broken = next(r for r in results if r.name == "broken")
    assert "ValueError: boom in the notebook" in broken.message
    # no report that looks complete for the failed one, a debugging copy instead
    assert not (out_dir / "broken.html").exists() and (out_dir / "broken.failed.ipynb").exists()
    assert (out_dir / "overview.html").exists() and (out_dir / "fine.html").exists()
    assert not list(out_dir.glob(".*partial*"))
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "boom in the notebook" in index and "skipped" in index
    assert "no events table" in index
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["fine.answer"] == 42 and metrics["fine.detail"] == 7 and "broken.x" not in metrics
    assert "Answer" in index and "Detail only" not in index  # detail numbers stay off the index
    assert {
        "overview.gmv",
        "overview.orders",
        "overview.buyers",
        "overview.aov",
        "overview.new_users",
        "overview.repurchase_rate",
    } <= set(metrics)
    o = _orders()
    oct_ = o[(o.ts >= "2024-10-01") & (o.ts < "2024-11-01")]
    assert metrics["overview.gmv"] == pytest.approx(oct_.amount.sum())
    st = json.loads((out_dir / "status.json").read_text())
    assert [r["status"] for r in st["reports"]] == ["ok", "failed", "ok", "skipped"]


def test_cli_exit_code_is_non_zero_when_a_report_fails(tmp_path, nbdir):
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "shoplab",
            "report",
            "--source",
            str(src),
            "--out",
            str(tmp_path / "r"),
            "--notebooks",
            str(nbdir),
            "--only",
            "fine",
            "broken",
            "--period",
            "2024-09",
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1, p.stdout + p.stderr
    assert "[1/2] broken" in p.stdout and "FAILED" in p.stdout and "[2/2] fine: ok" in p.stdout
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "shoplab",
            "report",
            "--source",
            str(src),
            "--out",
            str(tmp_path / "r"),
            "--notebooks",
            str(nbdir),
            "--only",
            "fine",
            "needs_events",
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stdout + p.stderr  # a skipped report does not fail the run


def test_params_are_checked_and_passed(tmp_path, nbdir):
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    with pytest.raises(ReportError, match=r"nope are not declared .* they declare: period, source, top_n"):
        run_reports(src, only=["fine"], params={"nope": 1}, out=tmp_path / "r", notebooks_dir=nbdir)
    with pytest.raises(ReportError, match="unknown report"):
        run_reports(src, only=["nosuch"], out=tmp_path / "r", notebooks_dir=nbdir)
    out_dir, res = run_reports(
        src,
        only=["fine"],
        params={"top_n": 9},
        out=tmp_path / "r",
        notebooks_dir=nbdir,
        progress=lambda *_: None,
    )
    nb = nbformat.read(out_dir / "fine.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "top_n = 9" in injected.source


def test_parse_params():
    assert parse_params(['funnel_steps=["home","pay"]', "k=3", "name=abc", "x=a=b"]) == {
        "funnel_steps": ["home", "pay"],
        "k": 3,
        "name": "abc",
        "x": "a=b",
    }
    with pytest.raises(ReportError):
        parse_params(["novalue"])


def test_data_errors_fail_only_the_reports_that_need_the_table(tmp_path, nbdir):
    o = _orders()
    o.loc[3, "amount"] = -1.0
    src = write_tables(tmp_path / "src", "parquet", orders=o)
    _, results = run_reports(
        src,
        only=["overview", "needs_events"],
        out=tmp_path / "r",
        notebooks_dir=nbdir,
        progress=lambda *_: None,
    )
    r = {x.name: x for x in results}
    assert (
        r["overview"].status == "failed"
        and "orders.amount: 1 of 60 rows are negative" in r["overview"].message
    )
    assert r["needs_events"].status == "skipped"


def test_secrets_never_reach_the_report(tmp_path, nbdir, monkeypatch):
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    with pytest.raises(ReportError, match="contains a password"):
        run_reports("postgres://ana:s3cret@db/shop", out=tmp_path / "r", notebooks_dir=nbdir)
    # a secret-bearing source given through an environment variable stays a ${...} reference in the report
    monkeypatch.setenv("SHOPLAB_SECRET_SRC", str(src))
    out_dir, res = run_reports(
        "${SHOPLAB_SECRET_SRC}",
        only=["fine"],
        out=tmp_path / "r",
        notebooks_dir=nbdir,
        progress=lambda *_: None,
    )
    assert res[0].status == "ok"
    html = (out_dir / "fine.html").read_text(encoding="utf-8")
    assert str(src) not in html
    assert "injected-parameters" not in html and "top_n" not in html


def test_discover_reads_notebook_metadata(nbdir):
    specs = discover(nbdir)
    assert list(specs)[0] == "overview"
    assert specs["overview"].requires == ["orders"]
    assert {"source", "period"} <= set(specs["overview"].parameters)


def test_partial_runs_keep_earlier_reports_and_interrupted_runs_say_so(tmp_path, nbdir):
    from shoplab.rundir import ReportResult, index_html

    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    quiet = {"progress": lambda *_: None, "out": tmp_path / "r", "notebooks_dir": nbdir}
    run_reports(src, only=["overview", "fine"], **quiet)
    out_dir, _ = run_reports(src, only=["fine"], params={"top_n": 2}, **quiet)
    st = json.loads((out_dir / "status.json").read_text())
    assert {r["name"]: r["status"] for r in st["reports"]} == {"overview": "ok", "fine": "ok"}
    assert st["finished"] is not None
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert "overview.gmv" in metrics and metrics["fine.answer"] == 42
    pending = [ReportResult("x", "X", "pending", "not run yet")]
    assert "This run has not finished" in index_html("2024-10", pending, "2024-11-01T00:00:00", "running")
    assert "This run has not finished" not in (out_dir / "index.html").read_text(encoding="utf-8")


def test_sparkline_needs_three_points_and_scales_to_the_range():
    from shoplab.rundir import sparkline

    assert sparkline(None) == "" and sparkline({"2024-01": 1, "2024-02": 2}) == ""
    svg = sparkline({"2024-01": 10, "2024-02": 30, "2024-03": 20, "2024-04": None})
    assert svg.startswith("<svg") and "2024-01 .. 2024-03" in svg
    pts = [tuple(map(float, p.split(","))) for p in svg.split('points="')[1].split('"')[0].split()]
    assert len(pts) == 3 and pts[1][1] < pts[2][1] < pts[0][1]  # highest value drawn highest
