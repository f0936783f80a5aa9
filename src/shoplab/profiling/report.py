"""Compatibility: the names ``shoplab.profiling.report`` had before the report was split into compute
(:mod:`.summaries`, :mod:`.compute`), words (:mod:`.text`, :mod:`.names`) and charts (:mod:`.plots`).

Names are re-exported by assignment; the functions whose call shape changed (they took the raw tables and
computed inside) keep their old shape here and hand the numbers to the new ones. New code calls
:func:`~shoplab.profiling.compute_report` and the ``text`` / ``plots`` modules.
"""

from __future__ import annotations

import pandas as pd

from .. import labels
from . import names as _names
from . import plots as _plots
from . import summaries as _summaries
from . import text as _text
from .rfm import SEGMENTS, TIERS
from .tags import TAG_GROUPS

__all__ = [
    "spend_by",
    "category_preference",
    "tier_summary",
    "findings",
    "record_headlines",
    "segments_title",
    "pareto_title",
    "migration_summary",
    "segment_name",
    "segment_action",
    "tier_name",
    "tag_name",
    "tag_group_name",
    "persona_name",
    "persona_traits",
    "breakdown_name",
    "key_numbers",
    "format_segments",
    "format_tiers",
    "format_personas",
    "format_persona_segments",
    "format_rules",
    "styled",
    "persona_fit_note",
    "SEGMENT_NAMES_ZH",
    "TIER_NAMES_ZH",
    "PERSONA_FEATURES_ZH",
    *_plots.__all__,
]

# -- display names (from the glossary) ---------------------------------------------------------------
NOT_A_BUYER = _names.NOT_A_BUYER
SEGMENT_NAMES_ZH: dict[str, str] = {
    s: labels.name(f"rfm_segment.{s}", "zh") for s in [*SEGMENTS, NOT_A_BUYER]
}
SEGMENT_ACTIONS_ZH: dict[str, str] = {s: labels.name(f"rfm_segment_action.{s}", "zh") for s in SEGMENTS}
TIER_NAMES_ZH: dict[str, str] = {t: labels.name(f"value_tier.{t}", "zh") for t in TIERS}
TAG_GROUP_NAMES_ZH: dict[str, str] = {g: labels.name(f"tag_group.{g}", "zh") for g in TAG_GROUPS}
PLATFORM_NAMES_ZH: dict[str, str] = labels.names("platform", "zh")
PERSONA_FEATURES_ZH: dict[str, tuple[str, str, str]] = {
    f: tuple(labels.name(f"{ns}.{f}", "zh") for ns in ("persona_high", "persona_low", "persona_feature"))
    for f in labels.names("persona_feature", "zh")
}

segment_name = _names.segment_name
segment_action = _names.segment_action
tier_name = _names.tier_name
tag_name = _names.tag_name
tag_group_name = _names.tag_group_name
breakdown_name = _names.breakdown_name
persona_name = _names.persona_name
persona_traits = _names.persona_traits

# -- compute -----------------------------------------------------------------------------------------
spend_by = _summaries.spend_by
category_preference = _summaries.category_preference
tier_summary = _summaries.tier_summary
migration_summary = _summaries.migration_summary

# -- words and charts whose shape did not change -----------------------------------------------------
styled = _text.styled
format_segments = _text.format_segments
format_tiers = _text.format_tiers
format_rules = _text.format_rules
persona_fit_note = _text.persona_fit_note
segments_title = _text.segments_title
pareto_title = _text.pareto_title
plot_segments = _plots.plot_segments
plot_pareto = _plots.plot_pareto
plot_spend_by = _plots.plot_spend_by
plot_category_heatmap = _plots.plot_category_heatmap
plot_migration = _plots.plot_migration
plot_rules = _plots.plot_rules
plot_tag_coverage = _plots.plot_tag_coverage


# -- the old call shapes -----------------------------------------------------------------------------
def _names_of(describe: pd.DataFrame, lang: str | None) -> dict[int, str]:
    return {p: persona_name(n, lang) for p, n in zip(describe.persona, describe.name, strict=True)}


def key_numbers(
    features: pd.DataFrame, *, window_months: int = 12, period: str | None = None, lang: str | None = None
) -> pd.DataFrame:
    """The key numbers of a feature table (:func:`.text.key_numbers` of :func:`.summaries.concentration`)."""
    figures = _summaries.concentration(features)
    return _text.key_numbers(figures, window_months=window_months, period=period, lang=lang)


def findings(
    features: pd.DataFrame,
    summary: pd.DataFrame,
    tiers: pd.DataFrame | None = None,
    personas: pd.DataFrame | None = None,
    rules: pd.DataFrame | None = None,
    migration: pd.DataFrame | None = None,
    *,
    window_months: int = 12,
    silhouette: float | None = None,
    max_findings: int = 6,
    lang: str | None = None,
):
    """The findings from the result tables (:func:`.text.findings` takes a ``ProfilingResults``)."""
    tier_table = None
    if tiers is not None and len(tiers) and "monetary" in features.columns:
        tier_table = _summaries.tier_summary(tiers, features)
    return _text.findings_from(
        _summaries.concentration(features),
        summary,
        tier_table,
        personas,
        _names_of(personas, lang) if personas is not None else {},
        rules,
        _summaries.migration_summary(migration) if migration is not None and len(migration) else None,
        window_months=window_months,
        silhouette=silhouette,
        max_findings=max_findings,
        lang=lang,
    )


def record_headlines(
    features: pd.DataFrame, segments: pd.DataFrame, n_personas: int | None, *, window_months: int = 12
) -> dict[str, float]:
    """Record the profiling keys from the tables (:func:`shoplab.profiling.metrics.record_headlines` takes a
    ``ProfilingResults``)."""
    from .metrics import _record

    return _record(_summaries.headline_numbers(features, segments, n_personas), window_months=window_months)


def plot_tiers(tiers: pd.DataFrame, features: pd.DataFrame, **kw):
    """:func:`.plots.plot_tiers` of :func:`tier_summary`."""
    return _plots.plot_tiers(_summaries.tier_summary(tiers, features), **kw)


def plot_personas(describe: pd.DataFrame, **kw):
    """:func:`.plots.plot_personas` with the names read from the table."""
    return _plots.plot_personas(describe, _names_of(describe, kw.get("lang")), **kw)


def format_personas(describe: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """:func:`.text.format_personas` with names and traits read from the table."""
    traits = {
        p: persona_traits(x, lang) for p, x in zip(describe.persona, describe.distinguishing, strict=True)
    }
    return _text.format_personas(describe, _names_of(describe, lang), traits, lang=lang)


def format_persona_segments(table: pd.DataFrame, *, lang: str | None = None):
    """:func:`.text.format_persona_segments` with the names read from the table's rows."""
    names = {}
    for row in table.index:
        n, _, name = str(row).partition(": ")
        names[int(n)] = persona_name(name, lang)
    return _text.format_persona_segments(table, names, lang=lang)
