"""The metrics.json keys of the profiling report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these."""

from __future__ import annotations

from ..metrics import Metric
from .names import segment_name, window
from .rfm import SEGMENTS

__all__ = ["METRICS", "record_headlines"]

_SRC = "shoplab.profiling."

METRICS: tuple[Metric, ...] = (
    Metric("profiling.users", "Users", "用户数", "count", source=_SRC + "summaries.concentration"),
    Metric(
        "profiling.buyers",
        "Buyers in the last year",
        "近一年购买人数",
        "count",
        source=_SRC + "summaries.concentration",
        note="(paid in the window; the label names the window when it is not 12 months)",
    ),
    Metric(
        "profiling.top20_revenue_share",
        "Revenue share of the top 20% buyers",
        "前 20% 买家的成交额占比",
        "rate",
        source=_SRC + "rfm.top_share",
    ),
    Metric("profiling.n_personas", "Personas", "画像群体数", "count", source=_SRC + "personas.Personas"),
    Metric(
        "profiling.segment.<segment>",
        "Segment: <segment>",
        "分层：<segment>",
        "count",
        index=False,
        source=_SRC + "rfm.rfm_segments",
        note="(buyers in each RFM segment; the segment is its code, e.g. `Champions`)",
    ),
)


def record_headlines(results) -> dict[str, float]:
    """Record the profiling keys of a :class:`~shoplab.profiling.ProfilingResults` (its ``headlines``) for
    metrics.json and the index page; returns the values by key."""
    return _record(results.headlines, window_months=results.window_months)


def _record(values: dict, *, window_months: int = 12) -> dict[str, float]:
    """Record ``values`` (key -> number) with their declared unit and index flag; the labels are the
    declared ones with the window and the segment filled in."""
    from ..i18n import tr
    from ..notebook import record

    w = window(window_months)
    segments = {f"profiling.segment.{s}": s for s in SEGMENTS}
    declared = {m.key: m for m in METRICS}
    out = {}
    for k, v in values.items():
        # segment codes hold spaces ("Loyal Customers"), which shoplab.metrics.lookup's placeholders refuse
        m = declared["profiling.segment.<segment>" if k in segments else k]
        if k == "profiling.buyers":
            label = tr(f"Buyers in {w}", f"{w}购买人数")
        elif k in segments:
            s = segments[k]
            label = tr(m.en.replace("<segment>", s), m.zh.replace("<segment>", segment_name(s, "zh")))
        else:
            label = m.label()
        out[k] = record(k, v, label=label, unit=m.unit, index=m.index)
    return out
