"""The membership notebook runs on a shop without the optional tables and says which sections it skips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_membership_notebook_without_optional_tables(sample_dir, tmp_path):
    import papermill as pm

    src = tmp_path / "shop"
    src.mkdir()
    shutil.copytree(sample_dir / "orders", src / "orders")
    shutil.copy(sample_dir / "members.parquet", src)
    shutil.copy(sample_dir / "users.parquet", src)
    out = tmp_path / "membership.ipynb"
    nb = pm.execute_notebook(
        str(ROOT / "notebooks" / "membership.ipynb"),
        str(out),
        parameters={"source": str(src)},
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    text = out.read_text(encoding="utf-8")
    assert "No points table: the points section is skipped." in text
    assert "No feedback table: the satisfaction section is skipped." in text
    assert "tier_history, points, events, feedback" in text
    metrics = [
        o["data"]["application/vnd.shoplab.metric+json"]
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "application/vnd.shoplab.metric+json" in o.get("data", {})
    ]
    keys = {m["key"]: m["value"] for m in metrics}
    assert set(keys) == {
        "membership.members",
        "membership.active_rate",
        "membership.repurchase_rate_members",
        "membership.repurchase_rate_non_members",
        "membership.points_outstanding",
        "membership.churn_auc",
        "membership.clv_12m_mean",
        "membership.nps",
    }
    assert keys["membership.points_outstanding"] is None and keys["membership.nps"] is None
    assert 0.5 < keys["membership.churn_auc"] <= 1
