"""Who responded: lift by segment, the pull-forward check and the new buyers a campaign brought.

Segments are fixed *before* the campaign starts (so they cannot be moved by it):

* **RFM segment**: from paid orders in the 365 days before ``start_ts``: R high = last order within 90 days,
  F high = 2 or more orders, M high = spend at or above the median of those buyers; eight codes that say so
  (``recent_frequent_high`` ... ``lapsed_once_low``, named in the glossary as ``campaign_rfm.*``: this is not
  profiling's 11-segment RFM, so it has its own names), and ``no_order`` for users without an order in that year.
* **tier** held at ``start_ts`` (the latest ``tier_history`` row before it; 非会员 for non-members; without
  ``tier_history``, today's ``members.tier``, which the report notes), **platform** (``users.platform``),
  **new vs returning** (returning = any paid order before ``start_ts``).
"""

from __future__ import annotations

import math

import pandas as pd

from ..data import Shop
from . import stats as st
from ._util import paid, table, tiers_at_start, ts

__all__ = [
    "user_segments", "lift_by_segment", "campaign_segments", "top_segment", "post_window_effect", "new_buyers",
    "RFM_LABELS",
]  # fmt: skip

#: (R high, F high, M high) -> the segment code (its names: ``campaign_rfm.<code>`` in the glossary)
RFM_LABELS = {
    (1, 1, 1): "recent_frequent_high",
    (0, 1, 1): "lapsed_frequent_high",
    (1, 0, 1): "recent_once_high",
    (0, 0, 1): "lapsed_once_high",
    (1, 1, 0): "recent_frequent_low",
    (0, 1, 0): "lapsed_frequent_low",
    (1, 0, 0): "recent_once_low",
    (0, 0, 0): "lapsed_once_low",
}
#: the segment code of users without a paid order in the year before the campaign
NO_ORDER = "no_order"


def user_segments(shop: Shop, user_ids, *, start_ts) -> pd.DataFrame:
    """Segments of the given users as of ``start_ts``: ``rfm_segment``, ``tier``, ``platform``, ``customer``.

    ``tier`` is the tier held at ``start_ts`` (from ``tier_history``; an upgrade during the campaign is an outcome,
    not a segment); without ``tier_history`` it is today's ``members.tier``, and ``attrs["tier_source"]`` is
    ``"members"`` instead of ``"tier_history"`` so that the report can say so (``"none"``: no ``members`` table,
    tier ``unknown``). Aggregates run in the engine; only one row per user comes back.
    """
    ids = pd.DataFrame({"user_id": pd.Series(user_ids).unique()})
    start = pd.Timestamp(start_ts)
    o = paid(shop.orders)
    before = o.filter(o.ts < ts(start))
    year = before.filter(before.ts >= ts(start - pd.Timedelta(days=365)))
    agg = year.group_by("user_id").aggregate(last=year.ts.max(), n=year.count(), spend=year.amount.sum())
    ever = before.group_by("user_id").aggregate(ever=before.count())
    df = ids.merge(agg.execute(), on="user_id", how="left").merge(ever.execute(), on="user_id", how="left")
    buyer = df["n"].fillna(0) > 0
    med = df.loc[buyer, "spend"].median() if buyer.any() else math.nan
    r = ((start - df["last"]).dt.days <= 90).astype(int)
    f = (df["n"] >= 2).astype(int)
    m = (df["spend"] >= med).astype(int)
    df["rfm_segment"] = [RFM_LABELS[k] for k in zip(r, f, m, strict=True)]
    df.loc[~buyer, "rfm_segment"] = NO_ORDER
    df["customer"] = (df["ever"].fillna(0) > 0).map({True: "returning", False: "new"})
    tiers, source = tiers_at_start(shop, ids["user_id"], at=start)
    if source == "none":
        df["tier"] = "unknown"
    else:
        df["tier"] = df["user_id"].map(tiers).fillna("非会员")
    if shop.has("users") and "platform" in shop.users.columns:
        df = df.merge(shop.users.select("user_id", "platform").execute(), on="user_id", how="left")
        df["platform"] = df["platform"].fillna("unknown")
    else:
        df["platform"] = "unknown"
    out = df[["user_id", "rfm_segment", "tier", "platform", "customer"]]
    out.attrs["tier_source"] = source
    return out


