"""Summaries of the profiling results: breakdowns, tier and migration counts, concentration, and the rows the
report's findings and titles point to. Numbers only (no sentences); the wording is :mod:`.text`'s."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..data import require_columns
from .features import AGE_BANDS
from .rfm import SEGMENTS, TIERS, top_share

__all__ = [
    "UNKNOWN",
    "WELL_SEPARATED",
    "OVERLAPPING",
    "SMALL_BUYERS",
    "separation",
    "personas_overlap",
    "small_buyer_sample",
    "spend_by",
    "category_preference",
    "tier_summary",
    "migration_summary",
    "concentration",
    "headline_numbers",
    "top_segment",
    "slipping_segments",
    "high_value_tier",
    "top_persona",
    "largest_persona",
    "top_spender",
    "category_leaders",
    "pareto_point",
    "top_pairs",
    "top_tags",
    "RISK_SEGMENTS",
    "most_valuable_persona",
    "silhouette_fit",
    "user_lists",
]

#: the value a breakdown shows for users without one
UNKNOWN = "(unknown)"

#: once-valuable segments slipping away (the findings' win-back sentence)
RISK_SEGMENTS = ["At Risk", "Can't Lose Them"]


def spend_by(features: pd.DataFrame, by_col: str, *, monetary_col: str = "monetary") -> pd.DataFrame:
    """Users, buyers, revenue, revenue per user and revenue share by a column (gender, age_band, city_tier ...).

    Missing values are grouped as ``(unknown)``.
    """
    require_columns(features, "user features", [by_col, monetary_col], what="user features (spend_by)")
    key = features[by_col].astype("string").fillna(UNKNOWN)
    m = features[monetary_col].fillna(0)
    g = m.groupby(key)
    out = pd.DataFrame({"users": g.size(), "buyers": (m > 0).groupby(key).sum(), "revenue": g.sum()})
    out["revenue_per_user"] = out.revenue / out.users
    out["revenue_share"] = out.revenue / out.revenue.sum() if out.revenue.sum() else np.nan
    out = out.loc[sorted(out.index, key=_category_rank)]
    out.index.name = by_col
    return out.reset_index()


# city tiers in their natural order (一线 > 新一线 > 二线 > 三线 ...), not the order of their characters
_CITY_TIER_RANK = {
    "一线": 1.0, "新一线": 1.5, "二线": 2.0, "三线": 3.0, "三线及以下": 3.5, "四线": 4.0, "四线及以下": 4.5,
    "五线": 5.0, "五线及以下": 5.5, "六线": 6.0,
}  # fmt: skip


_AGE_BAND_RANK = {label: float(lo) for lo, _hi, label in AGE_BANDS}


def _category_rank(value: str) -> tuple:
    """Sort key of a group label: known city tiers and age bands in their order, then the rest by name,
    ``(unknown)`` last."""
    if value == UNKNOWN:
        return (2, 0.0, value)
    v = str(value).strip()
    if v in _CITY_TIER_RANK:
        return (0, _CITY_TIER_RANK[v], v)
    if v in _AGE_BAND_RANK:  # "<18" before "18-24"
        return (0, _AGE_BAND_RANK[v], v)
    m = re.fullmatch(r"(?i)(?:tier\s*|t)(\d+)", v)  # "tier 1", "Tier 2", "T3"
    if m:
        return (0, float(m.group(1)), v)
    return (1, 0.0, v)


def category_preference(features: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Mean spend share of each category by RFM segment (rows segments, columns categories; buyers with
    spend in the window)."""
    cats = [c for c in features.columns if c.startswith("cat_")]
    if not cats:
        return pd.DataFrame()
    df = features[["user_id", *cats]].merge(segments[["user_id", "segment"]], on="user_id")
    df = df.dropna(subset=cats, how="all")
    tab = df.groupby(df.segment.astype(str))[cats].mean()
    tab = tab.reindex([s for s in SEGMENTS if s in tab.index])
    tab.columns = [c[4:] for c in cats]
    tab.index.name = "segment"
    return tab


def tier_summary(tiers: pd.DataFrame, features: pd.DataFrame) -> pd.DataFrame:
    """Users, user share, revenue and revenue share by value tier (every tier of :data:`TIERS`)."""
    require_columns(tiers, "value tiers", ["user_id", "tier"], what="value tiers (tier_summary)")
    df = tiers.merge(features[["user_id", "monetary"]], on="user_id")
    g = df.groupby("tier", observed=False).agg(users=("user_id", "size"), revenue=("monetary", "sum"))
    g = g.reindex([t for t in TIERS if t in g.index] + [t for t in g.index if t not in TIERS])
    g["users"] = g["users"].fillna(0).astype("int64")
    g["revenue"] = g["revenue"].fillna(0.0)
    g["user_share"] = g.users / max(g.users.sum(), 1)
    total = g.revenue.sum()
    g["revenue_share"] = g.revenue / total if total else np.nan
    g.index = g.index.astype(str)
    g.index.name = "tier"
    return g.reset_index()[["tier", "users", "user_share", "revenue", "revenue_share"]]


