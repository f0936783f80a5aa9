"""The campaigns report end to end: it renders on a small shop and records exactly the issue's headline keys."""

from __future__ import annotations

import json

import pytest

from shoplab.runner import run_reports

KEYS = [
    "lift_conversion", "lift_conversion_ci_low", "lift_conversion_ci_high", "lift_revenue_per_user",
    "lift_revenue_per_user_ci_low", "lift_revenue_per_user_ci_high", "incremental_gmv", "roi", "srm_p",
]  # fmt: skip


@pytest.mark.slow
def test_campaigns_report_records_headline_keys(sample_dir, tmp_path):
    out, results = run_reports(
        sample_dir, period="2026-10", only=["campaigns"], out=tmp_path, progress=lambda m: None
    )
    assert [r.status for r in results] == ["ok"], results
    metrics = json.loads((out / "metrics.json").read_text())
    mine = {k for k in metrics if k.startswith("campaigns.")}
    assert mine == {f"campaigns.C2026-10-national.{k}" for k in KEYS}
    m = {k.rsplit(".", 1)[1]: v for k, v in metrics.items() if k in mine}
    assert m["lift_conversion_ci_low"] <= m["lift_conversion"] <= m["lift_conversion_ci_high"]
    assert 0 <= m["srm_p"] <= 1
    html = (out / "campaigns.html").read_text(encoding="utf-8")
    for section in ("Verdict", "Sample-ratio check", "Money", "KPI layers", "Who responded", "Channels and attribution",
                    "Data quality"):  # fmt: skip
        assert section in html
    assert "U-" in html  # the targeting list is pseudonymised by default
