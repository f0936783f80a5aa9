"""The paths notebook warns when a parameter names an event that never occurs in the month."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from shoplab import paths

ROOT = Path(__file__).resolve().parents[2]


def test_absent_events_lists_names_missing_in_the_period():
    df = pd.DataFrame(
        {
            "user_id": [1, 1, 2],
            "ts": pd.to_datetime(["2026-09-30 23:59", "2026-10-01 00:00", "2026-10-31 23:59"]),
            "event": ["cart", "home", "pay"],
        }
    )
    # names and lists of alternatives; each name once, in the order given
    steps = ["home", ["cart", "add_to_cart"], "pay", "home", "chekout"]
    assert paths.absent_events(df, steps) == ["add_to_cart", "chekout"]
    assert paths.absent_events(df, steps, period="2026-10") == ["cart", "add_to_cart", "chekout"]
    assert paths.absent_events(df, "pay", period="2026-09") == ["pay"]
    assert paths.absent_events(df, {"visit": "home", "buy": ["pay", "checkout"]}) == ["checkout"]


@pytest.mark.slow
def test_paths_notebook_warns_about_a_misspelt_step(sample_dir, tmp_path):
    import papermill as pm

    out = tmp_path / "paths.ipynb"
    pm.execute_notebook(
        str(ROOT / "notebooks" / "paths.ipynb"),
        str(out),
        parameters={
            "source": str(sample_dir),
            "funnel_steps": ["home", "product_view", "add_to_krat", "checkout", "pay"],
            "breakdowns": ["platform"],
        },
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
    )
    text = out.read_text(encoding="utf-8")
    assert "These events never occur in 2026-10: add_to_krat. Check their spelling" in text


@pytest.mark.slow
def test_the_default_report_has_no_such_warning(rendered):
    period_dir, _ = rendered
    assert "never occur" not in (period_dir / "paths.html").read_text(encoding="utf-8")
