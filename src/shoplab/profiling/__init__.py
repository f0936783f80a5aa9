"""User profiling (用户画像): who our users are, which of them carry the business, and how to group them.

* :func:`user_features`: one row per user as of the end of a period, computed in the engine;
* :func:`rfm_scores`, :func:`rfm_segments`, :func:`segment_summary`: RFM scores and the named segments;
* :func:`value_tiers`: operations value tiers (high value, potential, new, dormant, prospect);
* :class:`Personas`: k-means personas on scaled behavioural features, k by silhouette;
* :func:`user_tags`, :func:`tag_coverage`: the long tag table for campaign targeting;
* :func:`association_rules`: basket affinities (support, confidence, lift, leverage, conviction) in the engine;
* :func:`segment_migration`: movement between segments since the previous period.
"""

from .baskets import association_rules, basket_lines
from .features import AGE_BANDS, age_band, user_features
from .personas import PERSONA_FEATURES, Personas, persona_matrix
from .report import (
    category_preference,
    findings,
    migration_summary,
    pareto_title,
    plot_category_heatmap,
    plot_migration,
    plot_pareto,
    plot_personas,
    plot_rules,
    plot_segments,
    plot_spend_by,
    plot_tiers,
    record_headlines,
    segments_title,
    spend_by,
)
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
from .tags import TAG_GROUPS, tag_coverage, user_tags

__all__ = [
    "association_rules",
    "basket_lines",
    "PERSONA_FEATURES",
    "Personas",
    "persona_matrix",
    "category_preference",
    "findings",
    "migration_summary",
    "pareto_title",
    "plot_category_heatmap",
    "plot_migration",
    "plot_pareto",
    "plot_personas",
    "plot_rules",
    "plot_segments",
    "plot_spend_by",
    "plot_tiers",
    "record_headlines",
    "segments_title",
    "spend_by",
    "segments_at",
    "TAG_GROUPS",
    "tag_coverage",
    "user_tags",
    "AGE_BANDS",
    "age_band",
    "user_features",
    "SEGMENT_ACTIONS",
    "SEGMENT_RULES",
    "SEGMENTS",
    "TIERS",
    "pareto_curve",
    "rfm_scores",
    "rfm_segments",
    "segment_migration",
    "segment_of",
    "segment_summary",
    "top_share",
    "value_tiers",
]