def migration_summary(matrix: pd.DataFrame) -> dict[str, int]:
    """Users who moved up, slipped, stayed, or became buyers (rank order of :data:`SEGMENTS`)."""
    rank = {s: i for i, s in enumerate(SEGMENTS)}
    out = {"moved up": 0, "slipped": 0, "stayed": 0, "new buyers": 0}
    for a in matrix.index:
        for b in matrix.columns:
            n = int(matrix.loc[a, b])
            if a not in rank:
                out["new buyers"] += n if b in rank else 0
            elif b in rank:
                key = "stayed" if a == b else ("moved up" if rank[b] < rank[a] else "slipped")
                out[key] += n
    return out


def concentration(features: pd.DataFrame) -> dict[str, float]:
    """Users, buyers (paid in the window), revenue, the buyers' share of users, revenue per buyer and the
    revenue share of the top 20% of buyers (NaN when there is nothing to divide)."""
    n = len(features)
    buyers = int((features.frequency > 0).sum())
    revenue = float(features.monetary.fillna(0).sum())
    return {
        "users": n,
        "buyers": buyers,
        "revenue": revenue,
        "buyer_share": buyers / n if n else np.nan,
        "revenue_per_buyer": revenue / buyers if buyers else np.nan,
        "top20_share": top_share(features.monetary[features.monetary > 0], 0.2),
    }


def headline_numbers(
    features: pd.DataFrame, segments: pd.DataFrame, n_personas: int | None
) -> dict[str, float | int | None]:
    """The numbers :func:`shoplab.profiling.metrics.record_headlines` records, by metrics.json key."""
    c = concentration(features)
    out: dict[str, float | int | None] = {
        "profiling.users": c["users"],
        "profiling.buyers": c["buyers"],
        "profiling.top20_revenue_share": c["top20_share"],
        "profiling.n_personas": n_personas,
    }
    counts = segments.segment.astype(str).value_counts()
    for s in SEGMENTS:
        out[f"profiling.segment.{s}"] = int(counts.get(s, 0))
    return out


def top_segment(summary: pd.DataFrame) -> pd.Series | None:
    """The segment (a row of :func:`segment_summary`) with the largest revenue share; None without revenue."""
    s = summary[summary.users > 0]
    if not len(s) or not s.revenue_share.notna().any():
        return None
    return s.loc[s.revenue_share.idxmax()]


def slipping_segments(summary: pd.DataFrame) -> dict | None:
    """The once-valuable segments slipping away (:data:`RISK_SEGMENTS` present): their codes, buyers and
    revenue share; None when none has buyers."""
    s = summary[summary.users > 0]
    risk = s[s.segment.isin(RISK_SEGMENTS)]
    if not len(risk):
        return None
    present = set(risk.segment)
    return {
        "segments": [x for x in RISK_SEGMENTS if x in present],
        "users": risk.users.sum(),
        "revenue_share": risk.revenue_share.sum(),
    }


def high_value_tier(tier_table: pd.DataFrame) -> dict | None:
    """The high-value tier's users, user share and revenue share, and the dormant users, from
    :func:`tier_summary`; None without high-value users or revenue."""
    t = tier_table.set_index("tier")
    if "high value" not in t.index or not t.loc["high value", "users"] > 0 or not t.revenue.sum() > 0:
        return None
    hv = t.loc["high value"]
    return {
        "users": hv["users"],
        "user_share": hv["user_share"],
        "revenue_share": hv["revenue_share"],
        "dormant": t.loc["dormant", "users"] if "dormant" in t.index else 0,
    }


def top_persona(persona_table: pd.DataFrame) -> pd.Series | None:
    """The persona (a row of :meth:`Personas.describe`) with the largest revenue share; None without revenue."""
    if persona_table is None or not len(persona_table) or not persona_table.revenue_share.notna().any():
        return None
    return persona_table.sort_values("revenue_share", ascending=False).iloc[0]


def largest_persona(persona_table: pd.DataFrame) -> pd.Series:
    """The persona with the largest share of active users."""
    return persona_table.loc[persona_table.user_share.idxmax()]


