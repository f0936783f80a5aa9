"""The report runner: failures, skips, parameters, atomic output, secrets."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, write_tables

from shoplab.errors import ReportError
from shoplab.runner import discover, run_reports


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
    from shoplab.runner import ReportResult, index_html

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


# -- refusals: one line, exit code 2, no period folder ---------------------------------------------
def _cli(capsys, *args) -> tuple[int, str, str]:
    from shoplab.cli import main

    rc = main(list(args))
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--period", "2026/10"],
            r"period '2026/10' is not a month, quarter, year or date range: use the form YYYY-MM, e\.g\. 2026-10, "
            r"or YYYY-Qn \(2026-Q2\), YYYY \(2026\) or YYYY-MM-DD\.\.YYYY-MM-DD",
        ),
        (
            ["--period", "202610"],
            r"period '202610' is not a month, quarter, year or date range: use the form YYYY-MM",
        ),
        (["--period", "2026-Q5"], r"period '2026-Q5' is not a quarter \(the quarter must be Q1 to Q4\)"),
        (["--period", "2024-10-09..2024-10-01"], r"period '2024-10-09\.\.2024-10-01' ends before it starts"),
        (["--period", "2027"], r"period 2027 is outside the data: its orders run from 2024-08 to 2024-10"),
        (["--period", "2024-Q1"], r"period 2024-Q1 is outside the data"),
        (
            ["--period", "2025-01-01..2025-01-05"],
            r"period 2025-01-01\.\.2025-01-05 is outside the data: its orders run from 2024-08 to 2024-10",
        ),
        (["--period", "2026-13"], r"period '2026-13' is not a month \(the month must be 01 to 12\)"),
        (
            ["--period", "2027-03"],
            r"period 2027-03 is outside the data: its orders run from 2024-08 to 2024-10 "
            r"\(2024-08-0\d to 2024-10-\d\d\); pass --period from 2024-08 to 2024-10",
        ),
        (
            ["--period", "2024-01"],
            r"period 2024-01 is outside the data: its orders run from 2024-08 to 2024-10",
        ),
        (
            ["--param", "top_n=revenue"],
            r"--param top_n=revenue is not a whole number: top_n of the fine report \(rows\) is a whole number",
        ),
        (["--param", "period=2024-09"], r"--param period=\.\.\. is not accepted: use --period"),
    ],
)
def test_report_refuses_what_it_cannot_answer(tmp_path, nbdir, capsys, args, expected):
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    out = tmp_path / "r"
    rc, _, err = _cli(
        capsys, "report", "--source", str(src), "--out", str(out), "--notebooks", str(nbdir), *args
    )
    assert rc == 2
    assert re.fullmatch(r"shoplab report: error: [^\n]+\n", err), err  # one line
    assert re.search(expected, err), err
    assert not out.exists()  # no folder that could pass for a report


def test_a_value_outside_the_declared_ones_is_refused_before_any_notebook(tmp_path, capsys):
    """`--param trend_metric=revenue` used to show only `KeyError: 'revenue'` on the index."""
    d = tmp_path / "notebooks"
    d.mkdir()
    shutil.copy(ROOT / "notebooks" / "overview.ipynb", d / "overview.ipynb")
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    out = tmp_path / "r"
    rc, _, err = _cli(
        capsys,
        "report",
        "--source",
        str(src),
        "--out",
        str(out),
        "--notebooks",
        str(d),
        "--param",
        "trend_metric=revenue",
    )
    assert rc == 2 and not out.exists()
    assert (
        "--param trend_metric=revenue is not allowed: trend_metric of the overview report (metric of the daily "
        "trend chart) is one of gmv, orders, buyers" in err
    )


def test_help_params_lists_types_defaults_and_allowed_values(capsys):
    rc, out, _ = _cli(capsys, "report", "--help-params", "overview")
    assert rc == 0
    assert re.search(r"trend_metric\s+str \(default \"gmv\"\)\n\s+.*; one of gmv, orders, buyers", out), out
    assert "profiling" not in out
    rc, out, _ = _cli(capsys, "report", "--help-params")
    assert rc == 0 and all(
        f"{n} (" in out for n in ("overview", "profiling", "paths", "campaigns", "membership")
    )
    rc, _, err = _cli(capsys, "report", "--help-params", "nosuch")
    assert rc == 2 and "unknown report(s) nosuch" in err


# -- data the period and the source cannot answer ---------------------------------------------------
def test_a_month_the_data_covers_in_part_runs_with_a_note(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    _notebook(d / "fine.ipynb", "print(1)", extra_params='lang: str = "en"  # language; one of en, zh\n')
    o = _orders()
    o = o[o.ts < "2024-10-15 18:00"]
    last = o.ts.max().date()
    src = write_tables(tmp_path / "src", "parquet", orders=o)
    quiet = {"notebooks_dir": d, "progress": lambda *_: None, "period": "2024-10"}
    out_dir, res = run_reports(src, out=tmp_path / "en", **quiet)
    assert res[0].status == "ok"
    en = f"The data covers only 2024-10-01 to {last} of 2024-10"
    assert en in (out_dir / "fine.html").read_text(encoding="utf-8")
    assert en in (out_dir / "index.html").read_text(encoding="utf-8")
    assert json.loads((out_dir / "status.json").read_text())["notes"][0].startswith(en)
    out_dir, _ = run_reports(src, out=tmp_path / "zh", params={"lang": "zh"}, **quiet)
    zh = f"数据只覆盖 2024-10 中的 2024-10-01 至 {last}"
    assert zh in (out_dir / "fine.html").read_text(encoding="utf-8")
    assert zh in (out_dir / "index.html").read_text(encoding="utf-8")
    # the whole month covered: no note
    out_dir, _ = run_reports(src, out=tmp_path / "sep", **{**quiet, "period": "2024-09"})
    assert "The data covers only" not in (out_dir / "fine.html").read_text(encoding="utf-8")


def test_a_quarter_or_a_range_the_data_covers_in_part_runs_with_a_note_in_its_own_folder(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    _notebook(d / "fine.ipynb", "print(1)", extra_params='lang: str = "en"  # language; one of en, zh\n')
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    lo, hi = (str(t.date()) for t in (_orders().ts.min(), _orders().ts.max()))
    quiet = {"notebooks_dir": d, "progress": lambda *_: None}
    out_dir, res = run_reports(src, out=tmp_path / "q", period="2024-Q4", **quiet)
    assert res[0].status == "ok" and out_dir.name == "2024-Q4"
    note = f"The data covers only 2024-10-01 to {hi} of 2024 Q4"
    assert note in (out_dir / "fine.html").read_text(encoding="utf-8")
    assert note in (out_dir / "index.html").read_text(encoding="utf-8")
    status = json.loads((out_dir / "status.json").read_text())
    assert status["period"] == "2024-Q4" and status["period_title_zh"] == "2024年第四季度"
    assert "this quarter's numbers are for that part of it" in status["notes"][0]
    assert "shoplab quarterly reports · 2024 Q4" in (out_dir / "index.html").read_text(encoding="utf-8")
    out_dir, _ = run_reports(src, out=tmp_path / "r", period=f"{lo}..{hi}", **quiet)
    assert out_dir.name == f"{lo}..{hi}" and "The data covers only" not in (out_dir / "fine.html").read_text(
        encoding="utf-8"
    )


def test_data_without_a_complete_month_defaults_to_its_only_month_with_a_note(tmp_path):
    """The default period is the latest complete month; when the data has none (a first export of half a
    month), the data's own month runs with the partial-month note instead of a refusal."""
    d = tmp_path / "notebooks"
    d.mkdir()
    _notebook(d / "fine.ipynb", "print(1)")
    o = _orders()
    o = o[(o.ts >= "2024-10-01") & (o.ts < "2024-10-15 18:00")]
    src = write_tables(tmp_path / "src", "parquet", orders=o)
    out_dir, res = run_reports(src, out=tmp_path / "out", notebooks_dir=d, progress=lambda *_: None)
    assert out_dir.name == "2024-10" and res[0].status == "ok"
    assert json.loads((out_dir / "status.json").read_text())["notes"][0].startswith("The data covers only")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, r"the folder is empty"),
        (
            {"ExportOrderList202411.csv": "订单编号,买家会员名,买家实际支付金额\n1,a,3\n"},
            r"found ExportOrderList202411\.csv\. These look like a Taobao order export; shoplab import "
            r"taobao-orders \S+ --out DIR converts such files to the contract \(see docs/importing\.md\)",
        ),
        (
            {"orders_export_1.csv": "Name,Email,Financial Status\n#1,a@b,paid\n"},
            r"look like a Shopify export",
        ),
        (
            {"Orders.xlsx": "x"},
            r"found Orders\.xlsx\. Orders\.xlsx is Excel: save it as orders\.csv or \.parquet",
        ),
        ({"order.csv": "order_id\n1\n"}, r"Did you mean orders\.csv for order\.csv\?"),
    ],
)
def test_a_source_without_contract_tables_is_refused(tmp_path, capsys, nbdir, files, expected):
    src = tmp_path / "shop"
    src.mkdir()
    for name, text in files.items():
        (src / name).write_text(text, encoding="utf-8")
    rc, out, err = _cli(capsys, "validate", "--source", str(src))
    assert rc == 2 and "pass the data contract" not in out
    assert re.fullmatch(r"shoplab validate: error: [^\n]+\n", err), err
    assert "looked for users, events, orders, order_items" in err
    assert "each as <name>.parquet, <name>.csv or a <name>/ folder of Parquet parts" in err
    assert re.search(expected, err), err
    rc, _, err = _cli(
        capsys, "report", "--source", str(src), "--out", str(tmp_path / "r"), "--notebooks", str(nbdir)
    )
    assert rc == 2 and re.search(expected, err) and not (tmp_path / "r").exists()


