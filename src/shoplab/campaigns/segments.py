"""Who responded: lift by segment, the pull-forward check and the new buyers a campaign brought.

Segments are fixed *before* the campaign starts (so they cannot be moved by it):

* **RFM segment**: from paid orders in the 365 days before ``start_ts``: R high = last order within 90 days,
  F high = 2 or more orders, M high = spend at or above the median of those buyers; the usual eight Chinese
  labels (重要价值客户 ...), and 未购买 for users without an order in that year.
* **tier** (``members.tier``, 非会员 for non-members), **platform** (``users.platform``), **new vs returning**
  (returning = any paid order before ``start_ts``).
"""

from __future__ import annotations

import math

import pandas as pd

from ..data import Shop
from . import stats as st
from ._util import paid, table, ts

__all__ = ["user_segments", "lift_by_segment", "post_window_effect", "new_buyers", "RFM_LABELS"]

RFM_LABELS = {
    (1, 1, 1): "重要价值客户",
    (0, 1, 1): "重要保持客户",
    (1, 0, 1): "重要发展客户",
    (0, 0, 1): "重要挽留客户",
    (1, 1, 0): "一般价值客户",
    (0, 1, 0): "一般保持客户",
    (1, 0, 0): "一般发展客户",
    (0, 0, 0): "一般挽留客户",
}


def user_segments(shop: Shop, user_ids, *, start_ts) -> pd.DataFrame:
    """Segments of the given users as of ``start_ts``: ``rfm_segment``, ``tier``, ``platform``, ``customer``.

    Aggregates run in the engine; only one row per user comes back.
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
    df.loc[~buyer, "rfm_segment"] = "未购买"
    df["customer"] = (df["ever"].fillna(0) > 0).map({True: "returning", False: "new"})
    if shop.has("members"):
        mem = shop.members
        mem = mem.filter(mem.joined_ts < ts(start)).select("user_id", "tier").execute()
        df = df.merge(mem, on="user_id", how="left")
        df["tier"] = df["tier"].fillna("非会员")
    else:
        df["tier"] = "unknown"
    if shop.has("users") and "platform" in shop.users.columns:
        df = df.merge(shop.users.select("user_id", "platform").execute(), on="user_id", how="left")
        df["platform"] = df["platform"].fillna("unknown")
    else:
        df["platform"] = "unknown"
    return df[["user_id", "rfm_segment", "tier", "platform", "customer"]]


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


def post_window_effect(
    orders, assignments, *, campaign_id: str, end_ts, post_days: int = 14, confidence: float = 0.95
) -> dict:
    """Pull-forward check: revenue per assigned user in the ``post_days`` after the campaign, treatment minus
    control. A negative lift means the campaign moved purchases forward rather than creating them."""
    from .effect import assigned_outcomes

    start = pd.Timestamp(end_ts) + pd.Timedelta(seconds=1)
    out = assigned_outcomes(orders, assignments, campaign_id=campaign_id, start_ts=start,
                            end_ts=start + pd.Timedelta(days=post_days) - pd.Timedelta(seconds=1))  # fmt: skip
    t, c = out[out.group == "treatment"], out[out.group == "control"]
    if min(len(t), len(c)) < 2:
        return dict(
            abs_lift=math.nan, ci_low=math.nan, ci_high=math.nan, p_value=math.nan, post_days=post_days
        )
    r = st.welch(t.revenue, c.revenue, confidence=confidence)
    return {k: r[k] for k in ("treatment", "control", "abs_lift", "ci_low", "ci_high", "p_value")} | dict(
        post_days=post_days
    )


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
