"""User profiling (用户画像): who our users are, which of them carry the business, and how to group them.

* :func:`compute_report`: every table of the profiling report for a period, as one :class:`ProfilingResults`;
* :func:`user_features`: one row per user as of the end of a period, computed in the engine;
* :func:`rfm_scores`, :func:`rfm_segments`, :func:`segment_summary`: RFM scores and the named segments;
* :func:`value_tiers`, :func:`tier_summary`: operations value tiers (high value, potential, new, dormant, prospect);
* :class:`Personas`: k-means personas on scaled behavioural features, k by silhouette;
* :func:`user_tags`, :func:`tag_coverage`: the long tag table for campaign targeting;
* :func:`association_rules`: basket affinities (support, confidence, lift, leverage, conviction) in the engine;
* :func:`segment_migration`, :func:`migration_summary`: movement between segments since the previous period;
* :func:`spend_by`, :func:`category_preference`: spend by a user column, category shares by segment.

Words and charts are submodules: :mod:`.text` (findings, titles, table labels, display names), :mod:`.plots`
(charts), :mod:`.metrics` (the metrics.json keys and ``record_headlines(results)``). The names the package had
for them before (``profiling.findings``, ``profiling.plot_segments`` ...) still work, from :mod:`.report`, with
a DeprecationWarning.
"""

import warnings as _warnings

from . import metrics as metrics
from . import plots as plots
from . import report
from . import text as text
from .baskets import association_rules, basket_lines
from .compute import ProfilingResults, compute_report
from .features import AGE_BANDS, age_band, user_features
from .personas import PERSONA_FEATURES, Personas, persona_matrix
from .rfm import (
    SEGMENT_ACTIONS,
    SEGMENT_RULES,
    SEGMENTS,
    TIERS,
    pareto_curve,
    rfm_scores,
    rfm_segments,
    segment_migration,
    segment_of,
    segment_summary,
    segments_at,
    top_share,
    value_tiers,
)
from .summaries import category_preference, migration_summary, spend_by, tier_summary
from .tags import TAG_GROUPS, tag_coverage, user_tags

__all__ = [
    "compute_report",
    "ProfilingResults",
    "user_features",
    "AGE_BANDS",
    "age_band",
    "rfm_scores",
    "rfm_segments",
    "segment_of",
    "segment_summary",
    "SEGMENT_RULES",
    "SEGMENTS",
    "SEGMENT_ACTIONS",
    "value_tiers",
    "tier_summary",
    "TIERS",
    "pareto_curve",
    "top_share",
    "segments_at",
    "segment_migration",
    "migration_summary",
    "spend_by",
    "category_preference",
    "PERSONA_FEATURES",
    "Personas",
    "persona_matrix",
    "user_tags",
    "tag_coverage",
    "TAG_GROUPS",
    "association_rules",
    "basket_lines",
]

# the words and charts this package exported before they moved to text / plots (see report)
_MOVED = {
    "breakdown_name", "findings", "format_persona_segments", "format_personas", "format_rules",
    "format_segments", "format_tiers", "key_numbers", "pareto_title", "persona_fit_note", "persona_name",
    "persona_traits", "plot_category_heatmap", "plot_migration", "plot_pareto", "plot_personas", "plot_rules",
    "plot_segments", "plot_spend_by", "plot_tag_coverage", "plot_tiers", "record_headlines", "segment_action",
    "segment_name", "segments_title", "styled", "tag_group_name", "tag_name", "tier_name",
}  # fmt: skip


def __getattr__(name: str):
    if name in _MOVED:
        _warnings.warn(
            f"shoplab.profiling.{name} is deprecated: use shoplab.profiling.text / plots / metrics "
            "(or shoplab.profiling.report for the old call shape)",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(report, name)
    raise AttributeError(f"module 'shoplab.profiling' has no attribute {name!r}")
