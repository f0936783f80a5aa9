"""The membership report's metrics.json keys: declared once in membership.metrics, recorded by record_headlines
with the labels, units and index flags the notebook recorded before (the index page must not change)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from shoplab import notebook
from shoplab.membership import metrics as mm

# what notebooks/membership.ipynb recorded with nbk.record before the registry (key: English label, unit)
BEFORE = {
    "membership.members": ("Members", "count"),
    "membership.active_rate": ("Active member rate", "rate"),
    "membership.repurchase_rate_members": ("Repurchase rate, members", "rate"),
    "membership.repurchase_rate_non_members": ("Repurchase rate, non-members", "rate"),
    "membership.churn_auc": ("Churn model AUC (test)", None),
    "membership.clv_12m_mean": ("Mean 12-month CLV of members", "yuan"),
    "membership.nps": ("NPS", None),
    "membership.points_outstanding": ("Points outstanding", "count"),
}


def _results(nps_now, points_year):
    comparison = pd.DataFrame({"group": ["member", "non-member"], "repurchase_rate": [0.7, 0.6]})
    return SimpleNamespace(
        active={"members": 12, "active_rate": 0.5},
        comparison=comparison,
        churn=SimpleNamespace(auc=0.81),
        clv_mean=2000.0,
        nps_now=nps_now,
        points_year=points_year,
    )


@pytest.mark.parametrize("optional", [True, False])
def test_record_headlines_records_every_declared_key_as_before(monkeypatch, optional):
    shown = []
    monkeypatch.setattr(notebook, "_display", lambda obj, raw: shown.append(obj[notebook.METRIC_MIME]))
    res = _results({"nps": 31.0} if optional else None, {"outstanding": 9000} if optional else None)
    mm.record_headlines(res)
    assert [m["key"] for m in shown] == list(BEFORE)  # the order the index page lists them in
    assert {m.key for m in mm.METRICS} == set(BEFORE)
    for m in shown:
        assert (m["label"], m["unit"]) == BEFORE[m["key"]], m
        assert m.get("index", True)
    values = {m["key"]: m["value"] for m in shown}
    assert values["membership.repurchase_rate_non_members"] == 0.6 and values["membership.churn_auc"] == 0.81
    assert values["membership.nps"] == (31.0 if optional else None)
    assert values["membership.points_outstanding"] == (9000 if optional else None)
