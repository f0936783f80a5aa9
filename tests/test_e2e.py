"""End to end: the sample shop through `shoplab report`, as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from test_overview import pandas_kpis

pytestmark = pytest.mark.slow


def test_report_on_the_sample_shop(sample_dir, tmp_path):
    out = tmp_path / "reports"
    p = subprocess.run(
        [sys.executable, "-m", "shoplab", "report", "--source", str(sample_dir), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    period_dir = out / "2026-10"  # the sample ends on 2026-10-31: its latest complete month
    assert "overview: ok" in p.stdout and "done in" in p.stdout
    assert (period_dir / "index.html").exists()
    metrics = json.loads((period_dir / "metrics.json").read_text())
    want = pandas_kpis(sample_dir, "2026-10")
    for key in ("gmv", "orders", "buyers", "aov", "new_users", "repurchase_rate"):
        assert metrics[f"overview.{key}"] == pytest.approx(want[key], rel=1e-9), key
    for name in ("overview",):
        html = (period_dir / f"{name}.html").read_text(encoding="utf-8")
        assert "data:image/png;base64" in html  # figures embedded
        assert 'class="shoplab-toc"' in html  # table of contents
        for bad in (
            "Traceback",
            'jp-RenderedText" data-mime-type="application/vnd.jupyter.stderr',
            "<bound method",
            "object at 0x",
            "shoplab.connect(",
            "import shoplab",
        ):
            assert bad not in html, bad
        assert not re.search(r"Error\b[^<]{0,40}</", html.split("Data quality")[0])
    index = (period_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="overview.html"' in index and "GMV" in index
