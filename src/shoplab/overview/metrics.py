"""The metrics.json keys of the overview report (see :mod:`shoplab.metrics`); docs/metrics.md is generated from these."""

from __future__ import annotations

from ..metrics import Metric

METRICS: tuple[Metric, ...] = ()
