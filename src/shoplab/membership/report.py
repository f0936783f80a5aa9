"""Former home of the membership report's words; kept so that ``shoplab.membership.report`` imports keep
working. Findings and titles live in :mod:`.text`, section sentences in :mod:`.sections`, display names and
tables in :mod:`.tables`; the repurchase test in :mod:`.tiers` and the NPS interval in :mod:`.satisfaction`.
"""

from .satisfaction import nps_interval
from .sections import (
    activity_lines,
    churn_lines,
    clv_lines,
    independence_note,
    points_lines,
    satisfaction_lines,
    value_model_lines,
)
from .tables import cohort_label, display_name, display_table, styled_table
from .text import SECTIONS, findings, health_verdict, titles
from .tiers import repurchase_test

__all__ = [
    "findings",
    "health_verdict",
    "titles",
    "display_name",
    "cohort_label",
    "display_table",
    "styled_table",
    "repurchase_test",
    "nps_interval",
    "activity_lines",
    "points_lines",
    "churn_lines",
    "clv_lines",
    "value_model_lines",
    "independence_note",
    "satisfaction_lines",
    "SECTIONS",
]
