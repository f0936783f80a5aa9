"""User profiling (用户画像): who our users are, which of them carry the business, and how to group them.

Analyses (``__all__``; the shop first, then ``period=`` and other keywords):

- :func:`compute_report`: every table of the profiling report for a period, as one :class:`ProfilingResults`.
- :class:`ProfilingResults`: what :func:`compute_report` returns.
- :func:`user_features`: one row per user as of the end of a period (RFM, behaviour, demographics), in the engine.
- :data:`AGE_BANDS`: the age bands of the reports, ``(low, high, label)``.
- :func:`age_band`: the age band of each age.
- :func:`rfm_scores`: R, F and M scores 1..bins by quantiles, in the engine.
- :func:`rfm_segments`: the named RFM segment of each scored user.
- :func:`segment_of`: the named segment of one (R, F, M) score.
- :func:`segment_summary`: size, revenue, AOV and the recommended action of each segment.
- :data:`SEGMENT_RULES`: the rule table that names the segments (first match wins).
- :data:`SEGMENTS`: the segment names in rank order (Champions first).
- :data:`SEGMENT_ACTIONS`: the recommended action of each segment.
- :func:`value_tiers`: operations value tiers (high value, potential, new, dormant, prospect).
- :func:`tier_summary`: users and revenue by value tier.
- :data:`TIERS`: the value tiers in order.
- :func:`pareto_curve`: share of revenue from the top x% of users.
- :func:`top_share`: share of the total held by the top fraction of users.
- :func:`segments_at`: RFM segments as of the end of a period (for movement since an earlier one).
- :func:`segment_migration`: users by segment last period (rows) and this period (columns).
- :func:`migration_summary`: users who moved up, slipped, stayed or became buyers.
- :func:`spend_by`: users, buyers and revenue by a user column (gender, age band, city tier ...).
- :func:`category_preference`: mean spend share of each category by RFM segment.
- :data:`PERSONA_FEATURES`: the behavioural features personas cluster on, with their high and low names.
- :class:`Personas`: k-means personas on scaled behavioural features, k by silhouette.
- :func:`persona_matrix`: the feature matrix personas cluster on, from :func:`user_features`.
- :func:`user_tags`: the long tag table (one row per user and tag) for campaign targeting.
- :func:`tag_coverage`: users and share of users holding each tag.
- :data:`TAG_GROUPS`: the tag groups (demographic, behaviour, value, preference).
- :func:`association_rules`: basket affinities (support, confidence, lift, leverage, conviction) in the engine.
- :func:`basket_lines`: the baskets (``basket, item``) of paid orders in the window ending with a period.

Words and charts are submodules: :mod:`.text` (findings, titles, table labels, display names), :mod:`.plots`
(charts), :mod:`.metrics` (the metrics.json keys and ``record_headlines(results)``). The names the package had
for them before (``profiling.findings``, ``profiling.plot_segments`` ...) still work, from :mod:`.report`, with
a DeprecationWarning, as does the positional period of the older call shape (``user_features(shop, "2026-10")``).
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
