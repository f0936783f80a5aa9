"""The words of the campaign report: findings, verdicts and notes, chart titles, table labels and the names of
codes, in the report language. No statistics and no engine calls here: every number comes from the compute
modules (:mod:`~shoplab.campaigns.evaluate`, :mod:`~shoplab.campaigns.compute`, ...)."""

from .findings import SECTIONS, findings
from .names import ci_name, dimension_display, model_display, segment_display
from .sentences import (
    after_campaign_sentences,
    did_sentences,
    segment_note,
    segment_notes,
    status_note,
    status_notes,
    verdicts,
)
from .tables import (
    comparison_display,
    effects_table,
    format_attribution,
    format_channels,
    format_effects,
    format_kpis,
    format_segments,
    kpi_display,
    money_table,
    srm_table,
)
from .titles import attribution_title, lift_title, qini_title, segment_title

__all__ = [
    "findings", "SECTIONS", "verdicts", "status_notes", "status_note", "segment_notes", "segment_note",
    "after_campaign_sentences", "did_sentences",
    "lift_title", "segment_title", "qini_title", "attribution_title",
    "srm_table", "money_table", "effects_table", "format_effects", "format_kpis", "kpi_display",
    "comparison_display", "format_segments", "format_channels", "format_attribution",
    "ci_name", "segment_display", "dimension_display", "model_display",
]  # fmt: skip