# -- the period folder: status from the start, lock, order, atomic writes ---------------------------
def test_the_folder_says_running_before_the_source_is_validated(tmp_path, nbdir, monkeypatch):
    from shoplab.data import Shop

    seen = []
    original = Shop.validate

    def validate(self, **kw):
        path = tmp_path / "r" / "2024-10" / "status.json"
        seen.append(json.loads(path.read_text())["status"] if path.exists() else None)
        return original(self, **kw)

    monkeypatch.setattr(Shop, "validate", validate)
    out_dir, _ = run_reports(
        write_tables(tmp_path / "src", "parquet", orders=_orders()),
        only=["fine"],
        out=tmp_path / "r",
        notebooks_dir=nbdir,
        progress=lambda *_: None,
    )
    assert seen[0] == "running"
    st = json.loads((out_dir / "status.json").read_text())
    assert st["status"] == "complete" and st["finished_reports"] == ["fine"]


def test_rerunning_one_report_keeps_the_others_in_notebook_order(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    for k, name in enumerate(["alpha", "beta", "gamma"]):
        _notebook(d / f"{name}.ipynb", f'import shoplab\nshoplab.record("{name}.k", {k})', order=10 * k)
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    quiet = {"notebooks_dir": d, "progress": lambda *_: None, "out": tmp_path / "r"}
    out_dir, _ = run_reports(src, **quiet)
    first = {r["name"]: r["generated"] for r in json.loads((out_dir / "status.json").read_text())["reports"]}
    time.sleep(1.1)  # generated times have one-second resolution
    run_reports(src, only=["alpha"], **quiet)
    st = json.loads((out_dir / "status.json").read_text())
    assert [r["name"] for r in st["reports"]] == ["alpha", "beta", "gamma"]
    gen = {r["name"]: r["generated"] for r in st["reports"]}
    assert gen["beta"] == first["beta"] and gen["gamma"] == first["gamma"] and gen["alpha"] > first["alpha"]
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert index.index("Alpha") < index.index("Beta") < index.index("Gamma")
    assert index.count("from an earlier run") == 2
    assert json.loads((out_dir / "metrics.json").read_text()) == {"alpha.k": 0, "beta.k": 1, "gamma.k": 2}


def test_a_second_run_into_the_same_folder_is_refused(tmp_path, nbdir, capsys):
    from shoplab.runner.rundir import RunLock

    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    folder = tmp_path / "r" / "2024-10"
    folder.mkdir(parents=True)
    (folder / "status.json").write_text('{"reports": []}')
    with RunLock(folder):  # a run of this very process holds it
        rc, _, err = _cli(
            capsys,
            "report",
            "--source",
            str(src),
            "--out",
            str(tmp_path / "r"),
            "--notebooks",
            str(nbdir),
            "--only",
            "fine",
        )
        assert rc == 2 and re.search(
            rf"another shoplab report run \(pid {os.getpid()}, started .*\) is writing", err
        )
        assert (folder / "status.json").read_text() == '{"reports": []}'  # the running one's files untouched
    assert not (folder / RunLock.NAME).exists()


def _kernels_of(pid: int) -> list[int]:
    """Processes whose JPY_PARENT_PID is ``pid``: kernels that runner process started (Linux /proc)."""
    found = []
    for env in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"JPY_PARENT_PID={pid}\0".encode() in env.read_bytes():
                found.append(int(env.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize(("sig", "jobs"), [(signal.SIGINT, "1"), (signal.SIGTERM, "2")])
def test_a_signal_stops_the_run_within_seconds(tmp_path, sig, jobs):
    d = tmp_path / "notebooks"
    d.mkdir()
    _notebook(d / "quick.ipynb", 'import shoplab\nshoplab.record("quick.k", 1)', order=10)
    _notebook(d / "slow.ipynb", "import time\ntime.sleep(300)", order=20)
    _notebook(d / "later.ipynb", "import time\ntime.sleep(300)", order=30)
    src = write_tables(tmp_path / "src", "parquet", orders=_orders())
    cmd = [sys.executable, "-m", "shoplab", "report", "--source", str(src), "--out", str(tmp_path / "r")]
    p = subprocess.Popen(
        [*cmd, "--notebooks", str(d), "--jobs", jobs],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in p.stdout:
            lines.append(line)
            text = "".join(lines)
            if "slow: running" in text and "quick: ok" in text and (jobs == "1" or "later: running" in text):
                break  # one report finished, the others running (two at a time) or waiting
        time.sleep(2)  # the slow notebook's kernel is up and sleeping
        has_proc = Path("/proc/self/environ").exists()
        assert not has_proc or _kernels_of(p.pid), "the slow notebook's kernel runs"
        t0 = time.monotonic()
        p.send_signal(sig)
        out, err = p.communicate(timeout=30)
        secs = time.monotonic() - t0
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 130, "".join(lines) + out + err
    assert secs < 5, f"took {secs:.1f} s to stop"
    assert "Traceback" not in err and "Kernel died" not in err, err
    assert re.search(rf"interrupted by {sig.name}: finished quick", err), err
    folder = tmp_path / "r" / "2024-10"
    st = json.loads((folder / "status.json").read_text())
    assert st["status"] == "interrupted" and st["finished_reports"] == ["quick"] and st["finished"]
    assert {r["name"]: r["status"] for r in st["reports"]} == {
        "quick": "ok",
        "slow": "interrupted",
        "later": "interrupted",
    }
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "This run was interrupted." in index and "Finished by it: Quick." in index
    assert sorted(x.name for x in folder.iterdir()) == [
        "index.html",
        "metrics.json",
        "quick.html",
        "quick.ipynb",
        "status.json",
    ]  # no partial files, no HTML of a report that did not finish, no lock left
    if has_proc:
        time.sleep(0.5)
        assert not _kernels_of(p.pid), "kernels were shut down"


def test_every_name_imported_from_the_runner_is_there():
    """Every name the code, tests and docs import from shoplab.runner is still there."""
    import shoplab.runner

    pattern = re.compile(r"from shoplab\.runner import (?:\(([^)]*)\)|([^\n(]+))")
    used = set()
    for folder in ("src", "tests", "notebooks", "docs", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".ipynb", ".md") and path.is_file():
                for m in pattern.finditer(path.read_text(encoding="utf-8")):
                    names = (m.group(1) or m.group(2)).split("#")[0].split(",")
                    used |= {n.strip() for n in names if n.strip()}
    assert {"run_reports", "discover", "ReportResult", "index_html"} <= used
    assert not [n for n in used if not hasattr(shoplab.runner, n)]
