"""RFM scores, the standard named segments, segment summaries and operations value tiers.

Scoring (in the engine, portable window functions only): among the scored users, a value's score is
``1 + floor(bins * rank / n)`` where ``rank`` is the number of users with a strictly worse value (the
``min`` rank, 0-based) and ``n`` the number of users. Equal values always get equal scores, whatever the row
order (ties are deterministic), and the scores are the quantile bins of the ranking. Recency is scored so that
the most recent buyers get the highest R.

Segments follow an ordered rule table on R and FM = round-half-up((F + M) / 2) (first match wins; the table
covers every (R, FM) cell, so every scored user gets exactly one segment):

In rule order:

======================  ======  =======  =========================================
segment                 R       FM       cells it ends up with (R/FM)
======================  ======  =======  =========================================
Champions               4-5     4-5      R4-5 FM4-5
Can't Lose Them         1       4-5      R1 FM4-5
At Risk                 1-2     3-5      R2 FM3-5, R1 FM3
Loyal Customers         3-5     3-5      R3 FM3-5, R4-5 FM3
New Customers           5       1        R5 FM1
Promising               4       1        R4 FM1
Potential Loyalist      4-5     2-3      R4-5 FM2
Need Attention          3       2-3      R3 FM2
About To Sleep          3       1        R3 FM1
Hibernating             2       1-2      R2 FM1-2
Lost                    1       1-2      R1 FM1-2
======================  ======  =======  =========================================

With ``bins`` other than 5, scores are mapped onto 1..5 first (``ceil(score * 5 / bins)``).
"""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd

from .. import labels
from ..callshape import keyword_only
from ..data import require_columns
from ..orders import is_paid, net_amount

__all__ = [
    "SEGMENT_RULES",
    "SEGMENT_ACTIONS",
    "SEGMENTS",
    "rfm_scores",
    "segment_of",
    "rfm_segments",
    "segment_summary",
    "value_tiers",
    "TIERS",
    "pareto_curve",
    "segment_migration",
    "top_share",
    "segments_at",
]

# (segment, R low, R high, FM low, FM high): ordered, first match wins
SEGMENT_RULES: list[tuple[str, int, int, int, int]] = [
    ("Champions", 4, 5, 4, 5),
    ("Can't Lose Them", 1, 1, 4, 5),
    ("At Risk", 1, 2, 3, 5),
    ("Loyal Customers", 3, 5, 3, 5),
    ("New Customers", 5, 5, 1, 1),
    ("Promising", 4, 4, 1, 1),
    ("Potential Loyalist", 4, 5, 2, 3),
    ("Need Attention", 3, 3, 2, 3),
    ("About To Sleep", 3, 3, 1, 1),
    ("Hibernating", 2, 2, 1, 2),
    ("Lost", 1, 1, 1, 2),
]

SEGMENTS = [
    "Champions",
    "Loyal Customers",
    "Potential Loyalist",
    "New Customers",
    "Promising",
    "Need Attention",
    "About To Sleep",
    "At Risk",
    "Can't Lose Them",
    "Hibernating",
    "Lost",
]

#: segment -> the recommended action, in English (the glossary's rfm_segment_action.*)
SEGMENT_ACTIONS: dict[str, str] = {s: labels.name(f"rfm_segment_action.{s}", "en") for s in SEGMENTS}


def _score(col, bins: int, n) -> ibis.Value:
    """1 + floor(bins * (min rank) / n) over the whole table, higher value -> higher score."""
    rank = ibis.rank().over(ibis.window(order_by=col))
    return (1 + (rank * bins / n).floor()).cast("int64")


