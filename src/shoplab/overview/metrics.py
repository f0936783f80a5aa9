"""The metrics.json keys of the overview report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these.

The six headline KPIs, ``overview.<code>``, each labelled with its glossary name (``metric.<code>``), so the index
page shows the same name as the report's KPI table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .. import labels
from ..metrics import Metric, record
from .kpis import HEADLINES, KPI_UNITS

if TYPE_CHECKING:
    from .report import OverviewResults

__all__ = ["METRICS", "record_headlines"]

_NOTES = {
    "gmv": "(amount of the month's orders, not cancelled; refunded orders count)",
    "orders": "(orders placed in the month, not cancelled)",
    "buyers": "(distinct users with a non-cancelled order in the month)",
    "aov": "(GMV / orders)",
    "new_users": "(signed up in the month; first-time buyers without users.signup_ts)",
    "repurchase_rate": "(share of the month's buyers with two or more orders in the month)",
}

METRICS: tuple[Metric, ...] = tuple(
    Metric(
        f"overview.{key}",
        labels.name(f"metric.{key}", "en"),
        labels.name(f"metric.{key}", "zh"),
        KPI_UNITS[key],
        index=True,
        source="shoplab.overview.kpis.kpi_summary",
        note=_NOTES[key],
    )
    for key in HEADLINES
)


def record_headlines(
    results: OverviewResults | pd.DataFrame, history: pd.DataFrame | None = None
) -> dict[str, float]:
    """Record the overview's headline numbers (``overview.gmv`` ...) for metrics.json and the index page.

    ``results`` is :func:`shoplab.overview.compute_report`'s result (its history gives the index page its
    sparklines); a KPI summary table (:func:`~shoplab.overview.kpis.kpi_summary`) with an optional ``history``
    (:func:`~shoplab.overview.kpis.kpi_history`) still works.
    """
    if isinstance(results, pd.DataFrame):
        summary = results
    else:
        summary, history = results.summary, results.history
    out = {}
    for key in HEADLINES:
        r = summary.loc[key]
        hist = history[key].to_dict() if history is not None else None
        out[f"overview.{key}"] = record(f"overview.{key}", r["value"], previous=r["previous"], history=hist)
    return out
