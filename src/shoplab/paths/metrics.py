"""The metrics.json keys of the paths report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these.

:func:`record_headlines` is the one place the report records them.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..i18n import tr
from ..metrics import Metric
from . import text

__all__ = ["METRICS", "record_headlines"]

METRICS: tuple[Metric, ...] = (
    Metric("paths.sessions", "Sessions", "会话数", "count", source="shoplab.paths.sessions.session_summary"),
    Metric(
        "paths.bounce_rate", "Bounce rate", "跳出率", "rate", source="shoplab.paths.sessions.session_summary"
    ),
    Metric(
        "paths.funnel.<step>",
        "Funnel: <step>",
        "漏斗：<step>",
        "count",
        source="shoplab.paths.funnels.funnel",
        note="Users (or sessions) reaching the step; the label names the step.",
    ),
    Metric(
        "paths.conversion",
        "Funnel conversion <first> → <last>",
        "漏斗转化率 <first> → <last>",
        "rate",
        source="shoplab.paths.funnels.funnel",
        note="Conversion from the first to the last funnel step; the label names both.",
    ),
)

_DECLARED = {m.key: m for m in METRICS}


def _record(
    key: str, value: Any, *, previous: Any, lang: str | None, decl: str | None = None, **names: str
) -> Any:
    """Record ``key`` as declared under ``decl`` (default: ``key``): unit and index flag from the declaration,
    the label in ``lang`` with its placeholders (``<step>``) filled in with display names."""
    from ..notebook import record

    m = _DECLARED[decl or key]
    label = tr(m.en, m.zh, lang)
    for k, v in names.items():
        label = label.replace(f"<{k}>", v)
    return record(key, value, label=label, unit=m.unit, previous=previous, index=m.index)


def record_headlines(
    results: Any,
    current: pd.DataFrame | None = None,
    previous_summary: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    *,
    lang: str | None = None,
) -> dict[str, float]:
    """Record ``paths.sessions``, ``paths.bounce_rate``, ``paths.funnel.<step>`` and ``paths.conversion``.

    ``results`` is :func:`shoplab.paths.compute_report`'s :class:`~shoplab.paths.results.PathsResults`; the old
    form ``record_headlines(summary, current, previous_summary, previous)`` still works.
    """
    if current is None:
        r = results
        summary, current, previous_summary, previous = r.summary, r.current, r.summary_prev, r.previous
    else:
        summary = results

    def prev(df, col, i=0):
        if df is None or len(df) <= i:
            return math.nan
        return df[col].iloc[i]

    out = {}
    s = summary.iloc[0]
    out["paths.sessions"] = _record(
        "paths.sessions", int(s.sessions), previous=prev(previous_summary, "sessions"), lang=lang
    )
    out["paths.bounce_rate"] = _record(
        "paths.bounce_rate", s.bounce_rate, previous=prev(previous_summary, "bounce_rate"), lang=lang
    )
    for i, r in enumerate(current.itertuples()):
        key = f"paths.funnel.{r.step}"
        out[key] = _record(
            key,
            r.users,
            previous=prev(previous, "users", i),
            lang=lang,
            decl="paths.funnel.<step>",
            step=text.event_label(r.step, lang),
        )
    first, last = text.event_label(current.step.iloc[0], lang), text.event_label(current.step.iloc[-1], lang)
    out["paths.conversion"] = _record(
        "paths.conversion",
        current.conversion_from_start.iloc[-1],
        previous=prev(previous, "conversion_from_start", len(previous) - 1)
        if previous is not None
        else math.nan,
        lang=lang,
        first=first,
        last=last,
    )
    return out