def rfm_scores(
    data,
    *,
    bins: int = 5,
    user_col: str = "user_id",
    recency_col: str = "recency_days",
    frequency_col: str = "frequency",
    monetary_col: str = "monetary",
) -> pd.DataFrame:
    """R, F and M scores 1..``bins`` by quantiles of the ranking, computed in the engine.

    Only users with a recency (users who ever paid) are scored. Lower recency is better.

    Parameters
    ----------
    data
        Ibis table or pandas DataFrame with one row per user (e.g. :func:`user_features`).
    bins
        Number of score levels (5 gives the usual 1..5 scores).

    Returns
    -------
    pandas.DataFrame
        ``user_id, recency_days, frequency, monetary, r, f, m, rfm`` (``rfm`` the three digits as text),
        sorted by user.
    """
    t = require_columns(
        data,
        "user features",
        [user_col, recency_col, frequency_col, monetary_col],
        what="user features (rfm_scores)",
    )
    if bins < 2:
        raise ValueError(f"bins must be at least 2, got {bins}")
    t = t.filter(t[recency_col].notnull())
    t = t.select(
        user_id=t[user_col],
        recency_days=t[recency_col].cast("float64"),
        frequency=t[frequency_col].cast("float64").fill_null(0),
        monetary=t[monetary_col].cast("float64").fill_null(0),
    )
    n = t.count().as_scalar()
    t = t.mutate(
        r=_score(-t.recency_days, bins, n),
        f=_score(t.frequency, bins, n),
        m=_score(t.monetary, bins, n),
    )
    df = t.execute()
    df = df.rename(columns={"user_id": user_col}).sort_values(user_col, kind="stable").reset_index(drop=True)
    for c in ("r", "f", "m"):
        df[c] = df[c].astype("int64")
    df["frequency"] = df["frequency"].astype("int64")
    df["rfm"] = df.r.astype(str) + df.f.astype(str) + df.m.astype(str)
    return df


def _to5(score: np.ndarray, bins: int) -> np.ndarray:
    """Map scores on 1..bins onto 1..5 (identity for bins=5)."""
    return np.ceil(np.asarray(score, dtype="float64") * 5 / bins).astype("int64")


def segment_of(r: int, f: int, m: int, *, bins: int = 5) -> str:
    """The named segment of one user's scores (rule table :data:`SEGMENT_RULES`, first match)."""
    r5, f5, m5 = (int(_to5(np.array([x]), bins)[0]) for x in (r, f, m))
    fm = (f5 + m5 + 1) // 2
    for name, rlo, rhi, flo, fhi in SEGMENT_RULES:
        if rlo <= r5 <= rhi and flo <= fm <= fhi:
            return name
    raise AssertionError(f"no segment rule matches R={r5} FM={fm}")  # pragma: no cover - table is total


