"""A notebook's ``requires_any``: it runs when at least one listed table (or table.column=value) exists."""

from __future__ import annotations

import nbformat
import pandas as pd
from conftest import write_tables

from shoplab.runner import discover, requirements_markdown, run_reports


def _nbdir(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    nb = nbformat.v4.new_notebook()
    params = 'source: str = "x"  # data source\nperiod: str = "2024-10"  # month\n'
    nb.cells = [nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print('ran')")]  # fmt: skip
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["shoplab"] = {"title": "Svc", "requires": ["orders"],
                              "requires_any": ["shipments", "feedback.kind=review"]}  # fmt: skip
    nbformat.write(nb, d / "svc.ipynb")
    return d


def _orders(n=20):
    ts = pd.Timestamp("2024-08-01") + pd.to_timedelta(range(n), unit="D")
    return pd.DataFrame(
        {"order_id": range(n), "user_id": [i % 5 for i in range(n)], "ts": ts, "amount": 10.0}
    )


def _status(tmp_path, name, **tables):
    src = write_tables(tmp_path / name, "parquet", orders=_orders(), **tables)
    _, results = run_reports(src, out=tmp_path / f"r-{name}", notebooks_dir=_nbdir(tmp_path / name),
                             progress=lambda *_: None)  # fmt: skip
    (r,) = results
    return r


def _feedback(kind):
    return pd.DataFrame({"user_id": [1], "ts": [pd.Timestamp("2024-09-01")], "kind": [kind], "score": [4.0]})


def test_skipped_with_a_reason_when_none_of_the_tables_exists(tmp_path):
    r = _status(tmp_path, "none")
    assert r.status == "skipped"
    assert r.message == "skipped: the data source has none of shipments, feedback.kind=review"


def test_a_feedback_table_without_reviews_does_not_count(tmp_path):
    assert _status(tmp_path, "nps", feedback=_feedback("nps")).status == "skipped"


def test_runs_when_one_exists(tmp_path):
    ships = pd.DataFrame({"order_id": [1], "shipped_ts": [pd.Timestamp("2024-09-02")]})
    assert _status(tmp_path, "ship", shipments=ships).status == "ok"
    assert _status(tmp_path, "rev", feedback=_feedback("review")).status == "ok"


def test_discovered_and_in_the_requirements_table(tmp_path):
    d = _nbdir(tmp_path)
    assert discover(d)["svc"].requires_any == ["shipments", "feedback.kind=review"]
    assert "| svc | orders, one of shipments / feedback.kind=review |" in requirements_markdown(d)
