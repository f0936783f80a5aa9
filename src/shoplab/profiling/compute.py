"""The profiling report in one call: :func:`compute_report` computes every table the report shows and returns
one :class:`ProfilingResults`; the notebook and the tests then turn it into words (:mod:`.text`), charts
(:mod:`.plots`) and metrics.json entries (:func:`shoplab.profiling.metrics.record_headlines`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..data import Shop, connect
from ..periods import Period
from . import summaries as S
from .baskets import association_rules, basket_lines
from .features import user_features
from .personas import Personas, persona_matrix
from .rfm import (
    pareto_curve,
    rfm_scores,
    rfm_segments,
    segment_migration,
    segment_summary,
    segments_at,
    value_tiers,
)
from .tags import tag_coverage, user_tags

__all__ = ["ProfilingResults", "compute_report"]


@dataclass
class ProfilingResults:
    """Every result of the profiling report for one period (tables as pandas; None: not computable from the
    data, e.g. personas without events, rules without order_items)."""

    period: str
    previous_period: str
    window_months: int
    features: pd.DataFrame
    scores: pd.DataFrame
    summary: pd.DataFrame
    tiers: pd.DataFrame
    tier_table: pd.DataFrame
    pareto: pd.DataFrame
    figures: dict
    #: users the personas could cluster (visited or ordered in the window); None without events
    n_persona_users: int | None
    personas: Personas | None
    persona_table: pd.DataFrame | None
    persona_vs_segment: pd.DataFrame | None
    silhouette: float | None
    previous: pd.DataFrame
    migration: pd.DataFrame
    migration_counts: dict
    rules: pd.DataFrame | None
    preference: pd.DataFrame
    tags: pd.DataFrame
    coverage: pd.DataFrame
    user_lists: pd.DataFrame
    #: :func:`spend_by` tables by breakdown column (the breakdowns the features have)
    spend: dict[str, pd.DataFrame] = field(default_factory=dict)
    headlines: dict = field(default_factory=dict)

    @property
    def has_personas(self) -> bool:
        return self.personas is not None

    @property
    def has_baskets(self) -> bool:
        return self.rules is not None


def _within_data(shop: Shop, p: Period) -> Period:
    """``p``, or for a quarter, a year or a range that runs past the orders' last day, its days up to that day
    (profiles are as of the data's end, not of empty months after it). A month is always itself."""
    if p.is_month:
        return p
    last = pd.Timestamp(shop.period_bounds("orders")[1]).date()
    return Period.days_between(p.first, last) if p.first <= last < p.last else p


def compute_report(
    shop: Shop | str,
    *,
    period: Period | str,
    window_months: int = 12,
    rfm_bins: int = 5,
    new_days: int = 30,
    dormant_days: int = 90,
    high_value_quantile: float = 0.8,
    k_min: int = 3,
    k_max: int = 8,
    random_state: int = 0,
    basket_by: str = "user",
    basket_level: str = "category",
    min_support: float = 0.02,
    min_lift: float = 1.1,
    breakdowns: list[str] | tuple[str, ...] = ("gender", "age_band", "city_tier"),
    top_users: int = 20,
    pseudonymise: bool = True,
) -> ProfilingResults:
    """Everything the profiling report shows, as of the end of ``period`` (the notebook's parameters, same
    names and defaults)."""
    shop = connect(shop) if not isinstance(shop, Shop) else shop
    shop.require("orders")
    p = Period.parse(period)
    label, prev = p.label, p.previous().label
    asof = _within_data(shop, p)
    features = user_features(shop, period=asof, window_months=window_months)
    scores = rfm_segments(rfm_scores(features, bins=rfm_bins), bins=rfm_bins)
    summary = segment_summary(scores)
    tiers = value_tiers(
        features, new_days=new_days, dormant_days=dormant_days, high_value_quantile=high_value_quantile
    )
    tier_table = S.tier_summary(tiers, features)
    pareto = pareto_curve(features.monetary[features.monetary > 0])

    persona_X = persona_matrix(features, window_days=30.4 * window_months) if shop.has("events") else None
    personas = persona_table = persona_vs_segment = silhouette = None
    if persona_X is not None and len(persona_X) > k_max:  # k-means needs more users than clusters
        personas = Personas(k_range=(k_min, k_max), random_state=random_state).fit(persona_X)
        persona_table = personas.describe(features)
        persona_vs_segment = personas.compare(scores)
        silhouette = personas.silhouettes_.max()
    previous = segments_at(shop, period=prev, bins=rfm_bins, window_months=window_months)
    migration = segment_migration(previous, scores)
    rules = None
    if shop.has("order_items"):
        lines = basket_lines(shop, period=asof, window_months=window_months, level=basket_level, by=basket_by)
        rules = association_rules(lines, min_support=min_support, min_lift=min_lift)
    tags = user_tags(features, segments=scores, tiers=tiers)
    return ProfilingResults(
        period=label,
        previous_period=prev,
        window_months=window_months,
        features=features,
        scores=scores,
        summary=summary,
        tiers=tiers,
        tier_table=tier_table,
        pareto=pareto,
        figures=S.concentration(features),
        n_persona_users=None if persona_X is None else len(persona_X),
        personas=personas,
        persona_table=persona_table,
        persona_vs_segment=persona_vs_segment,
        silhouette=silhouette,
        previous=previous,
        migration=migration,
        migration_counts=S.migration_summary(migration),
        rules=rules,
        preference=S.category_preference(features, scores),
        tags=tags,
        coverage=tag_coverage(tags, n_users=len(features)),
        user_lists=S.user_lists(scores, top=top_users, pseudonymise=pseudonymise),
        spend={c: S.spend_by(features, c) for c in breakdowns if c in features.columns},
        headlines=S.headline_numbers(features, scores, personas.k_ if personas is not None else None),
    )
