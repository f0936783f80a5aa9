"""The profiling report notebook runs on the sample shop and records exactly the issue's headline keys."""

from __future__ import annotations

import json

import nbformat
import papermill
import pytest
from conftest import ROOT

from shoplab import profiling as pf
from shoplab.notebook import METRIC_MIME

pytestmark = pytest.mark.notebooks


def test_profiling_notebook_runs(sample_dir, tmp_path):
    out = tmp_path / "profiling.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "profiling.ipynb"),
        str(out),
        parameters={"source": str(sample_dir), "period": "2026-10", "export_dir": str(tmp_path)},
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    metrics = {}
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.get("output_type") != "error"
            if METRIC_MIME in o.get("data", {}):
                m = o["data"][METRIC_MIME]
                metrics[m["key"]] = m["value"]
    want = {"profiling.users", "profiling.buyers", "profiling.top20_revenue_share", "profiling.n_personas"}
    want |= {f"profiling.segment.{s}" for s in pf.SEGMENTS}
    assert set(metrics) == want
    f = pf.user_features(str(sample_dir), "2026-10")
    assert metrics["profiling.users"] == len(f) and metrics["profiling.buyers"] == (f.frequency > 0).sum()
    assert sum(metrics[f"profiling.segment.{s}"] for s in pf.SEGMENTS) == f.recency_days.notna().sum()
    assert (tmp_path / "profiling_features_2026-10.parquet").exists()
    json.dumps(metrics)


@pytest.mark.slow
def test_profiling_notebook_without_optional_tables(sample_dir, tmp_path):
    """Only orders: personas, demographics and baskets are skipped with a visible note; the rest runs."""
    import shutil

    src = tmp_path / "orders_only"
    src.mkdir()
    shutil.copytree(sample_dir / "orders", src / "orders")
    out = tmp_path / "profiling.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "profiling.ipynb"),
        str(out),
        parameters={"source": str(src), "period": "2026-10"},
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    html = json.dumps([o for c in nb.cells for o in c.get("outputs", [])], ensure_ascii=False)
    assert "no events table: personas are skipped" in html
    assert "no order_items table: basket affinities are skipped" in html
    assert "The data source has no users, events, order_items table" in html
