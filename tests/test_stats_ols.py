"""shoplab.stats.ols_robust against statsmodels (OLS, HC1, t intervals)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shoplab.stats import ols_robust

sm = pytest.importorskip("statsmodels.api")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(8, 200))
def test_matches_statsmodels_hc1(seed, n):
    rng = np.random.default_rng(seed)
    x = np.column_stack([np.ones(n), rng.normal(size=n), rng.exponential(size=n), rng.random(n) < 0.3])
    y = 1 + 0.5 * x[:, 1] - 0.2 * x[:, 2] + rng.normal(size=n) * (1 + x[:, 2])
    if np.linalg.matrix_rank(x) < 4:
        return
    got = ols_robust(y, x, ["c", "a", "b", "d"])
    ref = sm.OLS(y, x).fit(cov_type="HC1", use_t=True)
    ci = ref.conf_int()
    for i, k in enumerate(["c", "a", "b", "d"]):
        assert got[k].estimate == pytest.approx(ref.params[i], rel=1e-8, abs=1e-10)
        assert got[k]["se"] == pytest.approx(ref.bse[i], rel=1e-7)
        assert got[k].ci_low == pytest.approx(ci[i, 0], rel=1e-7, abs=1e-10)
        assert got[k].p_value == pytest.approx(ref.pvalues[i], rel=1e-6, abs=1e-12)
    assert "not cause" in got["a"].method


def test_refuses_too_few_rows():
    with pytest.raises(ValueError, match="more rows"):
        ols_robust([1.0, 2.0], np.ones((2, 2)), ["a", "b"])