def rfm_segments(scores: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """Add ``fm`` and ``segment`` (the named RFM segment) to a table from :func:`rfm_scores`."""
    require_columns(scores, "rfm scores", ["r", "f", "m"], what="rfm scores (rfm_segments)")
    out = scores.copy()
    r5, f5, m5 = (_to5(out[c].to_numpy(), bins) for c in ("r", "f", "m"))
    fm = (f5 + m5 + 1) // 2
    seg = np.full(len(out), None, dtype=object)
    for name, rlo, rhi, flo, fhi in reversed(SEGMENT_RULES):  # earlier rules overwrite later ones
        hit = (r5 >= rlo) & (r5 <= rhi) & (fm >= flo) & (fm <= fhi)
        seg[hit] = name
    out["fm"] = fm
    out["segment"] = pd.Categorical(seg, categories=SEGMENTS, ordered=True)
    return out


def segment_summary(
    segments: pd.DataFrame,
    *,
    segment_col: str = "segment",
    monetary_col: str = "monetary",
    frequency_col: str = "frequency",
) -> pd.DataFrame:
    """Size, user share, revenue, revenue share, AOV and the recommended action of each segment.

    Every segment of :data:`SEGMENTS` gets a row (zeros when empty); AOV is revenue / orders.
    """
    require_columns(
        segments, "segments", [segment_col, monetary_col, frequency_col], what="segments (segment_summary)"
    )
    g = segments.groupby(segments[segment_col].astype(str), observed=True)
    s = pd.DataFrame({"users": g.size(), "revenue": g[monetary_col].sum(), "orders": g[frequency_col].sum()})
    order = SEGMENTS if set(s.index) <= set(SEGMENTS) else sorted(s.index)
    s = s.reindex(order).fillna(0)
    s["users"] = s["users"].astype("int64")
    s["orders"] = s["orders"].astype("int64")
    s["user_share"] = s.users / max(s.users.sum(), 1)
    total = s.revenue.sum()
    s["revenue_share"] = s.revenue / total if total else np.nan
    s["aov"] = s.revenue / s.orders.where(s.orders > 0)
    s["action"] = [SEGMENT_ACTIONS.get(k, "") for k in s.index]
    s.index.name = "segment"
    return s.reset_index()


TIERS = ["high value", "potential", "new", "dormant", "prospect"]


def value_tiers(
    features,
    *,
    new_days: int = 30,
    dormant_days: int = 90,
    high_value_quantile: float = 0.8,
    user_col: str = "user_id",
    recency_col: str = "recency_days",
    first_order_col: str = "first_order_days",
    monetary_col: str = "monetary",
) -> pd.DataFrame:
    """Operations value tiers, by ordered rules (first match wins):

    1. ``new``: first paid order within the last ``new_days`` days;
    2. ``dormant``: has paid before, but not within the last ``dormant_days`` days;
    3. ``high value``: monetary at or above the ``high_value_quantile`` quantile of the active buyers'
       monetary (active buyers: neither new nor dormant);
    4. ``potential``: the other active buyers;
    5. ``prospect``: never paid.

    Returns ``user_id, tier`` (``tier`` categorical in :data:`TIERS` order) and the threshold used in
    ``attrs["high_value_threshold"]``.
    """
    df = (
        features.to_pandas()
        if hasattr(features, "to_pandas") and not isinstance(features, pd.DataFrame)
        else features
    )
    require_columns(
        df,
        "user features",
        [user_col, recency_col, first_order_col, monetary_col],
        what="user features (value_tiers)",
    )
    rec = df[recency_col].to_numpy(dtype="float64")
    first = df[first_order_col].to_numpy(dtype="float64")
    mon = df[monetary_col].to_numpy(dtype="float64")
    new = first < new_days
    dormant = ~new & (rec >= dormant_days)
    active = ~np.isnan(rec) & ~new & ~dormant
    thr = float(np.quantile(mon[active], high_value_quantile)) if active.any() else np.inf
    tier = np.full(len(df), "prospect", dtype=object)
    tier[active] = "potential"
    tier[active & (mon >= thr)] = "high value"
    tier[dormant] = "dormant"
    tier[new] = "new"
    out = pd.DataFrame({user_col: df[user_col].to_numpy(), "tier": pd.Categorical(tier, categories=TIERS)})
    out.attrs["high_value_threshold"] = thr
    return out


def pareto_curve(values, *, points: int = 100) -> pd.DataFrame:
    """Share of revenue from the top x% of users: ``user_share`` (0..1] and ``revenue_share``.

    ``values`` are per-user amounts (users with zero count in the denominator of ``user_share``).
    """
    v = np.sort(np.asarray(values, dtype="float64"))[::-1]
    v = np.nan_to_num(v)
    n = len(v)
    if n == 0 or v.sum() <= 0:
        return pd.DataFrame({"user_share": [], "revenue_share": []})
    cum = np.cumsum(v) / v.sum()
    shares = np.linspace(0, 1, points + 1)[1:]
    k = np.ceil(shares * n).astype(int)
    return pd.DataFrame({"user_share": k / n, "revenue_share": cum[k - 1]})


def top_share(values, frac: float = 0.2) -> float:
    """Share of the total held by the top ``frac`` of users (``ceil(frac * n)`` users)."""
    v = np.sort(np.nan_to_num(np.asarray(values, dtype="float64")))[::-1]
    if len(v) == 0 or v.sum() <= 0:
        return float("nan")
    k = int(np.ceil(frac * len(v)))
    return float(v[:k].sum() / v.sum())


def segment_migration(
    previous: pd.DataFrame, current: pd.DataFrame, *, user_col: str = "user_id", segment_col: str = "segment"
) -> pd.DataFrame:
    """Users by segment last period (rows) and this period (columns).

    Users scored only now appear in row ``(not a buyer)``; users scored only before in column
    ``(not a buyer)`` (they cannot leave the scored set once they paid, so this stays empty unless the
    inputs are filtered).
    """
    require_columns(
        previous, "segments", [user_col, segment_col], what="segments (segment_migration, previous)"
    )
    require_columns(
        current, "segments", [user_col, segment_col], what="segments (segment_migration, current)"
    )
    none = "(not a buyer)"
    a = previous[[user_col, segment_col]].astype({segment_col: str})
    b = current[[user_col, segment_col]].astype({segment_col: str})
    m = a.merge(b, on=user_col, how="outer", suffixes=("_prev", "_now"))
    m = m.fillna({f"{segment_col}_prev": none, f"{segment_col}_now": none})
    tab = pd.crosstab(m[f"{segment_col}_prev"], m[f"{segment_col}_now"])
    labels = [s for s in SEGMENTS if s in set(tab.index) | set(tab.columns)]
    labels += sorted((set(tab.index) | set(tab.columns)) - set(labels) - {none}) + [none]
    tab = tab.reindex(index=labels, columns=labels, fill_value=0)
    tab.index.name, tab.columns.name = "segment last period", "segment this period"
    return tab.astype("int64")


def rfm_inputs(shop, period, *, window_months: int = 12) -> pd.DataFrame:
    """``user_id, recency_days, frequency, monetary`` as of the end of ``period``, from the orders alone.

    The same numbers as those columns of :func:`~shoplab.profiling.user_features` (same user base, paid orders,
    window, rounding), without the behaviour, preference and demographic columns: RFM needs only orders.
    """
    from ..periods import Period

    p = Period.parse(period)
    end, wstart = p.end, p.shift(-(window_months - 1)).start
    o = shop.orders
    o = o.filter(o.ts < end)
    o = o.mutate(net=net_amount(o))
    paid = is_paid(o)
    in_w = o.ts >= wstart
    agg = o.group_by("user_id").aggregate(
        last_order_ts=o.ts.max(where=paid),
        frequency=(paid & in_w).cast("int64").sum(),
        monetary=o.net.sum(where=paid & in_w),
    )
    agg = agg.filter(agg.last_order_ts.notnull())
    if shop.has("users"):  # the user base of user_features: users signed up before the end
        u = shop.users
        if "signup_ts" in u.columns:
            u = u.filter(u.signup_ts.isnull() | (u.signup_ts < end))
        agg = agg.semi_join(u.select("user_id"), "user_id")
    df = agg.to_pyarrow().to_pandas()
    for c in ("frequency", "monetary"):
        if df[c].dtype == object:  # engines may return sums as Decimal
            df[c] = df[c].astype("float64")
    days = (pd.Timestamp(end) - pd.to_datetime(df["last_order_ts"])).dt.total_seconds() / 86400
    return pd.DataFrame(
        {
            "user_id": df["user_id"],
            "recency_days": np.floor(days),
            "frequency": df["frequency"].fillna(0).astype("int64"),
            "monetary": df["monetary"].astype("float64").fillna(0.0).round(2),
        }
    )


@keyword_only("period")
def segments_at(shop, *, period, bins: int = 5, window_months: int = 12) -> pd.DataFrame:
    """RFM scores and segments as of the end of ``period`` (for movement since an earlier period)."""
    f = rfm_inputs(shop, period, window_months=window_months)
    return rfm_segments(rfm_scores(f, bins=bins), bins=bins)