def lift_by_segment(
    outcomes: pd.DataFrame, segments: pd.DataFrame, *, by: list[str] | None = None, confidence: float = 0.95,
    min_users: int = 30,
) -> pd.DataFrame:  # fmt: skip
    """Conversion and revenue-per-user lift (treatment minus control) within each segment.

    Segments with fewer than ``min_users`` users in either group are left out (their intervals would say
    nothing). Intervals are not corrected for the number of segments: read them as exploration, not proof.

    Returns
    -------
    pandas.DataFrame
        ``dimension``, ``segment``, ``n_treatment``, ``n_control``, ``conversion_treatment``,
        ``conversion_control``, ``lift_conversion`` (+ ``_ci_low``/``_ci_high``), ``lift_revenue_per_user``
        (+ ``_ci_low``/``_ci_high``).
    """
    by = by or ["rfm_segment", "tier", "platform", "customer"]
    missing = [c for c in by if c not in segments]
    if missing:
        raise ValueError(
            f"segments lack column(s) {', '.join(missing)}; present: {', '.join(segments.columns)}"
        )
    df = outcomes.merge(segments, on="user_id", how="left")
    rows = []
    for dim in by:
        for seg, g in df.groupby(dim, dropna=False, sort=True):
            t, c = g[g.group == "treatment"], g[g.group == "control"]
            if min(len(t), len(c)) < min_users:
                continue
            conv = st.two_proportion(int(t.converted.sum()), len(t), int(c.converted.sum()), len(c),
                                     confidence=confidence)  # fmt: skip
            rev = st.welch(t.revenue, c.revenue, confidence=confidence)
            rows.append(
                dict(dimension=dim, segment=seg, n_treatment=len(t), n_control=len(c),
                     conversion_treatment=conv["treatment"], conversion_control=conv["control"],
                     lift_conversion=conv["abs_lift"], lift_conversion_ci_low=conv["ci_low"],
                     lift_conversion_ci_high=conv["ci_high"], lift_revenue_per_user=rev["abs_lift"],
                     lift_revenue_per_user_ci_low=rev["ci_low"], lift_revenue_per_user_ci_high=rev["ci_high"])
            )  # fmt: skip
    return pd.DataFrame(rows)


def campaign_segments(
    seg: pd.DataFrame, campaign_id: str | None = None, dimension: str | None = None
) -> pd.DataFrame:
    """The rows of a :func:`lift_by_segment` / :func:`~shoplab.campaigns.compute.segment_report` table for one
    campaign (``campaign_id``, default the last in the table) and, if given, one ``dimension``."""
    if "campaign_id" in seg and len(seg):
        seg = seg[seg["campaign_id"] == (campaign_id or seg["campaign_id"].iloc[-1])]
    if dimension is not None and len(seg):
        seg = seg[seg["dimension"] == dimension]
    return seg


def top_segment(
    seg: pd.DataFrame | None, campaign_id: str | None = None, dimension: str | None = None
) -> pd.Series | None:
    """The segment with the largest conversion lift among :func:`campaign_segments` (its row), None if none."""
    s = campaign_segments(seg, campaign_id, dimension) if seg is not None else None
    if s is None or s.empty:
        return None
    return s.loc[s["lift_conversion"].idxmax()]


