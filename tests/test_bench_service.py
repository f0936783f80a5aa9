"""The service benchmark's pandas version computes what the engine computes (on the small sample shop)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_service  # noqa: E402


def test_pandas_worth_matches_the_engine(sample_dir):
    e = bench_service.step_worth(str(sample_dir), "2026-10")
    p = bench_service.step_pandas(str(sample_dir), "2026-10")
    assert e["n"] == p["n"] and min(e["n"]) > 100
    for part in ("review", "repurchase"):
        for k, v in p[part].items():
            assert e[part][k] == pytest.approx(v, rel=1e-8, abs=1e-10), (part, k)
