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
    assert "The data source has no users, events, order_items, items, members, tier_history table" in html


def test_spend_by_puts_city_tiers_and_age_bands_in_their_order():
    import pandas as pd

    f = pd.DataFrame(
        {
            "city_tier": ["三线及以下", "二线", None, "新一线", "一线", "一线"],
            "age_band": ["50+", "<18", "25-29", "18-24", None, "<18"],
            "monetary": [1.0, 2.0, 3.0, 4.0, 5.0, 0.0],
        }
    )
    city = pf.spend_by(f, "city_tier")
    assert city.city_tier.tolist() == ["一线", "新一线", "二线", "三线及以下", "(unknown)"]
    assert city.set_index("city_tier").loc["一线", "users"] == 2  # the numbers travel with their labels
    assert city.set_index("city_tier").loc["一线", "buyers"] == 1
    assert pf.spend_by(f, "age_band").age_band.tolist() == ["<18", "18-24", "25-29", "50+", "(unknown)"]
    other = pd.DataFrame({"channel": ["b", "a", "tier 2"], "monetary": [1.0, 1.0, 1.0]})
    assert pf.spend_by(other, "channel").channel.tolist() == ["tier 2", "a", "b"]