def top_spender(table: pd.DataFrame, by_col: str) -> pd.Series | None:
    """The group of a :func:`spend_by` table (other than ``(unknown)``) with the most revenue per user."""
    t = table[table[by_col] != UNKNOWN]
    if not len(t):
        return None
    return t.loc[t.revenue_per_user.idxmax()]


def category_leaders(pref: pd.DataFrame) -> tuple[str, int, int]:
    """The category that leads the most segments' spend, how many it leads, and the number of segments."""
    leaders = pref.idxmax(axis=1).value_counts()
    return leaders.index[0], int(leaders.iloc[0]), len(pref)


def pareto_point(curve: pd.DataFrame, user_share: float = 0.2) -> tuple[float, float] | None:
    """The point of a :func:`pareto_curve` nearest ``user_share`` of the buyers: (user share, revenue share)."""
    if curve.empty:
        return None
    i = (curve.user_share - user_share).abs().idxmin()
    return curve.loc[i, "user_share"], curve.loc[i, "revenue_share"]


def top_pairs(rules: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The ``top`` pairs by lift, one rule per pair (the direction with the higher confidence)."""
    pair = [tuple(sorted(x)) for x in zip(rules.antecedent, rules.consequent, strict=True)]
    best = rules.assign(_pair=pair).sort_values(["lift", "confidence"], ascending=False, kind="stable")
    return best.drop_duplicates("_pair").head(top)


def top_tags(
    coverage: pd.DataFrame, *, groups: tuple[str, ...] = ("behaviour", "value", "preference"), top: int = 20
) -> pd.DataFrame:
    """The ``top`` most common tags of ``groups`` (no ``(any)`` rows) from :func:`tag_coverage`."""
    c = coverage[(coverage.tag != "(any)") & coverage.tag_group.astype(str).isin(groups)]
    return c.sort_values("share", ascending=False, kind="stable").head(top)


def most_valuable_persona(persona_table: pd.DataFrame) -> pd.Series | None:
    """The first persona with the largest revenue share (the chart's title); None without revenue."""
    if persona_table.revenue_share.isna().all():
        return None
    return persona_table.loc[persona_table.revenue_share.idxmax()]


def silhouette_fit(silhouettes: pd.Series) -> tuple[int, float, int, int]:
    """The chosen k (best silhouette), its silhouette, and the smallest and largest k tried."""
    return (
        int(silhouettes.idxmax()),
        float(silhouettes.max()),
        int(silhouettes.index.min()),
        int(silhouettes.index.max()),
    )


#: a silhouette at or above this: the personas are well separated
WELL_SEPARATED = 0.5
#: at or above this (and under :data:`WELL_SEPARATED`): they overlap; under it they barely separate
OVERLAPPING = 0.25
#: fewer buyers than this (and at least one): shares are read with care
SMALL_BUYERS = 100


def separation(silhouette: float) -> str:
    """How well the personas separate: ``"well separated"`` (silhouette at least :data:`WELL_SEPARATED`),
    ``"overlap"`` (at least :data:`OVERLAPPING`) or ``"barely"`` (below, or NaN)."""
    if silhouette >= WELL_SEPARATED:
        return "well separated"
    if silhouette >= OVERLAPPING:
        return "overlap"
    return "barely"


def personas_overlap(silhouette: float | None) -> bool:
    """Whether a known silhouette is under :data:`WELL_SEPARATED` (the findings add a caveat; None or NaN: no)."""
    return silhouette is not None and not np.isnan(silhouette) and silhouette < WELL_SEPARATED


def small_buyer_sample(buyers: float) -> bool:
    """Whether there are buyers, but fewer than :data:`SMALL_BUYERS`."""
    return bool(0 < buyers < SMALL_BUYERS)


def user_lists(scores: pd.DataFrame, *, top: int = 20, pseudonymise: bool = True) -> pd.DataFrame:
    """The users to act on first: the ``top`` Champions by spend (list ``reward``) and the ``top`` At Risk and
    Can't Lose Them buyers by spend (list ``win_back``), user ids pseudonymised unless ``pseudonymise`` is off."""
    from ..privacy import pseudonymise_frame

    champions = scores[scores.segment == "Champions"].nlargest(top, "monetary")
    at_risk = scores[scores.segment.isin(RISK_SEGMENTS)].nlargest(top, "monetary")
    lists = pd.concat([champions.assign(list="reward"), at_risk.assign(list="win_back")])
    return pseudonymise_frame(lists, ["user_id"], enabled=pseudonymise)
