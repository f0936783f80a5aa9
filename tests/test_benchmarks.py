"""The benchmark's pandas baselines compute what the engine computes (on the small sample shop).

A ratio against a baseline that answers a different question means nothing, so the plain and the tuned pandas
versions of the funnel, transitions and sessionization must give the engine's numbers. The benchmark checks
this at every size it runs; this test keeps the baselines honest without running it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import bench_paths  # noqa: E402


@pytest.mark.parametrize("step", ["funnel", "transitions", "sessionize"])
def test_baselines_match_the_engine(sample_dir, step):
    engine = bench_paths.ENGINE[step](str(sample_dir))
    assert engine == bench_paths.PANDAS[step](str(sample_dir))
    assert engine == bench_paths.TUNED[step](str(sample_dir))
    if step == "funnel":  # the sample shop has a real funnel: each step reached by fewer users, none by zero
        users = engine["users"]
        assert users[0] > users[-1] > 0
        assert users == sorted(users, reverse=True)


def test_tuned_funnel_counts_a_hand_worked_log(tmp_path):
    """Window edge, a later anchor rescuing a chain, ties in time taken in step order, a user with no start."""
    import pandas as pd

    d = pd.Timedelta
    t0 = pd.Timestamp("2026-10-01")
    rows = [
        # user 1: home, then product_view exactly 7 days later (the edge counts), then cart too late
        (1, t0, "home"), (1, t0 + d("7D"), "product_view"), (1, t0 + d("7D") + d("1s"), "add_to_cart"),
        # user 2: an old home, a new home, then the chain within the new one's window; checkout and pay tied
        (2, t0, "home"), (2, t0 + d("10D"), "home"), (2, t0 + d("11D"), "product_view"),
        (2, t0 + d("12D"), "add_to_cart"), (2, t0 + d("13D"), "pay"), (2, t0 + d("13D"), "checkout"),
        # user 3: never on home
        (3, t0, "product_view"), (3, t0 + d("1h"), "pay"),
    ]  # fmt: skip
    ev = pd.DataFrame(rows, columns=["user_id", "ts", "event"])
    (tmp_path / "events").mkdir()
    ev.to_parquet(tmp_path / "events" / "part-0.parquet", index=False)
    assert bench_paths.TUNED["funnel"](str(tmp_path)) == {"users": [2, 2, 1, 1, 1]}
    assert bench_paths.PANDAS["funnel"](str(tmp_path)) == {"users": [2, 2, 1, 1, 1]}