def post_window_effect(
    orders, assignments, *, campaign_id: str, start_ts, end_ts, post_days: int = 14, pre_days: int = 28,
    cuped: bool = True, confidence: float = 0.95, outcomes: pd.DataFrame | None = None,
) -> dict:  # fmt: skip
    """Pull-forward check: revenue per assigned user in the ``post_days`` after the campaign, treatment minus
    control, and the cumulative lift over the campaign window and those days together.

    A negative post-window lift means the campaign moved purchases forward rather than creating them. With
    ``cuped`` (as for the in-window revenue lift), every lift is adjusted by each user's paid spend in the
    ``pre_days`` before ``start_ts`` (:func:`~shoplab.campaigns.stats.cuped_adjust`, Welch interval), so the
    post-window interval is as narrow as the data allow. A post-window interval that includes zero is not
    evidence of no pull-forward: ``max_dip`` is the largest dip per assigned user it cannot rule out
    (``-ci_low``, 0 when the interval is above zero) and ``max_dip_share`` that dip as a share of the in-window
    lift (NaN when the in-window lift is not positive). Because the same covariate adjusts each window, the
    cumulative lift is exactly the in-window lift plus the post-window lift. ``outcomes`` is the campaign's
    in-window :func:`~shoplab.campaigns.effect.assigned_outcomes` table when the caller has it already (an
    :class:`~shoplab.campaigns.evaluate.Evaluation` keeps them), so it is not queried again.

    Returns
    -------
    dict
        ``treatment``, ``control`` (raw post-window means), ``abs_lift``, ``ci_low``, ``ci_high``, ``p_value``
        (post window), ``window_lift`` (+ ``_ci_low``/``_ci_high``), ``cumulative_lift`` (+ ``_ci_low``/
        ``_ci_high``, ``cumulative_p_value``), ``max_dip``, ``max_dip_share``, ``cuped``,
        ``variance_reduction`` (of the post window), ``post_days``, ``pre_days``.
    """
    from .effect import assigned_outcomes

    keys = ("treatment", "control", "abs_lift", "ci_low", "ci_high", "p_value", "window_lift", "window_ci_low",
            "window_ci_high", "cumulative_lift", "cumulative_ci_low", "cumulative_ci_high", "cumulative_p_value",
            "max_dip", "max_dip_share", "variance_reduction")  # fmt: skip
    res: dict = dict.fromkeys(keys, math.nan) | dict(cuped=cuped, post_days=post_days, pre_days=pre_days)
    win = outcomes
    if win is None:
        win = assigned_outcomes(orders, assignments, campaign_id=campaign_id, start_ts=start_ts, end_ts=end_ts,
                                pre_days=pre_days)  # fmt: skip
    post_start = pd.Timestamp(end_ts) + pd.Timedelta(seconds=1)
    post = assigned_outcomes(orders, assignments, campaign_id=campaign_id, start_ts=post_start,
                             end_ts=post_start + pd.Timedelta(days=post_days) - pd.Timedelta(seconds=1),
                             pre_days=0)  # fmt: skip
    df = win[["user_id", "group", "revenue", "pre_revenue"]].merge(
        post[["user_id", "revenue"]].rename(columns={"revenue": "post_revenue"}), on="user_id", how="left"
    )
    is_t = (df["group"] == "treatment").to_numpy()
    if min(is_t.sum(), (~is_t).sum()) < 2:
        return res
    x = df["pre_revenue"].to_numpy(float)
    y_win, y_post = df["revenue"].to_numpy(float), df["post_revenue"].fillna(0.0).to_numpy(float)

    def lift(y):
        red = math.nan
        if cuped:
            y, _, red = st.cuped_adjust(y, x)
        return st.welch(y[is_t], y[~is_t], confidence=confidence), red

    p, red = lift(y_post)
    w, _ = lift(y_win)
    c, _ = lift(y_win + y_post)
    max_dip = max(0.0, -p["ci_low"])
    res |= dict(
        treatment=float(y_post[is_t].mean()), control=float(y_post[~is_t].mean()), abs_lift=p["abs_lift"],
        ci_low=p["ci_low"], ci_high=p["ci_high"], p_value=p["p_value"], window_lift=w["abs_lift"],
        window_ci_low=w["ci_low"], window_ci_high=w["ci_high"], cumulative_lift=c["abs_lift"],
        cumulative_ci_low=c["ci_low"], cumulative_ci_high=c["ci_high"], cumulative_p_value=c["p_value"],
        max_dip=max_dip, max_dip_share=max_dip / w["abs_lift"] if w["abs_lift"] > 0 else math.nan,
        variance_reduction=red,
    )  # fmt: skip
    return res


def new_buyers(orders, *, campaign_id: str, start_ts, end_ts, retention_days: int = 30) -> pd.DataFrame:
    """First-time buyers in the window, split into those whose first order carries the campaign
    (``orders.campaign_id``) and organic ones, with the share who bought again within ``retention_days``.

    Returns one row per kind (``campaign``, ``organic``): ``new_buyers``, ``retained``, ``retention``.
    """
    o = paid(table(orders, "orders", ["user_id", "ts", "campaign_id"]))
    first = o.group_by("user_id").aggregate(first_ts=o.ts.min())
    firsts = o.join(first, (o.user_id == first.user_id) & (o.ts == first.first_ts)).select(
        "user_id", "first_ts", via=(o.campaign_id.cast("string") == str(campaign_id)).fill_null(False)
    )
    firsts = firsts.group_by("user_id").aggregate(first_ts=firsts.first_ts.min(), via=firsts.via.max())
    firsts = firsts.filter((firsts.first_ts >= ts(start_ts)) & (firsts.first_ts <= ts(end_ts)))
    later = o.join(firsts, "user_id").filter(
        lambda t: (t.ts > t.first_ts) & (t.ts <= t.first_ts + pd.Timedelta(days=retention_days))
    )
    back = later.select("user_id").distinct().mutate(back=1)
    j = firsts.left_join(back, "user_id")
    g = j.group_by("via").aggregate(new_buyers=j.count(), retained=j.back.fill_null(0).sum()).execute()
    g["kind"] = g["via"].map({True: "campaign", False: "organic"})
    out = pd.DataFrame({"kind": ["campaign", "organic"]}).merge(g.drop(columns="via"), on="kind", how="left")
    out[["new_buyers", "retained"]] = out[["new_buyers", "retained"]].fillna(0).astype("int64")
    out["retention"] = out["retained"] / out["new_buyers"].where(out["new_buyers"] > 0)
    out["retention_days"] = retention_days
    return out
